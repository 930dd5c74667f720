import zoneinfo
from datetime import datetime, time, timedelta
from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, BaseUserManager, Group, Permission
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from practice.audit import AuditEntry  # noqa: F401  (the audit log's model lives beside its rules)
from practice.clock import local_instant
from practice.dates import describe_duration
from practice.locations import US_STATES, location_name, state_codes
from practice.money import dollars
from practice.scoping import scoped
from practice.validators import validate_no_bidi_controls, validate_photo_size

# The group that gives staff the admin permissions their work needs: every permission of these
# apps (their admin classes narrow it), and these of the practice app. Nothing of Django's own
# models or of allauth (authenticators, sessions). Superuser powers stay with the owners.
STAFF_GROUP = "Practice staff"
STAFF_GROUP_APPS = ("consent", "intake", "scheduling")
STAFF_GROUP_PRACTICE_PERMISSIONS = (
    "add_therapist",
    "change_therapist",
    "view_therapist",
    "change_practicesettings",
    "view_practicesettings",
    "view_outboundmessage",
    "view_auditentry",
    "change_user",
    "view_user",
)


def staff_group() -> Group:
    """The practice-staff group, made with its permissions if it is missing.

    Migration 0003 creates it; making it here too keeps it where the database was emptied
    since (a test database flushed between live-server tests).
    """
    group, created = Group.objects.get_or_create(name=STAFF_GROUP)
    if created:
        group.permissions.set(_staff_permissions())
    return group


def sync_staff_group(**kwargs: object) -> None:
    """After each migrate, give the staff group the permissions of models added since."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.set(_staff_permissions())


def _staff_permissions() -> models.QuerySet[Permission]:
    return Permission.objects.filter(
        content_type__app_label__in=STAFF_GROUP_APPS
    ) | Permission.objects.filter(
        content_type__app_label="practice", codename__in=STAFF_GROUP_PRACTICE_PERMISSIONS
    )


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know. Try “America/Denver”.")


def validate_state_codes(value: str) -> None:
    unknown = [code for code in state_codes(value) if code not in US_STATES]
    if unknown or not state_codes(value):
        raise ValidationError("Use two-letter state codes separated by commas, e.g. “CO, WY”.")


TIME_ZONE_CHOICES = sorted(
    (name, name.replace("_", " ")) for name in zoneinfo.available_timezones()
)


class UserQuerySet(models.QuerySet["User"]):
    def minors(self) -> Self:
        """People under 18 today on the practice's calendar, in SQL.

        `User.is_minor` counts on each person's own clock; the two can differ only on the
        day of an 18th birthday, in the hours when the two calendars show different dates.
        """
        today = timezone.localdate()
        try:
            eighteen_years_ago = today.replace(year=today.year - 18)
        except ValueError:  # 29 February, in a year that has none
            eighteen_years_ago = today.replace(year=today.year - 18, day=28)
        return self.filter(date_of_birth__gt=eighteen_years_ago)


# Subclassed, not assigned: migrations find a manager by its class's own name.
class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.STAFF)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who logs in: a client, a therapist or a member of staff."""

    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        THERAPIST = "therapist", "Therapist"
        STAFF = "staff", "Staff"

    username = None  # type: ignore[assignment]  # people log in with their e-mail address
    email = models.EmailField("e-mail address", unique=True)
    first_name = models.CharField(
        "first name", max_length=150, blank=True, validators=[validate_no_bidi_controls]
    )
    last_name = models.CharField(
        "last name", max_length=150, blank=True, validators=[validate_no_bidi_controls]
    )
    role = models.CharField(max_length=16, choices=Role, default=Role.CLIENT)
    preferred_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="The name we use in every page and message.",
        validators=[validate_no_bidi_controls],
    )
    pronouns = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/Denver", validators=[validate_time_zone]
    )
    mobile_phone = models.CharField(
        max_length=20, blank=True, help_text="For text reminders, if the client allows them."
    )
    language = models.CharField(
        max_length=60, blank=True, help_text="The language the person would like us to use."
    )
    date_of_birth = models.DateField(
        null=True, blank=True, help_text="From the intake or the client's details page."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.first_name or self.email.split("@")[0]

    @property
    def initials(self) -> str:
        names = [self.first_name, self.last_name] if self.last_name else [self.display_name]
        return "".join(name[0].upper() for name in names if name) or "?"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_minor(self) -> bool:
        """Under 18 today on the person's own clock: a parent or guardian signs with them."""
        if self.date_of_birth is None:
            return False
        today = timezone.now().astimezone(self.zone).date()
        born = self.date_of_birth
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return age < 18

    @property
    def is_client(self) -> bool:
        return self.role == self.Role.CLIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == self.Role.THERAPIST

    @property
    def is_practice_staff(self) -> bool:
        return self.role == self.Role.STAFF

    def join_staff_group(self) -> None:
        """Give a member of staff the admin permissions of the practice-staff group."""
        self.groups.add(staff_group())


class TherapistQuerySet(models.QuerySet):
    def listed(self) -> Self:
        return self.filter(user__is_active=True).select_related("user").order_by("public_name")


class Therapist(models.Model):
    """A therapist's public profile; the person behind it logs in as their user."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="therapist")
    slug = models.SlugField(unique=True)
    public_name = models.CharField(max_length=120, validators=[validate_no_bidi_controls])
    credentials = models.CharField(max_length=120, help_text="e.g. “PhD, Licensed Psychologist”")
    photo = models.ImageField(upload_to="therapists/", blank=True, validators=[validate_photo_size])
    bio = models.TextField()
    approaches = models.CharField(max_length=300, help_text="Comma-separated.")
    specialties = models.CharField(max_length=300, help_text="Comma-separated.")
    languages = models.CharField(max_length=200, default="English", help_text="Comma-separated.")
    time_zone = models.CharField(
        max_length=64, default="America/Denver", validators=[validate_time_zone]
    )
    accepting_new_clients = models.BooleanField(default=True)
    licensed_states = models.CharField(
        max_length=200,
        default="CO",
        validators=[validate_state_codes],
        help_text="Two-letter codes of the states the therapist is licensed in, e.g. “CO, WY”. "
        "Clients may book video sessions only from these states.",
    )
    video_room_url = models.URLField(
        "video room address",
        blank=True,
        help_text="The therapist's fixed room on the practice's video service (covered by a "
        "BAA). Clients never see it in e-mails: they join from their portal.",
    )

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["public_name"]

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("practice:therapist-detail", kwargs={"slug": self.slug})

    @property
    def first_name(self) -> str:
        return self.public_name.split()[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @staticmethod
    def _split(value: str) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]

    @property
    def approach_list(self) -> list[str]:
        return self._split(self.approaches)

    @property
    def specialty_list(self) -> list[str]:
        return self._split(self.specialties)

    @property
    def language_list(self) -> list[str]:
        return self._split(self.languages)

    def sees_by_video_in(self, location: str) -> bool:
        """Whether this therapist may see a client who is in `location` during a video session."""
        return location in state_codes(self.licensed_states)

    @property
    def licensed_state_names(self) -> str:
        """“Colorado” or “Colorado and Wyoming”: where this therapist may see clients by video."""
        names = [location_name(code) for code in state_codes(self.licensed_states)]
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


class PracticeSettings(models.Model):
    """Practice-wide settings that staff edit in the admin. There is exactly one row."""

    name = models.CharField(max_length=120, default="Poudre Valley Behavior Therapy")
    address = models.TextField(default="")
    phone = models.CharField(max_length=40, default="")
    email = models.EmailField(default="hello@example.org")
    time_zone = models.CharField(
        max_length=64, default="America/Denver", validators=[validate_time_zone]
    )
    crisis_resources = models.TextField(
        default=(
            "If you are in crisis or thinking about harming yourself, call or text 988 "
            "(the Suicide & Crisis Lifeline), or call 911 in an emergency."
        )
    )
    cancellation_window = models.DurationField(
        default=timedelta(hours=24),
        help_text="Cancelling closer to the session than this counts as a late cancellation.",
    )
    late_cancellation_fee = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text="In dollars. Shown in the cancellation policy, the consent documents and the "
        "Fees and billing page.",
    )
    billing_information = models.TextField(
        blank=True,
        default="",
        help_text="How insurance and self-pay work, for the Fees and billing page (Markdown).",
    )
    npi = models.CharField(
        "NPI", max_length=10, blank=True, help_text="The practice's National Provider Identifier."
    )
    tin = models.CharField(
        "TIN", max_length=10, blank=True, help_text="The practice's Taxpayer Identification Number."
    )
    email_reminder_offset = models.DurationField(
        default=timedelta(hours=48),
        help_text="How long before a session the e-mail reminder goes out (e.g. 2 days).",
    )
    sms_reminder_offset = models.DurationField(
        default=timedelta(hours=24),
        help_text="How long before a session the text reminder goes out (if texts are allowed).",
    )
    sending_hours_start = models.TimeField(
        default=time(8, 0),
        help_text="Reminders go out between these hours in the client's own time zone.",
    )
    sending_hours_end = models.TimeField(
        default=time(21, 0),
        help_text="A reminder that would fall later is sent earlier, never at night.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "practice settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="practice_settings_single_row"),
            models.CheckConstraint(
                condition=Q(sending_hours_end__gt=F("sending_hours_start")),
                name="practice_settings_sending_hours_in_order",
            ),
            models.CheckConstraint(
                condition=Q(email_reminder_offset__gt=timedelta(0))
                & Q(sms_reminder_offset__gt=timedelta(0)),
                name="practice_settings_reminders_before_sessions",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        start, end = self.sending_hours_start, self.sending_hours_end
        if start and end and (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < 60:
            raise ValidationError(
                {"sending_hours_end": "Sending hours must end at least an hour after they start."}
            )
        for field in ("email_reminder_offset", "sms_reminder_offset"):
            offset = getattr(self, field)
            if offset is not None and not timedelta(hours=1) <= offset <= timedelta(days=14):
                raise ValidationError({field: "Choose between 1 hour and 14 days before."})

    @classmethod
    def load(cls) -> "PracticeSettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def quiet_hours_around(
        self, moment: datetime, zone: zoneinfo.ZoneInfo, *, margin: timedelta = timedelta(0)
    ) -> tuple[datetime, datetime] | None:
        """The night `moment` falls in on the recipient's clock: (hours closed, hours open again).

        None inside sending hours. Every message's time is judged by this, when it is planned
        and again when it is sent: never at night. `margin` closes the hours that much earlier.
        """
        day = moment.astimezone(zone).date()
        opens = local_instant(day, self.sending_hours_start, zone)
        closes = local_instant(day, self.sending_hours_end, zone) - margin
        if moment < opens:
            yesterday = day - timedelta(days=1)
            return local_instant(yesterday, self.sending_hours_end, zone) - margin, opens
        if moment > closes:
            return closes, local_instant(day + timedelta(days=1), self.sending_hours_start, zone)
        return None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def policy_terms(self) -> dict[str, str]:
        """The numbers policy texts and consent documents quote, as people read them.

        Documents name these as `{cancellation_window}` and `{late_cancellation_fee}`, so a
        change here changes every text that quotes it, never a hard-coded "24 hours".
        """
        return {
            "cancellation_window": describe_duration(self.cancellation_window),
            "late_cancellation_fee": dollars(self.late_cancellation_fee),
        }


class SiteVersion(models.Model):
    """A number that changes with anything the public pages show: a therapist's profile,
    whether their account is active, the practice's settings.

    PostgreSQL triggers (migration 0013) bump it in the same transaction as the change,
    whichever code or SQL made it, so a page kept under an older number
    (practice/shared_pages.py) is never served once the change has committed.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Site version {self.number}"


class OutboundMessageQuerySet(models.QuerySet["OutboundMessage"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: only staff read the outbox (clients get the messages)."""
        return scoped(self, user)

    def due(self) -> Self:
        return self.filter(status=OutboundMessage.Status.SCHEDULED, due_at__lte=timezone.now())

    def dispatchable(self, *, handed_over_before: datetime) -> Self:
        """Due messages not handed to a worker recently (a lost task is handed over again)."""
        return self.due().filter(
            Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=handed_over_before)
        )

    def stuck_sending(self, *, claimed_before: datetime) -> Self:
        """Messages a worker claimed and never finished: they may or may not have gone out."""
        return self.filter(status=OutboundMessage.Status.SENDING, claimed_at__lt=claimed_before)

    def needing_attention(self) -> Self:
        return self.filter(status__in=OutboundMessage.RESENDABLE)

    def pending_for(self, obj: models.Model) -> Self:
        return self.filter(
            status=OutboundMessage.Status.SCHEDULED,
            about_type=ContentType.objects.get_for_model(obj),
            about_id=obj.pk,
        )


class OutboundMessage(models.Model):
    """One e-mail or text message, written before it is sent so it is sent at most once."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        SKIPPED = "skipped", "Skipped"
        # A worker stopped between handing the message to the provider and recording the
        # outcome. It is never resent by itself: a person checks and decides.
        UNKNOWN = "unknown", "Unknown"
        # What the text provider's delivery receipt said about a sent text.
        DELIVERED = "delivered", "Delivered"
        UNDELIVERED = "undelivered", "Not delivered"

    RESENDABLE = (Status.FAILED, Status.UNKNOWN, Status.UNDELIVERED)

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=8, choices=Channel, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    to = models.CharField(max_length=254)
    template = models.CharField(max_length=80)
    context = models.JSONField(default=dict, blank=True)
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    due_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status, default=Status.SCHEDULED)
    status_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the dispatcher last handed it to a worker."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="outbound_scheduled_due",
                condition=Q(status="scheduled"),
            ),
            models.Index(fields=["about_type", "about_id"], name="outbound_about"),
            models.Index(
                fields=["claimed_at"],
                name="outbound_sending_claimed",
                condition=Q(status="sending"),
            ),
            # The staff message list, newest first, whole or by status, and its counts by
            # status (the dashboard's "needing attention"), at any size of the outbox.
            models.Index(fields=["-due_at", "-id"], name="outbound_newest_first"),
            models.Index(fields=["status", "-due_at", "-id"], name="outbound_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.get_status_display()})"

    @property
    def label(self) -> str:
        """What kind of message this is, for staff ("Appointment reminder")."""
        return self.template.replace("_", " ").capitalize()

    @property
    def may_be_resent(self) -> bool:
        return self.status in self.RESENDABLE


class InboundTextQuerySet(models.QuerySet["InboundText"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: only staff read the texts clients send us."""
        return scoped(self, user)


class InboundText(models.Model):
    """A text someone sent to the practice's number, kept once per provider id."""

    class Kind(models.TextChoices):
        STOP = "stop", "Stop texts"
        START = "start", "Start texts again"
        HELP = "help", "Help"
        OTHER = "other", "Other (for staff to read)"

    provider_id = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=32)
    sender = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="texts_sent_to_us"
    )
    body = models.TextField()
    kind = models.CharField(max_length=8, choices=Kind)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    objects = InboundTextQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.from_number}"


# A closed account and its retention period live beside the export and the purge; imported
# last because they point at User.
from practice.privacy import AccountClosure  # noqa: E402, F401
