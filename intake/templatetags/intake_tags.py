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
def progress_for_client(submission: Submission) -> progress.Progress:
    """The client's own goals, open questionnaire and (once their therapist shares it) chart,
    from their sent intake (`intake_for_client`, which scopes it to them)."""
    return progress.progress_of(submission, for_client=True)
