"""Booking use cases: hold, confirm, book, cancel and reschedule appointments.

Every function here owns its transaction. Python checks (`is_open_slot`, the same rules the
booking page shows) give the friendly messages; PostgreSQL's exclusion constraint
`appointment_no_overlap` gives the guarantee, and its violation becomes SlotUnavailable.
On SQLite (the demo) the check runs inside an IMMEDIATE transaction, one writer at a time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from consent import status as consent_status
from practice.models import PracticeSettings, Therapist, User
from scheduling import reminders
from scheduling.availability import bookable_session_types, nearest_open_slots, slot_rules_for
from scheduling.models import Appointment, SessionType
from scheduling.slots import SlotRules, is_open_slot
from scheduling.wording import describe

HOLD_FOR = timedelta(minutes=10)
# A booking cancelled this soon after it was made is a change of mind, never a late cancellation.
GRACE_PERIOD = timedelta(minutes=10)
RESCHEDULED = "rescheduled"


class BookingError(Exception):
    """A booking, cancellation or move that cannot happen; str(error) is the message to show."""


class SlotUnavailable(BookingError):
    """The requested time is not open (taken, outside hours, too soon, too far ahead...).

    `nearest` holds the nearest other open start times (aware, UTC), in time order.
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
    """Hold an open slot for ten minutes for the visitor whose session carries `hold_key`.

    A visitor holds one slot at a time: holding another releases the first.
    """
    _check_offered(therapist, session_type, client)
    if client is not None:
        _check_may_book(client, by=client)
    now = timezone.now()
    with _overlap_is_unavailable(therapist, session_type, starts_at):
        Appointment.objects.filter(hold_key=hold_key, status=Appointment.Status.HELD).delete()
        _check_open(therapist, session_type, starts_at, now=now)
        return _insert(
            therapist=therapist,
            session_type=session_type,
            starts_at=starts_at,
            now=now,
            client=client,
            status=Appointment.Status.HELD,
            held_until=now + HOLD_FOR,
            hold_key=hold_key,
        )


def confirm_booking(*, appointment_id: int, hold_key: str, client: User) -> Appointment:
    """Turn the visitor's hold into a booking for `client`; confirming twice books once."""
    if not client.is_client:
        raise BookingNotAllowed("Only clients can book sessions here.")
    now = timezone.now()
    with transaction.atomic():
        hold = (
            Appointment.objects.select_for_update()
            .select_related("therapist", "session_type")
            .filter(pk=appointment_id, hold_key=hold_key)
            .first()
        )
        if hold is None:
            raise SlotUnavailable(
                "Your hold on that time ended and it was released. Please choose a time again."
            )
        if hold.status == Appointment.Status.BOOKED and hold.client_id == client.pk:
            return hold  # a double click or a replayed confirmation
        if hold.status != Appointment.Status.HELD:
            raise BookingNotAllowed("This time is no longer held for you. Please choose again.")
        _check_may_book(client, by=client)
        if hold.held_until is not None and hold.held_until <= now:
            # Nobody has taken the time since the hold ended, so it can still be booked if open.
            _check_open(hold.therapist, hold.session_type, hold.starts_at, now=now, ignoring=hold)
        hold.status = Appointment.Status.BOOKED
        hold.client = client
        hold.booked_at = now
        hold.held_until = None
        hold.save(update_fields=["status", "client", "booked_at", "held_until"])
        reminders.schedule_appointment_messages(hold)
    return hold


def book_appointment(
    *,
    client: User,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    by: User,
) -> Appointment:
    """Book a session directly (a client for themselves, or a therapist or staff for a client).

    Clients are held to the therapist's booking rules; the practice is not held to the notice,
    horizon, buffer and daily limit, but hours, time off and other sessions still apply.
    """
    _check_may_act(by=by, client=client, therapist=therapist)
    if not client.is_client:
        raise BookingNotAllowed("Sessions can only be booked for clients.")
    for_practice = not by.is_client
    _check_offered(therapist, session_type, client, any_type=for_practice)
    _check_may_book(client, by=by)
    now = timezone.now()
    with _overlap_is_unavailable(therapist, session_type, starts_at, for_practice=for_practice):
        _check_open(therapist, session_type, starts_at, now=now, for_practice=for_practice)
        appointment = _insert(
            therapist=therapist,
            session_type=session_type,
            starts_at=starts_at,
            now=now,
            client=client,
            status=Appointment.Status.BOOKED,
            booked_at=now,
        )
        reminders.schedule_appointment_messages(appointment)
    return appointment


def cancel_appointment(*, appointment: Appointment, by: User, reason: str = "") -> Appointment:
    """Cancel a booked session for the client; inside the cancellation window it is late.

    Cancelling twice is harmless: the second call returns the cancelled appointment.
    """
    _check_may_act(by=by, client=appointment.client, therapist=appointment.therapist)
    now = timezone.now()
    window = PracticeSettings.load().cancellation_window
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status in (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED):
            return locked
        _check_changeable(locked, now=now)
        late = is_late_cancellation(locked, now=now, window=window)
        locked.status = Appointment.Status.LATE_CANCELLED if late else Appointment.Status.CANCELLED
        locked.cancelled_at = now
        locked.cancellation_reason = reason[:200]
        locked.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        reminders.cancel_appointment_messages(locked, reason="appointment cancelled")
    return locked


def reschedule_appointment(
    *, appointment: Appointment, starts_at: datetime, by: User
) -> Appointment:
    """Move a booked session: a new appointment linked to the old, which is cancelled.

    Both happen in one transaction, so a move that loses a race leaves the original booked.
    """
    _check_may_act(by=by, client=appointment.client, therapist=appointment.therapist)
    now = timezone.now()
    for_practice = not by.is_client
    therapist, session_type = appointment.therapist, appointment.session_type
    with _overlap_is_unavailable(
        therapist, session_type, starts_at, for_practice=for_practice, ignoring=appointment
    ):
        old = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if old.status == Appointment.Status.CANCELLED and old.cancellation_reason == RESCHEDULED:
            moved_to = Appointment.objects.filter(rescheduled_from=old).first()
            if moved_to is not None and moved_to.starts_at == starts_at:
                return moved_to  # the same move, submitted twice
            raise BookingNotAllowed("This session has already been moved.")
        _check_changeable(old, now=now)
        if starts_at == old.starts_at:
            raise BookingNotAllowed("Your session is already at that time.")
        _check_open(
            therapist, session_type, starts_at, now=now, for_practice=for_practice, ignoring=old
        )
        old.status = Appointment.Status.CANCELLED
        old.cancelled_at = now
        old.cancellation_reason = RESCHEDULED
        old.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        new = _insert(
            therapist=therapist,
            session_type=session_type,
            starts_at=starts_at,
            now=now,
            client=old.client,
            status=Appointment.Status.BOOKED,
            # The grace period belongs to the original booking, not to each move.
            booked_at=old.booked_at or now,
            rescheduled_from=old,
        )
        reminders.reschedule_appointment_messages(old, new)
    return new


def is_late_cancellation(appointment: Appointment, *, now: datetime, window: timedelta) -> bool:
    """Cancelling now is late: inside the window before the session, and past the grace period."""
    in_grace = appointment.booked_at is not None and now - appointment.booked_at <= GRACE_PERIOD
    return appointment.starts_at - now < window and not in_grace


# Checks ---------------------------------------------------------------------------------------


def _check_may_act(*, by: User, client: User | None, therapist: Therapist) -> None:
    if by.is_practice_staff:
        return
    if by.is_therapist and getattr(by, "therapist", None) == therapist:
        return
    if by.is_client and client is not None and by.pk == client.pk:
        return
    raise BookingNotAllowed("You cannot book or change sessions for this person.")


def _check_offered(
    therapist: Therapist, session_type: SessionType, client: User | None, *, any_type: bool = False
) -> None:
    offered = (
        therapist.session_types.all() if any_type else bookable_session_types(therapist, client)
    )
    if not offered.filter(pk=session_type.pk).exists():
        raise BookingNotAllowed(
            f"{therapist.first_name} does not offer that kind of session online. "
            "Please choose one of the sessions listed."
        )


def _check_may_book(client: User, *, by: User) -> None:
    if consent_status.may_book(client):
        return
    if by.pk == client.pk:
        raise BookingNotAllowed(
            "Please sign the updated consent documents in your portal before booking a new "
            "session. Sessions you have already booked stay booked."
        )
    raise BookingNotAllowed(
        f"{client.display_name} needs to sign the updated consent documents before a new "
        "session can be booked."
    )


def _check_changeable(appointment: Appointment, *, now: datetime) -> None:
    if appointment.status != Appointment.Status.BOOKED:
        raise BookingNotAllowed(
            f"This session is {appointment.get_status_display().lower()}, so it cannot be changed."
        )
    if appointment.starts_at <= now:
        raise BookingNotAllowed(
            "This session has already started. Please call us if something has come up."
        )


def _check_open(
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    *,
    now: datetime,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
) -> None:
    rules = slot_rules_for(
        therapist, session_type, now=now, for_practice=for_practice, ignoring=ignoring
    )
    if not is_open_slot(starts_at, **rules):
        raise SlotUnavailable(
            why_not_open(starts_at, rules, therapist), nearest=nearest_open_slots(rules, starts_at)
        )


def why_not_open(starts_at: datetime, rules: SlotRules, therapist: Therapist) -> str:
    """A plain sentence saying why a time that is not open cannot be booked."""
    now, policy = rules["now"], rules["policy"]
    if starts_at <= now:
        return "That time has already passed. Please choose a time in the future."
    if starts_at < now + policy.minimum_notice:
        return (
            f"Sessions need to be booked at least {describe(policy.minimum_notice)} ahead. "
            "Please choose a later time."
        )
    if starts_at > now + policy.horizon:
        return (
            f"{therapist.first_name} takes bookings up to {describe(policy.horizon)} ahead. "
            "Please choose an earlier time."
        )
    ends_at = starts_at + rules["duration"]
    if any(
        b.start < ends_at + policy.buffer and starts_at - policy.buffer < b.end
        for b in rules["busy"]
    ):
        return TAKEN
    return f"That time is not one of {therapist.first_name}'s open times. Please choose another."


TAKEN = "Sorry, that time was just taken. Please choose another."


# Writing --------------------------------------------------------------------------------------


def _insert(
    *, therapist: Therapist, session_type: SessionType, starts_at: datetime, now: datetime, **fields
) -> Appointment:
    ends_at = starts_at + session_type.duration
    # Expired holds block nobody: clear the ones in the way, in this same transaction.
    Appointment.objects.filter(
        therapist=therapist,
        status=Appointment.Status.HELD,
        held_until__lte=now,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).delete()
    return Appointment.objects.create(
        therapist=therapist,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )


@contextmanager
def _overlap_is_unavailable(
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    *,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
) -> Iterator[None]:
    """Run the block in a transaction; turn the no-overlap constraint into SlotUnavailable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if "appointment_no_overlap" not in str(error):
            raise
        # Someone else's booking committed first; the rules read now include it.
        rules = slot_rules_for(
            therapist,
            session_type,
            now=timezone.now(),
            for_practice=for_practice,
            ignoring=ignoring,
        )
        raise SlotUnavailable(TAKEN, nearest=nearest_open_slots(rules, starts_at)) from error
