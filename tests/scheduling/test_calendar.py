"""The therapist's calendar: week and day views in their zone, with a fixed number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consent import status as consent_status
from intake import status as intake_status
from practice.models import PracticeSettings
from scheduling.models import Appointment
from tests.factories import (
    make_appointment,
    make_client,
    make_many_appointments,
    make_session_type,
    make_therapist,
)

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
# Tuesday 8 January 2030, noon in Fort Collins.
NOW = datetime(2030, 1, 8, 12, 0, tzinfo=DENVER)


@pytest.fixture(autouse=True)
def _frozen(db):
    PracticeSettings.load()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def first_session(dana):
    return make_session_type(name="Exposure work", therapists=[dana.therapist])


def test_the_week_shows_sessions_in_the_therapists_zone_with_preferred_name_and_pronouns(
    client, dana, alice, first_session
):
    alice.preferred_name, alice.pronouns = "Ali", "she/they"
    alice.save()
    make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2030, 1, 10, 9, 0, tzinfo=DENVER),
        session_type=first_session,
    )
    client.force_login(dana)

    page = client.get("/scheduling/calendar/").content.decode()

    assert "Week of Monday 7 January 2030" in page
    assert "9:00 AM</time>–9:50 AM" in page  # 16:00 UTC, shown in Denver time
    assert "Ali" in page and "(she/they)" in page and "Exposure work" in page
    assert "Alice" not in page  # the preferred name, not the legal first name


def test_the_day_view_shows_only_that_day_and_links_to_the_days_around_it(
    client, dana, alice, bob, first_session
):
    for day, person in ((9, alice), (10, bob)):
        make_appointment(
            therapist=dana.therapist,
            client=person,
            starts_at=datetime(2030, 1, day, 9, 0, tzinfo=DENVER),
            session_type=first_session,
        )
    client.force_login(dana)

    page = client.get("/scheduling/calendar/?view=day&date=2030-01-09").content.decode()

    assert "Wednesday 9 January 2030" in page
    assert "Alice" in page and "Bob" not in page
    assert "view=day&amp;date=2030-01-08" in page and "view=day&amp;date=2030-01-10" in page


def test_weeks_link_to_the_weeks_around_them_and_a_bad_date_shows_this_week(client, dana):
    client.force_login(dana)
    page = client.get("/scheduling/calendar/?date=2030-02-14").content.decode()
    assert "Week of Monday 11 February 2030" in page
    assert "view=week&amp;date=2030-02-04" in page and "view=week&amp;date=2030-02-18" in page
    assert "This week" in page

    page = client.get("/scheduling/calendar/?date=not-a-date&view=month").content.decode()
    assert "Week of Monday 7 January 2030" in page


def test_held_slots_show_and_cancelled_sessions_do_not(client, dana, alice, bob, first_session):
    make_appointment(
        therapist=dana.therapist,
        client=None,
        starts_at=datetime(2030, 1, 9, 9, 0, tzinfo=DENVER),
        session_type=first_session,
        status="held",
    )
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=datetime(2030, 1, 9, 11, 0, tzinfo=DENVER),
        session_type=first_session,
        status="cancelled",
    )
    expired = make_appointment(
        therapist=dana.therapist,
        client=None,
        starts_at=datetime(2030, 1, 10, 9, 0, tzinfo=DENVER),
        session_type=first_session,
        status="held",
    )
    Appointment.objects.filter(pk=expired.pk).update(held_until=NOW - timedelta(minutes=1))
    client.force_login(dana)

    page = client.get("/scheduling/calendar/").content.decode()

    assert page.count("Held slot") == 1 and "Being booked" in page  # the expired hold is gone
    assert "Bob" not in page


def test_a_session_late_on_sunday_in_denver_is_on_sunday_although_it_is_monday_in_utc(
    client, dana, alice, first_session
):
    make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2030, 1, 13, 19, 0, tzinfo=DENVER),  # Monday 02:00 UTC
        session_type=first_session,
    )
    client.force_login(dana)

    assert "Alice" in client.get("/scheduling/calendar/?date=2030-01-07").content.decode()
    assert "Alice" not in client.get("/scheduling/calendar/?date=2030-01-14").content.decode()


def test_a_therapist_sees_only_their_own_sessions(client, dana, alice, first_session):
    other = make_therapist(email="olu@example.org", first_name="Olu", last_name="Adebayo")
    make_appointment(
        therapist=other,
        client=alice,
        starts_at=datetime(2030, 1, 9, 9, 0, tzinfo=DENVER),
    )
    client.force_login(dana)
    assert "Alice" not in client.get("/scheduling/calendar/").content.decode()


def test_clients_with_intake_or_consent_missing_get_badges_from_one_call_each(
    client, dana, alice, bob, first_session, monkeypatch
):
    # The intake and consent apps fill these seams in; until then they report nothing missing,
    # so this stands in for their answers (outside this app's code) to show the badges.
    calls = []

    def missing_intake(client_ids):
        calls.append(("intake", set(client_ids)))
        return {alice.pk}

    def missing_consent(client_ids):
        calls.append(("consent", set(client_ids)))
        return {bob.pk}

    monkeypatch.setattr(intake_status, "clients_missing_intake", missing_intake)
    monkeypatch.setattr(consent_status, "clients_missing_consent", missing_consent)
    video = make_session_type(name="Video session", modality="telehealth", therapists=[])
    for hour, person, kind in ((9, alice, first_session), (11, bob, video)):
        make_appointment(
            therapist=dana.therapist,
            client=person,
            starts_at=datetime(2030, 1, 9, hour, 0, tzinfo=DENVER),
            session_type=kind,
        )
    client.force_login(dana)

    page = client.get("/scheduling/calendar/").content.decode()

    assert page.count("Intake missing") == 1 and page.count("Consent missing") == 1
    assert calls == [
        ("intake", {alice.pk, bob.pk}),
        ("consent", {alice.pk, bob.pk}),
    ]


@pytest.mark.parametrize("many", [1, 200])
def test_the_week_runs_the_same_queries_for_1_or_200_sessions(
    client, dana, many, django_assert_num_queries
):
    short = make_session_type(name="Check-in", minutes=20, therapists=[dana.therapist])
    make_many_appointments(
        therapist=dana.therapist,
        first_start=datetime(2030, 1, 7, 0, 0, tzinfo=DENVER),
        count=many,
        session_type=short,
    )
    assert Appointment.objects.count() == many
    client.force_login(dana)
    # session, user, therapist profile, practice settings, appointments with people,
    # then one query for missing intakes and three for missing consent (the badges: documents,
    # signatures, and who has telehealth ahead, asked as the portal asks it), and the audit row
    with django_assert_num_queries(10):
        response = client.get("/scheduling/calendar/")
    assert response.content.decode().count("calendar-entry--booked") == many


def test_the_calendar_is_for_therapists(client, alice, sam):
    assert client.get("/scheduling/calendar/").url.startswith("/accounts/login/")
    for person in (alice, sam):
        client.force_login(person)
        assert client.get("/scheduling/calendar/").status_code == 403


def test_the_calendar_only_answers_get(client, dana):
    client.force_login(dana)
    assert client.post("/scheduling/calendar/").status_code == 405


def test_a_therapist_lands_on_their_calendar_after_logging_in(client, dana):
    client.force_login(dana)
    assert client.get("/home/").url == "/scheduling/calendar/"


# Staff see every therapist's calendar ------------------------------------------------------


def test_staff_pick_a_therapist_and_see_their_week(client, sam, dana, alice, first_session):
    other = make_therapist(email="olu@example.org", first_name="Olu", last_name="Adebayo")
    make_appointment(
        therapist=other,
        client=make_client(email="cy@example.org", first_name="Cy"),
        starts_at=datetime(2030, 1, 9, 9, 0, tzinfo=DENVER),
    )
    make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2030, 1, 9, 9, 0, tzinfo=DENVER),
        session_type=first_session,
    )
    client.force_login(sam)

    page = client.get(f"/scheduling/staff/calendar/?therapist={other.pk}").content.decode()
    assert "Cy" in page and "Alice" not in page
    assert f"therapist={other.pk}&amp;view=week&amp;date=2030-01-14" in page
    page = client.get(f"/scheduling/staff/calendar/?therapist={dana.therapist.pk}").content
    assert b"Alice" in page and b"/scheduling/staff/appointments/" in page


def test_staff_asking_for_an_unknown_therapist_get_404(client, sam, dana):
    client.force_login(sam)
    assert client.get("/scheduling/staff/calendar/?therapist=999999").status_code == 404
    assert client.get("/scheduling/staff/calendar/?therapist=x").status_code == 404


@pytest.mark.parametrize("many", [1, 200])
def test_the_staff_calendar_runs_the_same_queries_for_1_or_200_sessions(
    client, sam, dana, many, django_assert_num_queries
):
    short = make_session_type(name="Check-in", minutes=20, therapists=[dana.therapist])
    make_many_appointments(
        therapist=dana.therapist,
        first_start=datetime(2030, 1, 7, 0, 0, tzinfo=DENVER) + timedelta(hours=1),
        count=many,
        session_type=short,
    )
    client.force_login(sam)
    # session, user, therapists to pick from, practice settings, appointments with people,
    # then the intake and consent badges (one query and three, as the portal asks), the audit row
    with django_assert_num_queries(10):
        client.get(f"/scheduling/staff/calendar/?therapist={dana.therapist.pk}")


def test_the_session_page_links_to_the_clients_sent_intake(client, alice, dana):
    from tests.factories import INTAKE_ANSWERS, make_intake

    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=datetime(2031, 1, 8, 10, tzinfo=DENVER)
    )
    client.force_login(dana)
    page = client.get(f"/scheduling/calendar/appointments/{appointment.pk}/").text
    assert "Alice has not sent the intake questionnaire yet." in page

    submission = make_intake(
        client=alice, answers=INTAKE_ANSWERS, status="new", therapist=dana.therapist
    )
    page = client.get(f"/scheduling/calendar/appointments/{appointment.pk}/").text
    assert f'href="/intake/submissions/{submission.pk}/"' in page
    assert client.get(f"/intake/submissions/{submission.pk}/").status_code == 200
