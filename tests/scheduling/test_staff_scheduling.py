"""Staff book, move and cancel sessions on a client's behalf (someone phoned the office)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scheduling.models import Appointment
from tests.factories import (
    make_appointment,
    make_session_type,
    make_therapist,
    open_around_the_clock,
)

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
PHOENIX = ZoneInfo("America/Phoenix")
NOW = datetime(2030, 6, 3, 9, 0, tzinfo=DENVER)
BOOK = "/scheduling/staff/book/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _dana_is_always_open(dana):
    open_around_the_clock(dana.therapist)


@pytest.fixture
def first_session(dana):
    return make_session_type(name="First session", therapists=[dana.therapist])


@pytest.fixture
def booked(dana, alice, first_session) -> Appointment:
    return make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2030, 6, 10, 10, 0, tzinfo=DENVER),
        session_type=first_session,
    )


def booking(client_user, therapist, session_type, *, day="2030-06-12", at="14:00") -> dict:
    return {
        "client": client_user.pk,
        "therapist": therapist.pk,
        "session_type": session_type.pk,
        "day": day,
        "at": at,
    }


def test_staff_book_a_session_for_a_client_at_the_therapists_local_time(
    client, sam, alice, first_session
):
    daniel = make_therapist(
        email="daniel@example.org",
        first_name="Daniel",
        last_name="Ortiz",
        time_zone="America/Phoenix",
    )
    first_session.therapists.add(daniel)
    open_around_the_clock(daniel)
    client.force_login(sam)

    response = client.post(BOOK, booking(alice, daniel, first_session))

    appointment = Appointment.objects.get()
    assert response.url == f"/scheduling/staff/appointments/{appointment.pk}/"
    assert appointment.client == alice and appointment.therapist == daniel
    assert appointment.status == "booked"
    assert appointment.starts_at == datetime(2030, 6, 12, 14, 0, tzinfo=PHOENIX)
    page = client.get(response.url).content.decode()
    assert "The session is booked." in page and "2:00 PM" in page


def test_staff_booking_a_taken_time_see_why_beside_the_time_and_keep_their_input(
    client, sam, bob, dana, first_session, booked
):
    client.force_login(sam)
    response = client.post(
        BOOK, booking(bob, dana.therapist, first_session, day="2030-06-10", at="10:30")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["at"]
    page = response.content.decode()
    assert 'value="10:30"' in page and 'value="2030-06-10"' in page
    assert Appointment.objects.count() == 1


def test_a_session_type_the_therapist_does_not_offer_is_refused(client, sam, alice, dana):
    other = make_session_type(name="Group skills", therapists=[])
    client.force_login(sam)
    response = client.post(BOOK, booking(alice, dana.therapist, other))
    assert "Dana does not offer this session." in response.content.decode()
    assert not Appointment.objects.exists()


def test_tampered_ids_are_refused_with_a_message(client, sam, dana, first_session, alice):
    client.force_login(sam)
    data = booking(alice, dana.therapist, first_session)
    for field in ("client", "therapist", "session_type"):
        response = client.post(BOOK, {**data, field: 999999})
        assert "Select a valid choice." in response.content.decode()
    # A therapist is not a client.
    response = client.post(BOOK, {**data, "client": dana.pk})
    assert "Select a valid choice." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_time_the_clocks_skip_is_refused(client, sam, alice, dana, first_session):
    client.force_login(sam)
    response = client.post(
        BOOK, booking(alice, dana.therapist, first_session, day="2031-03-09", at="02:30")
    )
    assert "this time does not exist" in response.content.decode()


def test_staff_move_a_session_and_it_remembers_where_it_came_from(client, sam, booked):
    client.force_login(sam)
    response = client.post(
        f"/scheduling/staff/appointments/{booked.pk}/move/", {"day": "2030-06-11", "at": "15:00"}
    )
    moved = Appointment.objects.get(rescheduled_from=booked)
    assert response.url == f"/scheduling/staff/appointments/{moved.pk}/"
    assert moved.starts_at == datetime(2030, 6, 11, 15, 0, tzinfo=DENVER)
    assert moved.status == "booked" and moved.client == booked.client
    booked.refresh_from_db()
    assert booked.status != "booked"
    assert "Moved from" in client.get(response.url).content.decode()


def test_moving_onto_another_session_keeps_the_original(
    client, sam, bob, dana, booked, first_session
):
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=datetime(2030, 6, 11, 15, 0, tzinfo=DENVER),
        session_type=first_session,
    )
    client.force_login(sam)
    response = client.post(
        f"/scheduling/staff/appointments/{booked.pk}/move/", {"day": "2030-06-11", "at": "15:30"}
    )
    assert response.status_code == 200 and response.context["move_form"].errors["at"]
    booked.refresh_from_db()
    assert booked.status == "booked"
    assert not Appointment.objects.filter(rescheduled_from=booked).exists()


def test_staff_cancel_for_the_client_and_the_client_policy_applies(client, sam, booked):
    client.force_login(sam)
    response = client.post(
        f"/scheduling/staff/appointments/{booked.pk}/cancel/",
        {"requested_by": "client", "reason": "Client phoned: work trip"},
    )
    assert response.url == f"/scheduling/staff/appointments/{booked.pk}/"
    booked.refresh_from_db()
    assert booked.status == "cancelled"  # a week ahead: on time, no fee
    assert booked.cancellation_reason == "Client phoned: work trip"


def test_staff_cancel_for_the_practice_is_never_a_fee(client, sam, booked):
    with time_machine.travel(booked.starts_at - timedelta(hours=2), tick=False):
        client.force_login(sam)
        client.post(
            f"/scheduling/staff/appointments/{booked.pk}/cancel/",
            {"requested_by": "practice", "reason": "Office flooded"},
        )
    booked.refresh_from_db()
    assert booked.status == "practice_cancelled"


def test_cancelling_needs_who_and_why(client, sam, booked):
    client.force_login(sam)
    response = client.post(f"/scheduling/staff/appointments/{booked.pk}/cancel/", {})
    assert set(response.context["cancel_form"].errors) == {"requested_by", "reason"}
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_staff_scheduling_pages_are_for_staff(client, alice, dana, booked):
    urls = [
        "/scheduling/staff/calendar/",
        BOOK,
        f"/scheduling/staff/appointments/{booked.pk}/",
    ]
    for url in urls:
        assert client.get(url).url.startswith("/accounts/login/")
    for person in (alice, dana):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403
        response = client.post(
            f"/scheduling/staff/appointments/{booked.pk}/cancel/",
            {"requested_by": "practice", "reason": "x"},
        )
        assert response.status_code == 403
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_staff_changes_need_a_post_and_an_existing_session(client, sam, booked):
    client.force_login(sam)
    assert client.get(f"/scheduling/staff/appointments/{booked.pk}/move/").status_code == 405
    assert client.get(f"/scheduling/staff/appointments/{booked.pk}/cancel/").status_code == 405
    assert client.get("/scheduling/staff/appointments/999999/").status_code == 404
    assert client.post("/scheduling/staff/appointments/999999/cancel/").status_code == 404


def test_the_staff_dashboard_links_to_the_calendars(client, sam):
    client.force_login(sam)
    page = client.get("/staff/").content.decode()
    assert "/scheduling/staff/calendar/" in page and "/scheduling/staff/book/" in page


def test_a_client_cancelling_through_staff_inside_the_window_is_late(client, sam, booked):
    with time_machine.travel(booked.starts_at - timedelta(hours=3), tick=False):
        client.force_login(sam)
        response = client.post(
            f"/scheduling/staff/appointments/{booked.pk}/cancel/",
            {"requested_by": "client", "reason": "Client phoned: car trouble"},
            follow=True,
        )
    booked.refresh_from_db()
    assert booked.status == "late_cancelled"
    assert "Recorded as “Late cancellation”." in response.content.decode()


# Video sessions: where the client will be, under the same rule as a client's own booking ----


@pytest.fixture
def video(dana):
    return make_session_type(
        name="Video session", modality="telehealth", therapists=[dana.therapist]
    )


def test_staff_booking_a_video_session_are_asked_where_the_client_will_be(
    client, sam, alice, dana, video
):
    client.force_login(sam)
    response = client.post(BOOK, booking(alice, dana.therapist, video))
    assert response.status_code == 200
    assert response.context["form"].errors["location"] == [
        "Please ask where the client will be during the session."
    ]
    assert 'value="2030-06-12"' in response.content.decode()  # what was typed is kept
    assert not Appointment.objects.exists()


def test_staff_book_a_video_session_for_a_client_in_a_licensed_state(
    client, sam, alice, dana, video
):
    client.force_login(sam)
    response = client.post(BOOK, {**booking(alice, dana.therapist, video), "location": "CO"})
    appointment = Appointment.objects.get()
    assert response.url == f"/scheduling/staff/appointments/{appointment.pk}/"
    assert appointment.client_location == "CO"
    assert "Colorado" in client.get(response.url).content.decode()


def test_staff_cannot_book_video_where_the_therapist_is_not_licensed(
    client, sam, alice, dana, video
):
    client.force_login(sam)
    for place in ("WY", "outside-us"):
        response = client.post(BOOK, {**booking(alice, dana.therapist, video), "location": place})
        assert response.context["form"].errors["location"] == [
            "Dana can meet by video only while the client is in Colorado. Book a session in "
            "person instead, or with a therapist licensed where the client will be."
        ]
    assert not Appointment.objects.exists()


def test_an_in_person_booking_keeps_no_location(client, sam, alice, dana, first_session):
    client.force_login(sam)
    client.post(BOOK, {**booking(alice, dana.therapist, first_session), "location": "WY"})
    assert Appointment.objects.get().client_location == ""
