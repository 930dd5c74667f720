import uuid

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from practice import channels, outbox
from practice.models import OutboundMessage, User

ACCOUNT_EMAIL = outbox.ACCOUNT_EMAIL


@transaction.atomic
def invite_person(*, email: str, first_name: str, last_name: str, role: str) -> User:
    """Create a therapist or staff account without a password and e-mail a set-password link."""
    user = User.objects.create_user(
        email,
        password=None,
        first_name=first_name,
        last_name=last_name,
        role=role,
        is_staff=role == User.Role.STAFF,
    )
    if user.is_practice_staff:
        user.join_staff_group()
    # Verified already: only the owner of this mailbox can use the set-password link.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    outbox.schedule_message(
        key=f"user:{user.pk}:invitation",
        template="invitation",
        to=user.email,
        recipient=user,
        about=user,
    )
    return user


def send_account_email(*, to: str, kind: str, subject: str, text: str, html: str) -> None:
    """Write one of allauth's e-mails (a sign-up code, a password reset) to the outbox.

    allauth makes the code or link before this is called, so the rendered e-mail is kept in
    the row until it is sent and then forgotten (outbox.ONE_TIME_CONTENT).
    """
    outbox.schedule_message(
        key=f"account-email:{kind}:{uuid.uuid4().hex}"[:200],
        template=ACCOUNT_EMAIL,
        to=to,
        recipient=User.objects.filter(email__iexact=to).first(),
        context={"kind": kind, "subject": subject, "text": text, "html": html},
    )


@channels.context_builder(ACCOUNT_EMAIL)
def account_email_context(message: OutboundMessage) -> dict:
    if "text" not in message.context:
        raise channels.DeliverySkipped("its code or link was forgotten after an earlier try")
    return {}


@channels.context_builder("invitation")
def invitation_context(message: OutboundMessage) -> dict:
    # The link is made at send time so the token never sits in the outbox table.
    user = message.recipient
    if user is None or user.has_usable_password():
        raise channels.DeliverySkipped("the invitation was already accepted")
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return {"link": f"{settings.SITE_URL}{path}"}


@channels.context_builder("staff_message_unknown")
def unknown_alert_context(message: OutboundMessage) -> dict:
    about = OutboundMessage.objects.filter(pk=message.context.get("message_id")).first()
    if about is None or about.status != OutboundMessage.Status.UNKNOWN:
        raise channels.DeliverySkipped("a person has already dealt with it")
    return {
        "unknown": about,
        "messages_url": f"{settings.SITE_URL}{reverse('practice:message-list')}?status=unknown",
    }
