"""After a session: the client's short check-in, and the therapist's answer to first worries.

A check-in belongs to one attended appointment (one at most: the one-to-one key is the rule,
so marking a session attended twice at once still makes one). Its answers, the flag they
raise and the therapist's "what we changed" are seen only by the client, their therapist and
staff (`for_user`); messages about them carry a link, never what was said.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practice.scoping import scoped

if TYPE_CHECKING:
    from practice.models import User

# The four items, in the practice's own words (not a licensed scale's). Each has the plain
# summary a client reads back when that item was their lowest: "You told us <summary>".
CHECKIN_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("heard", "I felt heard, understood and respected.", "that you did not feel heard"),
    (
        "focus",
        "We worked on what I wanted to work on.",
        "that we did not work on what you wanted to work on",
    ),
    ("approach", "The approach fits me.", "that the approach didn't fit you"),
    ("overall", "Overall, today was right for me.", "that the session wasn't right for you"),
)
ITEM_FIELDS = tuple(field for field, _wording, _summary in CHECKIN_ITEMS)
MAX_SCORE = 10
MAX_TOTAL = MAX_SCORE * len(CHECKIN_ITEMS)


def _score_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(null=True, blank=True)


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a client their own, a therapist their clients', staff all."""
        return scoped(
            self, user, client="appointment__client", therapist="appointment__therapist__user"
        )

    def of_client(self, client_id: int | None) -> Self:
        return self.filter(appointment__client_id=client_id)

    def attended(self) -> Self:
        """Check-ins whose session still counts as attended (a corrected no-show has none)."""
        return self.filter(appointment__status="attended")

    def answered(self) -> Self:
        return self.filter(answered_at__isnull=False)

    def waiting(self, *, now: datetime) -> Self:
        """Open for the client now: sent or due, not answered, skipped or expired."""
        return self.attended().filter(
            answered_at__isnull=True,
            skipped_at__isnull=True,
            opens_at__lte=now,
            expires_at__gt=now,
        )

    def flagged_unacknowledged(self) -> Self:
        return self.exclude(flag="").filter(acknowledged_at__isnull=True)


class CheckIn(models.Model):
    class Flag(models.TextChoices):
        NONE = "", "None"
        LOW = "low", "Total below the practice's threshold"
        DROP = "drop", "Total dropped from the client's own average"

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="checkin"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opens_at = models.DateTimeField(help_text="When the link is sent and the portal shows it.")
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    heard = _score_field()
    focus = _score_field()
    approach = _score_field()
    overall = _score_field()
    note = models.TextField(
        blank=True, max_length=2000, help_text="Anything the client wanted their therapist to know."
    )
    flag = models.CharField(max_length=8, choices=Flag, blank=True, default=Flag.NONE)
    # The client's average total over their earlier answers when this one was answered.
    earlier_average = models.FloatField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.TextField(
        blank=True, max_length=1000, help_text="What we changed: the client reads it next time."
    )
    # The later check-in on which the client first read "what we changed" (and reads it again).
    change_shown_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes_shown"
    )

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": MAX_SCORE}),
                    name=f"checkin_{field}_0_to_10",
                )
                for field in ITEM_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(**{f"{field}__isnull": False for field in ITEM_FIELDS}),
                name="checkin_answered_has_every_item",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(skipped_at__isnull=True),
                name="checkin_answered_or_skipped",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(flag=""),
                name="checkin_only_flags_are_acknowledged",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in for appointment {self.appointment_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def total(self) -> int | None:
        scores = [getattr(self, field) for field in ITEM_FIELDS]
        return None if None in scores else sum(scores)

    @property
    def scores(self) -> list[int | None]:
        return [getattr(self, field) for field in ITEM_FIELDS]

    def is_open(self, now: datetime) -> bool:
        return (
            self.answered_at is None
            and self.skipped_at is None
            and self.expires_at > now
            and self.appointment.status == "attended"
        )

    @property
    def lowest_item_summary(self) -> str:
        """What the client told us, in plain words: their lowest item (the first, on a tie)."""
        scored = [
            (getattr(self, field), summary)
            for field, _wording, summary in CHECKIN_ITEMS
            if getattr(self, field) is not None
        ]
        return min(scored, key=lambda pair: pair[0])[1] if scored else ""


class WorryAnswerQuerySet(models.QuerySet["WorryAnswer"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: the client it was written to, their therapist, staff."""
        return scoped(
            self, user, client="appointment__client", therapist="appointment__therapist__user"
        )


class WorryAnswer(models.Model):
    """The therapist's short answer, before a first session, to the worries in the intake."""

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="worry_answer"
    )
    text = models.TextField(max_length=1500)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WorryAnswerQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Answer to first worries, appointment {self.appointment_id}"
