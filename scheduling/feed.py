"""The .ics document behind a therapist's private calendar feed.

Calendar apps sync feeds to phones, laptops and cloud accounts outside the practice, so an event
carries the time and the client's initials only: no name, no session type, no telehealth link,
no e-mail. Times are UTC instants, which every calendar app shows correctly in its own zone.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from practice.models import Therapist, User
from scheduling.models import Appointment

PAST = timedelta(days=60)
AHEAD = timedelta(days=366)
# Calendar apps poll on their own schedule; this asks them to look about hourly.
REFRESH = timedelta(hours=1)


def initials(client: User) -> str:
    """ "A.M." for Alice Moreno: enough for the therapist to recognise, little to anyone else."""
    return ".".join(client.initials) + "."


def feed_calendar(therapist: Therapist) -> bytes:
    """The therapist's sessions from two months ago to a year ahead, as an .ics document."""
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(therapist=therapist, client__isnull=False)
        .exclude(status=Appointment.Status.HELD)
        .occupying()
        .starting_between(now - PAST, now + AHEAD)
        .select_related("client")
        .order_by("starts_at")
    )
    calendar = Calendar()
    # Neither the practice's name nor anything else about therapy: the calendar app shows this.
    calendar.add("prodid", "-//Practice calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Sessions")
    calendar.add("x-wr-timezone", therapist.time_zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    host = urlsplit(settings.SITE_URL).hostname or "practice"
    for appointment in appointments:
        calendar.add_component(_event(appointment, host=host, stamp=now))
    return calendar.to_ical()


def _event(appointment: Appointment, *, host: str, stamp: datetime) -> Event:
    assert appointment.client is not None  # feed_calendar selects only booked clients' sessions
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{host}")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", f"Session · {initials(appointment.client)}")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    return event
