"""The therapist's private calendar feed: what it shows, and who its address opens it for."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from practice.models import PracticeSettings
from scheduling.models import Appointment, CalendarFeed
from tests.factories import make_appointment, make_session_type, make_therapist

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
NOW = datetime(2030, 3, 1, 12, 0, tzinfo=DENVER)


@pytest.fixture(autouse=True)
def _frozen(db):
    PracticeSettings.load()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sessions(dana, alice, bob):
    video = make_session_type(
        name="Telehealth trauma-focused CBT", modality="telehealth", therapists=[dana.therapist]
    )
    alice.preferred_name = "Ali"
    alice.save()
    return {
        # 10 March 2030: Denver's clocks spring forward at 02:00.
        "before": make_appointment(
            therapist=dana.therapist,
            client=alice,
            starts_at=datetime(2030, 3, 8, 10, 0, tzinfo=DENVER),
            session_type=video,
        ),
        "after": make_appointment(
            therapist=dana.therapist,
            client=alice,
            starts_at=datetime(2030, 3, 15, 10, 0, tzinfo=DENVER),
            session_type=video,
        ),
        "bob": make_appointment(
            therapist=dana.therapist,
            client=bob,
            starts_at=datetime(2030, 3, 8, 14, 0, tzinfo=DENVER),
            session_type=video,
            status="attended",
        ),
        "cancelled": make_appointment(
            therapist=dana.therapist,
            client=bob,
            starts_at=datetime(2030, 3, 9, 14, 0, tzinfo=DENVER),
            session_type=video,
            status="cancelled",
        ),
        "held": make_appointment(
            therapist=dana.therapist,
            client=None,
            starts_at=datetime(2030, 3, 9, 9, 0, tzinfo=DENVER),
            session_type=video,
            status="held",
        ),
    }


def fetch(client, token):
    return client.get(f"/scheduling/feed/{token}.ics")


def events(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_feed_shows_times_and_initials_only(client, dana, sessions):
    token = CalendarFeed.issue(dana.therapist)

    response = fetch(client, token)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert [str(event["SUMMARY"]) for event in found] == [
        "Session · A.M.",
        "Session · B.K.",
        "Session · A.M.",
    ]
    body = response.content.decode()
    for secret in ("Alice", "Ali", "Moreno", "Bob", "example.org", "Telehealth", "CBT", "http"):
        assert secret not in body
    assert "Therapy" not in body and "therapy" not in body
    for event in found:
        assert set(event) <= {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "TRANSP", "CLASS"}


def test_feed_times_are_the_right_instants_on_both_sides_of_the_clock_change(
    client, dana, sessions
):
    found = events(fetch(client, CalendarFeed.issue(dana.therapist)))
    starts = [event.decoded("DTSTART") for event in found]
    assert starts[0] == sessions["before"].starts_at == datetime(2030, 3, 8, 17, 0, tzinfo=UTC)
    assert starts[2] == sessions["after"].starts_at == datetime(2030, 3, 15, 16, 0, tzinfo=UTC)
    assert {start.astimezone(DENVER).hour for start in (starts[0], starts[2])} == {10}
    assert found[0].decoded("DTEND") - starts[0] == timedelta(minutes=50)


def test_the_feed_is_private_and_not_cached_by_anyone_else(client, dana, sessions):
    response = fetch(client, CalendarFeed.issue(dana.therapist))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "noindex" in response["X-Robots-Tag"]


def test_the_token_is_random_long_and_stored_only_as_a_digest(dana):
    token = CalendarFeed.issue(dana.therapist)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes: 256 bits
    stored = CalendarFeed.objects.get(therapist=dana.therapist)
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert CalendarFeed.issue(dana.therapist) != token


def test_a_wrong_token_is_not_found(client, dana, sessions):
    token = CalendarFeed.issue(dana.therapist)
    assert fetch(client, token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    assert fetch(client, "x" * 43).status_code == 404
    assert client.get(f"/scheduling/feed/{token}.ics/").status_code == 404


def test_a_turned_off_feed_is_not_found(client, dana, sessions):
    token = CalendarFeed.issue(dana.therapist)
    CalendarFeed.revoke(dana.therapist)
    assert fetch(client, token).status_code == 404


def test_a_replaced_address_stops_working_and_the_new_one_works(client, dana, sessions):
    old = CalendarFeed.issue(dana.therapist)
    new = CalendarFeed.issue(dana.therapist)
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200


def test_each_therapists_token_opens_only_their_own_sessions(client, dana, alice, sessions):
    olu = make_therapist(email="olu@example.org", first_name="Olu", last_name="Adebayo")
    make_appointment(
        therapist=olu, client=alice, starts_at=datetime(2030, 3, 20, 9, 0, tzinfo=DENVER)
    )
    found = events(fetch(client, CalendarFeed.issue(olu)))
    assert len(found) == 1
    assert found[0].decoded("DTSTART") == datetime(2030, 3, 20, 15, 0, tzinfo=UTC)


def test_the_feed_runs_the_same_queries_for_few_or_many_sessions(
    client, dana, alice, django_assert_num_queries
):
    token = CalendarFeed.issue(dana.therapist)
    session = make_session_type(minutes=20, therapists=[dana.therapist])
    counts = []
    for extra in (1, 50):
        Appointment.objects.all().delete()
        for i in range(extra):
            make_appointment(
                therapist=dana.therapist,
                client=alice,
                starts_at=NOW + timedelta(minutes=20 * i),
                session_type=session,
            )
        with django_assert_num_queries(2):  # the feed with its therapist, the appointments
            counts.append(len(events(fetch(client, token))))
    assert counts == [1, 50]


# The therapist's feed page -------------------------------------------------------------------


def test_a_therapist_creates_a_feed_and_sees_its_address_once(client, dana, sessions):
    client.force_login(dana)
    assert "Your feed is off." in client.get("/scheduling/calendar/feed/").content.decode()

    response = client.post("/scheduling/calendar/feed/new/")

    page = response.content.decode()
    url = re.search(r'value="(http://testserver/scheduling/feed/[^"]+\.ics)"', page).group(1)
    assert "no-store" in response["Cache-Control"]
    assert client.get(url).status_code == 200
    later = client.get("/scheduling/calendar/feed/").content.decode()
    assert "Your feed is on." in later and url not in later


def test_a_therapist_replaces_the_address_and_the_old_one_dies(client, dana, sessions):
    client.force_login(dana)
    first = client.post("/scheduling/calendar/feed/new/").content.decode()
    old = re.search(r"/scheduling/feed/[^\"]+\.ics", first).group(0)
    client.post("/scheduling/calendar/feed/new/")
    assert client.get(old).status_code == 404


def test_a_therapist_turns_the_feed_off(client, dana, sessions):
    client.force_login(dana)
    token = CalendarFeed.issue(dana.therapist)
    response = client.post("/scheduling/calendar/feed/off/", follow=True)
    assert "Your calendar feed is turned off." in response.content.decode()
    assert fetch(client, token).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_feed_pages_are_for_therapists_and_changes_need_a_post(client, dana, alice):
    assert client.get("/scheduling/calendar/feed/").url.startswith("/accounts/login/")
    client.force_login(alice)
    assert client.post("/scheduling/calendar/feed/new/").status_code == 403
    client.force_login(dana)
    assert client.get("/scheduling/calendar/feed/new/").status_code == 405
    assert client.get("/scheduling/calendar/feed/off/").status_code == 405
    assert not CalendarFeed.objects.exists()
