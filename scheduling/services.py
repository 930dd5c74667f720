"""Booking use cases: hold, confirm, book, cancel and reschedule appointments.

Every function here owns its transaction. Python checks (`is_open_slot`, the same rules the
booking page shows) give the friendly messages; PostgreSQL's exclusion constraint
`appointment_no_overlap` gives the guarantee, and its violation becomes SlotUnavailable.
"""

from datetime import datetime

from practice.models import Therapist, User
from scheduling.models import Appointment, SessionType


class BookingError(Exception):
    """A booking, cancellation or move that cannot happen; str(error) is the message to show."""


class SlotUnavailable(BookingError):
    """The requested time is not open (taken, outside hours, too soon, too far ahead...).

    `nearest` holds the nearest other open start times (aware, UTC), closest first.
    """

    def __init__(self, message: str, *, nearest: list[datetime] | None = None) -> None:
        super().__init__(message)
        self.nearest: list[datetime] = list(nearest or [])


class BookingNotAllowed(BookingError):
    """This person may not make this booking or change (consent pending, not their session...)."""


def hold_slot(
    *,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    hold_key: str,
    client: User | None = None,
) -> Appointment:
    """Hold an open slot for ten minutes for the visitor whose session carries `hold_key`."""
    raise NotImplementedError


def confirm_booking(*, appointment_id: int, hold_key: str, client: User) -> Appointment:
    """Turn the visitor's hold into a booking for `client`; confirming twice books once."""
    raise NotImplementedError


def book_appointment(
    *,
    client: User,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    by: User,
) -> Appointment:
    """Book a session directly (a client for themselves, or a therapist or staff for a client)."""
    raise NotImplementedError


def cancel_appointment(*, appointment: Appointment, by: User, reason: str = "") -> Appointment:
    """Cancel a booked session; a client inside the cancellation window cancels late."""
    raise NotImplementedError


def reschedule_appointment(
    *, appointment: Appointment, starts_at: datetime, by: User
) -> Appointment:
    """Move a booked session: a new appointment linked to the old, which is cancelled."""
    raise NotImplementedError
