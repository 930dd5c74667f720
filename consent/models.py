"""Consent documents, their published versions, and what clients did with them.

A published version and a signature are records of what someone agreed to: they are never
edited or deleted. The models refuse it, and on PostgreSQL triggers refuse it too (see
migration 0002), so even a bulk UPDATE cannot rewrite what a client signed.
"""

import hashlib
from typing import TYPE_CHECKING, Self

import markdown
import nh3
from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from practice.models import PracticeSettings
from practice.scoping import scoped

if TYPE_CHECKING:
    from practice.models import User


class ImmutableRecord(Exception):
    """A published version or a signature was about to be changed or deleted."""


def digest_text(title: str, body: str) -> str:
    """The SHA-256 of a document's text as shown: its title, a blank line, then its body."""
    text = f"{title}\n\n{body}".replace("\r\n", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The practice-settings numbers a document may quote, written in it as `{cancellation_window}`.
POLICY_TERMS = ("cancellation_window", "late_cancellation_fee")


def fill_terms(body: str, terms: dict[str, str]) -> str:
    """The body with each `{term}` replaced by its value as the client is shown it."""
    for name in POLICY_TERMS:
        if name in terms:
            body = body.replace("{" + name + "}", terms[name])
    return body


def current_terms() -> dict[str, str]:
    return PracticeSettings.load().policy_terms()


def render_markdown(text: str, *, top_heading: int = 1) -> SafeString:
    """Markdown written by staff, rendered and then cleaned so only safe HTML remains.

    top_heading shifts headings so a "#" becomes <h{top_heading}> where the page needs it.
    """
    html = markdown.markdown(
        text,
        extensions=["sane_lists", "toc"],
        extension_configs={"toc": {"baselevel": top_heading}},
        output_format="html",
    )
    # Safe: nh3 has removed every tag, attribute and URL scheme not on its allow-list.
    return mark_safe(nh3.clean(html))  # noqa: S308  # nosec B308 B703


class ConsentDocumentQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(versions__published_at__isnull=False).distinct()


class ConsentDocument(models.Model):
    """A document clients read and sign, such as the Informed Consent for Treatment."""

    class RequiredFor(models.TextChoices):
        ALL = "all", "Every client"
        TELEHEALTH = "telehealth", "Clients with telehealth sessions"
        CONTACT = "contact", "Optional: records the client's choice of e-mail and text messages"

    slug = models.SlugField(unique=True, help_text="Part of the page address, e.g. “telehealth”.")
    title = models.CharField(max_length=120, help_text="The name staff see in lists.")
    required_for = models.CharField(max_length=12, choices=RequiredFor, default=RequiredFor.ALL)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Documents are listed to clients in this order."
    )

    objects = ConsentDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            # allowed_channels() reads the choices made with the one Consent to Contact.
            models.UniqueConstraint(
                fields=["required_for"],
                condition=Q(required_for="contact"),
                name="consent_one_contact_document",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consent:document", kwargs={"slug": self.slug})

    @property
    def is_contact_consent(self) -> bool:
        return self.required_for == self.RequiredFor.CONTACT

    def next_version_number(self) -> int:
        return (self.versions.aggregate(top=Max("number"))["top"] or 0) + 1


class DocumentVersionQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(published_at__isnull=False)

    def drafts(self) -> Self:
        return self.filter(published_at__isnull=True)


class DocumentVersion(models.Model):
    """One wording of a document. Once published it never changes: a change is a new version.

    A draft has no number; publishing gives it the document's next one, so version numbers
    count publications in order.
    """

    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(max_length=200, help_text="The heading clients see.")
    body = models.TextField(
        help_text="Markdown: a blank line between paragraphs, ## for a heading, - for a list."
    )
    requires_resign = models.BooleanField(
        "clients must sign again",
        default=False,
        help_text=(
            "Tick when the change matters enough that clients who signed an earlier version "
            "must sign this one before booking again. Sessions already booked stay booked."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="consent_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True, published_at__isnull=True)
                | Q(number__gte=1, published_at__isnull=False),
                name="consent_version_numbered_when_published",
            ),
        ]

    def __str__(self) -> str:
        label = f"version {self.number}" if self.number else "draft"
        return f"{self.document.title}, {label}"

    def save(self, *args, **kwargs) -> None:
        # Not a side effect but a guard: what a client read must stay exactly what they read.
        if self.pk and DocumentVersion.objects.published().filter(pk=self.pk).exists():
            raise ImmutableRecord("A published version cannot be changed; publish a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if DocumentVersion.objects.published().filter(pk=self.pk).exists():
            raise ImmutableRecord("A published version cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @cached_property
    def terms(self) -> dict[str, str]:
        """Today's cancellation window and late fee, which the text quotes from the settings."""
        return current_terms()

    @property
    def text_shown(self) -> str:
        return fill_terms(self.body, self.terms)

    @property
    def digest(self) -> str:
        """The digest of the text as a client is shown it today (the settings filled in)."""
        return digest_text(self.title, self.text_shown)

    @property
    def body_html(self) -> SafeString:
        return render_markdown(self.text_shown)

    def publish(self) -> bool:
        """Publish a draft now as the document's next version. False if it was published already."""
        with transaction.atomic():
            # One publication per document at a time, so two drafts never get the same number.
            ConsentDocument.objects.select_for_update().filter(pk=self.document_id).first()
            number = self.document.next_version_number()
            now = timezone.now()
            published = (
                DocumentVersion.objects.drafts()
                .filter(pk=self.pk)
                .update(published_at=now, number=number)
            )
        if published:
            self.published_at, self.number = now, number
        return bool(published)


class SignatureQuerySet(models.QuerySet["Signature"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own signatures, staff every signature."""
        return scoped(self, user, client="client")

    def update(self, **kwargs) -> int:
        raise ImmutableRecord("Signatures are never changed.")

    def delete(self):
        raise ImmutableRecord("Signatures are never deleted.")


class Signature(models.Model):
    """A client's signature on one exact version of a document, kept as evidence."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_signatures"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    digest = models.CharField(
        "SHA-256 of the text shown", max_length=64, help_text="Of the title and body as shown."
    )
    terms = models.JSONField(
        default=dict,
        blank=True,
        help_text="The settings the text quoted when it was signed (cancellation window, fee).",
    )
    typed_name = models.CharField(max_length=200)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relationship = models.CharField(max_length=80, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "version"], name="consent_one_signature_per_version"
            ),
            models.CheckConstraint(
                condition=~Q(typed_name=""), name="consent_signature_has_typed_name"
            ),
            models.CheckConstraint(
                condition=Exact(Length("digest"), 64), name="consent_signature_digest_sha256"
            ),
            models.CheckConstraint(
                condition=(
                    Q(guardian_name="", guardian_relationship="")
                    | (~Q(guardian_name="") & ~Q(guardian_relationship=""))
                ),
                name="consent_signature_guardian_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} signed {self.signed_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecord("Signatures are never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("consent:signature", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Signatures are never deleted.")

    @property
    def signed_by_guardian(self) -> bool:
        return bool(self.guardian_name)

    @property
    def text_shown(self) -> str:
        """The text this client was shown: the version with the settings of that moment."""
        return fill_terms(self.version.body, self.terms)

    @property
    def body_html_nested(self) -> SafeString:
        """The signed text under a page heading and a document heading (a signed copy)."""
        return render_markdown(self.text_shown, top_heading=2)

    @property
    def text_matches(self) -> bool:
        """Whether the stored version and terms still give exactly the text the client saw."""
        return digest_text(self.version.title, self.text_shown) == self.digest


class DeclineQuerySet(models.QuerySet["Decline"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own declines, staff every decline."""
        return scoped(self, user, client="client")


class Decline(models.Model):
    """A client chose not to sign a version and wrote to the practice instead."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_declines"
    )
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="declines")
    message = models.TextField()
    declined_at = models.DateTimeField(default=timezone.now)

    objects = DeclineQuerySet.as_manager()

    class Meta:
        ordering = ["-declined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "version"], name="consent_one_decline_per_version"
            ),
            models.CheckConstraint(condition=~Q(message=""), name="consent_decline_has_message"),
        ]

    def __str__(self) -> str:
        return f"{self.version} declined {self.declined_at:%Y-%m-%d}"


class ContactPreferenceQuerySet(models.QuerySet["ContactPreference"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own choices, staff every client's."""
        return scoped(self, user, client="client")

    def in_force(self) -> "ContactPreference | None":
        """The newest of these choices (of one client's), or None if there is none."""
        return self.order_by("-recorded_at", "-pk").first()

    def in_force_for(self, client) -> "ContactPreference | None":
        """The newest choice the client made, or None if they never made one."""
        return self.filter(client=client).in_force()


class ContactPreference(models.Model):
    """The client's e-mail and text choices from a moment on; the newest row is in force.

    Rows are only ever added, so the history of what a client allowed, and when, is kept.
    """

    class Source(models.TextChoices):
        SIGNED = "signed", "Signed the Consent to Contact"
        CHANGED = "changed", "Changed in the portal"
        TEXT_STOP = "text-stop", "Withdrawn by text reply"
        TEXT_START = "text-start", "Restored by text reply"
        INTAKE = "intake", "Answered in the intake"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contact_preferences"
    )
    email = models.BooleanField("e-mail allowed")
    sms = models.BooleanField("text messages allowed")
    source = models.CharField(max_length=12, choices=Source)
    signature = models.OneToOneField(
        Signature, null=True, blank=True, on_delete=models.PROTECT, related_name="contact_choice"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ContactPreferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["client", "-recorded_at"], name="contact_pref_latest")]

    def __str__(self) -> str:
        return f"e-mail {'yes' if self.email else 'no'}, texts {'yes' if self.sms else 'no'}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecord("A contact choice is history: record a new one instead.")
        super().save(*args, **kwargs)

    @property
    def channels(self) -> set[str]:
        return {name for name, allowed in (("email", self.email), ("sms", self.sms)) if allowed}
