from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.availability import first_open_day
from scheduling.slots import (
    BookingPolicy,
    DateHours,
    Interval,
    WeeklyHours,
    is_open_slot,
    open_slots,
)

DENVER = ZoneInfo("America/Denver")
KOLKATA = ZoneInfo("Asia/Kolkata")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ZONE_NAMES = [
    "America/Denver",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
]

MONDAY = date(2026, 1, 5)
TUESDAY = MONDAY + timedelta(days=1)
ONE_DAY = timedelta(days=1)
FIFTY_MINUTES = timedelta(minutes=50)
HALF_HOUR = timedelta(minutes=30)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)

WEEKDAYS_NINE_TO_FIVE = [WeeklyHours(weekday=d, start=time(9), end=time(17)) for d in range(5)]
NINE_TO_FIVE_READINGS = [f"{h:02}:{m:02}" for h in range(9, 16) for m in (0, 30)] + ["16:00"]
MORNING_READINGS = ["09:00", "09:30", "10:00", "10:30", "11:00"]


def at(day: date, hour: int, minute: int = 0, *, zone: tzinfo = DENVER) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def every_day(start: time, end: time) -> list[WeeklyHours]:
    return [WeeklyHours(weekday=d, start=start, end=end) for d in range(7)]


def policy(**changes) -> BookingPolicy:
    """Booking rules that allow any time in the next three years, unless changed."""
    settings_ = {
        "minimum_notice": timedelta(0),
        "horizon": timedelta(days=3 * 365),
        "buffer": timedelta(0),
        "max_sessions_per_day": None,
    }
    return BookingPolicy(**(settings_ | changes))


ANY_TIME = policy()


def rules(**changes) -> dict:
    """Keyword arguments shared by open_slots and is_open_slot: open hours, nothing booked."""
    defaults = {
        "zone": DENVER,
        "weekly_hours": WEEKDAYS_NINE_TO_FIVE,
        "date_hours": [],
        "time_off": [],
        "busy": [],
        "policy": ANY_TIME,
        "duration": FIFTY_MINUTES,
        "now": LONG_AGO,
    }
    return defaults | changes


def slots_on(day: date, **changes) -> list[datetime]:
    zone = changes.get("zone", DENVER)
    return open_slots(
        **rules(**changes), start=at(day, 0, zone=zone), end=at(day + ONE_DAY, 0, zone=zone)
    )


def readings(slots: list[datetime], zone: ZoneInfo = DENVER) -> list[str]:
    return [slot.astimezone(zone).strftime("%H:%M") for slot in slots]


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return at(day, hour, minute, zone=UTC)


def half_hours_from(first: datetime, count: int) -> list[datetime]:
    return [first + k * HALF_HOUR for k in range(count)]


# Ordinary days


def test_a_weekday_offers_sessions_every_half_hour_while_a_whole_session_still_fits():
    assert readings(slots_on(MONDAY)) == NINE_TO_FIVE_READINGS


def test_a_week_of_weekday_hours_offers_nothing_at_the_weekend():
    week = open_slots(**rules(), start=at(MONDAY, 0), end=at(MONDAY + 7 * ONE_DAY, 0))
    assert len(week) == 5 * len(NINE_TO_FIVE_READINGS)
    assert {slot.astimezone(DENVER).weekday() for slot in week} == {0, 1, 2, 3, 4}
    assert week == sorted(week)
    assert all(slot.tzinfo is UTC for slot in week)


def test_two_windows_on_one_weekday_leave_the_lunch_hour_out():
    split_day = [
        WeeklyHours(weekday=0, start=time(9), end=time(12)),
        WeeklyHours(weekday=0, start=time(13), end=time(17)),
    ]
    afternoon = ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"]
    assert readings(slots_on(MONDAY, weekly_hours=split_day)) == MORNING_READINGS + afternoon


def test_a_dated_exception_replaces_the_weekly_hours_for_that_date_only():
    short_monday = [DateHours(day=MONDAY, start=time(10), end=time(12))]
    assert readings(slots_on(MONDAY, date_hours=short_monday)) == ["10:00", "10:30", "11:00"]
    assert readings(slots_on(TUESDAY, date_hours=short_monday)) == NINE_TO_FIVE_READINGS


def test_a_dated_exception_can_open_a_weekend_day():
    saturday = MONDAY - 2 * ONE_DAY
    open_saturday = [DateHours(day=saturday, start=time(10), end=time(11))]
    assert readings(slots_on(saturday, date_hours=open_saturday)) == ["10:00"]


def test_a_closed_date_offers_nothing():
    closed_monday = [DateHours(day=MONDAY, start=None, end=None)]
    assert slots_on(MONDAY, date_hours=closed_monday) == []
    assert slots_on(TUESDAY, date_hours=closed_monday) != []


def test_a_half_day_off_removes_the_morning():
    morning_off = [Interval(at(MONDAY, 9), at(MONDAY, 13))]
    assert readings(slots_on(MONDAY, time_off=morning_off)) == NINE_TO_FIVE_READINGS[8:]


def test_a_buffer_keeps_new_sessions_away_from_an_existing_appointment():
    appointment = [Interval(at(MONDAY, 10), at(MONDAY, 10, 50))]
    buffered = policy(buffer=timedelta(minutes=15))
    offered = readings(slots_on(MONDAY, busy=appointment, policy=buffered))
    assert offered[0] == "11:30"  # 09:00-09:50 ends within 15 minutes of 10:00
    assert readings(slots_on(MONDAY, busy=appointment))[:2] == ["09:00", "11:00"]


def test_back_to_back_sessions_are_allowed_without_a_buffer():
    appointment = [Interval(at(MONDAY, 10), at(MONDAY, 11))]
    offered = readings(slots_on(MONDAY, busy=appointment, duration=timedelta(hours=1)))
    assert offered[:2] == ["09:00", "11:00"]


def test_minimum_notice_hides_times_that_are_too_soon():
    offered = slots_on(
        MONDAY, now=at(MONDAY, 10, 10), policy=policy(minimum_notice=timedelta(hours=2))
    )
    assert readings(offered)[0] == "12:30"


def test_no_slot_starts_in_the_past():
    assert readings(slots_on(MONDAY, now=at(MONDAY, 10, 10)))[0] == "10:30"


def test_the_horizon_is_the_last_moment_a_session_may_start():
    week = open_slots(
        **rules(now=at(MONDAY, 9), policy=policy(horizon=2 * ONE_DAY)),
        start=at(MONDAY, 0),
        end=at(MONDAY + 7 * ONE_DAY, 0),
    )
    assert week[-1] == at(MONDAY + 2 * ONE_DAY, 9)


def test_a_day_that_reached_its_session_limit_offers_nothing():
    two_booked = [
        Interval(at(MONDAY, 9), at(MONDAY, 9, 50)),
        Interval(at(MONDAY, 14), at(MONDAY, 14, 50)),
    ]
    assert slots_on(MONDAY, busy=two_booked, policy=policy(max_sessions_per_day=2)) == []
    assert slots_on(MONDAY, busy=two_booked, policy=policy(max_sessions_per_day=3)) != []


def test_the_session_limit_counts_sessions_by_the_local_date_they_start_on():
    late_sunday = [Interval(at(MONDAY - ONE_DAY, 23, 30), at(MONDAY, 0, 20))]
    limited = policy(max_sessions_per_day=1)
    assert slots_on(MONDAY, busy=late_sunday, policy=limited) != []


# Daylight saving time


def test_a_nine_oclock_rule_stays_nine_local_across_spring_forward():
    weekly = every_day(time(9), time(12))
    saturday, sunday, monday = date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)
    for day in (saturday, sunday, monday):
        assert readings(slots_on(day, weekly_hours=weekly)) == MORNING_READINGS
    assert slots_on(saturday, weekly_hours=weekly)[0] == utc(saturday, 16)
    assert slots_on(sunday, weekly_hours=weekly)[0] == utc(sunday, 15)


def test_a_nine_oclock_rule_stays_nine_local_across_fall_back():
    weekly = every_day(time(9), time(12))
    saturday, sunday = date(2026, 10, 31), date(2026, 11, 1)
    for day in (saturday, sunday, sunday + ONE_DAY):
        assert readings(slots_on(day, weekly_hours=weekly)) == MORNING_READINGS
    assert slots_on(saturday, weekly_hours=weekly)[0] == utc(saturday, 15)
    assert slots_on(sunday, weekly_hours=weekly)[0] == utc(sunday, 16)


def test_a_night_window_never_starts_in_the_hour_spring_forward_skips():
    spring_day = date(2026, 3, 8)
    offered = slots_on(spring_day, weekly_hours=every_day(time(1), time(4)))
    assert readings(offered) == ["01:00", "01:30", "03:00"]
    assert offered == half_hours_from(utc(spring_day, 8), 3)


def test_a_clock_time_inside_the_skipped_hour_is_dropped_not_moved_to_a_real_time():
    spring_day = date(2026, 3, 8)
    offered = slots_on(
        spring_day, weekly_hours=every_day(time(1), time(5)), step=timedelta(minutes=45)
    )
    # The 02:30 grid time does not exist; zoneinfo would quietly read it as 03:30.
    assert readings(offered) == ["01:00", "01:45", "03:15", "04:00"]


def test_minimum_notice_is_counted_in_real_hours_across_spring_forward():
    saturday_noon = at(date(2026, 3, 7), 12)
    offered = slots_on(
        date(2026, 3, 8),
        weekly_hours=every_day(time(9), time(17)),
        now=saturday_noon,
        policy=policy(minimum_notice=ONE_DAY),
    )
    assert readings(offered)[0] == "13:00"  # 24 real hours after Saturday noon


def test_a_night_window_offers_each_instant_of_the_repeated_hour_once_on_fall_back():
    fall_day = date(2026, 11, 1)
    offered = slots_on(fall_day, weekly_hours=every_day(time(1), time(4)))
    assert readings(offered) == ["01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00"]
    assert offered == half_hours_from(utc(fall_day, 7), 7)


def test_a_session_is_real_time_so_one_running_past_closing_on_spring_forward_is_not_offered():
    spring_day = date(2026, 3, 8)
    offered = slots_on(
        spring_day, weekly_hours=every_day(time(0), time(3)), duration=timedelta(hours=1)
    )
    # 01:30 + one real hour reads 03:30 on the clock, past the 03:00 closing time.
    assert readings(offered) == ["00:00", "00:30", "01:00"]


def test_lord_howe_offers_both_half_hours_that_repeat_when_clocks_go_back_thirty_minutes():
    fall_day = date(2026, 4, 5)
    offered = slots_on(
        fall_day, zone=LORD_HOWE, weekly_hours=every_day(time(1), time(4)), duration=HALF_HOUR
    )
    repeated_half_hour = ["01:30", "01:30"]
    assert readings(offered, LORD_HOWE) == [
        "01:00",
        *repeated_half_hour,
        "02:00",
        "02:30",
        "03:00",
        "03:30",
    ]
    assert offered == half_hours_from(utc(fall_day - ONE_DAY, 14), 7)


def test_lord_howe_skips_the_half_hour_that_never_happens_when_clocks_go_forward():
    spring_day = date(2026, 10, 4)
    offered = slots_on(
        spring_day, zone=LORD_HOWE, weekly_hours=every_day(time(1), time(4)), duration=HALF_HOUR
    )
    assert readings(offered, LORD_HOWE) == ["01:00", "01:30", "02:30", "03:00", "03:30"]
    assert offered == half_hours_from(utc(spring_day - ONE_DAY, 14, 30), 5)


def test_a_client_in_another_zone_sees_the_same_instants():
    offered = slots_on(MONDAY)
    in_kolkata = [slot.astimezone(KOLKATA) for slot in offered]
    assert in_kolkata == offered
    assert readings(offered, KOLKATA)[0] == "21:30"  # 09:00 in Denver in January
    assert is_open_slot(in_kolkata[0], **rules())


# is_open_slot


def test_is_open_slot_accepts_every_shown_slot_and_refuses_shifted_ones():
    offered = slots_on(MONDAY)
    assert all(is_open_slot(slot, **rules()) for slot in offered)
    assert not any(is_open_slot(slot + timedelta(minutes=10), **rules()) for slot in offered)


def test_is_open_slot_refuses_a_time_someone_else_just_took():
    taken = at(MONDAY, 10)
    assert is_open_slot(taken, **rules())
    assert not is_open_slot(taken, **rules(busy=[Interval(taken, taken + FIFTY_MINUTES)]))


# Booking policy


def test_sensible_booking_rules_have_no_problems():
    assert policy(minimum_notice=ONE_DAY, buffer=timedelta(minutes=10)).problems() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"minimum_notice": ONE_DAY, "horizon": ONE_DAY}, "Minimum notice must be shorter"),
        ({"minimum_notice": 2 * ONE_DAY, "horizon": ONE_DAY}, "Minimum notice must be shorter"),
        ({"minimum_notice": -ONE_DAY}, "Minimum notice cannot be negative."),
        ({"horizon": timedelta(0)}, "must be longer than zero"),
        ({"buffer": timedelta(minutes=-5)}, "buffer between sessions cannot be negative"),
        ({"buffer": ONE_DAY}, "buffer between sessions must be shorter than a day"),
        ({"max_sessions_per_day": 0}, "daily limit must be at least 1"),
    ],
)
def test_contradictory_or_invalid_booking_rules_are_explained(changes, expected):
    problems = policy(**changes).problems()
    assert len(problems) == 1
    assert expected in problems[0]


# Invalid input


def test_hours_that_do_not_start_before_they_end_are_refused():
    with pytest.raises(ValueError, match="start before they end"):
        WeeklyHours(weekday=0, start=time(17), end=time(9))
    with pytest.raises(ValueError, match="start before they end"):
        DateHours(day=MONDAY, start=time(9), end=time(9))
    with pytest.raises(ValueError, match="or neither"):
        DateHours(day=MONDAY, start=time(9), end=None)
    with pytest.raises(ValueError, match="weekday"):
        WeeklyHours(weekday=7, start=time(9), end=time(17))


def test_naive_or_backwards_intervals_are_refused():
    with pytest.raises(ValueError, match="aware"):
        Interval(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10))
    with pytest.raises(ValueError, match="end before it starts"):
        Interval(at(MONDAY, 10), at(MONDAY, 9))


def test_a_step_of_zero_is_refused_instead_of_looping_forever():
    with pytest.raises(ValueError, match="positive"):
        open_slots(**rules(), start=at(MONDAY, 0), end=at(TUESDAY, 0), step=timedelta(0))


def test_a_naive_now_is_refused_rather_than_read_as_server_time():
    with pytest.raises(ValueError, match="aware"):
        open_slots(**rules(now=datetime(2026, 1, 5, 9)), start=at(MONDAY, 0), end=at(TUESDAY, 0))


def test_two_years_of_bookings_keep_their_times_out_of_sixty_days_of_slots():
    first_day = date(2024, 9, 2)
    history = [
        Interval(at(first_day + k * ONE_DAY, 9), at(first_day + k * ONE_DAY, 9, 50))
        for k in range(1000)
    ]
    now = at(date(2026, 9, 1), 8)
    offered = open_slots(**rules(busy=history, now=now), start=now, end=now + 60 * ONE_DAY)
    assert offered and not any(slot.astimezone(DENVER).hour == 9 for slot in offered)


# Every date of a year, one zone at a time

NIGHT = (time(0, 30), time(4))
DAYTIME = [(time(9), time(12)), (time(13), time(17))]
DAYTIME_READINGS = MORNING_READINGS + NINE_TO_FIVE_READINGS[8:]


def lies_inside_a_window(
    slot: datetime,
    *,
    zone: ZoneInfo,
    windows: list[tuple[time, time]],
    duration: timedelta,
    step: timedelta,
) -> bool:
    """The clock shows a grid time of a window at the start, and no later than closing at the end.

    Reading the clock at the slot's instant and converting that reading back must give the same
    instant, so a start the clock never shows (inside a spring-forward gap) cannot pass.
    """
    reading = slot.astimezone(zone)
    end_reading = (slot + duration).astimezone(zone)
    wall = reading.replace(tzinfo=None)
    assert wall.replace(tzinfo=zone, fold=reading.fold).astimezone(UTC) == slot
    return end_reading.date() == reading.date() and any(
        opens <= wall.time() < closes
        and (wall - datetime.combine(wall.date(), opens)) % step == timedelta(0)
        and end_reading.time() <= closes
        for opens, closes in windows
    )


@pytest.mark.parametrize("zone_name", ZONE_NAMES)
def test_every_date_of_2026_keeps_daytime_readings_and_fills_the_night_in_real_time(
    zone_name: str,
) -> None:
    zone = ZoneInfo(zone_name)
    windows = [NIGHT, *DAYTIME]
    weekly = [WeeklyHours(weekday=d, start=s, end=e) for d in range(7) for s, e in windows]
    year = open_slots(
        **rules(zone=zone, weekly_hours=weekly),
        start=at(date(2026, 1, 1), 0, zone=zone),
        end=at(date(2027, 1, 1), 0, zone=zone),
    )
    assert len(set(year)) == len(year)
    by_day: dict[date, list[datetime]] = {}
    for slot in year:
        assert lies_inside_a_window(
            slot, zone=zone, windows=windows, duration=FIFTY_MINUTES, step=HALF_HOUR
        )
        by_day.setdefault(slot.astimezone(zone).date(), []).append(slot)
    assert len(by_day) == 365
    for day, offered in by_day.items():
        night = [slot for slot in offered if slot.astimezone(zone).hour < 9]
        assert readings(offered[len(night) :], zone) == DAYTIME_READINGS, day
        # Stepping the clock by 30 minutes is also 30 real minutes apart on every date here,
        # because these zones shift by 30 or 60 minutes; so gaps or repeats would show.
        closing = at(day, 4, zone=zone).astimezone(UTC)
        assert night == half_hours_from(at(day, 0, 30, zone=zone).astimezone(UTC), len(night))
        assert night[-1] + FIFTY_MINUTES <= closing < night[-1] + HALF_HOUR + FIFTY_MINUTES


# Properties over random rules, bookings and dates


@dataclass(frozen=True)
class Scenario:
    zone: ZoneInfo
    day: date
    windows: list[tuple[time, time]]
    weekly_hours: list[WeeklyHours]
    date_hours: list[DateHours]
    busy: list[Interval]
    time_off: list[Interval]
    policy: BookingPolicy
    duration: timedelta
    step: timedelta
    now: datetime

    @property
    def day_start(self) -> datetime:
        return at(self.day, 0, zone=self.zone).astimezone(UTC)

    @property
    def day_end(self) -> datetime:
        return at(self.day + ONE_DAY, 0, zone=self.zone).astimezone(UTC)

    def rules(self) -> dict:
        return {
            "zone": self.zone,
            "weekly_hours": self.weekly_hours,
            "date_hours": self.date_hours,
            "time_off": self.time_off,
            "busy": self.busy,
            "policy": self.policy,
            "duration": self.duration,
            "step": self.step,
            "now": self.now,
        }

    def open_slots_of_the_day(self) -> list[datetime]:
        return open_slots(**self.rules(), start=self.day_start, end=self.day_end)


def quarter_hour(quarters: int) -> time:
    return time(quarters // 4, quarters % 4 * 15)


@st.composite
def windows(draw) -> tuple[time, time]:
    # Half the windows sit in the small hours, where every DST change in these zones happens.
    opens = draw(st.one_of(st.integers(0, 15), st.integers(0, 94)))
    closes = draw(st.integers(opens + 1, min(opens + 32, 95)))
    return quarter_hour(opens), quarter_hour(closes)


@cache
def clock_change_days(zone: ZoneInfo) -> list[date]:
    """Local dates in 2026 whose UTC offset differs from the day before's."""
    days = [date(2026, 1, 1) + k * ONE_DAY for k in range(365)]
    return [
        day
        for day in days
        if at(day, 12, zone=zone).utcoffset() != at(day - ONE_DAY, 12, zone=zone).utcoffset()
    ]


@st.composite
def scenarios(draw) -> Scenario:
    zone = ZoneInfo(draw(st.sampled_from(ZONE_NAMES)))
    # Any date of the year, but clock-change days often enough that each run meets several.
    any_day = st.dates(date(2026, 1, 1), date(2026, 12, 31))
    change_days = clock_change_days(zone)
    day = draw(st.one_of(any_day, st.sampled_from(change_days)) if change_days else any_day)
    day_start = at(day, 0, zone=zone).astimezone(UTC)
    hours = draw(st.lists(windows(), min_size=1, max_size=3))
    if draw(st.booleans()):
        # Wide weekly hours that must not leak through the dated exception that replaces them.
        weekly = [WeeklyHours(weekday=day.weekday(), start=time(5), end=time(23))]
        dated = [DateHours(day=day, start=opens, end=closes) for opens, closes in hours]
    else:
        weekly = [WeeklyHours(weekday=day.weekday(), start=s, end=e) for s, e in hours]
        dated = []

    def intervals(max_size: int) -> st.SearchStrategy[list[Interval]]:
        one = st.builds(
            lambda offset, length: Interval(
                day_start + timedelta(minutes=offset),
                day_start + timedelta(minutes=offset + length),
            ),
            st.integers(-6 * 60, 30 * 60),
            st.integers(5, 180),
        )
        return st.lists(one, max_size=max_size)

    minutes = st.builds(lambda m: timedelta(minutes=m), st.sampled_from([0, 10, 15, 30]))
    return Scenario(
        zone=zone,
        day=day,
        windows=hours,
        weekly_hours=weekly,
        date_hours=dated,
        busy=draw(intervals(6)),
        time_off=draw(intervals(2)),
        policy=BookingPolicy(
            minimum_notice=timedelta(hours=draw(st.sampled_from([0, 1, 24]))),
            horizon=timedelta(hours=draw(st.sampled_from([2, 24, 72, 24 * 60]))),
            buffer=draw(minutes),
            max_sessions_per_day=draw(st.one_of(st.none(), st.integers(1, 3))),
        ),
        duration=timedelta(minutes=draw(st.sampled_from([15, 30, 45, 50, 60, 90]))),
        step=timedelta(minutes=draw(st.sampled_from([15, 20, 30, 45, 60]))),
        now=day_start + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 24 * 60))),
    )


def overlaps(start: datetime, end: datetime, other_start: datetime, other_end: datetime) -> bool:
    return start < other_end and other_start < end


def sessions_started_on(day: date, scenario: Scenario) -> int:
    return sum(1 for busy in scenario.busy if busy.start.astimezone(scenario.zone).date() == day)


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@PROPERTY_SETTINGS
@given(scenarios())
def test_no_slot_overlaps_busy_time_or_time_off_or_breaks_the_policy(scenario):
    buffer, duration = scenario.policy.buffer, scenario.duration
    for slot in scenario.open_slots_of_the_day():
        assert scenario.now + scenario.policy.minimum_notice <= slot
        assert slot <= scenario.now + scenario.policy.horizon
        assert not any(
            overlaps(slot, slot + duration, busy.start - buffer, busy.end + buffer)
            for busy in scenario.busy
        )
        assert not any(
            overlaps(slot, slot + duration, off.start, off.end) for off in scenario.time_off
        )
        limit = scenario.policy.max_sessions_per_day
        assert limit is None or sessions_started_on(scenario.day, scenario) < limit


@PROPERTY_SETTINGS
@given(scenarios())
def test_every_slot_lies_inside_the_local_hours_and_no_instant_repeats(scenario):
    offered = scenario.open_slots_of_the_day()
    assert offered == sorted(set(offered))
    for slot in offered:
        assert slot.tzinfo is UTC
        assert scenario.day_start <= slot < scenario.day_end
        assert lies_inside_a_window(
            slot,
            zone=scenario.zone,
            windows=scenario.windows,
            duration=scenario.duration,
            step=scenario.step,
        )


def brute_force_slots(scenario: Scenario) -> list[datetime]:
    """Walk every real minute of the day and keep the ones the issue's rules allow.

    Closing time is found by walking too (the first minute the clock reads it or later), so
    this does not lean on zoneinfo's fold handling the way open_slots does.
    """
    minutes = [
        scenario.day_start + timedelta(minutes=m)
        for m in range(int((scenario.day_end - scenario.day_start) / timedelta(minutes=1)))
    ]
    first_closing = {
        closes: next(
            (m for m in minutes if m.astimezone(scenario.zone).time() >= closes), scenario.day_end
        )
        for _, closes in scenario.windows
    }
    policy_ = scenario.policy
    limit = policy_.max_sessions_per_day
    if limit is not None and sessions_started_on(scenario.day, scenario) >= limit:
        return []

    blocked = [(b.start - policy_.buffer, b.end + policy_.buffer) for b in scenario.busy]
    blocked += [(off.start, off.end) for off in scenario.time_off]

    def allowed(start: datetime) -> bool:
        end = start + scenario.duration
        fits_a_window = any(
            lies_inside_a_window(
                start,
                zone=scenario.zone,
                windows=[(opens, closes)],
                duration=scenario.duration,
                step=scenario.step,
            )
            and end <= first_closing[closes]
            for opens, closes in scenario.windows
        )
        return (
            fits_a_window
            and scenario.now + policy_.minimum_notice <= start <= scenario.now + policy_.horizon
            and not any(overlaps(start, end, s, e) for s, e in blocked)
        )

    return [minute for minute in minutes if allowed(minute)]


@PROPERTY_SETTINGS
@given(scenarios())
def test_open_slots_offers_exactly_what_a_minute_by_minute_walk_allows(scenario):
    assert scenario.open_slots_of_the_day() == brute_force_slots(scenario)


@PROPERTY_SETTINGS
@given(scenarios(), st.lists(st.integers(0, 24 * 60 - 1), max_size=4))
def test_is_open_slot_agrees_with_the_list_of_open_slots(scenario, probe_minutes):
    offered = scenario.open_slots_of_the_day()
    probes = {scenario.day_start + timedelta(minutes=m) for m in probe_minutes}
    probes |= {slot + shift for slot in offered for shift in (timedelta(0), timedelta(minutes=5))}
    for probe in probes:
        if scenario.day_start <= probe < scenario.day_end:
            assert is_open_slot(probe, **scenario.rules()) == (probe in offered)


@PROPERTY_SETTINGS
@given(scenarios(), st.sampled_from(ZONE_NAMES))
def test_the_first_open_day_is_the_first_day_of_the_whole_horizons_times(scenario, visitor):
    """A therapist's page shows the first day with times, found a week at a time: the same
    day and times as calculating the whole horizon, on the visitor's own clock."""
    zone = ZoneInfo(visitor)
    rules = scenario.rules()
    # Past the horizon's last instant, which may itself be offered.
    end = scenario.now + rules["policy"].horizon + ONE_DAY
    everything = open_slots(**rules, start=scenario.now, end=end)
    first_day = everything[0].astimezone(zone).date() if everything else None
    expected = [slot for slot in everything if slot.astimezone(zone).date() == first_day]
    assert first_open_day(rules, zone=zone) == expected


def test_the_first_open_day_is_whole_when_it_is_a_week_from_now():
    # Monday noon; Monday's remaining hours are inside the notice, so the first open day is
    # next Monday, whose morning falls before "a week from now" and whose afternoon after.
    monday = date(2026, 3, 2)
    rules = {
        "zone": DENVER,
        "weekly_hours": [WeeklyHours(weekday=0, start=time(9), end=time(17))],
        "date_hours": [],
        "time_off": [],
        "busy": [],
        "policy": policy(minimum_notice=timedelta(hours=6), horizon=timedelta(days=60)),
        "duration": timedelta(minutes=60),
        "now": at(monday, 12),
    }
    assert first_open_day(rules, zone=DENVER) == half_hours_from(
        at(monday + 7 * ONE_DAY, 9).astimezone(UTC), 15
    )
