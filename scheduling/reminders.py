"""Messages about appointments: a minimal stand-in until the reminders branch is merged.

The reminders colleague's full module replaces this one and keeps these three functions; each
is called inside the transaction that changes the appointment. This version writes only the
booking confirmation e-mail and cancels pending messages when a session is cancelled or moved.
"""

from django.conf import settings
from django.urls import reverse

from practice import channels, outbox
from practice.models import OutboundMessage, PracticeSettings
from scheduling.links import manage_url
from scheduling.models import Appointment
from scheduling.wording import describe


def schedule_appointment_messages(appointment: Appointment) -> None:
    """Write the confirmation e-mail for a booked appointment (once, whatever the retries)."""
    client = appointment.client
    outbox.schedule_message(
        key=f"appointment:{appointment.pk}:confirmation:email",
        template="appointment_confirmation",
        to=client.email,
        recipient=client,
        about=appointment,
        context={"appointment_id": appointment.pk},
    )


def cancel_appointment_messages(appointment: Appointment, *, reason: str) -> None:
    """Stop every message about this appointment that has not gone out yet."""
    outbox.cancel_pending_messages(appointment, reason=reason)


def reschedule_appointment_messages(old: Appointment, new: Appointment) -> None:
    """Stop the old time's messages and confirm the new time."""
    outbox.cancel_pending_messages(old, reason="rescheduled")
    schedule_appointment_messages(new)


@channels.context_builder("appointment_confirmation")
def confirmation_context(message: OutboundMessage) -> dict:
    appointment = (
        Appointment.objects.select_related("therapist", "client", "session_type")
        .filter(pk=message.context.get("appointment_id"))
        .first()
    )
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        raise channels.DeliverySkipped("the appointment is no longer booked")
    # Only when and where: no session type, nothing clinical.
    return {
        "client": appointment.client,
        "therapist_first_name": appointment.therapist.first_name,
        "starts_at": appointment.starts_at,
        "time_zone": appointment.client.time_zone,
        "zone_name": appointment.client.time_zone.replace("_", " "),
        "telehealth": appointment.session_type.is_telehealth,
        "manage_url": manage_url(appointment),
        "cancellation_window": describe(PracticeSettings.load().cancellation_window),
        "portal_url": f"{settings.SITE_URL}{reverse('practice:portal')}",
    }
