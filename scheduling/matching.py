"""Help choosing a therapist: the ranking rule, pure (no database), so it is tested alone.

The visitor's answers stay in their browser session until they sign up; nothing is stored.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

# Parts of the day on the person's own clock: a morning time starts before noon, an afternoon
# one before 5 PM, an evening one from 5 PM. Help choosing and the waitlist both read them here.
AFTERNOON_STARTS = time(12, 0)
EVENING_STARTS = time(17, 0)
# How forms name them, with the bounds above.
PARTS_OF_DAY = {
    "morning": "Mornings (before noon)",
    "afternoon": "Afternoons (noon to 5 PM)",
    "evening": "Evenings (from 5 PM)",
}


def part_of_day(clock: time) -> str:
    """ "morning", "afternoon" or "evening" for a time starting at this wall-clock reading."""
    if clock < AFTERNOON_STARTS:
        return "morning"
    return "afternoon" if clock < EVENING_STARTS else "evening"


@dataclass(frozen=True)
class Answers:
    """What the visitor told us; an empty answer means "no preference"."""

    concern: str = ""
    language: str = ""
    modality: str = ""  # "in_person", "telehealth" or "" for either
    times_of_day: frozenset[str] = frozenset()
    payment: str = ""  # every therapist here takes insurance and self-pay: it does not rank


@dataclass(frozen=True)
class OpenTime:
    """An open time on the visitor's clock (an aware datetime in their zone)."""

    starts_at: datetime
    modality: str
    session_type_id: int


@dataclass(frozen=True)
class Candidate:
    slug: str
    name: str
    specialties: tuple[str, ...]
    languages: tuple[str, ...]
    open_times: tuple[OpenTime, ...]


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    works_with_concern: bool
    fitting_times: tuple[OpenTime, ...] = field(default_factory=tuple)


def _fits(slot: OpenTime, answers: Answers) -> bool:
    if answers.modality and slot.modality != answers.modality:
        return False
    if not answers.times_of_day:
        return True
    return part_of_day(slot.starts_at.time()) in answers.times_of_day


def rank_therapists(
    candidates: Iterable[Candidate], answers: Answers, *, times_shown: int = 3
) -> list[Match]:
    """Therapists in the order we suggest them, each with their first times that fit.

    The rule: a language asked for is a must (a therapist who does not speak it is left out);
    then those with a time that fits (in person or video, the parts of the day) come first;
    among them, those who work with what brings the visitor; then the earliest fitting time.
    """
    matches = []
    for candidate in candidates:
        if answers.language and answers.language not in candidate.languages:
            continue
        fitting = sorted(
            (slot for slot in candidate.open_times if _fits(slot, answers)),
            key=lambda slot: slot.starts_at,
        )
        matches.append(
            Match(
                candidate=candidate,
                works_with_concern=bool(answers.concern)
                and answers.concern in candidate.specialties,
                fitting_times=tuple(fitting[:times_shown]),
            )
        )

    return sorted(matches, key=_sort_key)


def _sort_key(match: Match) -> tuple[bool, bool, float, str]:
    first = match.fitting_times[0].starts_at.timestamp() if match.fitting_times else float("inf")
    return (not match.fitting_times, not match.works_with_concern, first, match.candidate.name)
