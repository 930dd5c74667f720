"""The pure rules of progress: goals from an answer, when screeners fall due, words on change,
and where a chart's points go. No Django imports, so a migration may use them too.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MAX_GOALS = 10
MAX_GOAL_LENGTH = 1000

# Reliable change: the smallest change in a total that is unlikely to be measurement error.
# These are the thresholds NHS Talking Therapies (formerly IAPT) uses for "reliable
# improvement" and "reliable deterioration": a PHQ-9 change of 6 points or more and a GAD-7
# change of 4 points or more (NHS Talking Therapies Manual; also stated in trial registrations
# that use them, e.g. ClinicalTrials.gov NCT05134103).
RELIABLE_CHANGE = {"phq9": 6, "gad7": 4}

_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s*")


def split_goals(answer: object) -> list[str]:
    """The goals in the intake's "what would you like to be different?" answer, in the
    client's own words: one per line (list markers removed), or the whole answer as one."""
    if not isinstance(answer, str):
        return []
    lines = [_BULLET.sub("", line).strip() for line in answer.splitlines()]
    goals = [line[:MAX_GOAL_LENGTH] for line in lines if line]
    if len(goals) > MAX_GOALS:
        # Too many lines to be a list of goals: it is prose; keep the client's paragraph whole.
        return [answer.strip()[: MAX_GOAL_LENGTH * MAX_GOALS]]
    return goals


# When the screeners fall due ---------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """When the next round falls due: `now` is True once due; otherwise `on` (a time, for a
    schedule in weeks) or `sessions_to_go` (for a schedule in sessions) says when."""

    now: bool
    on: datetime | None = None
    sessions_to_go: int | None = None


def next_due(
    *, unit: str, every: int, last_measured_at: datetime, sessions_since: int, now: datetime
) -> Due:
    """The rule's one home: due every `every` weeks, or every `every` attended sessions,
    counted from the last time the client answered the screeners (intake or a round)."""
    if unit == "weeks":
        on = last_measured_at + timedelta(weeks=every)
        return Due(now=on <= now, on=on)
    to_go = max(0, every - sessions_since)
    return Due(now=to_go == 0, sessions_to_go=to_go)


# Words on change ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    when: datetime
    total: int
    severity_label: str


def describe_change(code: str, first: Score, last: Score, *, today: date) -> str:
    """A plain sentence on how a total changed from the first answers to the latest.

    Only a reliable change (RELIABLE_CHANGE) is called a change: a smaller one can happen by
    chance, so it reads "about the same".
    """
    since = _month(first.when.date(), today)
    threshold = RELIABLE_CHANGE[code]
    difference = last.total - first.total
    points = f"from {first.total} to {last.total}"
    if abs(difference) < threshold:
        return (
            f"About the same as in {since} ({points}; a change of less than {threshold} "
            "points can happen by chance)."
        )
    direction = "an improvement" if difference < 0 else "a change for the worse"
    before, after = first.severity_label.lower(), last.severity_label.lower()
    if before != after:
        return f"Moved from {before} to {after} since {since} ({points}: {direction})."
    return f"Still {after}, but {points} since {since}: {direction}."


def _month(day: date, today: date) -> str:
    return day.strftime("%B") if day.year == today.year else day.strftime("%B %Y")


# Where a chart's points go ------------------------------------------------------------------

CHART_WIDTH = 320
CHART_HEIGHT = 160
CHART_LEFT = 32  # room for the scale's numbers
CHART_PAD = 12


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    total: int


@dataclass(frozen=True)
class ChartLine:
    y: float
    total: int


def chart_points(
    moments: Sequence[datetime], totals: Sequence[int], *, max_total: int
) -> list[ChartPoint]:
    """Each total's place: time runs left to right, a higher total sits higher."""
    left, right = CHART_LEFT, CHART_WIDTH - CHART_PAD
    first, last = (moments[0], moments[-1]) if moments else (None, None)
    span = (last - first).total_seconds() if first and last else 0
    points = []
    for moment, total in zip(moments, totals, strict=True):
        if span and first:
            x = left + (right - left) * (moment - first).total_seconds() / span
        else:
            x = (left + right) / 2
        points.append(ChartPoint(x=round(x, 1), y=chart_y(total, max_total), total=total))
    return points


def chart_y(total: int, max_total: int) -> float:
    top, bottom = CHART_PAD, CHART_HEIGHT - CHART_PAD
    return round(bottom - (bottom - top) * total / max_total, 1)


def band_lines(lowest_totals: Sequence[int], *, max_total: int) -> list[ChartLine]:
    """A line at the start of each severity band, and at zero and the maximum."""
    totals = sorted({0, max_total, *lowest_totals})
    return [ChartLine(y=chart_y(total, max_total), total=total) for total in totals]
