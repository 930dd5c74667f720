"""Use cases of the intake: saving and sending answers, the safety flag, and staff review."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from consent import status as consent_status
from intake import profile, status
from intake.flow import Intake
from intake.models import (
    Answer,
    Goal,
    InternalNote,
    MeasureRound,
    Question,
    QuestionnaireVersion,
    ScreenerResult,
    Section,
    Submission,
)
from intake.progress_rules import split_goals
from intake.screeners import INSTRUMENTS, is_urgent_answer
from practice import channels, outbox
from practice.audit import AuditEntry, record_access
from practice.models import OutboundMessage, Therapist, User

URGENT_TEMPLATE = "urgent_intake"
# The intake question whose answer becomes the client's goals (intake/content.py).
GOALS_KEY = "goals"


class AlreadySubmitted(Exception):
    """The intake was sent already; it can be read but not changed."""


class IncompleteIntake(Exception):
    """Some required questions that apply are unanswered."""

    def __init__(self, missing: dict[int, list[Question]]) -> None:
        super().__init__("Some required answers are missing.")
        self.missing = missing


class NotSubmittedYet(Exception):
    """A draft has no review status to change."""


class NoUrgentFlag(Exception):
    """There is no unacknowledged urgent flag on this intake."""


def start_intake(*, client: User) -> Submission:
    """The client's intake, begun on the current questionnaire version if it is new."""
    submission = Submission.objects.filter(client=client).first()
    if submission is not None:
        return submission
    version = QuestionnaireVersion.objects.current_intake()
    if version is None:
        raise QuestionnaireVersion.DoesNotExist("No intake questionnaire has been published.")
    submission, _created = Submission.objects.get_or_create(
        client=client, defaults={"version": version}
    )
    return submission


def save_answers(
    *, submission: Submission, answers: dict[Question, object], resume_step: int
) -> None:
    """Save one page of answers (None removes one) and where to resume.

    An answer that needs prompt review flags the intake urgent in this same transaction,
    so staff see it even if the alert e-mail never leaves.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if not locked.is_draft:
            raise AlreadySubmitted
        Answer.objects.bulk_create(
            [
                Answer(submission=locked, question=question, value=value, updated_at=now)
                for question, value in answers.items()
                if value is not None
            ],
            update_conflicts=True,
            unique_fields=["submission", "question"],
            update_fields=["value", "updated_at"],
        )
        removed = [question.pk for question, value in answers.items() if value is None]
        if removed:
            Answer.objects.filter(submission=locked, question_id__in=removed).delete()
        Submission.objects.filter(pk=locked.pk).update(resume_step=resume_step, updated_at=now)
        if any(is_urgent_answer(question.key, value) for question, value in answers.items()):
            flag_urgent(locked)
    submission.refresh_from_db()


def flag_urgent(submission: Submission, *, round: MeasureRound | None = None) -> bool:
    """Mark the intake urgent and alert staff (or the practice) once per cause. Call inside a
    transaction.

    The intake's own answers raise the flag once. Each later round of screeners whose answers
    need prompt review raises it again, even after staff acknowledged an earlier flag.
    """
    now = timezone.now()
    flags = Submission.objects.filter(pk=submission.pk)
    if round is None:
        key = f"intake:{submission.pk}:urgent"
        flagged = flags.filter(urgent=False).update(urgent=True, urgent_at=now)
    else:
        key = f"intake:{submission.pk}:urgent:round:{round.pk}"
        flagged = flags.update(
            urgent=True, urgent_at=now, urgent_acknowledged_at=None, urgent_acknowledged_by=None
        )
    if not flagged:
        return False
    outbox.alert_staff(
        key=key,
        template=URGENT_TEMPLATE,
        about=submission,
        context={"submission_id": submission.pk},
    )
    return True


@channels.context_builder(URGENT_TEMPLATE)
def urgent_intake_context(message: OutboundMessage) -> dict:
    # Only a link: the message must say nothing about the client or their answers.
    submission = Submission.objects.filter(pk=message.context.get("submission_id")).first()
    if submission is None:
        raise channels.DeliverySkipped("the intake no longer exists")
    if not submission.needs_urgent_review:
        raise channels.DeliverySkipped("a member of staff has already acknowledged it")
    path = reverse("intake:submission-detail", kwargs={"pk": submission.pk})
    return {"link": f"{settings.SITE_URL}{path}"}


def submit_intake(*, submission: Submission) -> None:
    """Send the intake: drop answers that no longer apply, score the screeners, join the queue."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if not locked.is_draft:
            raise AlreadySubmitted
        intake = Intake(locked)
        missing = intake.missing_by_page()
        if missing:
            raise IncompleteIntake(missing)
        hidden = [q.pk for q in intake.questions if q.key not in intake.visible]
        Answer.objects.filter(submission=locked, question_id__in=hidden).delete()
        # Scores come from the stored answers only; nothing the browser sent is trusted.
        record_scores(
            submission=locked,
            answers=intake.answers,
            instruments=[
                page.section.instrument
                for page in intake.pages
                if page.section.kind == Section.Kind.SCREENER
            ],
        )
        now = timezone.now()
        locked.status = Submission.Status.NEW
        locked.submitted_at = locked.status_changed_at = now
        locked.resume_step = intake.check_step
        if locked.assigned_therapist_id is None:
            locked.assigned_therapist = status.booked_therapist(locked.client_id)
        locked.save()
        # Only the intake's own answers teach the profile; the known ones came from it.
        asked = {key: value for key, value in intake.answers.items() if key not in intake.known}
        learned = profile.profile_updates(asked)
        if learned:
            User.objects.filter(pk=locked.client_id).update(**learned)
        write_goals(locked, intake.answers.get(GOALS_KEY))
        if any(is_urgent_answer(key, intake.answers.get(key)) for key in intake.visible):
            flag_urgent(locked)
        _record_contact_answers(locked.client, asked)
    submission.refresh_from_db()


def record_scores(
    *,
    submission: Submission,
    answers: dict,
    instruments: list[str],
    round: MeasureRound | None = None,
) -> list[ScreenerResult]:
    """Score each screener from answers by key and keep the totals: the intake's (no round)
    or a round's. One scoring for both (intake/screeners.py, intake/scoring.py)."""
    results = []
    for code in instruments:
        score = INSTRUMENTS[code].score_answers(answers)
        if score is not None:
            results.append(
                ScreenerResult.objects.create(
                    submission=submission,
                    round=round,
                    instrument=code,
                    total=score.total,
                    severity=score.severity,
                    item9_positive=score.item9_positive,
                )
            )
    return results


def write_goals(submission: Submission, answer: object) -> None:
    """Make the client's goals from their intake answer, in their own words (once only)."""
    goals = [
        Goal(submission=submission, position=position, text=text)
        for position, text in enumerate(split_goals(answer), start=1)
    ]
    Goal.objects.bulk_create(goals, ignore_conflicts=True)


def _record_contact_answers(client: User, answers: dict) -> None:
    # "May we e-mail / text you?" is the Consent to Contact's question too: one answer rules.
    by_email, by_text = answers.get("contact_by_email"), answers.get("contact_by_text")
    if isinstance(by_email, bool) and isinstance(by_text, bool):
        consent_status.record_intake_contact_answers(client, email=by_email, sms=by_text)


# Every look at or change to an intake is one row in the practice's audit log, written in the
# change's own transaction. The request gives the row its person, address and request id.
INTAKE = "Intake"


def record_view(request: HttpRequest, *, submission: Submission) -> None:
    """Write down that this request's person opened the intake (answers and scores)."""
    record_access(request, client=submission.client, record=INTAKE, record_id=submission.pk)


def _record_change(
    request: HttpRequest, submission: Submission, detail: str, *, added: bool = False
) -> None:
    action = AuditEntry.Action.ADDED if added else AuditEntry.Action.CHANGED
    record_access(
        request,
        client=submission.client,
        record=INTAKE,
        record_id=submission.pk,
        action=action,
        detail=detail,
    )


@transaction.atomic
def acknowledge_urgent(request: HttpRequest, *, submission: Submission, by: User) -> None:
    """Record that a member of staff has seen the urgent flag; it leaves the dashboard."""
    now = timezone.now()
    done = Submission.objects.filter(
        pk=submission.pk, urgent=True, urgent_acknowledged_at__isnull=True
    ).update(urgent_acknowledged_by=by, urgent_acknowledged_at=now, updated_at=now)
    if not done:
        raise NoUrgentFlag
    _record_change(request, submission, "Urgent flag acknowledged")
    submission.refresh_from_db()


@transaction.atomic
def change_status(
    request: HttpRequest, *, submission: Submission, status: str, note: str, by: User
) -> None:
    """Move a sent intake to another review status, with an optional internal note."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.is_draft:
        raise NotSubmittedYet
    before = locked.get_status_display()
    locked.status = status
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    if note.strip():
        InternalNote.objects.create(
            submission=locked,
            author=by,
            text=f"Status changed to {locked.get_status_display().lower()}: {note.strip()}",
        )
    _record_change(request, locked, f"Status: {before} → {locked.get_status_display()}")
    submission.refresh_from_db()


@transaction.atomic
def assign_therapist(
    request: HttpRequest, *, submission: Submission, therapist: Therapist | None
) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        assigned_therapist=therapist, updated_at=timezone.now()
    )
    name = therapist.public_name if therapist else "Nobody"
    _record_change(request, submission, f"Assigned therapist: {name}")
    submission.refresh_from_db()


@transaction.atomic
def add_note(request: HttpRequest, *, submission: Submission, text: str, by: User) -> InternalNote:
    note = InternalNote.objects.create(submission=submission, author=by, text=text.strip())
    _record_change(request, submission, "Internal note", added=True)
    return note
