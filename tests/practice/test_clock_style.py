"""Times of day on the visitor's own clock: 24-hour for a German browser, 12-hour by default."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from practice import dates

EVENING = datetime(2030, 1, 9, 17, 30, tzinfo=ZoneInfo("America/Denver"))


@pytest.mark.parametrize(
    ("header", "twenty_four"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", True),
        ("fr", True),
        ("en-US,en;q=0.9", False),
        ("en-GB", False),
        ("", False),
        ("*", False),
        ("xx-unknown", False),
    ],
)
def test_the_browsers_first_language_decides_the_clock(header, twenty_four):
    assert dates.prefers_24_hour_clock(header) is twenty_four


def test_clock_and_datetime_follow_the_style():
    assert dates.clock(EVENING) == "5:30 PM"
    with dates.clock_style(twenty_four=True):
        assert dates.clock(EVENING) == "17:30"
        assert dates.datetime_zone(EVENING) == "Wednesday 9 January 2030, 17:30 MST"
    assert dates.clock_zone(EVENING) == "5:30 PM MST"  # back to the practice's style after
