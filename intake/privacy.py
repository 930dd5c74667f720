"""The intake's part of a client's download and of the retention purge (practice/privacy.py)."""

from intake.flow import Intake
from intake.models import Submission
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


def purge(client: User) -> int:
    """The intake with its answers, scores and internal notes (they go with it)."""
    removed, _ = Submission.objects.filter(client=client).delete()
    return removed
