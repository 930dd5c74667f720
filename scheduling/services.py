"""Booking use cases: book, cancel and reschedule appointments.

Stand-in with the booking branch's signatures so the calendar can call them; the booking
branch's versions replace this file when the two are merged.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from consent import status as consent_status
from practice import outbox
from practice.models import PracticeSettings, Therapist, User
from scheduling.models import Appointment, SessionType


class BookingError(Exception):
    """A booking, cancellation or move that cannot happen; str(error) is the message to show."""


class SlotUnavailable(BookingError):
    """The requested time is not open. `nearest` holds other open starts, closest first."""

    def __init__(self, message: str, *, nearest: list[datetime] | None = None) -> None:
        super().__init__(message)
        self.nearest: list[datetime] = list(nearest or [])


class BookingNotAllowed(BookingError):
    """This person may not make this booking or change."""


TAKEN = "That time overlaps another session. Please choose another time."


def book_appointment(
    *,
    client: User,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    by: User,
) -> Appointment:
    """Book a session directly (a client for themselves, or a therapist or staff for a client)."""
    if not consent_status.may_book(client):
        raise BookingNotAllowed(
            f"{client.display_name} needs to sign the updated consent documents first."
        )
    appointment = Appointment(
        therapist=therapist,
        client=client,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=starts_at + session_type.duration,
        status=Appointment.Status.BOOKED,
        booked_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            # SQLite has no exclusion constraint; its IMMEDIATE transactions make this check safe.
            if (
                Appointment.objects.occupying()
                .filter(therapist=therapist, starts_at__lt=appointment.ends_at)
                .filter(ends_at__gt=starts_at)
                .exists()
            ):
                raise SlotUnavailable(TAKEN)
            appointment.save()
    except IntegrityError as error:
        if "appointment_no_overlap" not in str(error):
            raise
        raise SlotUnavailable(TAKEN) from error
    return appointment


def cancel_appointment(*, appointment: Appointment, by: User, reason: str = "") -> Appointment:
    """Cancel a booked session for the client; inside the cancellation window it is late."""
    now = timezone.now()
    late = appointment.starts_at - now < PracticeSettings.load().cancellation_window
    status = Appointment.Status.LATE_CANCELLED if late else Appointment.Status.CANCELLED
    with transaction.atomic():
        changed = Appointment.objects.filter(
            pk=appointment.pk, status=Appointment.Status.BOOKED, starts_at__gt=now
        ).update(status=status, cancelled_at=now, cancellation_reason=reason[:200])
        if not changed:
            raise BookingNotAllowed("This session is no longer booked, so it cannot be cancelled.")
        outbox.cancel_pending_messages(appointment, reason="appointment cancelled")
    appointment.refresh_from_db()
    return appointment


def reschedule_appointment(
    *, appointment: Appointment, starts_at: datetime, by: User
) -> Appointment:
    """Move a booked session: a new appointment linked to the old, which is cancelled."""
    try:
        with transaction.atomic():
            changed = Appointment.objects.filter(
                pk=appointment.pk, status=Appointment.Status.BOOKED
            ).update(
                status=Appointment.Status.CANCELLED,
                cancelled_at=timezone.now(),
                cancellation_reason="Rescheduled",
            )
            if not changed:
                raise BookingNotAllowed("This session is no longer booked, so it cannot be moved.")
            moved = book_appointment(
                client=appointment.client,
                therapist=appointment.therapist,
                session_type=appointment.session_type,
                starts_at=starts_at,
                by=by,
            )
            moved.rescheduled_from = appointment
            moved.save(update_fields=["rescheduled_from"])
            outbox.cancel_pending_messages(appointment, reason="appointment rescheduled")
    finally:
        appointment.refresh_from_db()
    return moved
