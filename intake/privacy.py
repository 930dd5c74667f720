"""The intake's part of a client's download and of the retention purge (practice/privacy.py)."""

from intake.flow import Intake
from intake.models import GoalStep, Submission
from practice.models import User
from practice.privacy import Row


def answers(client: User) -> list[Row]:
    """Each question the client was shown, with their answer as they gave it."""
    submission = Submission.objects.filter(client=client).select_related("version").first()
    if submission is None:
        return []
    return [
        {
            "section": shown.page.section.title,
            "question": answer.question.text,
            "answer": answer.text,
        }
        for shown in Intake(submission).shown_pages()
        for answer in shown.answers
    ]


def scores(client: User) -> list[Row]:
    """The screener scores worked out from the answers (PHQ-9, GAD-7)."""
    submission = Submission.objects.filter(client=client).first()
    if submission is None:
        return []
    return [
        {
            "questionnaire": result.name,
            "score": result.total,
            "out_of": result.max_total,
            "severity": result.severity_label,
            "worked_out_at": result.created_at,
        }
        for result in submission.screener_results.all()
    ]


def goals(client: User) -> list[Row]:
    """Each goal in the client's words with its small steps, done or not."""
    steps = (
        GoalStep.objects.filter(goal__submission__client=client)
        .select_related("goal")
        .order_by("goal__position", "created_at", "pk")
    )
    return [
        {
            "goal": step.goal.text,
            "step": step.text,
            "added_at": step.created_at,
            "done_at": step.done_at,
        }
        for step in steps
    ]


def purge(client: User) -> int:
    """The intake with its answers, scores, goals, steps, questionnaires asked again and
    internal notes (they all go with it)."""
    removed, _ = Submission.objects.filter(client=client).delete()
    return removed
