from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from scheduling.db import TsTzRange

if TYPE_CHECKING:
    from practice.models import User


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
    therapists = models.ManyToManyField("practice.Therapist", related_name="session_types")

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


class AppointmentQuerySet(models.QuerySet):
    def managed_by(self, user: "User") -> Self:
        """What a member of the practice runs: a therapist their own sessions, staff everyone's."""
        if user.is_practice_staff:
            return self.all()
        if user.is_therapist:
            return self.filter(therapist__user=user)
        return self.none()

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

    def upcoming(self) -> Self:
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")


class Appointment(models.Model):
    """A session in a therapist's calendar, from a 10-minute hold to its outcome."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        LATE_CANCELLED = "late_cancelled", "Late cancellation"
        PRACTICE_CANCELLED = "practice_cancelled", "Cancelled by the practice"
        NO_SHOW = "no_show", "No-show"
        ATTENDED = "attended", "Attended"

    OCCUPYING = (Status.HELD, Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

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
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["therapist", "starts_at"], name="appointment_calendar")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            ExclusionConstraint(
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

    # Outcomes the therapist records --------------------------------------------------------

    class ChangeRefused(Exception):
        """The outcome or cancellation cannot be recorded; str(error) says why in plain words."""

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
                raise self.ChangeRefused(f"This session is {shown}; nothing to record.")
            raise self.ChangeRefused(
                "This session has not started yet. You can record what happened once it has."
            )

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
            raise self.ChangeRefused(f"This session is {shown}, so it cannot be cancelled.")


from scheduling.feed_models import CalendarFeed  # noqa: E402, F401  (the calendar feed model)
