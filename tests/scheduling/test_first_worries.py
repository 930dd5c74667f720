"""Before a first session the therapist reads the client's worries and may send an answer."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from practice import outbox
from practice.audit import AuditEntry
from practice.models import OutboundMessage
from scheduling.checkin_models import WorryAnswer
from scheduling.models import Appointment
from tests.factories import INTAKE_ANSWERS, make_appointment, make_intake, make_therapist

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
NOW = datetime(2030, 1, 8, 12, 0, tzinfo=DENVER)
WORRY = "That I will be judged for needing help."
ANSWER = "Nothing you say will surprise me. We go at your pace, and you choose what to share."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def first(alice, dana) -> Appointment:
    """Alice's first session with Dana, on Thursday; her sent intake names a worry."""
    make_intake(
        client=alice,
        answers={**INTAKE_ANSWERS, "therapy_worries": WORRY},
        status="new",
        therapist=dana.therapist,
    )
    return make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NOW + timedelta(days=2)
    )


def url(appointment: Appointment, suffix: str = "") -> str:
    return f"/scheduling/calendar/appointments/{appointment.pk}/{suffix}"


def test_the_therapist_reads_the_worries_on_the_first_sessions_page(client, alice, dana, first):
    client.force_login(dana)
    page = client.get(url(first)).content.decode()
    assert "Before the first session: Alice's worries" in page
    assert WORRY in page and "Send the answer" in page
    [look] = AuditEntry.objects.about(alice).filter(record="Intake worries")
    assert look.actor == dana and look.record_id == str(first.pk)


def test_the_answer_reaches_the_portal_and_the_e_mail_only_points_there(client, alice, dana, first):
    client.force_login(dana)
    response = client.post(url(first, "worries/answer/"), {"text": ANSWER})
    assert response.url == url(first)
    assert client.post(url(first, "worries/answer/"), {"text": "Again"}).url == url(first)
    assert WorryAnswer.objects.get().text == ANSWER  # one answer, the first

    [message] = OutboundMessage.objects.filter(template="worry_answer")
    outbox.send_message(message.pk)
    [email] = mail.outbox
    assert "/portal/" in email.body and "Dana has left you a note in your portal" in email.body
    assert ANSWER not in email.body and WORRY not in email.body
    assert ANSWER not in email.subject and ANSWER not in email.alternatives[0][0]

    client.force_login(alice)
    portal = client.get("/portal/").content.decode()
    assert "A note from Dana before you meet" in portal and ANSWER in portal


def test_an_empty_answer_is_refused_with_a_reason(client, dana, first):
    client.force_login(dana)
    response = client.post(url(first, "worries/answer/"), {"text": "  "})
    assert response.status_code == 200
    assert "Please write your answer before sending it." in response.content.decode()
    assert not WorryAnswer.objects.exists()
    assert client.get(url(first, "worries/answer/")).status_code == 405


def test_a_later_session_shows_no_worries_and_takes_no_answer(client, alice, dana, first):
    later = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NOW + timedelta(days=9)
    )
    client.force_login(dana)
    assert WORRY not in client.get(url(later)).content.decode()
    client.post(url(later, "worries/answer/"), {"text": ANSWER})
    assert not WorryAnswer.objects.exists()


def test_only_the_clients_own_therapist_and_client_see_the_answer(client, alice, bob, dana, first):
    WorryAnswer.objects.create(appointment=first, text=ANSWER, written_by=dana)
    erin = make_therapist(email="erin@example.org", first_name="Erin", last_name="Cole").user
    client.force_login(erin)
    assert client.get(url(first)).status_code == 404
    assert client.post(url(first, "worries/answer/"), {"text": "Mine"}).status_code == 404
    client.force_login(bob)
    assert ANSWER not in client.get("/portal/").content.decode()
    # Once the session is over, the portal no longer shows the note.
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        client.force_login(alice)
        assert ANSWER not in client.get("/portal/").content.decode()
