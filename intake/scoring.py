"""Scoring for the PHQ-9 and GAD-7 screeners.

Pure functions with no Django imports, so they are easy to test exhaustively.
A score supports a clinician's judgement; it is never a diagnosis on its own.
"""

from collections.abc import Sequence
from dataclasses import dataclass

MIN_ANSWER = 0
MAX_ANSWER = 3
PHQ9_LENGTH = 9
GAD7_LENGTH = 7

# (lowest total in the band, machine value, label), in ascending order.
Band = tuple[int, str, str]

PHQ9_BANDS: tuple[Band, ...] = (
    (0, "minimal", "Minimal"),
    (5, "mild", "Mild"),
    (10, "moderate", "Moderate"),
    (15, "moderately_severe", "Moderately severe"),
    (20, "severe", "Severe"),
)

GAD7_BANDS: tuple[Band, ...] = (
    (0, "minimal", "Minimal"),
    (5, "mild", "Mild"),
    (10, "moderate", "Moderate"),
    (15, "severe", "Severe"),
)


@dataclass(frozen=True)
class ScreenerScore:
    """A scored screener. `item9_positive` is only ever True for the PHQ-9."""

    total: int
    severity: str
    severity_label: str
    item9_positive: bool = False


def phq9(answers: Sequence[int]) -> ScreenerScore:
    """Score a PHQ-9. Any answer above 0 on item 9 needs a clinician's prompt review."""
    _validate(answers, expected_length=PHQ9_LENGTH, name="PHQ-9")
    total = sum(answers)
    severity, label = _band_for(total, PHQ9_BANDS)
    return ScreenerScore(
        total=total,
        severity=severity,
        severity_label=label,
        item9_positive=answers[8] > 0,
    )


def gad7(answers: Sequence[int]) -> ScreenerScore:
    """Score a GAD-7."""
    _validate(answers, expected_length=GAD7_LENGTH, name="GAD-7")
    total = sum(answers)
    severity, label = _band_for(total, GAD7_BANDS)
    return ScreenerScore(total=total, severity=severity, severity_label=label)


def _validate(answers: Sequence[int], *, expected_length: int, name: str) -> None:
    # The contract is ValueError for any bad input, so callers catch one thing.
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{name} answers must be a list of integers.")  # noqa: TRY004
    if len(answers) != expected_length:
        raise ValueError(f"{name} needs exactly {expected_length} answers, got {len(answers)}.")
    for number, answer in enumerate(answers, start=1):
        _validate_answer(answer, number=number, name=name)


def _validate_answer(answer: object, *, number: int, name: str) -> None:
    # bool is a subclass of int, but True/False is never a valid answer.
    if not isinstance(answer, int) or isinstance(answer, bool):
        kind = type(answer).__name__
        raise ValueError(f"{name} answer {number} must be an integer, got {kind}.")  # noqa: TRY004
    if not MIN_ANSWER <= answer <= MAX_ANSWER:
        raise ValueError(
            f"{name} answer {number} must be between {MIN_ANSWER} and {MAX_ANSWER}, got {answer}."
        )


def _band_for(total: int, bands: Sequence[Band]) -> tuple[str, str]:
    severity, label = bands[0][1], bands[0][2]
    for lowest, band_severity, band_label in bands:
        if total >= lowest:
            severity, label = band_severity, band_label
    return severity, label
