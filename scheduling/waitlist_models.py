"""The waitlist's rows: who waits for which times, and the offers made to them.

What happens to them (matching, offering, taking an offer) is scheduling/waitlist.py.
"""

import calendar
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from practice.scoping import scoped
from scheduling.links import waitlist_offer_id_from

if TYPE_CHECKING:
    from practice.models import User


class WaitlistEntryQuerySet(models.QuerySet["WaitlistEntry"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own entries, a therapist the entries naming
        them, staff all."""
        return scoped(self, user, client="client", therapist="therapist__user")

    def waiting(self) -> Self:
        return self.filter(status=WaitlistEntry.Status.WAITING)


class WaitlistEntry(models.Model):
    """A client waiting for a time with one therapist (or anyone) at certain times of day."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked from an offer"
        LEFT = "left", "Left the list"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    therapist = models.ForeignKey(
        "practice.Therapist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waitlist_entries",
        help_text="Empty: any therapist who offers the kind of session.",
    )
    session_type = models.ForeignKey("scheduling.SessionType", on_delete=models.PROTECT)
    # Parts of the day on the client's own clock (scheduling/waitlist.py says where they end).
    mornings = models.BooleanField(default=False)
    afternoons = models.BooleanField(default=False)
    evenings = models.BooleanField(default=False)
    weekdays = models.CharField(
        max_length=7, blank=True, help_text="Digits of the weekdays (0 is Monday); empty: any day."
    )
    wants_before = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Only earlier times are offered: the first that suited when they joined (they "
        "chose to wait rather than book it). Empty: nothing suited then, so any time.",
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.WAITING)
    joined_at = models.DateTimeField(default=timezone.now, help_text="Their place in line.")
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(
                fields=["joined_at"], name="waitlist_waiting", condition=Q(status="waiting")
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mornings=True) | Q(afternoons=True) | Q(evenings=True),
                name="waitlist_entry_some_time_of_day",
            ),
            # Joining twice (a double click) keeps one place in line.
            models.UniqueConstraint(
                F("client"),
                Coalesce("therapist", 0),
                F("session_type"),
                condition=Q(status="waiting"),
                name="waitlist_entry_once_while_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} waiting for {self.therapist or 'anyone'}"

    @property
    def parts_of_day(self) -> list[str]:
        chosen = {"morning": self.mornings, "afternoon": self.afternoons, "evening": self.evenings}
        return [part for part, wanted in chosen.items() if wanted]

    @property
    def parts_of_day_label(self) -> str:
        """The parts of the day as pages say them: "mornings, evenings"."""
        return ", ".join(f"{part}s" for part in self.parts_of_day)

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted({int(digit) for digit in self.weekdays})

    @property
    def weekday_labels(self) -> list[str]:
        return [calendar.day_name[number] for number in self.weekday_numbers]


class WaitlistOfferQuerySet(models.QuerySet["WaitlistOffer"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client the offers made to them, a therapist the offers
        of their times, staff all."""
        return scoped(self, user, client="entry__client", therapist="therapist__user")

    def for_link(self, token: str) -> Self:
        """The offer a signed e-mail link opens (not a user: the link works logged out).
        A forged or expired token opens nothing."""
        offer_id = waitlist_offer_id_from(token)
        return self.none() if offer_id is None else self.filter(pk=offer_id)

    def open(self) -> Self:
        return self.filter(status=WaitlistOffer.Status.OPEN)


class WaitlistOffer(models.Model):
    """One open time offered to one person waiting, until `expires_at` (it does not hold it)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        TAKEN = "taken", "Booked"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        GONE = "gone", "Time no longer open"
        REFUSED = "refused", "Could not be booked"
        UNSENT = "unsent", "Not sent"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers")
    therapist = models.ForeignKey(
        "practice.Therapist", on_delete=models.PROTECT, related_name="waitlist_offers"
    )
    session_type = models.ForeignKey("scheduling.SessionType", on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waitlist_offer",
    )

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("offered_at")), name="waitlist_offer_expires_later"
            ),
            # One person at a time for each time, and one time at a time for each person.
            models.UniqueConstraint(
                fields=["therapist", "starts_at"],
                condition=Q(status="open"),
                name="waitlist_offer_one_person_per_time",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="open"),
                name="waitlist_offer_one_time_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer of {self.starts_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.expires_at > timezone.now()
