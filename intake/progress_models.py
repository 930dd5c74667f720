"""Progress after the intake: the client's goals and their steps, and the screeners again.

Both hang off the client's intake (`Submission`): the goals start as the intake's own answer,
and the screeners asked again are scored and stored beside the intake's (`ScreenerResult`
with a `round`). So "who may see them" is the intake's rule: the client, the therapist the
intake is assigned to, and staff.
"""

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from practice.scoping import scoped

if TYPE_CHECKING:
    from practice.models import User

# The paths from these rows to their client and to their therapist's user (practice/scoping.py).
CLIENT = "submission__client"
THERAPIST = "submission__assigned_therapist__user"


class GoalQuerySet(models.QuerySet["Goal"]):
    def for_user(self, user: "User") -> Self:
        """The client's own goals, their therapist's clients' goals, or every goal for staff."""
        return scoped(self, user, client=CLIENT, therapist=THERAPIST)


class Goal(models.Model):
    """One goal, in the client's own words from the intake."""

    submission = models.ForeignKey(
        "intake.Submission", on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            # Goals are made from the intake once: a second run finds the positions taken.
            models.UniqueConstraint(fields=["submission", "position"], name="goal_unique_position")
        ]

    def __str__(self) -> str:
        return f"Goal #{self.pk}"


class GoalStepQuerySet(models.QuerySet["GoalStep"]):
    def for_user(self, user: "User") -> Self:
        return scoped(self, user, client=f"goal__{CLIENT}", therapist=f"goal__{THERAPIST}")


class GoalStep(models.Model):
    """A small step towards a goal, added by the client or their therapist; either marks it done."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = GoalStepQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="goal_step_done_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Step #{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class MeasureScheduleQuerySet(models.QuerySet["MeasureSchedule"]):
    def for_user(self, user: "User") -> Self:
        return scoped(self, user, client=CLIENT, therapist=THERAPIST)


class MeasureSchedule(models.Model):
    """How often the therapist asks this client the PHQ-9 and GAD-7 again, and who sees the chart.

    When they fall due is `intake.progress.next_due` (the rule's one home).
    """

    class Unit(models.TextChoices):
        SESSIONS = "sessions", "sessions"
        WEEKS = "weeks", "weeks"

    MAX_EVERY = 52

    submission = models.OneToOneField(
        "intake.Submission", on_delete=models.CASCADE, related_name="measure_schedule"
    )
    every = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=8, choices=Unit)
    active = models.BooleanField(default=True)
    # The client sees their own chart only once their therapist has decided it helps.
    shared_with_client = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeasureScheduleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every__gte=1, every__lte=52), name="measure_schedule_every_in_range"
            )
        ]

    def __str__(self) -> str:
        return f"Every {self.every} {self.get_unit_display()}"


class MeasureRoundQuerySet(models.QuerySet["MeasureRound"]):
    def for_user(self, user: "User") -> Self:
        return scoped(self, user, client=CLIENT, therapist=THERAPIST)

    def open(self) -> Self:
        return self.filter(completed_at__isnull=True, closed_at__isnull=True)


class MeasureRound(models.Model):
    """The PHQ-9 and GAD-7 asked again: open from when it falls due until the client answers.

    Its scores are `ScreenerResult` rows with this round, scored exactly as the intake's.
    """

    submission = models.ForeignKey(
        "intake.Submission", on_delete=models.CASCADE, related_name="measure_rounds"
    )
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # A round the therapist's new schedule made unnecessary (it was switched off).
    closed_at = models.DateTimeField(null=True, blank=True)
    # Item scores by key ("phq9_1" ... "gad7_7"), for the therapist's review; never in a message.
    answers = models.JSONField(default=dict, blank=True)

    objects = MeasureRoundQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "opened_at"]
        constraints = [
            # One open round per client: the beat that opens rounds may run twice at once.
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(completed_at__isnull=True, closed_at__isnull=True),
                name="measure_round_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Questionnaire round #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.closed_at is None
