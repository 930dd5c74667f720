"""A therapist opens one of their sessions and records what happened, or cancels it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from practice import outbox
from practice.models import OutboundMessage
from scheduling.models import Appointment
from tests.factories import make_appointment, make_therapist

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
NOW = datetime(2030, 1, 8, 12, 0, tzinfo=DENVER)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def earlier(dana, alice) -> Appointment:
    """Alice's session this morning, which has started."""
    return make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NOW - timedelta(hours=2)
    )


@pytest.fixture
def later(dana, alice) -> Appointment:
    """Alice's session on Thursday."""
    return make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NOW + timedelta(days=2)
    )


def test_the_detail_shows_the_session_in_the_therapists_zone(client, dana, later):
    client.force_login(dana)
    page = client.get(f"/scheduling/calendar/appointments/{later.pk}/").content.decode()
    assert "Session with Alice" in page
    assert "Thursday 10 January 2030, 12:00 PM–12:50 PM" in page
    assert "alice@example.org" in page and "First session" in page


def test_a_therapist_marks_a_session_that_has_started_attended(client, dana, earlier):
    client.force_login(dana)
    response = client.post(f"/scheduling/calendar/appointments/{earlier.pk}/attended/")
    assert response.url == f"/scheduling/calendar/appointments/{earlier.pk}/"
    earlier.refresh_from_db()
    assert earlier.status == "attended"
    assert "Marked as attended." in client.get(response.url).content.decode()


def test_a_no_show_is_recorded_and_can_be_corrected_to_attended(client, dana, earlier):
    client.force_login(dana)
    client.post(f"/scheduling/calendar/appointments/{earlier.pk}/no-show/")
    earlier.refresh_from_db()
    assert earlier.status == "no_show"
    client.post(f"/scheduling/calendar/appointments/{earlier.pk}/attended/")
    earlier.refresh_from_db()
    assert earlier.status == "attended"


def test_a_session_that_has_not_started_has_no_outcome_yet(client, dana, later):
    client.force_login(dana)
    page = client.get(f"/scheduling/calendar/appointments/{later.pk}/").content.decode()
    assert "Mark attended" not in page
    response = client.post(f"/scheduling/calendar/appointments/{later.pk}/no-show/")
    assert response.status_code == 200
    assert "has not started yet" in response.content.decode()
    later.refresh_from_db()
    assert later.status == "booked"


def test_a_cancelled_session_has_no_outcome_to_record(client, dana, earlier):
    earlier.status = Appointment.Status.CANCELLED
    earlier.save()
    client.force_login(dana)
    response = client.post(f"/scheduling/calendar/appointments/{earlier.pk}/attended/")
    assert "This session is cancelled; nothing to record." in response.content.decode()
    earlier.refresh_from_db()
    assert earlier.status == "cancelled"


def test_the_practice_cancels_with_a_reason_never_as_a_fee_and_reminders_stop(
    client, dana, alice, later
):
    reminder = outbox.schedule_message(
        key=f"appointment:{later.pk}:reminder-24h:email",
        template="reminder",
        to=alice.email,
        about=later,
        due_at=later.starts_at - timedelta(days=1),
    )
    client.force_login(dana)
    response = client.post(
        f"/scheduling/calendar/appointments/{later.pk}/cancel/", {"reason": "Dana is unwell"}
    )
    assert response.url == f"/scheduling/calendar/appointments/{later.pk}/"
    later.refresh_from_db()
    assert later.status == "practice_cancelled"
    assert later.cancellation_reason == "Dana is unwell" and later.cancelled_at == NOW
    reminder.refresh_from_db()
    assert reminder.status == OutboundMessage.Status.CANCELLED


def test_cancelling_needs_a_reason_and_keeps_the_session_booked(client, dana, later):
    client.force_login(dana)
    response = client.post(f"/scheduling/calendar/appointments/{later.pk}/cancel/", {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    later.refresh_from_db()
    assert later.status == "booked"


def test_cancelling_twice_says_it_is_no_longer_booked(client, dana, later):
    client.force_login(dana)
    url = f"/scheduling/calendar/appointments/{later.pk}/cancel/"
    client.post(url, {"reason": "Office closed"})
    response = client.post(url, {"reason": "Office closed"}, follow=True)
    page = response.content.decode()
    assert "message--error" in page and "Cancel the session" not in page
    later.refresh_from_db()
    assert later.status == "practice_cancelled"


def test_another_therapists_session_is_not_found(client, later):
    olu = make_therapist(email="olu@example.org", first_name="Olu", last_name="Adebayo").user
    client.force_login(olu)
    base = f"/scheduling/calendar/appointments/{later.pk}/"
    assert client.get(base).status_code == 404
    for action in ("attended/", "no-show/", "cancel/"):
        assert client.post(base + action, {"reason": "x"}).status_code == 404
    later.refresh_from_db()
    assert later.status == "booked"


def test_clients_cannot_open_session_pages_and_visitors_are_asked_to_log_in(client, alice, later):
    base = f"/scheduling/calendar/appointments/{later.pk}/"
    assert client.get(base).url.startswith("/accounts/login/")
    assert client.post(base + "attended/").url.startswith("/accounts/login/")
    client.force_login(alice)
    assert client.get(base).status_code == 403


def test_outcomes_need_a_post(client, dana, earlier):
    client.force_login(dana)
    base = f"/scheduling/calendar/appointments/{earlier.pk}/"
    for action in ("attended/", "no-show/", "cancel/"):
        assert client.get(base + action).status_code == 405
    assert client.post(base).status_code == 405


def test_the_practice_can_cancel_a_session_that_has_started_and_it_is_still_no_fee(
    client, dana, earlier
):
    client.force_login(dana)
    client.post(f"/scheduling/calendar/appointments/{earlier.pk}/cancel/", {"reason": "Power cut"})
    earlier.refresh_from_db()
    assert earlier.status == "practice_cancelled"
    page = client.get(f"/scheduling/calendar/appointments/{earlier.pk}/").content.decode()
    assert "Cancelled by the practice" in page and "Power cut" in page
