"""Calendar files to the letter: iTIP REQUEST and CANCEL (RFC 5546) in e-mails (RFC 6047),
read back by a strict parser from the bytes a mail server would receive."""

import email
import email.message
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail

from practice import outbox
from practice.models import OutboundMessage, PracticeSettings
from scheduling import reminders
from scheduling.models import Appointment
from tests.factories import make_appointment

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
# RFC 5546 section 3.2: what each method's VEVENT must carry.
REQUIRED = {
    "REQUEST": {"ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID", "SEQUENCE"},
    "CANCEL": {"ATTENDEE", "DTSTAMP", "ORGANIZER", "SEQUENCE", "UID", "STATUS"},
}


def at(day, hour) -> datetime:
    return datetime(2030, 1, day, hour, tzinfo=DENVER)


def send_due(now: datetime) -> None:
    with time_machine.travel(now, tick=False):
        for message in OutboundMessage.objects.due():
            outbox.send_message(message.pk)


def strict_calendar(sent) -> tuple[icalendar.Calendar, email.message.Message]:
    """The one calendar part of a sent e-mail, parsed strictly, and its MIME part."""
    message = email.message_from_bytes(sent.message().as_bytes())
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    # The file as we made it ends lines with CRLF (mail transport writes every line so too).
    [made] = [a.content for a in sent.attachments if a.mimetype.startswith("text/calendar")]
    made = made.encode() if isinstance(made, str) else made
    lines = made.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines), "CRLF line ends"
    assert all(len(line) <= 75 for line in lines), "lines folded at 75 octets"
    calendar = icalendar.Calendar.from_ical(raw)
    for component in calendar.walk():
        assert component.errors == [], component.errors
    method = str(calendar["METHOD"])
    assert part.get_param("method") == method, "the MIME type names the iTIP method"
    assert part.get_content_charset() == "utf-8"
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    [event] = calendar.walk("VEVENT")
    missing = REQUIRED[method] - set(event.keys())
    assert not missing, f"{method} lacks {missing}"
    return calendar, part


def book(alice, dana) -> Appointment:
    with time_machine.travel(at(1, 12), tick=False):
        appointment = make_appointment(client=alice, therapist=dana.therapist, starts_at=at(10, 10))
        reminders.schedule_appointment_messages(appointment)
    return appointment


def move(old: Appointment, *, to: datetime, now: datetime) -> Appointment:
    with time_machine.travel(now, tick=False):
        new = Appointment.objects.create(
            therapist=old.therapist,
            client=old.client,
            session_type=old.session_type,
            starts_at=to,
            ends_at=to + (old.ends_at - old.starts_at),
            rescheduled_from=old,
        )
        old.status = Appointment.Status.CANCELLED
        old.save()
        reminders.reschedule_appointment_messages(old, new)
    return new


def test_the_confirmation_is_a_request_from_the_practice_to_the_client(alice, dana):
    practice = PracticeSettings.load()
    book(alice, dana)
    send_due(at(1, 12))

    [confirmation] = mail.outbox
    calendar, part = strict_calendar(confirmation)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert part.get_filename() == "appointment.ics"
    assert str(event["ORGANIZER"]) == f"mailto:{practice.email}"
    assert event["ORGANIZER"].params["CN"] == practice.name
    assert str(event["ATTENDEE"]) == "mailto:alice@example.org"
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"


def test_each_move_keeps_the_uid_and_raises_the_sequence_and_a_cancel_raises_it_again(alice, dana):
    first = book(alice, dana)
    send_due(at(1, 12))
    second = move(first, to=at(15, 14), now=at(2, 9))
    send_due(at(2, 9))
    third = move(second, to=at(17, 9), now=at(3, 9))
    send_due(at(3, 9))
    with time_machine.travel(at(4, 9), tick=False):
        third.status = Appointment.Status.CANCELLED
        third.save()
        reminders.cancel_appointment_messages(third, reason="cancelled by the client")
    send_due(at(4, 9))

    events = []
    for sent in mail.outbox:
        calendar, _part = strict_calendar(sent)
        [event] = calendar.walk("VEVENT")
        events.append((str(calendar["METHOD"]), str(event["UID"]), event["SEQUENCE"]))
    uid = f"appointment-{first.pk}@127.0.0.1"
    assert events == [
        ("REQUEST", uid, 0),  # booked
        ("REQUEST", uid, 1),  # moved: the calendar moves its event
        ("REQUEST", uid, 2),  # moved again
        ("CANCEL", uid, 3),  # cancelled
    ]
    assert [a.filename for a in mail.outbox[1].attachments] == ["appointment.ics"]


def test_the_therapists_feed_says_its_charset(client, dana):
    from scheduling.models import CalendarFeed

    token = CalendarFeed.issue(dana.therapist)
    response = client.get(f"/scheduling/feed/{token}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    for component in icalendar.Calendar.from_ical(response.content).walk():
        assert component.errors == []
