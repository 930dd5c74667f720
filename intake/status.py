"""What other apps may ask of intake. The intake issue fills these in."""

from collections.abc import Iterable


def clients_missing_intake(client_ids: Iterable[int]) -> set[int]:
    """The clients among these who have not submitted their intake questionnaire (one query)."""
    return set()
