"""Open appointment slots for one therapist: weekly hours, dated exceptions, time off, busy time.

Pure calculation with no Django, so the page that lists slots and the booking that accepts one
share a single answer (`is_open_slot` calls `open_slots`).

Hours are wall-clock times in the therapist's zone. Slots start at a window's opening and every
`step` after it on the local clock, so 09:00, 09:30... stay put across a DST change. A clock
time that happens twice (fall back) offers both instants; one that never happens (spring
forward) offers none. A session lasts `duration` of real time and must end by the first moment
the clock shows the window's closing time.
"""

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NotRequired, TypedDict, Unpack
from zoneinfo import ZoneInfo

NO_TIME = timedelta(0)


@dataclass(frozen=True)
class WeeklyHours:
    """One opening window on a weekday (0 is Monday), in the therapist's local time."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.start >= self.end:
            raise ValueError("hours must start before they end, on the same date")


@dataclass(frozen=True)
class DateHours:
    """Hours for one date that replace its weekly hours; no start and end means closed."""

    day: date
    start: time | None
    end: time | None

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither for a closed day")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("hours must start before they end, on the same date")


@dataclass(frozen=True)
class Interval:
    """Half-open [start, end) between two aware instants, e.g. time off or a booked session."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("intervals need timezone-aware datetimes")
        if self.start.astimezone(UTC) > self.end.astimezone(UTC):
            raise ValueError("an interval cannot end before it starts")


@dataclass(frozen=True)
class BookingPolicy:
    """How close to now, how far ahead, how spaced out and how many sessions clients may book."""

    minimum_notice: timedelta
    horizon: timedelta
    buffer: timedelta
    max_sessions_per_day: int | None

    def problems(self) -> list[str]:
        """Plain-English reasons these settings are invalid or contradict each other."""
        found = []
        if self.minimum_notice < NO_TIME:
            found.append("Minimum notice cannot be negative.")
        if self.horizon <= NO_TIME:
            found.append("How far ahead clients can book must be longer than zero.")
        elif self.minimum_notice >= self.horizon:
            found.append(
                "Minimum notice must be shorter than how far ahead clients can book, "
                "otherwise no time can ever be booked."
            )
        if self.buffer < NO_TIME:
            found.append("The buffer between sessions cannot be negative.")
        elif self.buffer >= timedelta(days=1):
            found.append("The buffer between sessions must be shorter than a day.")
        if self.max_sessions_per_day is not None and self.max_sessions_per_day < 1:
            found.append("The daily limit must be at least 1 session, or empty for no limit.")
        return found


class SlotRules(TypedDict):
    """Everything `open_slots` needs except the visible window; build once, pass to both."""

    zone: ZoneInfo
    weekly_hours: Iterable[WeeklyHours]
    date_hours: Iterable[DateHours]
    time_off: Iterable[Interval]
    busy: Iterable[Interval]
    policy: BookingPolicy
    duration: timedelta
    now: datetime
    step: NotRequired[timedelta]


class _BlockedTime:
    """Merged, sorted blocked intervals, so checking a slot is one bisect rather than a scan."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        merged: list[list[datetime]] = []
        for start, end in sorted(
            (i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in intervals
        ):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            elif start < end:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        latest_starting_before_end = bisect_left(self._starts, end) - 1
        return latest_starting_before_end >= 0 and self._ends[latest_starting_before_end] > start


def open_slots(
    *,
    zone: ZoneInfo,
    weekly_hours: Iterable[WeeklyHours],
    date_hours: Iterable[DateHours],
    time_off: Iterable[Interval],
    busy: Iterable[Interval],
    policy: BookingPolicy,
    duration: timedelta,
    now: datetime,
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(minutes=30),
) -> list[datetime]:
    """Sorted UTC starts in [start, end) of sessions a client may book right now."""
    if duration <= NO_TIME or step <= NO_TIME:
        raise ValueError("duration and step must be positive")
    if any(moment.utcoffset() is None for moment in (now, start, end)):
        raise ValueError("now, start and end must be timezone-aware")
    # Python adds to and compares datetimes that share a tzinfo by wall clock, which is wrong
    # across a DST change, so instants are handled in UTC.
    now, end = now.astimezone(UTC), end.astimezone(UTC)
    earliest = max(start.astimezone(UTC), now + max(policy.minimum_notice, NO_TIME))
    latest = now + policy.horizon
    busy = list(busy)
    buffer = max(policy.buffer, NO_TIME)  # a negative buffer would shrink busy time
    blocked = _BlockedTime([*(_widened(i, buffer) for i in busy), *time_off])
    full_days = _full_days(busy, zone, policy.max_sessions_per_day)
    exceptions, weekly = _group_by_day(date_hours), list(weekly_hours)
    slots: set[datetime] = set()
    for day in _local_days(earliest, min(end, latest), zone):
        if day in full_days:
            continue
        for opens, closes in _opening_hours(day, weekly, exceptions):
            for slot_start, closing in _window_starts(day, opens, closes, step, zone):
                slot_end = slot_start + duration
                if (
                    earliest <= slot_start <= latest
                    and slot_start < end
                    and (
                        slot_end <= closing
                        if closing
                        else _ends_by_closing(slot_end, day, closes, zone)
                    )
                    and not blocked.overlaps(slot_start, slot_end)
                ):
                    slots.add(slot_start)
    return sorted(slots)


def is_open_slot(starts_at: datetime, **rules: Unpack[SlotRules]) -> bool:
    """True when `open_slots` offers `starts_at`, so booking accepts exactly what was shown."""
    now, horizon = rules["now"], rules["policy"].horizon
    if not now <= starts_at <= now + horizon:
        # Never offered; and a day either side of year 1 or 9999 is outside datetime's range.
        return False
    around = timedelta(days=1)
    return starts_at in open_slots(**rules, start=starts_at - around, end=starts_at + around)


def _widened(interval: Interval, buffer: timedelta) -> Interval:
    return Interval(interval.start.astimezone(UTC) - buffer, interval.end.astimezone(UTC) + buffer)


def _full_days(busy: Iterable[Interval], zone: ZoneInfo, limit: int | None) -> set[date]:
    if limit is None:
        return set()
    per_day = Counter(interval.start.astimezone(zone).date() for interval in busy)
    return {day for day, count in per_day.items() if count >= limit}


def _group_by_day(date_hours: Iterable[DateHours]) -> dict[date, list[DateHours]]:
    grouped: dict[date, list[DateHours]] = defaultdict(list)
    for hours in date_hours:
        grouped[hours.day].append(hours)
    return grouped


def _local_days(first: datetime, last: datetime, zone: ZoneInfo) -> Iterator[date]:
    day, last_day = first.astimezone(zone).date(), last.astimezone(zone).date()
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def _opening_hours(
    day: date, weekly: list[WeeklyHours], exceptions: dict[date, list[DateHours]]
) -> list[tuple[time, time]]:
    if day in exceptions:
        return [
            (h.start, h.end) for h in exceptions[day] if h.start is not None and h.end is not None
        ]
    return [(h.start, h.end) for h in weekly if h.weekday == day.weekday()]


def _window_starts(
    day: date, opens: time, closes: time, step: timedelta, zone: ZoneInfo
) -> Iterator[tuple[datetime, datetime | None]]:
    """Each slot start in one window, with the window's closing instant when it is plain.

    Almost every window has one UTC offset from opening to closing, read only once each way:
    its starts are then the wall-clock readings minus that offset, with no conversion per slot
    (60 days of slots took about four times as long converting each one). A window in which
    the clock changes, or whose opening or closing reading happens twice, takes the exact path,
    which converts each reading. Two changes inside one day's window would fool the offset
    check, and no zone's current rules have them.
    """
    opening, closing = datetime.combine(day, opens), datetime.combine(day, closes)
    offsets = {
        reading.replace(tzinfo=zone, fold=fold).utcoffset()
        for reading in (opening, closing)
        for fold in (0, 1)
    }
    if len(offsets) != 1:
        for instant in _clock_starts(day, opens, closes, step, zone):
            yield instant, None
        return
    offset = offsets.pop()
    assert offset is not None  # a ZoneInfo always knows its offset
    closing_instant = (closing - offset).replace(tzinfo=UTC)
    wall = opening
    while wall < closing:
        yield (wall - offset).replace(tzinfo=UTC), closing_instant
        wall += step


def _clock_starts(
    day: date, opens: time, closes: time, step: timedelta, zone: ZoneInfo
) -> Iterator[datetime]:
    """UTC instants at which the local clock reads opens, opens + step, ... before closes."""
    wall = datetime.combine(day, opens)
    while wall.date() == day and wall.time() < closes:
        for fold in (0, 1):
            instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
            # zoneinfo quietly turns a reading inside a spring-forward gap into an instant the
            # clock shows differently (02:30 becomes 03:30); only a round trip reveals it.
            if instant.astimezone(zone).replace(tzinfo=None) == wall:
                yield instant
        wall += step


def _ends_by_closing(session_end: datetime, day: date, closes: time, zone: ZoneInfo) -> bool:
    # fold=0 is the first time the clock shows closing time when it shows it twice; the
    # reading check covers a closing time that the clock skips.
    first_closing = datetime.combine(day, closes, tzinfo=zone).astimezone(UTC)
    end_reading = session_end.astimezone(zone)
    return (
        session_end <= first_closing and end_reading.date() == day and end_reading.time() <= closes
    )
