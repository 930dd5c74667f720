from datetime import timedelta
from typing import Self

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from scheduling.db import TsTzRange


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
