"""The two screeners the intake carries, tied to their published wording and scoring.

A screener section's questions are made from here, never typed in by staff: the items'
keys ("phq9_1" ... "phq9_9") are how answers are found again for scoring.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from intake import instruments, scoring


@dataclass(frozen=True)
class Screener:
    """A published screener: wording, item keys and scoring (its code is a Section.Instrument)."""

    code: str
    name: str
    title: str
    stem: str
    items: tuple[str, ...]
    score: Callable[[Sequence[int]], scoring.ScreenerScore]
    bands: tuple[scoring.Band, ...]
    max_total: int

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(f"{self.code}_{number}" for number in range(1, len(self.items) + 1))

    def score_answers(self, answers: Mapping[str, object]) -> scoring.ScreenerScore | None:
        """Score from stored answers by key; None while any item is unanswered."""
        values = [answers.get(key) for key in self.item_keys]
        if any(not isinstance(value, int) or isinstance(value, bool) for value in values):
            return None
        return self.score(values)  # type: ignore[arg-type]

    def severity_label(self, severity: str) -> str:
        return next((label for _low, value, label in self.bands if value == severity), severity)


PHQ9 = Screener(
    code="phq9",
    name="PHQ-9",
    title="How you have been feeling",
    stem=instruments.PHQ9_STEM,
    items=instruments.PHQ9_ITEMS,
    score=scoring.phq9,
    bands=scoring.PHQ9_BANDS,
    max_total=27,
)
GAD7 = Screener(
    code="gad7",
    name="GAD-7",
    title="Worry and nerves",
    stem=instruments.GAD7_STEM,
    items=instruments.GAD7_ITEMS,
    score=scoring.gad7,
    bands=scoring.GAD7_BANDS,
    max_total=21,
)
INSTRUMENTS: dict[str, Screener] = {PHQ9.code: PHQ9, GAD7.code: GAD7}

PHQ9_DIFFICULTY_KEY = "phq9_difficulty"
PHQ9_ITEM9_KEY = PHQ9.item_keys[8]
SELF_HARM_KEY = "self_harm_thoughts"


def is_urgent_answer(key: str, value: object) -> bool:
    """True for the two answers that need a clinician's prompt review.

    PHQ-9 item 9 above "Not at all", or yes to the intake's own question about thoughts of
    harming oneself.
    """
    if key == PHQ9_ITEM9_KEY:
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    return key == SELF_HARM_KEY and value is True
