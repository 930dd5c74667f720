from django import template

from intake import progress
from intake.models import Submission
from practice.models import User

register = template.Library()


@register.simple_tag
def intake_for_client(user: User) -> Submission | None:
    """The client's own intake, if they have begun one."""
    return Submission.objects.for_user(user).first()


@register.simple_tag
def intake_counts(user: User) -> dict[str, int]:
    """Intakes per status and the number needing urgent review, as this user may see them."""
    return Submission.objects.for_user(user).status_counts()


@register.simple_tag
def progress_for_client(user: User) -> "progress.Progress | None":
    """The client's own goals, open questionnaire and (once their therapist shares it) chart."""
    submission = Submission.objects.for_user(user).filter(submitted_at__isnull=False).first()
    return None if submission is None else progress.progress_of(submission, for_client=True)
