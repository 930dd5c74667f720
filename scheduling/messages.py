"""What appointment messages read and say when they are sent.

When a row falls due, the context builders below read the appointment again and skip the
message (with the reason) if it was cancelled, moved or is already past, or if the client's
consent no longer allows the channel. scheduling's AppConfig.ready() imports this module,
which registers them.

Content is deliberately thin: the practice's name, the time in the client's own zone, the
therapist's first name, in person or telehealth, and a link to the portal. Never the session
type, a diagnosis, a score or an answer. The texts live in templates/emails/.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consent import status as consent_status
from intake import status as intake_status
from practice import channels
from practice.models import OutboundMessage, PracticeSettings, User
from scheduling.ics import calendar_attachment
from scheduling.links import manage_url, text_url
from scheduling.models import Appointment
from scheduling.wording import describe

# A reminder held back by the night goes out when sending hours open if the session is at
# least this far off then; otherwise it is skipped (the client is about to come anyway).
LATEST_MORNING_REMINDER = timedelta(hours=1)
# E-mails that record something the client did or that was done to their booking: they go
# even when the client's Consent to Contact turns reminders off (templates/emails/README.md).
TRANSACTIONAL = frozenset(
    {"appointment_confirmation", "appointment_cancelled", "appointment_rescheduled"}
)


@channels.context_builder("appointment_confirmation")
def confirmation_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    return {
        **appointment_facts(appointment, client_of(appointment)),
        "attachments": [calendar_attachment(appointment)],
    }


@channels.context_builder("appointment_reminder")
def reminder_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    _require_sending_hours(appointment)
    return appointment_facts(appointment, client_of(appointment))


@channels.context_builder("intake_nudge")
def intake_nudge_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    client = client_of(appointment)
    missing_intake = client.pk in intake_status.clients_missing_intake([client.pk])
    missing_consent = client.pk in consent_status.clients_missing_consent([client.pk])
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
    _require_channel(message, client_of(appointment))
    return {
        **appointment_facts(appointment, client_of(appointment)),
        "attachments": [calendar_attachment(appointment, cancelled=True)],
    }


@channels.context_builder("appointment_rescheduled")
def reschedule_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    old = Appointment.objects.filter(pk=message.context.get("from_appointment_id")).first()
    facts = appointment_facts(appointment, client_of(appointment))
    if old is not None:
        facts["previous_starts_at"] = old.starts_at
    # One file: the moved session keeps the first booking's UID with a higher SEQUENCE, so
    # the calendar moves the event it has (a CANCEL for the old time would remove it).
    return {**facts, "attachments": [calendar_attachment(appointment)]}


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


def client_of(appointment: Appointment) -> User:
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
    _require_channel(message, client_of(appointment))
    return appointment


def _require_sending_hours(appointment: Appointment) -> None:
    """A reminder that falls due late (after an outage, say) still never goes out at night."""
    night = PracticeSettings.load().quiet_hours_around(timezone.now(), client_of(appointment).zone)
    if night is None:
        return
    _closed, opens = night
    if opens >= appointment.starts_at - LATEST_MORNING_REMINDER:
        raise channels.DeliverySkipped("it was night for the client until too close to the session")
    raise channels.DeliveryDeferred("waiting for the client's sending hours", until=opens)


def _require_channel(message: OutboundMessage, client: User) -> None:
    # Consent to Contact is read at send time: withdrawing it stops the very next message.
    # The record of what the client just did goes by e-mail even so (templates/emails/README).
    if message.channel == OutboundMessage.Channel.EMAIL and message.template in TRANSACTIONAL:
        return
    consent_status.require_consent_to(message, client)


# What messages say ----------------------------------------------------------------------


def appointment_facts(appointment: Appointment, client: User) -> dict:
    """All an appointment message may say: when, with whom, how, and where to look."""
    practice = PracticeSettings.load()
    return {
        "client_name": client.display_name,
        "therapist_first_name": appointment.therapist.first_name,
        # Templates write these with the practice's date filters, in the client's own zone.
        "starts_at": appointment.starts_at,
        "zone": client.zone,
        "telehealth": appointment.session_type.is_telehealth,
        "address": practice.address,
        "portal_url": f"{settings.SITE_URL}{reverse('practice:portal')}",
        "manage_url": manage_url(appointment),
        # Short enough for a text: the same page as manage_url, by a short signed path.
        "text_url": text_url(appointment),
        "cancellation_window": describe(practice.cancellation_window),
        # E-mails only: a text never says what a session costs (texts are read on lock screens).
        "fee": appointment.session_type.fee_label,
    }
