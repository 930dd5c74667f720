"""Messages about appointments: written with the booking, read again when they fall due."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail

from practice import outbox
from practice.models import OutboundMessage, PracticeSettings
from scheduling import agenda as agendas
from scheduling import reminders
from scheduling.links import text_token
from scheduling.models import Appointment
from tests.factories import (
    INTAKE_ANSWERS,
    make_appointment,
    make_client,
    make_contact_preference,
    make_document,
    make_intake,
    make_session_type,
    make_signature,
    make_therapist,
)

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
DENVER = ZoneInfo("America/Denver")
UTC = ZoneInfo("UTC")


def at(year, month, day, hour, minute=0, zone=DENVER) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.fixture
def texting_alice(alice):
    alice.mobile_phone = "+19705550101"
    alice.save()
    make_contact_preference(client=alice, sms=True)
    return alice


def book(*, client, therapist, starts_at, booked_at, session_type=None) -> Appointment:
    with time_machine.travel(booked_at, tick=False):
        appointment = make_appointment(
            client=client, therapist=therapist, starts_at=starts_at, session_type=session_type
        )
        reminders.schedule_appointment_messages(appointment)
    return appointment


def rows(appointment) -> dict[str, OutboundMessage]:
    prefix = f"appointment:{appointment.pk}:"
    return {
        message.key.removeprefix(prefix): message
        for message in OutboundMessage.objects.filter(key__startswith=prefix)
    }


def send_due(now: datetime) -> None:
    """Run what beat and a worker would at `now`: every due message is sent."""
    with time_machine.travel(now, tick=False):
        for message in OutboundMessage.objects.due():
            outbox.send_message(message.pk)


def texts(settings) -> list[str]:
    folder = settings.SMS_FILE_PATH
    if not folder.exists():
        return []
    return [path.read_text().split("\n\n", 1)[1].strip() for path in sorted(folder.iterdir())]


def test_booking_writes_a_confirmation_and_reminders_at_the_staff_set_offsets(texting_alice, dana):
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    due = {key: message.due_at.astimezone(DENVER) for key, message in rows(appointment).items()}
    assert due == {
        "confirmation:email": at(2030, 1, 1, 12),
        "reminder-48h:email": at(2030, 1, 8, 10),
        "reminder-24h:sms": at(2030, 1, 9, 10),
        "intake-nudge:email": at(2030, 1, 1, 13),  # soon after booking
        "intake-nudge-24h:email": at(2030, 1, 9, 10),  # and a day before
    }
    assert rows(appointment)["reminder-24h:sms"].to == "+19705550101"


def test_staff_choose_the_offsets(texting_alice, dana):
    practice = PracticeSettings.load()
    practice.email_reminder_offset = timedelta(days=3)
    practice.sms_reminder_offset = timedelta(hours=2)
    practice.save()
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 15),
        booked_at=at(2030, 1, 1, 12),
    )
    due = {key: message.due_at.astimezone(DENVER) for key, message in rows(appointment).items()}
    assert due["reminder-72h:email"] == at(2030, 1, 7, 15)
    assert due["reminder-2h:sms"] == at(2030, 1, 10, 13)


def test_the_confirmation_says_when_in_the_clients_zone_and_brings_a_calendar_file(alice, dana):
    alice.time_zone = "America/New_York"
    alice.save()
    appointment = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    send_due(at(2030, 1, 1, 12, 1))
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Your appointment on Thursday 10 January 2030, 12:00 PM EST"
    assert "with Dana is booked for Thursday 10 January 2030, 12:00 PM EST." in email.body
    assert "We will meet at our office" in email.body
    assert "http://127.0.0.1:8000/portal/" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (
        "appointment.ics",
        "text/calendar; method=REQUEST; charset=utf-8",
    )
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == appointment.starts_at
    assert event.decoded("dtend") == appointment.ends_at
    assert str(event["summary"]) == "Appointment with Dana (Poudre Valley Behavior Therapy)"
    assert appointment.session_type.name not in content


def test_no_text_is_written_without_a_mobile_number(alice, dana):
    appointment = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    assert not any(key.endswith(":sms") for key in rows(appointment))


def test_a_client_who_never_agreed_to_texts_gets_none(bob, dana, settings):
    bob.mobile_phone = "+19705550102"
    bob.save()
    appointment = book(
        client=bob,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 11, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    send_due(at(2030, 1, 10, 10, 1))
    text = rows(appointment)["reminder-24h:sms"]
    assert text.status == Status.SKIPPED
    assert text.status_reason == "the client's consent does not allow text messages"
    assert texts(settings) == []


def test_a_text_withdrawn_after_booking_is_not_sent(texting_alice, dana, settings):
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    make_contact_preference(client=texting_alice, sms=False)
    send_due(at(2030, 1, 9, 10, 1))
    text = rows(appointment)["reminder-24h:sms"]
    assert text.status == Status.SKIPPED
    assert text.status_reason == "the client's consent does not allow text messages"
    assert texts(settings) == []


def test_a_text_fits_one_segment_and_says_how_to_stop(texting_alice, dana, settings):
    texting_alice.time_zone = "America/Los_Angeles"
    texting_alice.save()
    # A fee is set, and the text (asserted whole) still never says what a session costs.
    telehealth = make_session_type(name="Telehealth follow-up", modality="telehealth", fee=150)
    book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
        session_type=telehealth,
    )
    send_due(at(2030, 1, 9, 10, 1))
    [text] = texts(settings)
    appointment = Appointment.objects.get()
    assert text == (
        "Poudre Valley Behavior Therapy: Thursday 10 January, 9:00 AM PST with Dana, telehealth. "
        f"http://127.0.0.1:8000/m/{text_token(appointment)} Reply STOP to end texts."
    )
    assert len(text) <= 160


def test_the_texts_short_link_opens_the_sessions_signed_page(texting_alice, dana, client):
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    token = text_token(appointment)

    with time_machine.travel(at(2030, 1, 9, 10)):
        response = client.get(f"/m/{token}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("http://127.0.0.1:8000/scheduling/manage/")
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")
    assert client.get(f"/m/{forged}").status_code == 404
    assert client.get("/m/zz").status_code == 404
    assert client.post(f"/m/{token}").status_code == 405


def test_the_longest_date_and_name_still_fit_one_text(texting_alice, settings):
    texting_alice.time_zone = "America/Anchorage"
    texting_alice.save()
    long_named = make_therapist(email="bart@example.org", first_name="Bartholomew-Maximilian")
    telehealth = make_session_type(name="Telehealth follow-up", modality="telehealth")
    anchorage = ZoneInfo("America/Anchorage")
    book(
        client=texting_alice,
        therapist=long_named,
        starts_at=at(2030, 9, 25, 12, 30, zone=anchorage),  # a Wednesday in September
        booked_at=at(2030, 9, 1, 12),
        session_type=telehealth,
    )
    send_due(at(2030, 9, 24, 12, 31, zone=anchorage))
    [text] = texts(settings)
    assert "Wednesday 25 September, 12:30 PM AKDT with Bartholomew" in text
    assert len(text) <= 160


def test_only_a_first_session_gets_the_intake_nudge(alice, dana):
    first = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    second = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 17, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    assert "intake-nudge:email" in rows(first)
    assert "intake-nudge:email" not in rows(second)


def test_the_intake_nudge_stops_once_intake_and_consent_are_complete(alice, bob, dana):
    document = make_document()
    alices = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    bobs = book(
        client=bob,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 12),
        booked_at=at(2030, 1, 1, 12),
    )
    # Both send their intake; Bob signs the documents too, Alice has not yet.
    make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
    make_intake(client=bob, answers=INTAKE_ANSWERS, status="new")
    make_signature(client=bob, document=document)
    send_due(at(2030, 1, 7, 12, 1))
    assert rows(bobs)["intake-nudge:email"].status_reason == "intake and consent are complete"
    assert rows(alices)["intake-nudge:email"].status == Status.SENT
    [nudge] = [email for email in mail.outbox if email.subject.startswith("A few things")]
    assert nudge.to == [alice.email]
    assert "read and sign the documents" in nudge.body and "questionnaire" not in nudge.body


def test_reminders_follow_the_clients_wall_clock_across_daylight_saving_changes(
    texting_alice, dana
):
    # Spring forward on Sunday 8 March 2026, fall back on Sunday 1 November 2026 (Denver).
    spring = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2026, 3, 9, 10),
        booked_at=at(2026, 3, 1, 12),
    )
    autumn = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2026, 11, 2, 10),
        booked_at=at(2026, 10, 20, 12),
    )
    for appointment in (spring, autumn):
        sent = rows(appointment)
        local_start = appointment.starts_at.astimezone(DENVER)
        for key, days in (("reminder-48h:email", 2), ("reminder-24h:sms", 1)):
            local = sent[key].due_at.astimezone(DENVER)
            assert (local.hour, local.minute) == (10, 0), key
            assert local.date() == local_start.date() - timedelta(days=days)
    # Across the change the elapsed time is an hour off 48 h, which is the point.
    spring_email = rows(spring)["reminder-48h:email"].due_at
    assert spring.starts_at - spring_email == timedelta(hours=47)
    autumn_email = rows(autumn)["reminder-48h:email"].due_at
    assert autumn.starts_at - autumn_email == timedelta(hours=49)


def test_a_reminder_that_would_fall_at_night_goes_out_earlier_in_the_clients_zone(
    texting_alice, dana
):
    early = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 7, 30),
        booked_at=at(2030, 1, 1, 12),
    )
    late = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 12, 21, 30),
        booked_at=at(2030, 1, 1, 12),
    )
    # 24 h before 07:30 is 07:30, before hours open: the evening before, inside the hours.
    assert rows(early)["reminder-24h:sms"].due_at == at(2030, 1, 8, 20, 45)
    # 24 h before 21:30 is after hours close: earlier the same evening.
    assert rows(late)["reminder-24h:sms"].due_at == at(2030, 1, 11, 20, 45)


def test_sending_hours_are_the_clients_own(dana):
    kolkata = ZoneInfo("Asia/Kolkata")
    priya = make_client(email="priya@example.org", time_zone="Asia/Kolkata", mobile_phone="+91")
    # 10:00 in Denver is 22:30 in Kolkata: the text goes out at 20:45 Kolkata time instead.
    appointment = book(
        client=priya,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    local = rows(appointment)["reminder-24h:sms"].due_at.astimezone(kolkata)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2030-01-09", 20, 45)


def test_staff_set_sending_hours(texting_alice, dana):
    practice = PracticeSettings.load()
    practice.sending_hours_start = datetime(2030, 1, 1, 10).time()
    practice.save()
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 9),
        booked_at=at(2030, 1, 1, 12),
    )
    assert rows(appointment)["reminder-24h:sms"].due_at == at(2030, 1, 8, 20, 45)


def test_reminders_whose_time_has_passed_at_booking_are_not_written(texting_alice, dana):
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 9, 11),
    )
    assert set(rows(appointment)) == {"confirmation:email"}


def test_cancelling_cancels_pending_reminders_and_sends_a_notice(texting_alice, dana, settings):
    appointment = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    send_due(at(2030, 1, 1, 12, 1))  # the confirmation
    with time_machine.travel(at(2030, 1, 2, 9), tick=False):
        appointment.status = Appointment.Status.CANCELLED
        appointment.save()
        reminders.cancel_appointment_messages(appointment, reason="cancelled by the client")
    send_due(at(2030, 1, 2, 9, 1))
    send_due(at(2030, 1, 9, 23))
    states = {
        key: (message.status, message.status_reason) for key, message in rows(appointment).items()
    }
    cancelled = (Status.CANCELLED, "appointment cancelled: cancelled by the client")
    assert states == {
        "confirmation:email": (Status.SENT, ""),
        "reminder-48h:email": cancelled,
        "reminder-24h:sms": cancelled,
        "intake-nudge:email": cancelled,
        "intake-nudge-24h:email": cancelled,
        "cancellation:email": (Status.SENT, ""),
    }
    assert [email.subject for email in mail.outbox] == [
        "Your appointment on Thursday 10 January 2030, 10:00 AM MST",
        "Your appointment on Thursday 10 January 2030, 10:00 AM MST is cancelled",
    ]
    [event] = icalendar.Calendar.from_ical(mail.outbox[1].attachments[0].content).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert texts(settings) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("cancelled", "the appointment is cancelled"),
        ("practice_cancelled", "the appointment is cancelled by the practice"),
        ("moved", "the appointment was moved"),
        ("past", "the appointment is past"),
    ],
)
def test_a_reminder_reads_the_appointment_again_and_is_skipped_if_it_no_longer_applies(
    alice, dana, change, reason
):
    appointment = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    reminder = rows(appointment)["reminder-48h:email"]
    if change == "moved":
        Appointment.objects.create(
            therapist=dana.therapist,
            client=alice,
            session_type=appointment.session_type,
            starts_at=at(2030, 1, 20, 10),
            ends_at=at(2030, 1, 20, 11),
            rescheduled_from=appointment,
        )
    elif change == "past":
        reminder.due_at = at(2030, 1, 10, 11)
        reminder.save()
    else:
        appointment.status = change
        appointment.save()
    send_due(at(2030, 1, 10, 11) if change == "past" else at(2030, 1, 8, 10, 1))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.status_reason) == (Status.SKIPPED, reason)
    assert not [email for email in mail.outbox if email.subject.startswith("Reminder")]


def test_moving_an_appointment_replaces_its_reminders_and_says_so(texting_alice, dana):
    old = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    with time_machine.travel(at(2030, 1, 2, 9), tick=False):
        new = Appointment.objects.create(
            therapist=dana.therapist,
            client=texting_alice,
            session_type=old.session_type,
            starts_at=at(2030, 1, 15, 14),
            ends_at=at(2030, 1, 15, 15),
            rescheduled_from=old,
        )
        old.status = Appointment.Status.CANCELLED
        old.save()
        reminders.reschedule_appointment_messages(old, new)
    old_states = {key: message.status for key, message in rows(old).items()}
    assert old_states == {
        "confirmation:email": Status.CANCELLED,
        "reminder-48h:email": Status.CANCELLED,
        "reminder-24h:sms": Status.CANCELLED,
        "intake-nudge:email": Status.CANCELLED,
        "intake-nudge-24h:email": Status.CANCELLED,
    }
    new_due = {key: message.due_at for key, message in rows(new).items()}
    assert new_due == {
        "rescheduled:email": at(2030, 1, 2, 9),
        "reminder-48h:email": at(2030, 1, 13, 14),
        "reminder-24h:sms": at(2030, 1, 14, 14),
        "intake-nudge-24h:email": at(2030, 1, 14, 14),  # a move is no new booking
    }
    send_due(at(2030, 1, 2, 9, 1))
    [notice] = mail.outbox
    assert notice.subject == "Your appointment has moved to Tuesday 15 January 2030, 2:00 PM MST"
    assert "from Thursday 10 January 2030, 10:00 AM MST to Tuesday 15 January" in notice.body
    # One file: the moved event keeps its UID with a higher SEQUENCE (test_calendar_files.py).
    assert [name for name, _content, _type in notice.attachments] == ["appointment.ics"]
    assert rows(old)["reminder-24h:sms"].status_reason == f"appointment moved to #{new.pk}"


def test_the_therapist_gets_tomorrows_agenda_at_six_in_their_zone(alice, bob, dana):
    dana.therapist.time_zone = "America/New_York"
    dana.therapist.save()
    new_york = ZoneInfo("America/New_York")
    session_type = make_session_type(name="Exposure work", therapists=[dana.therapist])
    for client, hour in ((alice, 9), (bob, 14)):
        make_appointment(
            client=client,
            therapist=dana.therapist,
            starts_at=at(2030, 1, 11, hour, zone=new_york),
            session_type=session_type,
        )
    make_appointment(
        client=bob,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 11, 16, zone=new_york),
        session_type=session_type,
        status="cancelled",
    )
    with time_machine.travel(at(2030, 1, 10, 7, zone=new_york), tick=False):
        assert agendas.schedule_therapist_agendas() == 1
        assert agendas.schedule_therapist_agendas() == 0
    [agenda] = OutboundMessage.objects.filter(template="therapist_agenda")
    assert agenda.due_at == at(2030, 1, 10, 18, zone=new_york)
    send_due(at(2030, 1, 10, 18, 1, zone=new_york))
    [email] = mail.outbox
    assert email.to == [dana.email] and email.subject == "Tomorrow: 2 sessions"
    assert "Friday 11 January: 2 sessions." in email.body
    assert "9:00 AM EST  AM" in email.body and "2:00 PM EST  BK" in email.body
    for private in ("Alice", "Moreno", "Bob", "Keller", "Exposure"):
        assert private not in email.body and private not in email.alternatives[0].content


def test_no_agenda_for_a_day_without_sessions_and_none_written_after_hours(dana):
    with time_machine.travel(at(2030, 1, 10, 21, 30), tick=False):
        assert agendas.schedule_therapist_agendas() == 0
    with time_machine.travel(at(2030, 1, 11, 7), tick=False):
        assert agendas.schedule_therapist_agendas() == 1
    send_due(at(2030, 1, 11, 18, 1))
    agenda = OutboundMessage.objects.get(template="therapist_agenda")
    assert (agenda.status, agenda.status_reason) == (Status.SKIPPED, "no sessions that day")
    assert mail.outbox == []


def test_a_reminder_that_falls_due_late_at_night_waits_for_the_morning(texting_alice, dana):
    afternoon = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 14),
        booked_at=at(2030, 1, 1, 12),
    )
    early = book(
        client=texting_alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 8, 30),
        booked_at=at(2030, 1, 1, 12),
    )
    late = [rows(afternoon)["reminder-24h:sms"], rows(early)["reminder-24h:sms"]]
    for message in late:  # as if the broker had been down all evening
        message.due_at = at(2030, 1, 9, 20)
        message.save()
    send_due(at(2030, 1, 9, 23, 30))
    waiting, skipped = (OutboundMessage.objects.get(pk=message.pk) for message in late)
    assert (waiting.status, waiting.due_at, waiting.attempts) == (
        Status.SCHEDULED,
        at(2030, 1, 10, 8),
        0,
    )
    assert waiting.status_reason == "waiting for the client's sending hours"
    assert (skipped.status, skipped.status_reason) == (
        Status.SKIPPED,
        "it was night for the client until too close to the session",
    )
    send_due(at(2030, 1, 10, 8, 1))
    waiting.refresh_from_db()
    assert waiting.status == Status.SENT


def test_without_e_mail_reminders_the_booking_record_still_goes_by_e_mail(alice, dana):
    make_contact_preference(client=alice, email=False, sms=False)
    appointment = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 1, 12),
    )
    send_due(at(2030, 1, 1, 12, 1))
    send_due(at(2030, 1, 8, 10, 1))

    states = {key: message.status for key, message in rows(appointment).items()}
    assert states["confirmation:email"] == Status.SENT  # transactional: templates/emails/README
    assert states["reminder-48h:email"] == Status.SKIPPED
    assert [email.subject for email in mail.outbox] == [
        "Your appointment on Thursday 10 January 2030, 10:00 AM MST"
    ]


def test_a_booking_two_days_ahead_still_gets_the_nudge_soon_and_a_day_before(alice, dana):
    appointment = book(
        client=alice,
        therapist=dana.therapist,
        starts_at=at(2030, 1, 10, 10),
        booked_at=at(2030, 1, 8, 11),
    )
    due = {k: m.due_at for k, m in rows(appointment).items() if k.startswith("intake-nudge")}
    assert due == {
        "intake-nudge:email": at(2030, 1, 8, 12),
        "intake-nudge-24h:email": at(2030, 1, 9, 10),
    }
    send_due(at(2030, 1, 8, 12, 1))
    send_due(at(2030, 1, 9, 10, 1))
    assert [e.subject for e in mail.outbox].count(
        "A few things to finish before Thursday 10 January 2030, 10:00 AM MST"
    ) == 2
