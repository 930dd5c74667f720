"""Booking use cases: hold, confirm, book, cancel (the client's or the practice's) and move.

The one home of cancelling and moving: these functions own the transaction and the messages,
and the model's methods make the single-row state changes. Every refusal is a BookingError
(scheduling/models.py), with the kinds below.

Every function here owns its transaction. Python checks (`is_open_slot`, the same rules the
booking page shows) give the friendly messages; PostgreSQL's exclusion constraint
`appointment_no_overlap` gives the guarantee, and its violation becomes SlotUnavailable.
On SQLite (the demo) the check runs inside an IMMEDIATE transaction, one writer at a time.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import kombu.exceptions
from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.crypto import salted_hmac

from consent import status as consent_status
from practice.models import PracticeSettings, Therapist, User
from scheduling import reminders
from scheduling.availability import bookable_session_types, nearest_open_slots, slot_rules_for
from scheduling.estimates import estimate_due_by
from scheduling.models import (
    Appointment,
    BookingError,
    GoodFaithEstimate,
    HoldQuota,
    SessionType,
)
from scheduling.slots import SlotRules, is_open_slot
from scheduling.wording import describe

logger = logging.getLogger(__name__)

HOLD_FOR = timedelta(minutes=10)
# Records of estimates are kept at least six years (45 CFR 149.610 and HIPAA's retention rule).
KEEP_ESTIMATES_YEARS = 6
# A booking cancelled this soon after it was made is a change of mind, never a late cancellation.
GRACE_PERIOD = timedelta(minutes=10)
HOLD_ENDED = "Your hold on that time ended and it was released. Please choose a time again."
TOO_MANY_HOLDS = (
    "You have chosen a lot of times in the last hour, so we have paused holding new ones for "
    "a while. Please try again later, or call us and we will find a time together."
)


class SlotUnavailable(BookingError):
    """The requested time is not open (taken, outside hours, too soon, too far ahead...).

    `nearest` holds the nearest other open start times (aware, UTC), in time order.
    """

    def __init__(self, message: str, *, nearest: list[datetime] | None = None) -> None:
        super().__init__(message)
        self.nearest: list[datetime] = list(nearest or [])


class HoldEnded(SlotUnavailable):
    """The visitor's hold is gone: it ran out and someone else took or cleared the time."""


class BookingNotAllowed(BookingError):
    """This person may not make this booking or change (consent pending, not their session...)."""


class NotLicensedThere(BookingNotAllowed):
    """A video session while the client is where the therapist is not licensed to practise."""


def video_location(
    therapist: Therapist, session_type: SessionType, client_location: str, *, by_client: bool
) -> str:
    """The place to keep with the booking: where the client will be for a video session, ""
    for one in person. Every booking path (a client's hold, staff, a therapist's follow-ups,
    a waitlist offer) refuses a video session where the therapist is not licensed
    (`Therapist.sees_by_video_in`), in words for whoever is booking.
    """
    if not session_type.is_telehealth:
        return ""
    if not therapist.sees_by_video_in(client_location):
        where = "you are" if by_client else "the client is"
        will_be = "you will be" if by_client else "the client will be"
        raise NotLicensedThere(
            f"{therapist.first_name} can meet by video only while {where} in "
            f"{therapist.licensed_state_names}. Book a session in person instead, or with a "
            f"therapist licensed where {will_be}."
        )
    return client_location


def hold_slot(
    *,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    hold_key: str,
    client: User | None = None,
    address: str | None = None,
    client_location: str = "",
) -> Appointment:
    """Hold an open slot for ten minutes for the visitor whose session carries `hold_key`.

    A visitor holds one slot at a time: holding another releases the first. Each visitor (the
    session and the network address) may make only so many holds an hour. A video session
    needs the place the client will be, where the therapist must be licensed.
    """
    _check_offered(therapist, session_type, client)
    client_location = video_location(therapist, session_type, client_location, by_client=True)
    if client is not None:
        _check_may_book(client, by=client)
    now = timezone.now()
    _take_hold_quota(hold_key=hold_key, address=address, now=now)
    with _booking_transaction(therapist, session_type, starts_at):
        # The visitor's other hold goes, unless it is being confirmed in another tab right now.
        Appointment.objects.held_by(hold_key).release_holds()
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
            client_location=client_location,
        )


def confirm_booking(
    *, appointment_id: int, hold_key: str, client: User, payment: str = ""
) -> Appointment:
    """Turn the visitor's hold into a booking for `client`; confirming twice books once.

    A client who pays for themselves (`payment="self_pay"`) gets a Good Faith Estimate, issued
    in the same transaction as the booking, so it is never later than the law allows.
    """
    if not client.is_client:
        raise BookingNotAllowed("Only clients can book sessions here.")
    now = timezone.now()
    held = Appointment.objects.held_by(hold_key).filter(pk=appointment_id)
    therapist_id = held.values_list("therapist_id", flat=True).first()
    if therapist_id is None:
        raise HoldEnded(HOLD_ENDED)
    with transaction.atomic():
        _lock_calendar(therapist_id)
        hold = held.select_for_update().select_related("therapist", "session_type").first()
        if hold is None:
            raise HoldEnded(HOLD_ENDED)
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
        hold.payment = payment
        hold.save(update_fields=["status", "client", "booked_at", "held_until", "payment"])
        if payment == "self_pay":
            issue_estimate(appointment=hold, now=now)
        reminders.schedule_appointment_messages(hold)
    return hold


def estimate_content(appointment: Appointment, client: User) -> dict:
    """What a Good Faith Estimate says (45 CFR 149.610(c)): who, what at which charge, by whom."""
    practice = PracticeSettings.load()
    session_type, therapist = appointment.session_type, appointment.therapist
    fee = str(session_type.fee)
    where = "Telehealth (video)" if session_type.is_telehealth else practice.address
    return {
        "client_name": client.get_full_name() or client.display_name,
        "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else "",
        "services": [
            {
                "description": f"{session_type.name} ({session_type.duration_minutes} minutes)",
                "code": session_type.service_code,
                "date": appointment.starts_at.astimezone(client.zone).date().isoformat(),
                "charge": fee,
            }
        ],
        "total": fee,
        "provider": f"{therapist.public_name}, {therapist.credentials}",
        "practice": practice.name,
        "npi": practice.npi,
        "tin": practice.tin,
        "location": ", ".join(practice.address.splitlines()),
        "service_location": ", ".join(where.splitlines()),
    }


def issue_estimate(*, appointment: Appointment, now: datetime) -> GoodFaithEstimate:
    """Issue the appointment's next Good Faith Estimate version (the first at booking; staff
    issue a new one when something in it changes). Earlier versions are kept."""
    assert appointment.client is not None
    zone = PracticeSettings.load().zone
    number = (appointment.estimates.aggregate(top=Max("number"))["top"] or 0) + 1
    scheduled_on = (appointment.booked_at or now).astimezone(zone).date()
    issued_on = now.astimezone(zone).date()
    try:
        keep_until = issued_on.replace(year=issued_on.year + KEEP_ESTIMATES_YEARS)
    except ValueError:  # 29 February
        keep_until = issued_on.replace(year=issued_on.year + KEEP_ESTIMATES_YEARS, day=28)
    return GoodFaithEstimate.objects.create(
        appointment=appointment,
        client=appointment.client,
        number=number,
        content=estimate_content(appointment, appointment.client),
        issued_at=now,
        due_by=estimate_due_by(
            scheduled_on=scheduled_on, service_on=appointment.starts_at.astimezone(zone).date()
        ),
        keep_until=keep_until,
    )


def hold_ended(
    *, therapist: Therapist, session_type: SessionType, starts_at: datetime
) -> HoldEnded:
    """What to tell a visitor whose hold is gone: that it ended, and the nearest open times."""
    rules = slot_rules_for(therapist, session_type, now=timezone.now())
    return HoldEnded(HOLD_ENDED, nearest=nearest_open_slots(rules, starts_at))


def book_appointment(
    *,
    client: User,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    by: User,
    client_location: str = "",
) -> Appointment:
    """Book a session directly (a client for themselves, or a therapist or staff for a client).

    Clients are held to the therapist's booking rules; the practice is not held to the notice,
    horizon, buffer and daily limit, but hours, time off and other sessions still apply. A video
    session needs the place the client will be, where the therapist must be licensed.
    """
    _check_may_act(by=by, client=client, therapist=therapist)
    if not client.is_client:
        raise BookingNotAllowed("Sessions can only be booked for clients.")
    for_practice = not by.is_client
    _check_offered(therapist, session_type, client, any_type=for_practice)
    client_location = video_location(
        therapist, session_type, client_location, by_client=not for_practice
    )
    _check_may_book(client, by=by)
    now = timezone.now()
    with _booking_transaction(therapist, session_type, starts_at, for_practice=for_practice):
        _check_open(therapist, session_type, starts_at, now=now, for_practice=for_practice)
        appointment = _insert(
            therapist=therapist,
            session_type=session_type,
            starts_at=starts_at,
            now=now,
            client=client,
            status=Appointment.Status.BOOKED,
            booked_at=now,
            client_location=client_location,
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
        locked.mark_cancelled(
            late=is_late_change(locked, now=now, window=window), reason=reason, at=now
        )
        reminders.cancel_appointment_messages(locked, reason="appointment cancelled")
        times_may_have_opened(locked.therapist_id)
    return locked


def cancel_by_practice(*, appointment: Appointment, reason: str) -> Appointment:
    """Cancel a booked session on the practice's side (never a fee) and stop its messages.

    A client's own cancellation, which may be late, is cancel_appointment instead. Raises
    ChangeRefused when the session is no longer booked (cancelled in another tab, say).
    """
    with transaction.atomic():
        appointment.cancel_by_practice(reason=reason)
        reminders.cancel_appointment_messages(
            appointment, reason=f"cancelled by the practice: {reason}"
        )
        times_may_have_opened(appointment.therapist_id)
    return appointment


def reschedule_appointment(
    *, appointment: Appointment, starts_at: datetime, by: User
) -> Appointment:
    """Move a booked session: a new appointment linked to the old, which is marked moved.

    Both happen in one transaction, so a move that loses a race leaves the original booked.
    A client's move inside the cancellation window is a late change, like a late cancellation.
    """
    _check_may_act(by=by, client=appointment.client, therapist=appointment.therapist)
    now = timezone.now()
    for_practice = not by.is_client
    window = PracticeSettings.load().cancellation_window
    therapist, session_type = appointment.therapist, appointment.session_type
    with _booking_transaction(
        therapist, session_type, starts_at, for_practice=for_practice, ignoring=appointment
    ):
        old = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if old.status in Appointment.MOVES:
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
        # The practice moving a session is never the client's late change.
        old.mark_moved(
            late=not for_practice and is_late_change(old, now=now, window=window), at=now
        )
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
            client_location=old.client_location,
        )
        reminders.reschedule_appointment_messages(old, new)
        times_may_have_opened(therapist.pk)
    return new


def is_late_change(appointment: Appointment, *, now: datetime, window: timedelta) -> bool:
    """Cancelling or moving now is late: inside the window before the session, past the grace."""
    in_grace = appointment.booked_at is not None and now - appointment.booked_at <= GRACE_PERIOD
    return appointment.starts_at - now < window and not in_grace


# The waitlist ---------------------------------------------------------------------------------

# Named, not imported: scheduling/waitlist.py books through this module.
WAITLIST_TASK = "scheduling.tasks.offer_waitlist_times_task"


def times_may_have_opened(therapist_id: int) -> None:
    """A time of this therapist may have opened (a cancellation, a move, new hours): offer
    it to the waitlist once the caller's transaction commits, so the matching sees it."""
    transaction.on_commit(lambda: _offer_to_waitlist(therapist_id))


def _offer_to_waitlist(therapist_id: int) -> None:
    try:
        current_app.tasks[WAITLIST_TASK].delay(therapist_id)
    except (kombu.exceptions.OperationalError, OSError) as error:
        # The broker is down. The change itself stands; beat's waitlist sweep finds the time.
        logger.warning(
            "broker unavailable (%s): the waitlist sweep will offer the time",
            type(error).__name__,
        )


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
    if policy.max_sessions_per_day is not None:
        zone, day = rules["zone"], starts_at.astimezone(rules["zone"]).date()
        that_day = [b for b in rules["busy"] if b.start.astimezone(zone).date() == day]
        if len(that_day) >= policy.max_sessions_per_day:
            return (
                f"Sorry, {therapist.first_name}'s day is now full. "
                "Please choose a time on another day."
            )
    return f"That time is not one of {therapist.first_name}'s open times. Please choose another."


TAKEN = "Sorry, that time was just taken. Please choose another."


# Writing --------------------------------------------------------------------------------------


def _insert(
    *, therapist: Therapist, session_type: SessionType, starts_at: datetime, now: datetime, **fields
) -> Appointment:
    ends_at = starts_at + session_type.duration
    # Expired holds block nobody: clear the ones in the way, in this same transaction.
    Appointment.objects.filter(therapist=therapist).overlapping(starts_at, ends_at).expired_holds(
        now=now
    ).release_holds()
    return Appointment.objects.create(
        therapist=therapist,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )


# Serialises every booking write for one therapist. The overlap rule is an exclusion
# constraint, but the buffer (gaps that depend on the therapist's current setting) and the daily
# limit (a count per local day) cannot be: with every writer holding this lock while it checks
# and writes, each check sees all bookings committed before it. One lock per therapist rather
# than per day, because a buffer reaches across midnight; a therapist's bookings are a few a
# minute at most, so the wait is never felt. Released at commit or rollback.
CALENDAR_LOCK = 0x5CED  # the first key of pg_advisory_xact_lock(int, int): "schedule"


def _lock_calendar(therapist_id: int) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite (the demo) runs IMMEDIATE transactions: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CALENDAR_LOCK, therapist_id])


@contextmanager
def _booking_transaction(
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    *,
    for_practice: bool = False,
    ignoring: Appointment | None = None,
) -> Iterator[None]:
    """Run the block in a transaction holding the therapist's calendar lock.

    The no-overlap constraint still guards against any writer that bypasses this; its
    violation becomes SlotUnavailable.
    """
    try:
        with transaction.atomic():
            _lock_calendar(therapist.pk)
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


# Hold quotas ----------------------------------------------------------------------------------


def _take_hold_quota(*, hold_key: str, address: str | None, now: datetime) -> None:
    """Count one hold against the visitor's session and address; refuse it over either limit.

    A conditional UPDATE per counter, so two requests at once cannot both take the last one.
    The counters are committed even when the hold itself then fails: tries count, not successes.
    """
    window = now.replace(minute=0, second=0, microsecond=0)
    visitors = [(_visitor("session", hold_key), settings.HOLD_LIMIT_PER_SESSION)]
    if address:
        visitors.append((_visitor("address", address), settings.HOLD_LIMIT_PER_ADDRESS))
    with transaction.atomic():
        HoldQuota.objects.filter(window_start__lt=window - timedelta(days=1)).delete()
        HoldQuota.objects.bulk_create(
            [HoldQuota(visitor=visitor, window_start=window) for visitor, _ in visitors],
            ignore_conflicts=True,
        )
        for visitor, limit in visitors:
            taken = HoldQuota.objects.filter(
                visitor=visitor, window_start=window, used__lt=limit
            ).update(used=F("used") + 1)
            if not taken:
                raise BookingNotAllowed(TOO_MANY_HOLDS)  # rolls back the other counter too


def _visitor(kind: str, value: str) -> str:
    # Only a keyed digest is stored: the table never holds an address or a session key.
    return f"{kind}:{salted_hmac('scheduling.hold-quota', value, algorithm='sha256').hexdigest()}"
