"""Use cases of progress: steps towards the client's goals, and the screeners asked again.

Goals come from the intake (`services.write_goals`); steps are added and marked done by the
client or their therapist. The PHQ-9 and GAD-7 are asked again on the therapist's schedule:
beat opens a round when one falls due (`open_due_rounds`, the rule is
`progress_rules.next_due`), writes a portal-link reminder to the outbox, and the client's
answers are scored and raise the urgent flag exactly as the intake's do (`services`).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone

from consent import status as consent_status
from intake import services, status
from intake.models import (
    Goal,
    GoalStep,
    MeasureRound,
    MeasureSchedule,
    ScreenerResult,
    Submission,
)
from intake.progress_rules import (
    ChartLine,
    ChartPoint,
    Due,
    Score,
    band_lines,
    chart_points,
    describe_change,
    next_due,
)
from intake.screeners import INSTRUMENTS, is_urgent_answer
from practice import channels, outbox
from practice.models import OutboundMessage, PracticeSettings, User

REMINDER_TEMPLATE = "measure_reminder"
EMAIL = OutboundMessage.Channel.EMAIL
SMS = OutboundMessage.Channel.SMS


class RoundClosed(Exception):
    """The questionnaire was answered already (another tab, a double tap) or is no longer asked."""


# Goals and steps ----------------------------------------------------------------------------


def add_step(*, goal: Goal, text: str, by: User) -> GoalStep:
    return GoalStep.objects.create(goal=goal, text=text.strip(), added_by=by)


def mark_step_done(*, step: GoalStep, by: User) -> bool:
    """Mark a step done. False if it was done already: a second tap changes nothing."""
    done = GoalStep.objects.filter(pk=step.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by
    )
    step.refresh_from_db(fields=["done_at", "done_by"])
    return bool(done)


# The schedule -------------------------------------------------------------------------------


@transaction.atomic
def set_schedule(
    *, submission: Submission, every: int, unit: str, active: bool, shared: bool, by: User
) -> MeasureSchedule:
    """Save how often this client is asked again and whether they see their chart.

    Switching the schedule off closes a round the client has not answered yet.
    """
    schedule, _created = MeasureSchedule.objects.update_or_create(
        submission=submission,
        defaults={
            "every": every,
            "unit": unit,
            "active": active,
            "shared_with_client": shared,
            "updated_by": by,
        },
    )
    if not active:
        waiting = list(MeasureRound.objects.filter(submission=submission).open())
        # Conditional: a round the client answers at this very moment stays answered.
        MeasureRound.objects.open().filter(pk__in=[r.pk for r in waiting]).update(
            closed_at=timezone.now()
        )
        for measure_round in waiting:
            outbox.cancel_pending_messages(measure_round, reason="the therapist stopped asking")
    return schedule


def last_measured(submissions: list[Submission]) -> dict[int, datetime]:
    """When each client last answered the screeners: the intake, or their latest round."""
    latest = dict(
        MeasureRound.objects.filter(submission__in=submissions, completed_at__isnull=False)
        .values("submission_id")
        .annotate(latest=Max("completed_at"))
        .values_list("submission_id", "latest")
    )
    return {
        submission.pk: max(filter(None, [submission.submitted_at, latest.get(submission.pk)]))
        for submission in submissions
        if submission.submitted_at is not None
    }


def due_for(schedules: Sequence[MeasureSchedule], now: datetime) -> dict[int, Due]:
    """When each schedule's next round falls due, by submission id (two queries for all)."""
    submissions = [schedule.submission for schedule in schedules]
    measured = last_measured(submissions)
    sessions = status.attended_sessions_since(
        {
            submission.client_id: measured[submission.pk]
            for submission, schedule in zip(submissions, schedules, strict=True)
            if submission.pk in measured and schedule.unit == MeasureSchedule.Unit.SESSIONS
        }
    )
    return {
        schedule.submission_id: next_due(
            unit=schedule.unit,
            every=schedule.every,
            last_measured_at=measured[schedule.submission_id],
            sessions_since=sessions.get(schedule.submission.client_id, 0),
            now=now,
        )
        for schedule in schedules
        if schedule.submission_id in measured
    }


def open_due_rounds(now: datetime | None = None) -> int:
    """Open a round, with its reminder, for each client whose screeners fall due (beat runs this).

    Safe to run twice at once: the database allows one open round per client.
    """
    now = now or timezone.now()
    schedules = list(
        MeasureSchedule.objects.filter(
            active=True,
            submission__submitted_at__isnull=False,
            submission__client__is_active=True,
        )
        .annotate(
            has_open=Exists(MeasureRound.objects.open().filter(submission=OuterRef("submission")))
        )
        .filter(has_open=False)
        .select_related("submission__client")
    )
    due = due_for(schedules, now)
    return sum(
        open_round(schedule.submission, now=now) is not None
        for schedule in schedules
        if due.get(schedule.submission_id, Due(now=False)).now
    )


def open_round(submission: Submission, *, now: datetime) -> MeasureRound | None:
    """Open a round and write its reminders; None if one is open already."""
    try:
        with transaction.atomic():
            measure_round = MeasureRound.objects.create(submission=submission, opened_at=now)
            _schedule_reminders(measure_round, submission.client, now=now)
    except IntegrityError as error:
        if "measure_round_one_open" not in str(error):
            raise
        return None
    return measure_round


def _schedule_reminders(measure_round: MeasureRound, client: User, *, now: datetime) -> None:
    # Written now, sent inside the client's sending hours; consent is read when it is sent.
    night = PracticeSettings.load().quiet_hours_around(now, client.zone)
    due_at = now if night is None else night[1]
    for channel, address in ((EMAIL, client.email), (SMS, client.mobile_phone)):
        if address:
            outbox.schedule_message(
                key=f"measure-round:{measure_round.pk}:reminder:{channel}",
                template=REMINDER_TEMPLATE,
                to=address,
                recipient=client,
                channel=channel,
                about=measure_round,
                due_at=due_at,
            )


@channels.context_builder(REMINDER_TEMPLATE)
def reminder_context(message: OutboundMessage) -> dict:
    # A link to the portal only: the message never says what is waiting there, or why.
    if message.about_id is None:
        raise channels.DeliverySkipped("the message is about no questionnaire")
    measure_round = (
        MeasureRound.objects.select_related("submission__client")
        .filter(pk=message.about_id)
        .first()
    )
    if measure_round is None or not measure_round.is_open:
        raise channels.DeliverySkipped("the questionnaire was answered or is no longer asked")
    client = measure_round.submission.client
    if client.pk != message.recipient_id:
        raise channels.DeliverySkipped("the questionnaire is no longer this client's")
    consent_status.require_consent_to(message, client)
    channels.wait_for_sending_hours(client.zone)
    return {
        "client_name": client.display_name,
        "portal_url": f"{settings.SITE_URL}{reverse('practice:portal')}",
    }


# Answering a round --------------------------------------------------------------------------


def complete_round(*, measure_round: MeasureRound, answers: dict[str, int]) -> list[ScreenerResult]:
    """Keep the client's answers, score them as the intake's are, and raise the urgent flag at
    once if an answer needs prompt review (PHQ-9 item 9 above "Not at all")."""
    with transaction.atomic():
        answered = MeasureRound.objects.open().filter(pk=measure_round.pk)
        if not answered.update(completed_at=timezone.now(), answers=answers):
            raise RoundClosed
        measure_round.refresh_from_db()
        submission = measure_round.submission
        results = services.record_scores(
            submission=submission,
            answers=answers,
            instruments=list(INSTRUMENTS),
            round=measure_round,
        )
        if any(is_urgent_answer(key, value) for key, value in answers.items()):
            services.flag_urgent(submission, round=measure_round)
        outbox.cancel_pending_messages(measure_round, reason="the client answered")
    return results


# What the pages show ------------------------------------------------------------------------


@dataclass
class Chart:
    """One screener's totals over time: the SVG's points and the table's rows are one list."""

    code: str
    name: str
    max_total: int
    scores: list[Score]
    change: str
    points: list[ChartPoint] = field(default_factory=list)
    lines: list[ChartLine] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.points)


def results_of(submission: Submission) -> list[ScreenerResult]:
    """Every PHQ-9 and GAD-7 total from the intake on, oldest first (one query)."""
    return list(ScreenerResult.objects.filter(submission=submission).order_by("created_at", "pk"))


def charts_for(results: list[ScreenerResult]) -> list[Chart]:
    """One chart per screener answered, with words on the change from the first answers."""
    today = timezone.localdate()
    charts = []
    for code, screener in INSTRUMENTS.items():
        scores = [
            Score(
                when=timezone.localtime(result.created_at),
                total=result.total,
                severity_label=result.severity_label,
            )
            for result in results
            if result.instrument == code
        ]
        if not scores:
            continue
        change = (
            describe_change(code, scores[0], scores[-1], today=today) if len(scores) > 1 else ""
        )
        charts.append(
            Chart(
                code=code,
                name=screener.name,
                max_total=screener.max_total,
                scores=scores,
                change=change,
                points=chart_points(
                    [score.when for score in scores],
                    [score.total for score in scores],
                    max_total=screener.max_total,
                ),
                lines=band_lines(
                    [lowest for lowest, _value, _label in screener.bands],
                    max_total=screener.max_total,
                ),
            )
        )
    return charts


@dataclass
class Progress:
    """Everything the progress sections of a page show about one client."""

    submission: Submission
    goals: list[Goal]
    schedule: MeasureSchedule | None
    open_round: MeasureRound | None
    charts: list[Chart]
    due: Due | None = None
    # The latest round whose PHQ-9 item 9 was above "Not at all" (its result), for staff.
    urgent_result: ScreenerResult | None = None

    @property
    def last_done_step(self) -> GoalStep | None:
        done = [step for goal in self.goals for step in goal.steps.all() if step.is_done]
        return max(done, key=lambda step: step.done_at or timezone.now(), default=None)

    @property
    def chart_shared(self) -> bool:
        return self.schedule is not None and self.schedule.shared_with_client


def progress_of(submission: Submission, *, for_client: bool) -> Progress:
    """A client's goals, schedule, open round and charts (a fixed handful of queries).

    The client sees their charts only when their therapist has shared them.
    """
    goals = list(
        Goal.objects.filter(submission=submission).prefetch_related(
            Prefetch("steps", queryset=GoalStep.objects.order_by("created_at", "pk"))
        )
    )
    schedule = MeasureSchedule.objects.filter(submission=submission).first()
    open_round = MeasureRound.objects.filter(submission=submission).open().first()
    progress = Progress(
        submission=submission, goals=goals, schedule=schedule, open_round=open_round, charts=[]
    )
    if not for_client or progress.chart_shared:
        results = results_of(submission)
        progress.charts = charts_for(results)
        if not for_client:
            urgent = [r for r in results if r.round_id is not None and r.item9_positive]
            progress.urgent_result = urgent[-1] if urgent else None
    if schedule is not None and schedule.active and not for_client:
        schedule.submission = submission
        progress.due = due_for([schedule], timezone.now()).get(submission.pk)
    return progress
