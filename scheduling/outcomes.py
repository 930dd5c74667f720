"""What the practice records about a session after booking: here, cancelling on its side."""

from django.db import transaction

from scheduling import reminders
from scheduling.models import Appointment


def cancel_by_practice(*, appointment: Appointment, reason: str) -> Appointment:
    """Cancel a booked session on the practice's side (never a fee) and stop its messages.

    A client's own cancellation, which may be late, is services.cancel_appointment instead.
    """
    with transaction.atomic():
        appointment.cancel_by_practice(reason=reason)
        reminders.cancel_appointment_messages(
            appointment, reason=f"cancelled by the practice: {reason}"
        )
    return appointment
