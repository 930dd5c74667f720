"""Calendar files (.ics) attached to appointment messages, as iTIP (RFC 5546) asks.

The practice organises every session and the client attends. A moved session keeps the
calendar UID of the first booking and raises SEQUENCE once per move, so the client's calendar
moves the event it has rather than showing a second one; a cancellation raises it once more.
"""

from datetime import UTC
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from practice.models import PracticeSettings
from scheduling.models import Appointment

# Attachment: (filename, content, MIME type with the iTIP method, RFC 6047 section 2.4).
Attachment = tuple[str, bytes, str]


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iTIP REQUEST (or CANCEL) for the session, in UTC so every calendar shows it right."""
    practice = PracticeSettings.load()
    first, moves = _first_booking_and_moves(appointment)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{practice.name}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"appointment-{first.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("sequence", moves + (1 if cancelled else 0))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", f"Appointment with {appointment.therapist.first_name} ({practice.name})")
    organizer = icalendar.vCalAddress(f"mailto:{practice.email}")
    organizer.params["cn"] = icalendar.vText(practice.name)
    event.add("organizer", organizer)
    if appointment.client is not None:
        attendee = icalendar.vCalAddress(f"mailto:{appointment.client.email}")
        attendee.params["cn"] = icalendar.vText(appointment.client.display_name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        # The client booked it themselves: nothing to accept or decline.
        attendee.params["partstat"] = icalendar.vText("ACCEPTED")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        event.add("attendee", attendee)
    if appointment.session_type.is_telehealth:
        event.add("location", "Telehealth: join from your portal")
    elif practice.address:
        event.add("location", ", ".join(practice.address.splitlines()))
    portal = f"{settings.SITE_URL}{reverse('practice:portal')}"
    event.add("description", f"Fee: {appointment.session_type.fee_label}\nYour portal: {portal}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def calendar_attachment(appointment: Appointment, *, cancelled: bool = False) -> Attachment:
    """The .ics file as an e-mail attachment whose MIME type names its iTIP method."""
    method = "CANCEL" if cancelled else "REQUEST"
    return (
        "cancelled.ics" if cancelled else "appointment.ics",
        appointment_ics(appointment, cancelled=cancelled),
        f"text/calendar; method={method}; charset=utf-8",
    )


def _first_booking_and_moves(appointment: Appointment) -> tuple[Appointment, int]:
    """The booking this session was first made as, and how many times it has moved since."""
    first, moves = appointment, 0
    while first.rescheduled_from_id is not None:
        first = Appointment.objects.only("pk", "rescheduled_from").get(pk=first.rescheduled_from_id)
        moves += 1
    return first, moves
