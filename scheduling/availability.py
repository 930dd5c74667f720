"""Load a therapist's hours, time off and busy time from the database for slots.py.

The booking page and the booking services both build their answer here, so a slot that is
shown is a slot that is accepted. Loading takes the same five queries however long the
therapist's history is: only what can touch the bookable window is read. Clients' pages read
it from the cache while the therapist's calendar version stands (`cached_calendar`); the
services that book, under the therapist's lock, always load it afresh.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection

from practice.clock import start_of_day
from practice.models import Therapist
from scheduling.models import (
    Appointment,
    AvailabilityException,
    BookingRules,
    CalendarVersion,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)
from scheduling.slots import (
    BookingPolicy,
    DateHours,
    Interval,
    SlotRules,
    WeeklyHours,
    open_slots,
)

# Therapists and staff book on a client's behalf: they are not held to the notice, horizon,
# buffer and daily limit that protect the therapist from clients; hours and time off still apply.
PRACTICE_HORIZON = timedelta(days=366)
# ...and may start a session at any five minutes past, not only on the clients' half hours.
PRACTICE_STEP = timedelta(minutes=5)
# Busy time just outside the bookable window still counts towards the buffers and daily limits
# of the days at its edges; two days covers a 25-hour local day and any buffer.
MARGIN = timedelta(days=2)


def booking_rules_for(therapist: Therapist) -> BookingRules:
    """The therapist's booking rules, or the defaults if they never set any (not saved)."""
    return BookingRules.objects.filter(therapist=therapist).first() or BookingRules(
        therapist=therapist
    )


def practice_policy(policy: BookingPolicy) -> BookingPolicy:
    return BookingPolicy(
        minimum_notice=timedelta(0),
        horizon=max(policy.horizon, PRACTICE_HORIZON),
        buffer=timedelta(0),
        max_sessions_per_day=None,
    )


@dataclass(frozen=True)
class Calendar:
    """What the database says about a therapist's time between two instants (five queries).

    Holds keep their end (`held_until`) so a calendar loaded a few minutes ago still drops a
    hold the moment it ends.
    """

    zone: ZoneInfo
    policy: BookingPolicy
    weekly_hours: list[WeeklyHours]
    date_hours: list[DateHours]
    time_off: list[Interval]
    busy: list[tuple[datetime, datetime, datetime | None]]

    @classmethod
    def load(
        cls,
        therapist: Therapist,
        *,
        start: datetime,
        end: datetime,
        policy: BookingPolicy,
        ignoring: Appointment | None = None,
    ) -> "Calendar":
        busy = Appointment.objects.filter(
            therapist=therapist,
            status__in=Appointment.OCCUPYING,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        if ignoring is not None:
            busy = busy.exclude(pk=ignoring.pk)
        zone = therapist.zone
        return cls(
            zone=zone,
            policy=policy,
            weekly_hours=[
                w.as_hours() for w in WeeklyAvailability.objects.filter(therapist=therapist)
            ],
            date_hours=[
                e.as_hours()
                for e in AvailabilityException.objects.filter(
                    therapist=therapist,
                    date__gte=start.astimezone(zone).date(),
                    date__lte=end.astimezone(zone).date(),
                )
            ],
            time_off=[
                t.as_interval()
                for t in TimeOff.objects.filter(
                    therapist=therapist, starts_at__lt=end, ends_at__gt=start
                )
            ],
            busy=[
                (starts, ends, held_until if status == Appointment.Status.HELD else None)
                for starts, ends, status, held_until in busy.values_list(
                    "starts_at", "ends_at", "status", "held_until"
                )
            ],
        )

    def rules(self, duration: timedelta, *, now: datetime) -> SlotRules:
        return SlotRules(
            zone=self.zone,
            weekly_hours=self.weekly_hours,
            date_hours=self.date_hours,
            time_off=self.time_off,
            busy=[
                Interval(start=start, end=end)
                for start, end, held_until in self.busy
                if held_until is None or held_until > now
            ],
            policy=self.policy,
            duration=duration,
            now=now,
        )


def slot_rules_for(
    therapist: Therapist,
    session_type: SessionType,
    *,
    now: datetime,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
    cached: bool = False,
) -> SlotRules:
    """Everything open_slots needs for this therapist and session type.

    `for_practice` relaxes the client-facing notice, horizon, buffer and daily limit; `ignoring`
    leaves out one appointment (the one being moved) from the busy time. Pages that show
    clients their times pass `cached` (see `cached_calendar`); booking reads afresh.
    """
    if for_practice or ignoring is not None or not cached:
        policy = booking_rules_for(therapist).policy
        if for_practice:
            policy = practice_policy(policy)
        window_start, window_end = now - MARGIN, now + policy.horizon + MARGIN
        calendar = Calendar.load(
            therapist, start=window_start, end=window_end, policy=policy, ignoring=ignoring
        )
    else:
        calendar = cached_calendar(therapist, now=now)
    rules = calendar.rules(session_type.duration, now=now)
    if for_practice:
        rules["step"] = PRACTICE_STEP
    return rules


# A cached calendar covers the hour it was loaded in and every bookable time from then on.
CACHE_PERIOD = timedelta(hours=1)


def cached_calendar(therapist: Therapist, *, now: datetime) -> Calendar:
    """The therapist's calendar for clients, from the cache while it has not changed.

    The key holds the therapist's calendar version, which PostgreSQL bumps in the same
    transaction as every change (scheduling.models.CalendarVersion), read before the calendar
    itself: a calendar read after the version can only be as new or newer than it, so no
    page shows a time that a committed change has taken. Without PostgreSQL (the SQLite of
    `make run`) there are no versions, and every page loads afresh.
    """
    period_start = datetime.fromtimestamp(
        now.timestamp() // CACHE_PERIOD.total_seconds() * CACHE_PERIOD.total_seconds(), tz=UTC
    )

    def load() -> Calendar:
        policy = booking_rules_for(therapist).policy
        return Calendar.load(
            therapist,
            start=period_start - MARGIN,
            end=period_start + CACHE_PERIOD + policy.horizon + MARGIN,
            policy=policy,
        )

    if connection.vendor != "postgresql":
        return load()
    version = (
        CalendarVersion.objects.filter(therapist=therapist).values_list("number", flat=True).first()
    )
    key = f"calendar:{therapist.pk}:{version or 0}:{therapist.time_zone}:{period_start:%Y%m%d%H}"
    calendar = cache.get(key)
    if calendar is None:
        calendar = load()
        cache.set(key, calendar, timeout=int(CACHE_PERIOD.total_seconds()) * 2)
    return calendar


def open_slots_for(
    therapist: Therapist,
    session_type: SessionType,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
) -> list[datetime]:
    """Sorted UTC start times in [start, end) that a client may book now."""
    rules = slot_rules_for(
        therapist, session_type, now=now, for_practice=for_practice, ignoring=ignoring
    )
    return open_slots(**rules, start=start, end=end)


def nearest_open_slots(
    rules: SlotRules, around: datetime, *, count: int = 3, within: timedelta = timedelta(days=14)
) -> list[datetime]:
    """Up to `count` open start times closest to `around` (other than it), in time order."""
    now, horizon = rules["now"], rules["policy"].horizon
    around = min(max(around, now), now + horizon)  # a time far outside the window: its edge
    candidates = open_slots(**rules, start=around - within, end=around + within)
    closest = sorted((s for s in candidates if s != around), key=lambda s: abs(s - around))
    return sorted(closest[:count])


def is_existing_client(therapist: Therapist, client) -> bool:
    """True when the client already has (or had) a session with this therapist."""
    if client is None or not client.is_authenticated:
        return False
    return Appointment.objects.filter(
        therapist=therapist,
        client=client,
        status__in=[
            Appointment.Status.BOOKED,
            Appointment.Status.ATTENDED,
            Appointment.Status.NO_SHOW,
        ],
    ).exists()


def bookable_session_types(therapist: Therapist, client=None):
    """The session types this person may book online with this therapist.

    New clients see only the types open to new clients, and only while the therapist accepts
    new clients; the therapist's existing clients see every type the therapist offers.
    """
    offered = therapist.session_types.all()
    if is_existing_client(therapist, client):
        return offered
    if not therapist.accepting_new_clients:
        return offered.none()
    return offered.filter(new_clients_may_book=True)


@dataclass(frozen=True)
class WeekOfSlots:
    """Open times for seven days from `first_day`, grouped by the visitor's local date."""

    first_day: date
    days: list[tuple[date, list[datetime]]]
    previous_week: date | None
    next_week: date | None
    next_open: datetime | None

    @property
    def is_empty(self) -> bool:
        return not any(slots for _day, slots in self.days)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of_slots(
    therapist: Therapist,
    session_type: SessionType,
    *,
    first_day: date | None,
    zone: ZoneInfo,
    now: datetime,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
) -> WeekOfSlots:
    """A week (Monday to Sunday in `zone`) of open times, and where the neighbouring weeks are.

    Without a `first_day`, the first week with an open time is shown. When the week has
    nothing open, `next_open` is the first open time after it.
    """
    rules = slot_rules_for(
        therapist,
        session_type,
        now=now,
        for_practice=for_practice,
        ignoring=ignoring,
        cached=True,
    )
    week = _week(rules, first_day=first_day, zone=zone, now=now)
    if first_day is None and week.next_open is not None:
        week = _week(rules, first_day=week.next_open.astimezone(zone).date(), zone=zone, now=now)
    return week


def _week(
    rules: SlotRules, *, first_day: date | None, zone: ZoneInfo, now: datetime
) -> WeekOfSlots:
    this_week = week_start(now.astimezone(zone).date())
    last_week = week_start((now + rules["policy"].horizon).astimezone(zone).date())
    first_day = min(max(week_start(first_day or this_week), this_week), last_week)
    start = start_of_day(first_day, zone)
    end = start_of_day(first_day + timedelta(days=7), zone)
    by_day: dict[date, list[datetime]] = {first_day + timedelta(days=n): [] for n in range(7)}
    for slot in open_slots(**rules, start=start, end=end):
        by_day.setdefault(slot.astimezone(zone).date(), []).append(slot)
    next_open = None
    if not any(by_day.values()):
        later = open_slots(**rules, start=end, end=now + rules["policy"].horizon + MARGIN)
        next_open = later[0] if later else None
    return WeekOfSlots(
        first_day=first_day,
        days=sorted(by_day.items()),
        previous_week=first_day - timedelta(days=7) if first_day > this_week else None,
        next_week=first_day + timedelta(days=7) if first_day < last_week else None,
        next_open=next_open,
    )
