"""What other apps may ask of intake."""

from collections.abc import Iterable


def clients_missing_intake(client_ids: Iterable[int]) -> set[int]:
    """The clients among these who have not submitted their intake questionnaire (one query)."""
    from intake.models import Submission

    wanted = set(client_ids)
    if not wanted:
        return set()
    sent = Submission.objects.filter(client_id__in=wanted, submitted_at__isnull=False)
    return wanted - set(sent.values_list("client_id", flat=True))
