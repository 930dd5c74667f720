"""What a client does with a consent document: sign it, decline it, change contact choices."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from consent import status
from consent.models import ContactPreference, Decline, DocumentVersion, Signature
from practice import channels, outbox, sms
from practice.models import OutboundMessage, PracticeSettings, User


class DocumentChanged(Exception):
    """The version the client read is no longer the one to sign (a newer one was published)."""


class AlreadySigned(Exception):
    """The client had already signed this version (a double submit, say)."""


class GuardianRequired(Exception):
    """A client under 18 tried to sign without a parent or guardian."""


class AlreadyDeclined(Exception):
    """The client had already written to us about this version."""


def current_version_of(document_id: int) -> DocumentVersion | None:
    return DocumentVersion.objects.published().filter(document_id=document_id).first()


def record_consent(
    *,
    client: User,
    version: DocumentVersion,
    digest_shown: str,
    typed_name: str,
    guardian_name: str = "",
    guardian_relationship: str = "",
    ip_address: str | None,
    user_agent: str,
    contact_choice: tuple[bool, bool] | None = None,
) -> Signature:
    """Record a signature on the exact text the client was shown, with any contact choices.

    The digest the page showed must be the digest of the current version's text: a client who
    read an older wording is asked to read the new one rather than sign what they did not see.
    """
    current = current_version_of(version.document_id)
    if current is None or current.pk != version.pk or digest_shown != current.digest:
        raise DocumentChanged
    if client.is_minor and not (guardian_name and guardian_relationship):
        raise GuardianRequired
    signature = Signature(
        client=client,
        version=current,
        digest=current.digest,
        terms=current.terms,
        typed_name=typed_name,
        guardian_name=guardian_name,
        guardian_relationship=guardian_relationship,
        ip_address=ip_address,
        user_agent=user_agent[:500],
    )
    try:
        with transaction.atomic():
            signature.save()
            if current.document.is_contact_consent and contact_choice is not None:
                email, sms = contact_choice
                ContactPreference.objects.create(
                    client=client,
                    email=email,
                    sms=sms,
                    source=ContactPreference.Source.SIGNED,
                    signature=signature,
                )
    except IntegrityError as error:
        if "consent_one_signature_per_version" in str(error):
            raise AlreadySigned from error
        raise
    return signature


def decline_document(*, client: User, version: DocumentVersion, message: str) -> Decline:
    """Keep the client's message about a document they will not sign, and tell the practice."""
    try:
        with transaction.atomic():
            decline = Decline.objects.create(client=client, version=version, message=message)
            practice = PracticeSettings.load()
            outbox.schedule_message(
                key=f"consent-decline:{decline.pk}:staff",
                template="consent_declined",
                to=practice.email,
                about=decline,
            )
    except IntegrityError as error:
        if "consent_one_decline_per_version" in str(error):
            raise AlreadyDeclined from error
        raise
    return decline


def change_contact_preference(*, client: User, email: bool, sms: bool) -> ContactPreference:
    """Record new e-mail and text choices; they apply from the next message sent on."""
    return ContactPreference.objects.create(
        client=client, email=email, sms=sms, source=ContactPreference.Source.CHANGED
    )


@sms.record_text_choice_with
def record_text_reply(client: User, texts: bool) -> bool:
    """STOP withdraws texts; START restores them only for a client who agreed to texts before.

    True when the client's choice is now what they asked for. E-mail stays as it was.
    """
    with transaction.atomic():
        # One reply at a time per client, so two STOPs write one record.
        User.objects.select_for_update().filter(pk=client.pk).first()
        current = ContactPreference.objects.in_force_for(client)
        if current is not None and current.sms == texts:
            return True
        if texts and not ContactPreference.objects.filter(client=client, sms=True).exists():
            return False
        ContactPreference.objects.create(
            client=client,
            email="email" in status.allowed_channels(client),
            sms=texts,
            source=ContactPreference.Source.TEXT_START
            if texts
            else ContactPreference.Source.TEXT_STOP,
        )
    return True


@channels.context_builder("consent_declined")
def consent_declined_context(message: OutboundMessage) -> dict:
    # The practice's inbox gets a link, never the client's name or words: staff read those
    # after logging in.
    return {"link": reverse("consent:staff")}
