from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Self, cast

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from practice.locations import location_name
from practice.money import dollars
from practice.scoping import scoped
from scheduling.db import PostgresExclusionConstraint, TsTzRange
from scheduling.links import appointment_id_from
from scheduling.slots import BookingPolicy, DateHours, Interval, WeeklyHours

if TYPE_CHECKING:
    from practice.models import Therapist, User


class SessionTypeQuerySet(models.QuerySet["SessionType"]):
    def offered(self) -> Self:
        """Kinds of session some active therapist offers (what the fees page lists)."""
        return self.filter(therapists__user__is_active=True).distinct()


class SessionType(models.Model):
    """A kind of session a therapist offers: a free consultation, a first session..."""

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        TELEHEALTH = "telehealth", "Telehealth"

    name = models.CharField(max_length=80)
    duration = models.DurationField(default=timedelta(minutes=50))
    new_clients_may_book = models.BooleanField(
        default=False, help_text="Shown to people booking their first session."
    )
    modality = models.CharField(max_length=12, choices=Modality, default=Modality.IN_PERSON)
    fee = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    service_code = models.CharField(
        max_length=10, blank=True, help_text="The CPT code a Good Faith Estimate lists, e.g. 90837."
    )
    therapists = models.ManyToManyField("practice.Therapist", related_name="session_types")

    objects = SessionTypeQuerySet.as_manager()

    class Meta:
        ordering = ["duration", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0)), name="session_type_positive_duration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({int(self.duration.total_seconds() // 60)} min)"

    @property
    def is_telehealth(self) -> bool:
        return self.modality == self.Modality.TELEHEALTH

    @property
    def duration_minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)

    @property
    def fee_label(self) -> str:
        """The fee as every page, e-mail and calendar file shows it: "$150.00" or "no fee"."""
        return dollars(self.fee) if self.fee else "no fee"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own sessions, a therapist theirs, staff all."""
        return scoped(self, user, client="client", therapist="therapist__user")

    def held_by(self, hold_key: str) -> Self:
        """The hold of the visitor whose browser session carries `hold_key` (not a user: a
        visitor may hold a time before logging in). An empty key holds nothing."""
        return self.filter(hold_key=hold_key) if hold_key else self.none()

    def for_link(self, token: str) -> Self:
        """The appointment a signed e-mail link opens (not a user: the link works logged out).
        A forged or expired token opens nothing."""
        appointment_id = appointment_id_from(token)
        return self.none() if appointment_id is None else self.filter(pk=appointment_id)

    def starting_between(self, start: datetime, end: datetime) -> Self:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def overlapping(self, start: datetime, end: datetime) -> Self:
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def with_people(self) -> Self:
        """Load the client, session type and therapist a calendar row shows, in the same query."""
        return self.select_related("client", "session_type", "therapist")

    def occupying(self) -> Self:
        """Appointments that take up the therapist's time (what the constraint covers)."""
        return self.filter(status__in=Appointment.OCCUPYING)

    def expired_holds(self, *, now: datetime) -> Self:
        return self.filter(status=Appointment.Status.HELD, held_until__lte=now)

    def release_holds(self) -> int:
        """Delete the holds among these rows that are still holds when PostgreSQL deletes them.

        QuerySet.delete() reads the rows and then deletes `WHERE id IN (...)`, so a hold that
        another transaction confirmed in between would be deleted as a booking. Locking first
        makes PostgreSQL re-check each row's newest version against the filter; a row another
        transaction has locked (a confirmation in progress) is skipped, never waited on.
        Call inside a transaction.
        """
        still_held = self.filter(status=Appointment.Status.HELD).select_for_update(skip_locked=True)
        ids = list(still_held.values_list("pk", flat=True))
        deleted, _ = Appointment.objects.filter(pk__in=ids).delete()
        return deleted

    def upcoming(self) -> Self:
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def booked_therapist_of(self, client_id: int) -> "Therapist | None":
        """The therapist of the client's earliest booked session (intake assigns the intake)."""
        first = cast(
            "Appointment | None",
            self.filter(client_id=client_id, status=Appointment.Status.BOOKED)
            .order_by("starts_at")
            .select_related("therapist")
            .first(),
        )
        return first.therapist if first else None

    def attended_since(self, since: Mapping[int, datetime]) -> dict[int, int]:
        """How many sessions each client attended that started after their moment (one query).

        Intake asks this for screeners asked again every N sessions; scheduling hands it over.
        """
        if not since:
            return {}
        started_after = Q()
        for client_id, moment in since.items():
            started_after |= Q(client_id=client_id, starts_at__gt=moment)
        counts = (
            self.filter(started_after, status=Appointment.Status.ATTENDED)
            .values("client_id")
            .annotate(attended=Count("pk"))
        )
        return {row["client_id"]: row["attended"] for row in counts}

    def clients_with_telehealth_ahead(self) -> "models.QuerySet[Appointment, dict[str, Any]]":
        """The client ids of telehealth sessions booked or held that have not ended, as a query.

        Consent asks this (consent.status.owe_telehealth_consent) and uses it as a subquery;
        scheduling hands it over.
        """
        return self.filter(
            status__in=[Appointment.Status.HELD, Appointment.Status.BOOKED],
            ends_at__gte=timezone.now(),
            session_type__modality=SessionType.Modality.TELEHEALTH,
        ).values("client_id")


class BookingError(Exception):
    """A booking, cancellation, move or outcome that cannot happen; str(error) is the message.

    The one family of refusals in scheduling: services.py adds the kinds its use cases raise
    (SlotUnavailable, HoldEnded, BookingNotAllowed), and views catch BookingError.
    """


class ChangeRefused(BookingError):
    """A change to one appointment's state (an outcome, a waiver, the practice cancelling)
    that its current state does not allow."""


class Appointment(models.Model):
    """A session in a therapist's calendar, from a 10-minute hold to its outcome."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        LATE_CANCELLED = "late_cancelled", "Late cancellation"
        PRACTICE_CANCELLED = "practice_cancelled", "Cancelled by the practice"
        MOVED = "moved", "Moved"
        LATE_MOVED = "late_moved", "Moved late"
        NO_SHOW = "no_show", "No-show"
        ATTENDED = "attended", "Attended"

    OCCUPYING = (Status.HELD, Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)
    # A client's change inside the cancellation window, which the policy may charge for.
    LATE_CHANGES = (Status.LATE_CANCELLED, Status.LATE_MOVED)
    MOVES = (Status.MOVED, Status.LATE_MOVED)

    therapist = models.ForeignKey(
        "practice.Therapist", on_delete=models.PROTECT, related_name="appointments"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text="Empty while a visitor who has not logged in yet holds the slot.",
    )
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status, default=Status.BOOKED)
    held_until = models.DateTimeField(null=True, blank=True)
    hold_key = models.CharField(max_length=64, blank=True)
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rescheduled_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the session was cancelled or moved away."
    )
    cancellation_reason = models.CharField(max_length=200, blank=True)
    late_change_waived_at = models.DateTimeField(null=True, blank=True)
    late_change_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_location = models.CharField(
        max_length=20,
        blank=True,
        help_text="For a video session: the US state (or outside the US) the client said they "
        "will be in, which the therapist must be licensed for.",
    )
    payment = models.CharField(
        max_length=12,
        blank=True,
        choices=[("insurance", "Insurance"), ("self_pay", "Paying for themselves")],
        help_text="How the client said they will pay, when they confirmed.",
    )
    video_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The meeting a video provider created for this session (provider backend).",
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["therapist", "starts_at"], name="appointment_calendar")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(late_change_waived_at__isnull=True)
                | Q(status__in=["late_cancelled", "late_moved"]),
                name="appointment_only_late_changes_are_waived",
            ),
            PostgresExclusionConstraint(
                name="appointment_no_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("therapist", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["held", "booked", "attended", "no_show"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.therapist} at {self.starts_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    # Joining a video session ----------------------------------------------------------------

    JOIN_OPENS_BEFORE = timedelta(minutes=15)

    @property
    def join_opens_at(self) -> datetime:
        return self.starts_at - self.JOIN_OPENS_BEFORE

    def may_join(self, now: datetime) -> bool:
        """A booked video session can be joined from 15 minutes before it until it ends."""
        return (
            self.session_type.is_telehealth
            and self.status == self.Status.BOOKED
            and self.join_opens_at <= now < self.ends_at
        )

    @property
    def may_join_now(self) -> bool:
        return self.may_join(timezone.now())

    @property
    def client_location_name(self) -> str:
        return location_name(self.client_location)

    # Outcomes the therapist records --------------------------------------------------------

    OUTCOME_FROM = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def may_record_outcome(self) -> bool:
        return self.status in self.OUTCOME_FROM and self.has_started

    @property
    def may_be_cancelled(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def client_may_change(self) -> bool:
        """A client may cancel or move a booked session until it starts."""
        return self.status == self.Status.BOOKED and not self.has_started

    def mark_attended(self) -> None:
        """Record that the client came. A no-show recorded by mistake can be corrected."""
        self._record_outcome(self.Status.ATTENDED)

    def mark_no_show(self) -> None:
        """Record that the client did not come (not a cancellation: the time was kept for them)."""
        self._record_outcome(self.Status.NO_SHOW)

    def _record_outcome(self, status: str) -> None:
        # A conditional UPDATE, so a session cancelled in another tab meanwhile stays cancelled.
        recorded = Appointment.objects.filter(
            pk=self.pk, status__in=self.OUTCOME_FROM, starts_at__lte=timezone.now()
        ).update(status=status)
        self.refresh_from_db(fields=["status"])
        if not recorded:
            if self.status not in self.OUTCOME_FROM:
                shown = self.get_status_display().lower()
                raise ChangeRefused(f"This session is {shown}; nothing to record.")
            raise ChangeRefused(
                "This session has not started yet. You can record what happened once it has."
            )

    @property
    def was_moved(self) -> bool:
        return self.status in self.MOVES

    @property
    def is_late_change(self) -> bool:
        return self.status in self.LATE_CHANGES

    @property
    def late_change_waived(self) -> bool:
        return self.late_change_waived_at is not None

    def waive_late_change(self, *, by: "User") -> None:
        """Staff forgive a late cancellation or move: it stays on record, marked as waived."""
        waived = Appointment.objects.filter(
            pk=self.pk, status__in=self.LATE_CHANGES, late_change_waived_at__isnull=True
        ).update(late_change_waived_at=timezone.now(), late_change_waived_by=by)
        self.refresh_from_db(fields=["status", "late_change_waived_at", "late_change_waived_by"])
        if not waived and not self.late_change_waived:
            raise ChangeRefused("Only a late cancellation or move can be waived.")

    def mark_cancelled(self, *, late: bool, reason: str, at: datetime) -> None:
        """Record the client's cancellation, late inside the window. The caller holds the
        row's lock and has checked it is booked (services.cancel_appointment)."""
        self.status = self.Status.LATE_CANCELLED if late else self.Status.CANCELLED
        self.cancelled_at = at
        self.cancellation_reason = reason[:200]
        self.save(update_fields=["status", "cancelled_at", "cancellation_reason"])

    def mark_moved(self, *, late: bool, at: datetime) -> None:
        """Record that the session moved to a new appointment, late inside the window. The
        caller holds the row's lock and books the new one (services.reschedule_appointment)."""
        self.status = self.Status.LATE_MOVED if late else self.Status.MOVED
        self.cancelled_at = at
        self.save(update_fields=["status", "cancelled_at"])

    def cancel_by_practice(self, *, reason: str) -> None:
        """Record that the practice cancelled the session: never a fee, whenever it happens."""
        cancelled = Appointment.objects.filter(pk=self.pk, status=self.Status.BOOKED).update(
            status=self.Status.PRACTICE_CANCELLED,
            cancelled_at=timezone.now(),
            cancellation_reason=reason[:200],
        )
        self.refresh_from_db(fields=["status", "cancelled_at", "cancellation_reason"])
        if not cancelled:
            shown = self.get_status_display().lower()
            raise ChangeRefused(f"This session is {shown}, so it cannot be cancelled.")


class HoldQuota(models.Model):
    """How many holds one visitor (a browser session, or a network address) made in an hour.

    `visitor` is a keyed digest, never the session key or address itself.
    """

    visitor = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "window_start"], name="hold_quota_one_row_per_hour"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="hold_quota_window")]

    def __str__(self) -> str:
        return f"{self.used} holds from {self.window_start:%Y-%m-%d %H:00}"


# Availability -------------------------------------------------------------------------------
# Hours are wall-clock times in the therapist's own zone; slots.py turns them into instants.


class AvailabilityQuerySet(models.QuerySet):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a therapist their own hours and time off, staff all.

        Clients see only the open times computed from these, never the rows (reasons, notes).
        """
        return scoped(self, user, therapist="therapist__user")


class WeeklyAvailability(models.Model):
    """One opening window on a weekday, e.g. Tuesday 09:00-17:00 in the therapist's zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(
        "practice.Therapist", on_delete=models.CASCADE, related_name="weekly_availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start = models.TimeField()
    end = models.TimeField()

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "weekly availability"
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="weekly_availability_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="weekly_availability_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": "The end must be later than the start, on the same day."})

    def as_hours(self) -> WeeklyHours:
        return WeeklyHours(weekday=self.weekday, start=self.start, end=self.end)


class AvailabilityException(models.Model):
    """Hours for one date that replace the weekly hours; no hours at all means closed that day."""

    therapist = models.ForeignKey(
        "practice.Therapist", on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    date = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True, help_text="Only you and staff see this.")

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start"]
        verbose_name = "dated exception"
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True) | Q(start__lt=F("end")),
                name="availability_exception_hours_or_closed",
            )
        ]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.date:%Y-%m-%d} closed"
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def is_closed(self) -> bool:
        return self.start is None

    def clean(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValidationError(
                "Give both a start and an end time, or neither to close the whole day."
            )
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValidationError({"end": "The end must be later than the start, on the same day."})

    def as_hours(self) -> DateHours:
        return DateHours(day=self.date, start=self.start, end=self.end)


class TimeOff(models.Model):
    """A stretch of time a therapist is away (a vacation, a half day), as aware instants."""

    therapist = models.ForeignKey(
        "practice.Therapist", on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True, help_text="Only you and staff see this.")

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="time_off_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "Time off must end after it starts."})

    def as_interval(self) -> Interval:
        return Interval(start=self.starts_at, end=self.ends_at)


class BookingRules(models.Model):
    """How close to now, how far ahead and how densely clients may book one therapist."""

    therapist = models.OneToOneField(
        "practice.Therapist", on_delete=models.CASCADE, related_name="booking_rules"
    )
    minimum_notice = models.DurationField(
        default=timedelta(hours=24), help_text="Clients cannot book sooner than this."
    )
    horizon = models.DurationField(
        default=timedelta(days=60), help_text="Clients cannot book further ahead than this."
    )
    buffer = models.DurationField(
        default=timedelta(minutes=10), help_text="Free time kept before and after each session."
    )
    max_sessions_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for no daily limit."
    )

    class Meta:
        verbose_name_plural = "booking rules"

    def __str__(self) -> str:
        return f"Booking rules for {self.therapist}"

    @property
    def policy(self) -> BookingPolicy:
        return BookingPolicy(
            minimum_notice=self.minimum_notice,
            horizon=self.horizon,
            buffer=self.buffer,
            max_sessions_per_day=self.max_sessions_per_day,
        )

    def clean(self) -> None:
        # The pure policy knows which settings contradict each other; this puts each message
        # beside the field it is about.
        fields = {
            "Minimum notice": "minimum_notice",
            "How far ahead": "horizon",
            "The buffer": "buffer",
            "The daily limit": "max_sessions_per_day",
        }
        if None in (self.minimum_notice, self.horizon, self.buffer):
            return
        errors: dict[str, list[str]] = {}
        for problem in self.policy.problems():
            field = next((f for prefix, f in fields.items() if problem.startswith(prefix)), None)
            errors.setdefault(field or NON_FIELD_ERRORS, []).append(problem)
        if errors:
            raise ValidationError(errors)


class CalendarVersion(models.Model):
    """A number that changes whenever anything that decides a therapist's open times changes.

    PostgreSQL triggers (migration 0008) bump it in the same transaction as every insert,
    update and delete of the therapist's appointments, weekly hours, dated hours, time off
    and booking rules, whichever code or SQL made the change. A cached answer kept under an
    older number is therefore never read once the change has committed
    (scheduling/availability.py).
    """

    therapist = models.OneToOneField(
        "practice.Therapist", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Calendar version {self.number} of {self.therapist}"


from scheduling.feed_models import CalendarFeed  # noqa: E402, F401  (the calendar feed model)
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer  # noqa: E402, F401


class GoodFaithEstimateQuerySet(models.QuerySet["GoodFaithEstimate"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own estimates, a therapist theirs, staff all."""
        return scoped(self, user, client="client", therapist="appointment__therapist__user")


class GoodFaithEstimate(models.Model):
    """A Good Faith Estimate for a self-pay client (No Surprises Act, 45 CFR 149.610).

    Each version is kept as issued (its content is a snapshot); a change is a new number. Kept
    at least six years (`keep_until`), and never deleted while an appointment points to it.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="estimates")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="estimates"
    )
    number = models.PositiveSmallIntegerField(default=1)
    content = models.JSONField()
    issued_at = models.DateTimeField()
    due_by = models.DateField(help_text="The latest day the law allowed for giving it.")
    keep_until = models.DateField()

    objects = GoodFaithEstimateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "number"], name="estimate_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(keep_until__gte=F("due_by")), name="estimate_kept_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"Good Faith Estimate {self.appointment_id}-{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:estimate", kwargs={"pk": self.appointment_id})


from scheduling.checkin_models import CheckIn, WorryAnswer  # noqa: E402, F401  (after sessions)
