"""Calendar files (.ics) attached to appointment messages."""

from datetime import UTC
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from practice.models import PracticeSettings
from scheduling.models import Appointment


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An .ics event in UTC, so every calendar shows it at the right time in its own zone."""
    practice = PracticeSettings.load()
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{practice.name}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", f"Appointment with {appointment.therapist.first_name} ({practice.name})")
    if appointment.session_type.is_telehealth:
        event.add("location", "Telehealth: join from your portal")
    elif practice.address:
        event.add("location", ", ".join(practice.address.splitlines()))
    portal = f"{settings.SITE_URL}{reverse('practice:portal')}"
    event.add("description", f"Fee: {appointment.session_type.fee_label}\nYour portal: {portal}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    calendar.add_component(event)
    return calendar.to_ical()
