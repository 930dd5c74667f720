"""What the practice records about a session after booking: here, cancelling on its side."""

from django.db import transaction

from practice import outbox
from scheduling.models import Appointment


def cancel_by_practice(*, appointment: Appointment, reason: str) -> Appointment:
    """Cancel a booked session on the practice's side (never a fee) and stop its messages.

    A client's own cancellation, which may be late, is services.cancel_appointment instead.
    """
    with transaction.atomic():
        appointment.cancel_by_practice(reason=reason)
        _cancel_messages(appointment, reason=reason)
    return appointment


def _cancel_messages(appointment: Appointment, *, reason: str) -> None:
    # scheduling/reminders.py arrives with the booking and reminders branches: its
    # cancel_appointment_messages also writes the client's cancellation notice. Until it is
    # merged, pending messages are stopped directly. (After the merge, import it plainly.)
    try:
        from scheduling import reminders
    except ImportError:
        outbox.cancel_pending_messages(appointment, reason=f"cancelled by the practice: {reason}")
    else:
        reminders.cancel_appointment_messages(
            appointment, reason=f"cancelled by the practice: {reason}"
        )
