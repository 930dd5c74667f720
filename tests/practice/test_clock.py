"""Local clock time to instant: one rule for reminders, agendas, calendars, series and filters."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from practice.clock import clock_skips, local_instant, start_of_day

DENVER = ZoneInfo("America/Denver")
SANTIAGO = ZoneInfo("America/Santiago")


def test_an_ordinary_clock_time_is_the_one_instant_it_names():
    assert local_instant(date(2030, 1, 3), time(9), DENVER) == datetime(2030, 1, 3, 16, tzinfo=UTC)


def test_a_time_the_clock_reads_twice_when_it_falls_back_is_the_first_of_them():
    # 3 November 2030: Denver's clocks go from 02:00 MDT back to 01:00 MST.
    instant = local_instant(date(2030, 11, 3), time(1, 30), DENVER)
    assert instant == datetime(2030, 11, 3, 7, 30, tzinfo=UTC)
    assert instant.astimezone(DENVER).utcoffset().total_seconds() == -6 * 3600


def test_a_time_the_clocks_skip_is_the_moment_they_jump_never_later():
    # 9 March 2031: Denver's clocks jump from 02:00 to 03:00; 02:30 is never read.
    assert clock_skips(date(2031, 3, 9), time(2, 30), DENVER)
    instant = local_instant(date(2031, 3, 9), time(2, 30), DENVER)
    assert instant.astimezone(DENVER).replace(tzinfo=None) == datetime(2031, 3, 9, 3, 0)
    assert not clock_skips(date(2031, 3, 9), time(3, 30), DENVER)


def test_a_day_whose_midnight_is_skipped_starts_when_the_clocks_jump():
    # 6 September 2026: Santiago's clocks jump from 00:00 to 01:00.
    assert clock_skips(date(2026, 9, 6), time(0), SANTIAGO)
    first = start_of_day(date(2026, 9, 6), SANTIAGO)
    assert first.astimezone(SANTIAGO).replace(tzinfo=None) == datetime(2026, 9, 6, 1, 0)
    assert first == datetime(2026, 9, 6, 4, tzinfo=UTC)
