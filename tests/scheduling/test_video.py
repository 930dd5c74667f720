"""Telehealth that works: a room to join from the portal, and only from where it is allowed."""

import json
import threading
from datetime import UTC, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from practice.models import PracticeSettings
from scheduling import services
from scheduling.models import Appointment
from tests.factories import make_appointment, make_session_type
from tests.scheduling.conftest import NOW, denver
from tests.scheduling.test_booking_pages import WEDNESDAY_TEN, held_appointment_id

pytestmark = pytest.mark.django_db

ROOM = "https://video.example.test/rooms/dana-whitfield"
HOLD = "/scheduling/book/dana-whitfield/hold/"


@pytest.fixture
def video_session(dana, first_session):
    """Video sessions Dana offers (Colorado is where she is licensed, the default)."""
    session_type = make_session_type(
        name="Video follow-up", modality="telehealth", fee=140, therapists=[dana.therapist]
    )
    dana.therapist.video_room_url = ROOM
    dana.therapist.save()
    return session_type


@pytest.fixture
def alices_video(alice, dana, video_session, frozen):
    """Alice's video session with Dana, today at 13:00 (the clock reads 12:00)."""
    return make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(7, 13), session_type=video_session
    )


def hold_video(client, session_type, *, location):
    return client.post(
        HOLD,
        {
            "session_type": session_type.pk,
            "starts_at": WEDNESDAY_TEN.isoformat(),
            "tz": "America/Denver",
            "location": location,
        },
    )


# Where the client is ------------------------------------------------------------------------


def test_a_therapist_is_licensed_in_colorado_unless_staff_say_otherwise(dana):
    assert dana.therapist.licensed_states == "CO"
    assert dana.therapist.sees_by_video_in("CO") and not dana.therapist.sees_by_video_in("WY")


def test_the_slot_page_of_a_video_session_asks_where_the_client_will_be(
    client, video_session, frozen
):
    page = client.get(f"/scheduling/book/dana-whitfield/?session_type={video_session.pk}").text
    assert "Where will you be during the session?" in page
    assert (
        "Dana is licensed in Colorado, and may meet you by video only while you are there" in page
    )


def test_a_client_in_colorado_holds_a_video_session_and_the_place_is_kept(
    client, video_session, frozen
):
    response = hold_video(client, video_session, location="CO")
    held = Appointment.objects.get(pk=held_appointment_id(response))
    assert held.client_location == "CO" and held.client_location_name == "Colorado"


def test_a_video_session_needs_an_answer_to_where(client, video_session, frozen):
    response = hold_video(client, video_session, location="")
    assert "Please tell us where you will be during the session." in response.text
    assert not Appointment.objects.exists()


def test_a_client_in_another_state_is_told_plainly_why_not(client, video_session, frozen):
    response = hold_video(client, video_session, location="TX")
    assert "We cannot book a video session while you are in Texas." in response.text
    assert "Dana is licensed in Colorado only" in response.text
    assert "in-person session at our office instead" in response.text
    assert "988" not in response.text.split('role="alert"')[1].split("</div>")[0]
    assert not Appointment.objects.exists()


def test_a_client_in_berlin_is_told_why_and_that_988_is_a_us_line(client, video_session, frozen):
    response = hold_video(client, video_session, location="outside-us")
    alert = response.text.split('role="alert"')[1].split("</div>")[0]
    assert (
        "We cannot book a video session while you are in a country outside the United States."
        in alert
    )
    assert "988 is a US line" in alert and "findahelpline.com" in alert
    assert not Appointment.objects.exists()


def test_the_service_refuses_a_video_hold_from_outside_the_licence(dana, video_session, frozen):
    with pytest.raises(services.BookingNotAllowed):
        services.hold_slot(
            therapist=dana.therapist,
            session_type=video_session,
            starts_at=WEDNESDAY_TEN,
            hold_key="k" * 20,
            client_location="WY",
        )


def test_staff_can_license_a_therapist_in_more_states(client, dana, video_session, frozen):
    dana.therapist.licensed_states = "CO, WY"
    dana.therapist.save()
    assert dana.therapist.licensed_state_names == "Colorado and Wyoming"
    response = hold_video(client, video_session, location="WY")
    assert response.status_code == 302


def test_an_in_person_session_asks_nothing_about_where(client, first_session, frozen):
    page = client.get(f"/scheduling/book/dana-whitfield/?session_type={first_session.pk}").text
    assert "Where will you be during the session?" not in page


# Joining ------------------------------------------------------------------------------------


def test_twenty_minutes_before_the_portal_says_when_the_room_opens(
    client, alice, alices_video, frozen
):
    frozen.move_to(alices_video.starts_at - timedelta(minutes=20))
    client.force_login(alice)
    portal = client.get("/portal/").text
    assert "Join your session" not in portal
    assert "the Join button appears here at 12:45 PM, 15 minutes before it starts" in portal
    page = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    assert (
        page.status_code == 200 and "The room opens at <strong>12:45 PM MST</strong>" in page.text
    )
    assert ROOM not in portal + page.text


def test_ten_minutes_before_the_client_joins_from_the_portal(client, alice, alices_video, frozen):
    frozen.move_to(alices_video.starts_at - timedelta(minutes=10))
    client.force_login(alice)
    portal = client.get("/portal/").text
    assert f'href="/scheduling/sessions/{alices_video.pk}/join/">Join your session' in portal
    response = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    assert response.status_code == 302 and response.url == ROOM


def test_the_room_stays_open_until_the_session_ends(client, alice, alices_video, frozen):
    frozen.move_to(alices_video.ends_at - timedelta(minutes=1))
    client.force_login(alice)
    assert client.get(f"/scheduling/sessions/{alices_video.pk}/join/").status_code == 302
    frozen.move_to(alices_video.ends_at)
    page = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    assert page.status_code == 200 and "This session has ended." in page.text


def test_a_cancelled_session_has_nothing_to_join(client, alice, alices_video, frozen):
    services.cancel_appointment(appointment=alices_video, by=alice)
    frozen.move_to(alices_video.starts_at)
    client.force_login(alice)
    page = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    assert "nothing to join" in page.text


def test_the_therapist_joins_from_the_calendar_and_the_session_page(
    client, dana, alices_video, frozen
):
    frozen.move_to(alices_video.starts_at - timedelta(minutes=20))
    client.force_login(dana)
    assert "Join the video session" not in client.get("/scheduling/calendar/?view=day").text
    frozen.move_to(alices_video.starts_at - timedelta(minutes=5))
    join = f'href="/scheduling/sessions/{alices_video.pk}/join/"'
    assert join in client.get("/scheduling/calendar/?view=day").text
    assert join in client.get(f"/scheduling/calendar/appointments/{alices_video.pk}/").text
    assert client.get(f"/scheduling/sessions/{alices_video.pk}/join/").url == ROOM


def test_bob_cannot_join_alices_session(client, bob, alices_video, frozen):
    frozen.move_to(alices_video.starts_at)
    client.force_login(bob)
    assert client.get(f"/scheduling/sessions/{alices_video.pk}/join/").status_code == 404


def test_an_in_person_session_has_no_room(client, alice, dana, first_session, frozen):
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(7, 13), session_type=first_session
    )
    frozen.move_to(appointment.starts_at)
    client.force_login(alice)
    assert client.get(f"/scheduling/sessions/{appointment.pk}/join/").status_code == 404


def test_joining_refuses_posts(client, alice, alices_video):
    client.force_login(alice)
    assert client.post(f"/scheduling/sessions/{alices_video.pk}/join/").status_code == 405


def test_without_a_room_address_the_client_is_asked_to_call(
    client, alice, dana, alices_video, frozen
):
    dana.therapist.video_room_url = ""
    dana.therapist.save()
    PracticeSettings.objects.update_or_create(pk=1, defaults={"phone": "(970) 555-0142"})
    frozen.move_to(alices_video.starts_at)
    client.force_login(alice)
    page = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    assert "The video room is not ready." in page.text and "(970) 555-0142" in page.text


def test_messages_and_calendar_files_link_to_the_portal_never_the_room(
    client, alice, video_session, frozen, django_capture_on_commit_callbacks
):
    held = hold_video(client, video_session, location="CO")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/scheduling/holds/{held_appointment_id(held)}/confirm/")
    [email] = mail.outbox
    everything = email.body + email.alternatives[0][0] + str(email.attachments[0][1])
    assert ROOM not in everything
    assert "join it from your portal, from 15 minutes before it starts" in email.body
    assert "LOCATION:Telehealth: join from your portal" in str(email.attachments[0][1])
    assert "http://127.0.0.1:8000/portal/" in email.body


# A provider that creates one meeting per session --------------------------------------------


class FakeProvider(BaseHTTPRequestHandler):
    """Speaks the provider API on 127.0.0.1: POST /meetings answers a join address."""

    requests: list[dict] = []
    fail = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeProvider.requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], "body": body}
        )
        if FakeProvider.fail:
            self.send_response(503)
            self.end_headers()
            return
        answer = {"id": "m1", "join_url": f"https://meet.example.test/{body['reference']}"}
        payload = json.dumps(answer).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def provider(settings):
    FakeProvider.requests, FakeProvider.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VIDEO_BACKEND = "scheduling.video.ProviderApiBackend"
    settings.VIDEO_API_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.VIDEO_API_TOKEN = "provider-token"  # noqa: S105
    settings.VIDEO_API_TIMEOUT = 5
    yield FakeProvider
    server.shutdown()
    server.server_close()


def test_the_provider_creates_one_meeting_per_session_for_both_people(
    client, alice, dana, alices_video, provider, frozen
):
    frozen.move_to(alices_video.starts_at - timedelta(minutes=10))
    client.force_login(alice)
    first = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    client.force_login(dana)
    second = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")

    meeting = f"https://meet.example.test/appointment-{alices_video.pk}"
    assert first.url == second.url == meeting
    [request] = provider.requests  # the second join reused the kept link
    assert request["path"] == "/v1/meetings" and request["auth"] == "Bearer provider-token"
    assert request["body"] == {
        "reference": f"appointment-{alices_video.pk}",
        "start_time": (NOW + timedelta(hours=1)).astimezone(UTC).isoformat(),
        "duration": 50,
    }
    assert "Alice" not in json.dumps(request["body"])  # the provider learns when, not who


def test_a_provider_that_fails_leaves_the_client_a_way_to_reach_us(
    client, alice, alices_video, provider, frozen
):
    provider.fail = True
    frozen.move_to(alices_video.starts_at)
    client.force_login(alice)
    page = client.get(f"/scheduling/sessions/{alices_video.pk}/join/")
    assert page.status_code == 200 and "The video room is not ready." in page.text
    alices_video.refresh_from_db()
    assert alices_video.video_url == ""
