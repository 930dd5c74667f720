"""Load a therapist's hours, time off and busy time from the database for slots.py.

The booking page and the booking services both build their answer here, so a slot that is
shown is a slot that is accepted. Loading takes the same five queries however long the
therapist's history is: only what can touch the bookable window is read. Clients' pages read
it from the cache while the therapist's calendar version stands (`cached_calendar`); the
services that book, under the therapist's lock, always load it afresh.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
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
        [calendar] = cls.load_many(
            [therapist], start=start, end=end, policies=[policy], ignoring=ignoring
        )
        return calendar

    @classmethod
    def load_many(
        cls,
        therapists: Sequence[Therapist],
        *,
        start: datetime,
        end: datetime,
        policies: Sequence[BookingPolicy],
        ignoring: Appointment | None = None,
    ) -> list["Calendar"]:
        """The calendars of several therapists in the same four queries as one."""
        ids = [therapist.pk for therapist in therapists]
        zones = [therapist.zone for therapist in therapists]
        found: dict[str, defaultdict[int, list]] = {
            name: defaultdict(list) for name in ("weekly", "dates", "off", "busy")
        }
        for weekly in WeeklyAvailability.objects.filter(therapist_id__in=ids):
            found["weekly"][weekly.therapist_id].append(weekly.as_hours())
        for exception in AvailabilityException.objects.filter(
            therapist_id__in=ids,
            date__gte=min((start.astimezone(zone).date() for zone in zones), default=start.date()),
            date__lte=max((end.astimezone(zone).date() for zone in zones), default=end.date()),
        ):
            found["dates"][exception.therapist_id].append(exception.as_hours())
        for off in TimeOff.objects.filter(
            therapist_id__in=ids, starts_at__lt=end, ends_at__gt=start
        ):
            found["off"][off.therapist_id].append(off.as_interval())
        busy = Appointment.objects.filter(
            therapist_id__in=ids,
            status__in=Appointment.OCCUPYING,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        if ignoring is not None:
            busy = busy.exclude(pk=ignoring.pk)
        for therapist_id, starts, ends, status, held_until in busy.values_list(
            "therapist_id", "starts_at", "ends_at", "status", "held_until"
        ):
            held = held_until if status == Appointment.Status.HELD else None
            found["busy"][therapist_id].append((starts, ends, held))
        return [
            cls(
                zone=zone,
                policy=policy,
                weekly_hours=found["weekly"][pk],
                date_hours=found["dates"][pk],
                time_off=found["off"][pk],
                busy=found["busy"][pk],
            )
            for pk, zone, policy in zip(ids, zones, policies, strict=True)
        ]

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
    [calendar] = cached_calendars([therapist], now=now)
    return calendar


def cached_calendars(therapists: Sequence[Therapist], *, now: datetime) -> list[Calendar]:
    """cached_calendar for several therapists: one query for their versions, and the same
    five as one therapist's for all whose calendars are not in the cache."""
    period_start = datetime.fromtimestamp(
        now.timestamp() // CACHE_PERIOD.total_seconds() * CACHE_PERIOD.total_seconds(), tz=UTC
    )

    def load(missing: Sequence[Therapist]) -> list[Calendar]:
        if not missing:
            return []
        rules = {
            r.therapist_id: r
            for r in BookingRules.objects.filter(therapist__in=[t.pk for t in missing])
        }
        policies = [(rules.get(t.pk) or BookingRules(therapist=t)).policy for t in missing]
        horizon = max(policy.horizon for policy in policies)
        start, end = period_start - MARGIN, period_start + CACHE_PERIOD + horizon + MARGIN
        return Calendar.load_many(missing, start=start, end=end, policies=policies)

    if connection.vendor != "postgresql":
        return load(therapists)
    versions = dict(
        CalendarVersion.objects.filter(therapist__in=[t.pk for t in therapists]).values_list(
            "therapist_id", "number"
        )
    )
    keys = [
        f"calendar:{t.pk}:{versions.get(t.pk) or 0}:{t.time_zone}:{period_start:%Y%m%d%H}"
        for t in therapists
    ]
    cached = cache.get_many(keys)
    missing = [(t, key) for t, key in zip(therapists, keys, strict=True) if key not in cached]
    loaded = load([t for t, _key in missing])
    fresh = {key: calendar for (_t, key), calendar in zip(missing, loaded, strict=True)}
    if fresh:
        cache.set_many(fresh, timeout=int(CACHE_PERIOD.total_seconds()) * 2)
    return [cached.get(key) or fresh[key] for key in keys]


def site_and_calendar_versions(slug: str) -> tuple[int, int] | None:
    """The site's version and the calendar version of the therapist with this slug (0 before
    their first change), in one query: a page with their open times kept for visitors is
    filed under both (practice/shared_pages.py). None without PostgreSQL, which keeps them."""
    if connection.vendor != "postgresql":
        return None
    # Asked on every visit to such a page, in plain SQL: compiling the ORM's query would cost
    # more than running it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT"
            " (SELECT number FROM practice_siteversion WHERE id = 1),"
            " (SELECT version.number FROM scheduling_calendarversion version"
            "  JOIN practice_therapist therapist ON therapist.id = version.therapist_id"
            "  WHERE therapist.slug = %s)",
            [slug],
        )
        site, calendar = cursor.fetchone()
    return site or 0, calendar or 0


def slot_rules_for_each(
    therapists: Sequence[Therapist], session_type: SessionType, *, now: datetime
) -> list[SlotRules]:
    """slot_rules_for (clients' pages, cached) for several therapists in a fixed few queries."""
    return [
        calendar.rules(session_type.duration, now=now)
        for calendar in cached_calendars(therapists, now=now)
    ]


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


def first_open_day(rules: SlotRules, *, zone: ZoneInfo) -> list[datetime]:
    """The open times of the first day (on `zone`'s clock) that has any, or none.

    Searched a week at a time from now: a calendar with a time this week costs one week's
    calculation rather than the whole horizon's. Each week ends at midnight on `zone`'s
    clock, so the day found is complete.
    """
    now = rules["now"]
    last = now + rules["policy"].horizon
    start, day = now, now.astimezone(zone).date()
    while start <= last:
        day += timedelta(days=7)
        end = start_of_day(day, zone)
        slots = open_slots(**rules, start=start, end=end)
        if slots:
            first_day = slots[0].astimezone(zone).date()
            return [slot for slot in slots if slot.astimezone(zone).date() == first_day]
        start = end
    return []


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
    # With several therapists: the index of the first one free at each time.
    who: dict[datetime, int] = field(default_factory=dict)

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
    return week_of_merged_slots([rules], first_day=first_day, zone=zone, now=now)


def week_of_merged_slots(
    rules: list[SlotRules], *, first_day: date | None, zone: ZoneInfo, now: datetime
) -> WeekOfSlots:
    """A week of the times at least one of several therapists (`rules`, in order) has open."""
    week = _week(rules, first_day=first_day, zone=zone, now=now)
    if first_day is None and week.next_open is not None:
        week = _week(rules, first_day=week.next_open.astimezone(zone).date(), zone=zone, now=now)
    return week


def _merged(rules: list[SlotRules], start: datetime, end: datetime) -> dict[datetime, int]:
    who: dict[datetime, int] = {}
    for index, one in enumerate(rules):
        for slot in open_slots(**one, start=start, end=end):
            who.setdefault(slot, index)
    return dict(sorted(who.items()))


def _week(
    rules: list[SlotRules], *, first_day: date | None, zone: ZoneInfo, now: datetime
) -> WeekOfSlots:
    horizon = max((one["policy"].horizon for one in rules), default=timedelta(0))
    this_week = week_start(now.astimezone(zone).date())
    last_week = week_start((now + horizon).astimezone(zone).date())
    first_day = min(max(week_start(first_day or this_week), this_week), last_week)
    start = start_of_day(first_day, zone)
    end = start_of_day(first_day + timedelta(days=7), zone)
    by_day: dict[date, list[datetime]] = {first_day + timedelta(days=n): [] for n in range(7)}
    who = _merged(rules, start, end)
    for slot in who:
        by_day.setdefault(slot.astimezone(zone).date(), []).append(slot)
    next_open = None
    if not who:
        later = _merged(rules, end, now + horizon + MARGIN)
        next_open = next(iter(later), None)
    return WeekOfSlots(
        first_day=first_day,
        days=sorted(by_day.items()),
        previous_week=first_day - timedelta(days=7) if first_day > this_week else None,
        next_week=first_day + timedelta(days=7) if first_day < last_week else None,
        next_open=next_open,
        who=who,
    )
