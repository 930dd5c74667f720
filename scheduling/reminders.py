"""Messages about appointments: when they are written, and what they read when they are sent.

Scheduling calls the three schedule/cancel/reschedule functions inside its own transactions,
so a booking and its messages commit together or not at all. Every message is an outbox row
with a due time; nothing waits in the broker. When a row falls due, the context builders
below read the appointment again and skip the message (with the reason) if it was cancelled,
moved or is already past, or if the client's consent no longer allows the channel.

Content is deliberately thin: the practice's name, the time in the client's own zone, the
therapist's first name, in person or telehealth, and a link to the portal. Never the session
type, a diagnosis, a score or an answer. The texts live in templates/emails/.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consent import status as consent_status
from intake import status as intake_status
from practice import channels, outbox
from practice.models import OutboundMessage, PracticeSettings, Therapist, User
from scheduling.links import manage_url
from scheduling.models import Appointment
from scheduling.wording import describe

INTAKE_NUDGE_OFFSET = timedelta(hours=72)
AGENDA_TIME = time(18, 0)
# A reminder moved out of the night goes out this long before sending hours end, so a retry
# after a brief provider hiccup still lands inside them.
SENDING_HOURS_MARGIN = timedelta(minutes=15)
# A reminder held back by the night goes out when sending hours open if the session is at
# least this far off then; otherwise it is skipped (the client is about to come anyway).
LATEST_MORNING_REMINDER = timedelta(hours=1)
EMAIL = OutboundMessage.Channel.EMAIL
SMS = OutboundMessage.Channel.SMS


# What scheduling calls --------------------------------------------------------------------


def schedule_appointment_messages(appointment: Appointment) -> None:
    """Write the booking confirmation, the reminders and a first session's intake nudge.

    Call inside the transaction that books the appointment.
    """
    client = appointment.client
    if client is None:
        return
    _schedule_to_client(
        appointment, client, key="confirmation", template="appointment_confirmation"
    )
    _schedule_reminders(appointment, client)


def cancel_appointment_messages(appointment: Appointment, *, reason: str) -> None:
    """Cancel the appointment's pending messages and write the cancellation notice.

    Call inside the transaction that cancels the appointment. The reason is shown to staff
    beside each cancelled message; it is never sent to anyone.
    """
    outbox.cancel_pending_messages(appointment, reason=f"appointment cancelled: {reason}")
    if appointment.client is not None:
        _schedule_to_client(
            appointment, appointment.client, key="cancellation", template="appointment_cancelled"
        )


def reschedule_appointment_messages(old: Appointment, new: Appointment) -> None:
    """Cancel the old time's pending messages, write the notice and the new time's reminders.

    Call inside the transaction that moves the appointment (new is saved, rescheduled_from=old).
    """
    outbox.cancel_pending_messages(old, reason=f"appointment moved to #{new.pk}")
    if new.client is None:
        return
    _schedule_to_client(
        new,
        new.client,
        key="rescheduled",
        template="appointment_rescheduled",
        context={"from_appointment_id": old.pk},
    )
    _schedule_reminders(new, new.client)


def schedule_therapist_agendas(now: datetime | None = None) -> int:
    """Write today's 18:00 next-day agenda row for each therapist (beat runs this; idempotent)."""
    now = now or timezone.now()
    practice = PracticeSettings.load()
    therapists = Therapist.objects.filter(user__is_active=True).select_related("user")
    keys = {therapist.pk: _agenda_key(therapist, now) for therapist in therapists}
    existing = set(
        OutboundMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True)
    )
    written = 0
    for therapist in therapists:
        local_now = now.astimezone(therapist.zone)
        if keys[therapist.pk] in existing or local_now.time() >= practice.sending_hours_end:
            continue
        day = local_now.date()
        written += bool(
            outbox.schedule_message(
                key=keys[therapist.pk],
                template="therapist_agenda",
                to=therapist.user.email,
                recipient=therapist.user,
                about=therapist,
                due_at=earliest_instant(datetime.combine(day, AGENDA_TIME), therapist.zone),
                context={"date": (day + timedelta(days=1)).isoformat()},
            )
        )
    return written


# When reminders fall --------------------------------------------------------------------


def reminder_due_at(
    starts_at: datetime, offset: timedelta, *, zone: zoneinfo.ZoneInfo, practice: PracticeSettings
) -> datetime:
    """When a reminder `offset` before a session goes out, in the client's wall-clock time.

    "48 hours before a Monday 10:00 session" is Saturday 10:00 on the client's clock, also
    across a daylight-saving change. A time inside sending hours stays; one after them moves
    back to the end of that day's hours, one before them to the end of the previous day's:
    earlier, never later, never at night.
    """
    wall = starts_at.astimezone(zone).replace(tzinfo=None) - offset
    return within_sending_hours(earliest_instant(wall, zone), zone=zone, practice=practice)


def within_sending_hours(
    moment: datetime, *, zone: zoneinfo.ZoneInfo, practice: PracticeSettings
) -> datetime:
    local = moment.astimezone(zone)
    latest = (
        datetime.combine(local.date(), practice.sending_hours_end) - SENDING_HOURS_MARGIN
    ).time()
    if local.time() < practice.sending_hours_start:
        day = local.date() - timedelta(days=1)
    elif local.time() > latest:
        day = local.date()
    else:
        return moment
    return earliest_instant(datetime.combine(day, latest), zone)


def earliest_instant(wall: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The instant a wall-clock time names in a zone; the earlier one if it is ambiguous.

    zoneinfo quietly turns a time that does not exist (02:30 on a spring-forward day) into
    one an hour later; taking the earlier reading keeps a reminder from moving later.
    """
    readings = [wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    return min(readings)


def _schedule_reminders(appointment: Appointment, client: User) -> None:
    practice = PracticeSettings.load()
    now = timezone.now()
    plan = [(EMAIL, practice.email_reminder_offset), (SMS, practice.sms_reminder_offset)]
    for channel, offset in plan:
        due_at = reminder_due_at(appointment.starts_at, offset, zone=client.zone, practice=practice)
        # A reminder whose time has passed would only repeat the confirmation just sent.
        # Consent is not read here but at send time, so a client who agrees to texts after
        # booking still gets this appointment's text, and one who withdraws gets none.
        if _address(client, channel) and due_at > now:
            _schedule_to_client(
                appointment,
                client,
                key=f"reminder-{_duration_label(offset)}",
                template="appointment_reminder",
                channel=channel,
                due_at=due_at,
            )
    if is_first_session(appointment):
        due_at = reminder_due_at(
            appointment.starts_at, INTAKE_NUDGE_OFFSET, zone=client.zone, practice=practice
        )
        if due_at > now:
            _schedule_to_client(
                appointment, client, key="intake-nudge", template="intake_nudge", due_at=due_at
            )


def is_first_session(appointment: Appointment) -> bool:
    """No earlier session of this client that took place or is still coming."""
    earlier = Appointment.objects.filter(
        client=appointment.client,
        status__in=[
            Appointment.Status.BOOKED,
            Appointment.Status.ATTENDED,
            Appointment.Status.NO_SHOW,
        ],
        starts_at__lt=appointment.starts_at,
        rescheduled_to__isnull=True,
    ).exclude(pk=appointment.pk)
    if appointment.rescheduled_from_id is not None:
        earlier = earlier.exclude(pk=appointment.rescheduled_from_id)
    return not earlier.exists()


def _schedule_to_client(
    appointment: Appointment,
    client: User,
    *,
    key: str,
    template: str,
    channel: str = EMAIL,
    due_at: datetime | None = None,
    context: dict | None = None,
) -> None:
    outbox.schedule_message(
        key=f"appointment:{appointment.pk}:{key}:{channel}",
        template=template,
        to=_address(client, channel),
        recipient=client,
        channel=channel,
        about=appointment,
        due_at=due_at,
        context=context,
    )


def _address(person: User, channel: str) -> str:
    return person.mobile_phone if channel == SMS else person.email


def _duration_label(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def _agenda_key(therapist: Therapist, now: datetime) -> str:
    return f"therapist:{therapist.pk}:agenda:{now.astimezone(therapist.zone).date().isoformat()}"


# What messages read when they are sent --------------------------------------------------


@channels.context_builder("appointment_confirmation")
def confirmation_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    return {
        **appointment_facts(appointment, _client_of(appointment)),
        "attachments": [("appointment.ics", appointment_ics(appointment), "text/calendar")],
    }


@channels.context_builder("appointment_reminder")
def reminder_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    _require_sending_hours(appointment)
    return appointment_facts(appointment, _client_of(appointment))


@channels.context_builder("intake_nudge")
def intake_nudge_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    client = _client_of(appointment)
    telehealth = [client.pk] if appointment.session_type.is_telehealth else []
    missing_intake = client.pk in intake_status.clients_missing_intake([client.pk])
    missing_consent = client.pk in consent_status.clients_missing_consent(
        [client.pk], telehealth_client_ids=telehealth
    )
    if not (missing_intake or missing_consent):
        raise channels.DeliverySkipped("intake and consent are complete")
    _require_sending_hours(appointment)
    return {
        **appointment_facts(appointment, client),
        "missing_intake": missing_intake,
        "missing_consent": missing_consent,
    }


@channels.context_builder("appointment_cancelled")
def cancellation_context(message: OutboundMessage) -> dict:
    appointment = _appointment(message)
    if appointment.status in (Appointment.Status.BOOKED, Appointment.Status.HELD):
        raise channels.DeliverySkipped("the appointment is booked again")
    _require_channel(message, _client_of(appointment))
    return {
        **appointment_facts(appointment, _client_of(appointment)),
        "attachments": [
            ("cancelled.ics", appointment_ics(appointment, cancelled=True), "text/calendar")
        ],
    }


@channels.context_builder("appointment_rescheduled")
def reschedule_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    old = Appointment.objects.filter(pk=message.context.get("from_appointment_id")).first()
    attachments = [("appointment.ics", appointment_ics(appointment), "text/calendar")]
    facts = appointment_facts(appointment, _client_of(appointment))
    if old is not None:
        facts["previous_when"] = format_when(old.starts_at.astimezone(_client_of(appointment).zone))
        attachments.append(("cancelled.ics", appointment_ics(old, cancelled=True), "text/calendar"))
    return {**facts, "attachments": attachments}


@channels.context_builder("therapist_agenda")
def agenda_context(message: OutboundMessage) -> dict:
    assert message.about_id is not None  # schedule_therapist_agendas writes it about a therapist
    therapist = Therapist.objects.select_related("user").get(pk=message.about_id)
    day = date.fromisoformat(message.context["date"])
    zone = therapist.zone
    start = earliest_instant(datetime.combine(day, time(0)), zone)
    end = earliest_instant(datetime.combine(day + timedelta(days=1), time(0)), zone)
    sessions = list(
        Appointment.objects.filter(
            therapist=therapist,
            status=Appointment.Status.BOOKED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("client")
        .order_by("starts_at")
    )
    if not sessions:
        raise channels.DeliverySkipped("no sessions that day")
    return {
        "therapist_first_name": therapist.first_name,
        "day": format_day(day),
        "count": len(sessions),
        "sessions": [
            {
                "time": format_time(session.starts_at.astimezone(zone)),
                "initials": _client_of(session).initials,
            }
            for session in sessions
        ],
        "calendar_url": f"{settings.SITE_URL}{reverse('scheduling:calendar')}",
    }


def _appointment(message: OutboundMessage) -> Appointment:
    if message.about_id is None:
        raise channels.DeliverySkipped("the message is about no appointment")
    appointment = (
        Appointment.objects.select_related("therapist", "session_type", "client")
        .filter(pk=message.about_id)
        .first()
    )
    if appointment is None or appointment.client_id != message.recipient_id:
        raise channels.DeliverySkipped("the appointment is no longer this client's")
    return appointment


def _client_of(appointment: Appointment) -> User:
    """The client a message about this appointment goes to (a visitor's hold has none)."""
    if appointment.client is None:
        raise channels.DeliverySkipped("the appointment has no client")
    return appointment.client


def _upcoming_appointment(message: OutboundMessage) -> Appointment:
    """The appointment a message is about, or DeliverySkipped with why it no longer applies."""
    appointment = _appointment(message)
    if appointment.status != Appointment.Status.BOOKED:
        raise channels.DeliverySkipped(
            f"the appointment is {appointment.get_status_display().lower()}"
        )
    if Appointment.objects.filter(rescheduled_from=appointment).exists():
        raise channels.DeliverySkipped("the appointment was moved")
    if appointment.starts_at <= timezone.now():
        raise channels.DeliverySkipped("the appointment is past")
    _require_channel(message, _client_of(appointment))
    return appointment


def _require_sending_hours(appointment: Appointment) -> None:
    """A reminder that falls due late (after an outage, say) still never goes out at night."""
    practice = PracticeSettings.load()
    zone = _client_of(appointment).zone
    local = timezone.now().astimezone(zone)
    if practice.sending_hours_start <= local.time() <= practice.sending_hours_end:
        return
    day = local.date() + timedelta(days=local.time() > practice.sending_hours_end)
    opens = earliest_instant(datetime.combine(day, practice.sending_hours_start), zone)
    if opens >= appointment.starts_at - LATEST_MORNING_REMINDER:
        raise channels.DeliverySkipped("it was night for the client until too close to the session")
    raise channels.DeliveryDeferred("waiting for the client's sending hours", until=opens)


def _require_channel(message: OutboundMessage, client: User) -> None:
    # Consent to Contact is read at send time: withdrawing it stops the very next message.
    if message.channel not in consent_status.allowed_channels(client):
        raise channels.DeliverySkipped(
            f"the client's consent does not allow {message.get_channel_display().lower()}s"
        )


# What messages say ----------------------------------------------------------------------


def appointment_facts(appointment: Appointment, client: User) -> dict:
    """All an appointment message may say: when, with whom, how, and where to look."""
    local = appointment.starts_at.astimezone(client.zone)
    practice = PracticeSettings.load()
    return {
        "client_name": client.display_name,
        "therapist_first_name": appointment.therapist.first_name,
        "when": format_when(local),
        "when_short": f"{local:%a %b} {local.day}, {format_time(local)}",
        "telehealth": appointment.session_type.is_telehealth,
        "address": practice.address,
        "portal_url": f"{settings.SITE_URL}{reverse('practice:portal')}",
        "manage_url": manage_url(appointment),
        "cancellation_window": describe(practice.cancellation_window),
    }


def format_when(local: datetime) -> str:
    return f"{format_day(local.date())} at {format_time(local)}"


def format_day(day: date) -> str:
    return f"{day:%A, %B} {day.day}"


def format_time(local: datetime) -> str:
    return f"{local:%I:%M %p}".lstrip("0") + f" {local.tzname()}"


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
    event.add("description", f"Your portal: {settings.SITE_URL}{reverse('practice:portal')}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    calendar.add_component(event)
    return calendar.to_ical()
