"""After a session: the client's check-in, the therapist's flag, and "what we changed"."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from practice import outbox
from practice.audit import AuditEntry
from practice.models import OutboundMessage
from scheduling import checkins
from scheduling.checkin_models import CheckIn
from scheduling.checkins import FlagRule
from scheduling.models import Appointment
from tests.factories import make_appointment, make_contact_preference, make_therapist

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
NOW = datetime(2030, 1, 8, 12, 0, tzinfo=DENVER)
ITEMS = {"heard": 9, "focus": 9, "approach": 9, "overall": 9}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(dana, alice, frozen) -> Appointment:
    """Alice's session this morning, which has ended."""
    return make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NOW - timedelta(hours=2)
    )


def page(client, appointment) -> str:
    return client.get(f"/scheduling/calendar/appointments/{appointment.pk}/").content.decode()


def attend(client, dana, appointment) -> None:
    client.force_login(dana)
    client.post(f"/scheduling/calendar/appointments/{appointment.pk}/attended/")


def checkin_messages() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(template="session_checkin"))


def send_due(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        for message in OutboundMessage.objects.filter(status="scheduled"):
            outbox.send_message(message.pk)


def link_in(email) -> str:
    return next(word for word in email.body.split() if "/scheduling/check-in/" in word)


def past_session(
    dana, alice, *, days_ago: int, scores: dict | None = None, expires_at=None
) -> CheckIn:
    """An attended session `days_ago` days back, with its check-in (answered if scores)."""
    appointment = make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=NOW - timedelta(days=days_ago, hours=1),
        status=Appointment.Status.ATTENDED,
    )
    opens = appointment.ends_at + timedelta(hours=1)
    return CheckIn.objects.create(
        appointment=appointment,
        opens_at=opens,
        expires_at=expires_at or opens + timedelta(days=7),
        answered_at=opens if scores else None,
        **(scores or {}),
    )


# Scheduling: once per attended session, inside sending hours ---------------------------------


def test_marking_a_session_attended_schedules_one_checkin_an_hour_later(client, dana, session):
    attend(client, dana, session)
    attend(client, dana, session)  # twice, by mistake or from two tabs

    checkin = CheckIn.objects.get()
    assert checkin.appointment == session
    assert checkin.opens_at == NOW + timedelta(hours=1)
    assert checkin.expires_at == NOW + timedelta(hours=1, days=7)
    [message] = checkin_messages()
    assert message.due_at == NOW + timedelta(hours=1) and message.to == "alice@example.org"

    send_due(NOW + timedelta(minutes=59))
    assert mail.outbox == []
    send_due(NOW + timedelta(hours=1))
    [email] = mail.outbox
    assert "/scheduling/check-in/" in email.body
    assert "heard" not in email.body.lower() and "heard" not in email.subject.lower()


def test_no_checkin_after_a_no_show(client, dana, session):
    client.force_login(dana)
    client.post(f"/scheduling/calendar/appointments/{session.pk}/no-show/")
    assert not CheckIn.objects.exists() and checkin_messages() == []


def test_a_client_who_turned_messages_off_gets_no_checkin_message(client, dana, alice, session):
    make_contact_preference(client=alice, email=False, sms=False)
    attend(client, dana, session)
    assert checkin_messages() == []
    # The check-in still waits in the portal for them.
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.force_login(alice)
        assert "How was your session?" in client.get("/portal/").content.decode()


def test_a_client_who_allows_only_texts_gets_the_checkin_by_text(
    client, dana, alice, session, settings
):
    alice.mobile_phone = "+19705550101"
    alice.save()
    make_contact_preference(client=alice, email=False, sms=True)
    attend(client, dana, session)
    [message] = checkin_messages()
    assert message.channel == "sms" and message.to == "+19705550101"
    send_due(NOW + timedelta(hours=1))
    [text] = [path.read_text() for path in settings.SMS_FILE_PATH.iterdir()]
    assert "how did today go? Dana would like to know" in text and mail.outbox == []
    short = next(word for word in text.split() if "/m/c/" in word)
    response = client.get(short[short.index("/m/c/") :])
    assert response.url == checkins.checkin_path(CheckIn.objects.get())
    assert client.get("/m/c/1abcdefghij").status_code == 404  # a forged one


def test_a_session_unmarked_before_the_message_goes_sends_nothing(client, dana, session):
    attend(client, dana, session)
    client.post(f"/scheduling/calendar/appointments/{session.pk}/no-show/")  # a correction
    send_due(NOW + timedelta(hours=1))
    [message] = checkin_messages()
    message.refresh_from_db()
    assert message.status == "skipped" and message.status_reason == "the session is no-show"
    assert mail.outbox == []


def test_e_mail_turned_off_after_the_session_stops_the_message(client, dana, alice, session):
    attend(client, dana, session)
    make_contact_preference(client=alice, email=False, sms=False)
    send_due(NOW + timedelta(hours=1))
    assert checkin_messages()[0].status == "skipped" and mail.outbox == []


def test_a_checkin_that_would_fall_at_night_waits_for_the_morning(client, dana, alice, frozen):
    frozen.move_to(datetime(2030, 1, 8, 20, 30, tzinfo=DENVER))
    evening = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=datetime(2030, 1, 8, 19, tzinfo=DENVER)
    )
    attend(client, dana, evening)
    morning = datetime(2030, 1, 9, 8, 0, tzinfo=DENVER)
    assert CheckIn.objects.get().opens_at == morning
    assert checkin_messages()[0].due_at == morning


def test_the_portal_shows_the_checkin_from_an_hour_after_the_session(client, dana, alice, session):
    attend(client, dana, session)
    client.force_login(alice)
    assert "How was your session?" not in client.get("/portal/").content.decode()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.force_login(alice)
        portal = client.get("/portal/").content.decode()
        assert "Tell Dana how your session on Tuesday 8 January went" in portal
        path = checkins.checkin_path(CheckIn.objects.get())
        assert f'href="{path}"' in portal
        assert client.get(path).status_code == 200


# The client answers from the link ------------------------------------------------------------


def test_the_client_answers_from_the_e_mails_link_after_logging_in(client, dana, alice, session):
    attend(client, dana, session)
    send_due(NOW + timedelta(hours=1))
    link = link_in(mail.outbox[0]).removeprefix("http://testserver")
    path = link[link.index("/scheduling/") :]
    client.logout()
    assert "/accounts/login/" in client.get(path).url

    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        client.force_login(alice)
        form = client.get(path).content.decode()
        assert "I felt heard, understood and respected." in form
        assert "Anything you&#x27;d like your therapist to know?" in form
        response = client.post(path, {**ITEMS, "note": "Slower, please.", "send": "1"})
        assert response.url == path
        assert "Thank you." in client.get(path).content.decode()
        again = client.post(path, {**ITEMS, "heard": 0, "send": "1"})  # a double submit
        assert again.url == path
        assert "How was your session?" not in client.get("/portal/").content.decode()
    checkin = CheckIn.objects.get()
    assert (checkin.heard, checkin.total, checkin.note) == (9, 36, "Slower, please.")


def test_a_missing_answer_is_explained_and_the_rest_is_kept(client, alice, dana, session):
    checkin = checkins.record_attendance(session)
    assert checkin is not None
    client.force_login(alice)
    path = checkins.checkin_path(checkin)
    response = client.post(path, {"heard": 3, "focus": 11, "note": "Kept", "send": "1"})
    text = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in text
    assert "Please choose a number from 0 to 10." in text
    assert re.search(r'<input[^>]*value="3"[^>]*id="id_heard_3"[^>]*checked', text)
    assert "Kept</textarea>" in text
    assert CheckIn.objects.get().answered_at is None


def test_a_checkin_can_be_skipped_and_closes_after_seven_days(client, alice, dana, session, frozen):
    first = checkins.record_attendance(session)
    assert first is not None
    client.force_login(alice)
    assert client.post(checkins.checkin_path(first), {"skip": "1"}).url == "/portal/"
    first.refresh_from_db()
    assert first.skipped_at is not None and first.answered_at is None

    later = past_session(dana, alice, days_ago=1)
    path = checkins.checkin_path(later)
    frozen.move_to(later.expires_at + timedelta(minutes=1))
    client.force_login(alice)
    assert "This check-in has closed." in client.get(path).content.decode()
    client.post(path, {**ITEMS, "send": "1"})
    later.refresh_from_db()
    assert later.answered_at is None


def test_only_the_sessions_own_client_opens_the_link(client, alice, bob, dana, sam, session):
    checkin = checkins.record_attendance(session)
    assert checkin is not None
    path = checkins.checkin_path(checkin)
    client.force_login(bob)
    assert client.get(path).status_code == 404
    assert client.post(path, {**ITEMS, "send": "1"}).status_code == 404
    client.force_login(alice)
    assert client.get(path[:-3] + "xyz/").status_code == 404  # a forged token
    assert client.delete(path).status_code == 405
    for therapist_or_staff in (dana, sam):
        client.force_login(therapist_or_staff)
        assert client.get(path).status_code == 403  # the link is the client's page


# Flags, and the therapist acting on them ---------------------------------------------------


def test_a_total_below_the_threshold_or_a_drop_from_the_clients_average_is_flagged():
    rule = FlagRule(low_total=30, drop=5)
    assert rule.flag(29, []) == ("low", None)
    assert rule.flag(30, []) == ("", None)
    assert rule.flag(34, [39, 40]) == ("drop", 39.5)
    assert rule.flag(35, [39, 40]) == ("", 39.5)
    assert rule.flag(20, [38]) == ("low", 38)  # below the threshold says the most


def test_answers_are_flagged_against_the_settings(client, alice, dana, session, settings):
    settings.CHECKIN_LOW_TOTAL, settings.CHECKIN_DROP = 25, 4
    past_session(dana, alice, days_ago=14, scores={**ITEMS, "overall": 10})  # total 37
    past_session(dana, alice, days_ago=7, scores=ITEMS)  # total 36, average 36.5
    checkin = checkins.record_attendance(session)
    assert checkin is not None
    assert checkins.answer_checkin(checkin, scores={**ITEMS, "approach": 5}, note="")
    checkin.refresh_from_db()
    assert (checkin.total, checkin.flag, checkin.earlier_average) == (32, "drop", 36.5)


def test_the_what_we_changed_loop(client, alice, dana, session, frozen):
    flagged = past_session(
        dana, alice, days_ago=7, scores={"heard": 8, "focus": 7, "approach": 2, "overall": 6}
    )
    CheckIn.objects.filter(pk=flagged.pk).update(flag="low")
    client.force_login(dana)
    text = page(client, session)
    assert "Flag: session on" in text and "Total 23 of 40, below 30" in text
    assert "the approach didn&#x27;t fit you" in text

    response = client.post(
        f"/scheduling/calendar/appointments/{session.pk}/checkins/{flagged.pk}/acknowledge/",
        {f"flag-{flagged.pk}-change_note": "We now start with a plan for the hour."},
    )
    assert response.url == f"/scheduling/calendar/appointments/{session.pk}/"
    assert "Flag: session on" not in page(client, session)
    assert "talked through" in page(client, session)

    # The client's next check-in opens with what they told us and what changed.
    today = checkins.record_attendance(session)
    assert today is not None
    client.force_login(alice)
    frozen.shift(timedelta(hours=1))
    text = client.get(checkins.checkin_path(today)).content.decode()
    assert "You told us that the approach didn&#x27;t fit you. Here is what we changed:" in text
    assert "We now start with a plan for the hour." in text
    # ...and the one after that does not repeat it.
    later = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NOW + timedelta(hours=2)
    )
    frozen.shift(timedelta(hours=3))
    nextcheckin = checkins.record_attendance(later)
    assert nextcheckin is not None
    frozen.shift(timedelta(hours=1))
    assert "You told us" not in client.get(checkins.checkin_path(nextcheckin)).content.decode()


def test_a_flag_is_acknowledged_once_and_a_blank_note_is_fine(client, alice, dana, session):
    flagged = past_session(dana, alice, days_ago=7, scores={**ITEMS, "heard": 0})
    CheckIn.objects.filter(pk=flagged.pk).update(flag="drop", earlier_average=36)
    client.force_login(dana)
    url = f"/scheduling/calendar/appointments/{session.pk}/checkins/{flagged.pk}/acknowledge/"
    client.post(url, {})
    client.post(url, {f"flag-{flagged.pk}-change_note": "Too late"})
    flagged.refresh_from_db()
    assert flagged.acknowledged_by == dana and flagged.change_note == ""
    assert client.get(url).status_code == 405


def test_a_note_too_long_is_refused_and_kept(client, alice, dana, session):
    flagged = past_session(dana, alice, days_ago=7, scores={**ITEMS, "heard": 0})
    CheckIn.objects.filter(pk=flagged.pk).update(flag="low")
    client.force_login(dana)
    url = f"/scheduling/calendar/appointments/{session.pk}/checkins/{flagged.pk}/acknowledge/"
    response = client.post(url, {f"flag-{flagged.pk}-change_note": "x" * 1001})
    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.acknowledged_at is None


def test_another_therapist_sees_and_acknowledges_nothing(client, alice, dana, session):
    erin = make_therapist(email="erin@example.org", first_name="Erin", last_name="Cole").user
    flagged = past_session(dana, alice, days_ago=7, scores={**ITEMS, "heard": 0})
    CheckIn.objects.filter(pk=flagged.pk).update(flag="low")
    client.force_login(erin)
    assert client.get(f"/scheduling/calendar/appointments/{session.pk}/").status_code == 404
    url = f"/scheduling/calendar/appointments/{session.pk}/checkins/{flagged.pk}/acknowledge/"
    assert client.post(url, {}).status_code == 404
    # Nor through a session of her own with another check-in's id.
    own = make_appointment(therapist=erin.therapist, client=alice, starts_at=NOW)
    url = f"/scheduling/calendar/appointments/{own.pk}/checkins/{flagged.pk}/acknowledge/"
    assert client.post(url, {}).status_code == 404
    flagged.refresh_from_db()
    assert flagged.acknowledged_at is None


def test_the_therapists_page_shows_the_trend_and_each_look_is_audited(
    client, alice, dana, sam, session
):
    past_session(dana, alice, days_ago=14, scores=ITEMS)
    past_session(dana, alice, days_ago=7, scores={**ITEMS, "overall": 4})
    client.force_login(dana)
    text = page(client, session)
    assert "How sessions are going for Alice" in text
    assert "Totals, oldest to newest: 36, 31" in text and "<polyline" in text
    client.force_login(sam)
    assert (
        "Totals, oldest to newest: 36, 31"
        in client.get(f"/scheduling/staff/appointments/{session.pk}/").content.decode()
    )
    looks = AuditEntry.objects.about(alice).filter(record="Session check-ins")
    assert sorted(looks.values_list("actor_role", flat=True)) == ["staff", "therapist"]


# Fixed queries, however many check-ins -------------------------------------------------------


@pytest.mark.parametrize("view", ["therapist", "portal"])
def test_pages_keep_their_query_count_from_1_to_100_checkins(client, alice, dana, session, view):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if view == "therapist":
            client.force_login(dana)
            url = f"/scheduling/calendar/appointments/{session.pk}/"
        else:
            client.force_login(alice)
            url = "/portal/"
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    # The therapist's page lists answered check-ins; the portal those waiting for an answer.
    scores = ITEMS if view == "therapist" else None
    open_until = NOW + timedelta(days=1)
    past_session(dana, alice, days_ago=1, scores=scores, expires_at=open_until)
    count()  # the first request also fills caches (content types, practice settings)
    one = count()
    for n in range(2, 101):
        past_session(dana, alice, days_ago=n, scores=scores, expires_at=open_until)
    assert CheckIn.objects.count() == 100
    assert count() == one
