from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import make_booking_rules, make_session_type, make_weekly_hours

DENVER = ZoneInfo("America/Denver")
# Monday 7 January 2030, noon in Fort Collins.
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=DENVER)


def denver(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2030 on Fort Collins clocks."""
    return datetime(2030, 1, day, hour, minute, tzinfo=DENVER)


def queries_of_two_looks(client, url: str, params: dict | None = None) -> tuple[int, int]:
    """Queries of a first look at a page as the calendars now stand, and of a second look
    (which reads them from the cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    looks = []
    for _look in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params or {}).status_code == 200
        looks.append(len(queries))
    return looks[0], looks[1]


@pytest.fixture
def frozen():
    """The clock stands still at NOW; tests move it with frozen.shift(...)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def first_session(dana):
    """Dana works 09:00-17:00 every day, takes bookings 24 h to 60 days ahead, no buffer."""
    therapist = dana.therapist
    make_weekly_hours(therapist=therapist)
    make_booking_rules(therapist=therapist, buffer=timedelta(0))
    return make_session_type(name="First session", minutes=50, therapists=[therapist])
