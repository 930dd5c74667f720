"""Dates and times read one way everywhere: the functions behind the {% load dates %} filters."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone

from practice import dates

DENVER = ZoneInfo("America/Denver")
BERLIN = ZoneInfo("Europe/Berlin")
# Tuesday 14 April 2026, 15:30 UTC: 9:30 AM in Denver (MDT), 5:30 PM in Berlin (CEST).
MOMENT = datetime(2026, 4, 14, 15, 30, tzinfo=UTC)


def test_each_form_reads_as_the_house_style():
    assert dates.day(MOMENT, DENVER) == "Tuesday 14 April"
    assert dates.full_date(MOMENT, DENVER) == "Tuesday 14 April 2026"
    assert dates.clock(MOMENT, DENVER) == "9:30 AM"
    assert dates.clock_zone(MOMENT, DENVER) == "9:30 AM MDT"
    assert dates.datetime_zone(MOMENT, DENVER) == "Tuesday 14 April 2026, 9:30 AM MDT"


def test_a_zone_may_be_named_and_changes_the_day_too():
    assert dates.datetime_zone(MOMENT, "Asia/Tokyo") == "Wednesday 15 April 2026, 12:30 AM JST"


def test_without_a_zone_an_aware_time_is_read_on_the_active_zones_clock():
    with timezone.override(BERLIN):
        assert dates.clock_zone(MOMENT) == "5:30 PM CEST"


def test_plain_dates_and_times_are_written_as_they_are():
    assert dates.full_date(date(2026, 4, 14)) == "Tuesday 14 April 2026"
    assert dates.clock(time(0, 5)) == "12:05 AM" and dates.clock(time(12, 0)) == "12:00 PM"


def test_a_time_read_twice_as_the_clocks_go_back_names_its_zone():
    # Berlin reads 2:30 AM twice on Sunday 25 October 2026: first CEST, then CET.
    first, second = (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    assert (dates.clock(first, BERLIN), dates.clock(second, BERLIN)) == (
        "2:30 AM CEST",
        "2:30 AM CET",
    )
    assert dates.clock_zone(first, BERLIN) == "2:30 AM CEST"  # named once, not twice
    assert dates.clock(datetime(2026, 10, 25, 2, 30, tzinfo=UTC), BERLIN) == "3:30 AM"


def test_the_zone_changes_in_a_week_are_the_days_they_happen_on():
    assert dates.zone_changes(date(2026, 10, 26), 7, DENVER) == [
        (date(2026, 10, 26), "MDT"),
        (date(2026, 11, 1), "MST"),
    ]
    assert dates.zone_changes(date(2026, 11, 2), 7, DENVER) == [(date(2026, 11, 2), "MST")]


def test_the_filters_are_the_functions_and_leave_a_missing_value_blank():
    template = Template(
        "{% load dates %}{{ m|day:zone }}|{{ m|full_date:zone }}|{{ m|clock:zone }}|"
        "{{ m|clock_zone:zone }}|{{ m|datetime_zone:zone }}|{{ nothing|datetime_zone }}"
    )
    rendered = template.render(Context({"m": MOMENT, "zone": "America/Denver", "nothing": None}))
    assert rendered == (
        "Tuesday 14 April|Tuesday 14 April 2026|9:30 AM|9:30 AM MDT|"
        "Tuesday 14 April 2026, 9:30 AM MDT|"
    )
