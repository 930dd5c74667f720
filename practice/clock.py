"""Local clock time to instant: the one rule every app uses.

A clock reading names one instant, except twice a year. When the clocks go back it names two:
the first is meant. When they spring forward it names none: the moment the clocks jump is
meant, the first instant the clock reads that time or later. So a reminder never moves later
than the clock time said, and a day starts at its first instant even where midnight is skipped.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant (in UTC) at which the clock in `zone` reads `at` on `day`, or later."""
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if not clock_skips(day, at, zone):
        return first
    # Inside a spring-forward gap the fold=1 reading lies before the jump and fold=0 after it.
    before = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    after = int(first.timestamp()) + 1
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def clock_skips(day: date, at: time, zone: ZoneInfo) -> bool:
    """True when the clocks in `zone` jump over `at` on `day`, so it is never read there."""
    wall = datetime.combine(day, at)
    # zoneinfo quietly turns a reading inside a gap into another reading; a round trip shows it.
    reading = wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
    return reading.replace(tzinfo=None) != wall


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local day (midnight, or the jump where the clocks skip it)."""
    return local_instant(day, time(0), zone)
