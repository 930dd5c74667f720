"""Appointment messages and when they fall: written with the booking, due in the client's time.

Scheduling calls the three schedule/cancel/reschedule functions inside its own transactions,
so a booking and its messages commit together or not at all. Every message is an outbox row
with a due time; nothing waits in the broker. What a message reads and says when it falls
due is scheduling/messages.py; the therapist's evening agenda is scheduling/agenda.py.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.utils import timezone

from practice import outbox
from practice.clock import local_instant
from practice.models import OutboundMessage, PracticeSettings, User
from scheduling.models import Appointment

# A first session's intake and consent nudge: soon after booking (a booking made two days
# ahead has no time for a nudge three days before), then once more a day before. Each one is
# skipped at send time once the forms are done.
INTAKE_NUDGE_AFTER_BOOKING = timedelta(hours=1)
INTAKE_NUDGE_OFFSET = timedelta(hours=24)
# A reminder moved out of the night goes out this long before sending hours end, so a retry
# after a brief provider hiccup still lands inside them.
SENDING_HOURS_MARGIN = timedelta(minutes=15)
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
    due_at = local_instant(wall.date(), wall.time(), zone)
    return within_sending_hours(due_at, zone=zone, practice=practice)


def within_sending_hours(
    moment: datetime, *, zone: zoneinfo.ZoneInfo, practice: PracticeSettings
) -> datetime:
    """The moment itself inside sending hours, else the end of the hours before the night."""
    night = practice.quiet_hours_around(moment, zone, margin=SENDING_HOURS_MARGIN)
    return moment if night is None else night[0]


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
        day_before = reminder_due_at(
            appointment.starts_at, INTAKE_NUDGE_OFFSET, zone=client.zone, practice=practice
        )
        soon = now + INTAKE_NUDGE_AFTER_BOOKING
        # Sending hours are applied when it falls due: one written at night waits for morning.
        # A move is no new booking: the client heard about the forms when they booked.
        if soon < day_before and appointment.rescheduled_from_id is None:
            _schedule_to_client(
                appointment, client, key="intake-nudge", template="intake_nudge", due_at=soon
            )
        if day_before > now:
            _schedule_to_client(
                appointment,
                client,
                key=f"intake-nudge-{_duration_label(INTAKE_NUDGE_OFFSET)}",
                template="intake_nudge",
                due_at=day_before,
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
