"""Load a therapist's hours, time off and busy time from the database for slots.py.

The booking page and the booking services both build their answer here, so a slot that is
shown is a slot that is accepted. Loading takes the same five queries however long the
therapist's history is: only what can touch the bookable window is read.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from practice.clock import start_of_day
from practice.models import Therapist
from scheduling.models import (
    Appointment,
    AvailabilityException,
    BookingRules,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)
from scheduling.slots import BookingPolicy, Interval, SlotRules, open_slots

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


def busy_appointments(therapist: Therapist, *, now: datetime):
    """Appointments that take the therapist's time: booked ones and holds that have not expired."""
    return Appointment.objects.filter(therapist=therapist).filter(
        Q(status__in=[s for s in Appointment.OCCUPYING if s != Appointment.Status.HELD])
        | Q(status=Appointment.Status.HELD, held_until__gt=now)
    )


def slot_rules_for(
    therapist: Therapist,
    session_type: SessionType,
    *,
    now: datetime,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
) -> SlotRules:
    """Everything open_slots needs for this therapist and session type, in five queries.

    `for_practice` relaxes the client-facing notice, horizon, buffer and daily limit; `ignoring`
    leaves out one appointment (the one being moved) from the busy time.
    """
    policy = booking_rules_for(therapist).policy
    if for_practice:
        policy = practice_policy(policy)
    window_start, window_end = now - MARGIN, now + policy.horizon + MARGIN
    busy = busy_appointments(therapist, now=now).filter(
        starts_at__lt=window_end, ends_at__gt=window_start
    )
    if ignoring is not None:
        busy = busy.exclude(pk=ignoring.pk)
    time_off = TimeOff.objects.filter(
        therapist=therapist, starts_at__lt=window_end, ends_at__gt=window_start
    )
    zone = therapist.zone
    exceptions = AvailabilityException.objects.filter(
        therapist=therapist,
        date__gte=window_start.astimezone(zone).date(),
        date__lte=window_end.astimezone(zone).date(),
    )
    rules = SlotRules(
        zone=zone,
        weekly_hours=[w.as_hours() for w in WeeklyAvailability.objects.filter(therapist=therapist)],
        date_hours=[e.as_hours() for e in exceptions],
        time_off=[t.as_interval() for t in time_off],
        busy=[
            Interval(start=start, end=end)
            for start, end in busy.values_list("starts_at", "ends_at")
        ],
        policy=policy,
        duration=session_type.duration,
        now=now,
    )
    if for_practice:
        rules["step"] = PRACTICE_STEP
    return rules


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
        therapist, session_type, now=now, for_practice=for_practice, ignoring=ignoring
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
