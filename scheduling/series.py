"""Follow-ups and weekly series that a therapist (or staff) books for an existing client.

Planning comes first and writes nothing: every date is listed with what stands in its way, so
the person sees exactly what booking will do. Booking then takes the plan's free dates, all in
one transaction: if any of them was taken in the meantime, nothing is booked.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from practice import dates
from practice.clock import clock_skips, local_instant
from practice.models import Therapist, User
from scheduling import services
from scheduling.models import Appointment, SessionType

MAX_SESSIONS = 26


@dataclass(frozen=True)
class PlannedSession:
    day: date
    starts_at: datetime | None  # None when the clock never shows that time on that date
    ends_at: datetime | None
    problem: str = ""

    @property
    def bookable(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class SeriesPlan:
    sessions: list[PlannedSession]

    @property
    def bookable(self) -> list[PlannedSession]:
        return [session for session in self.sessions if session.bookable]

    @property
    def conflicts(self) -> list[PlannedSession]:
        return [session for session in self.sessions if not session.bookable]

    @property
    def fingerprint(self) -> str:
        """The instants this plan would book, so a confirmation can tell if anything changed."""
        return ",".join(
            s.starts_at.astimezone(UTC).isoformat() for s in self.bookable if s.starts_at
        )


def plan_series(
    *,
    client: User,
    therapist: Therapist,
    session_type: SessionType,
    first_day: date,
    at: time,
    count: int,
    by: User,
    client_location: str = "",
) -> SeriesPlan:
    """Weekly sessions at the same local time from `first_day`, each with what blocks it."""
    zone, now = therapist.zone, timezone.now()
    days = [first_day + timedelta(weeks=week) for week in range(count)]
    # A time the clocks skip is listed as a problem, not moved to the jump.
    starts = [None if clock_skips(day, at, zone) else local_instant(day, at, zone) for day in days]
    known = [start for start in starts if start is not None]
    busy = (
        list(
            Appointment.objects.filter(therapist=therapist)
            .occupying()
            .overlapping(min(known), max(known) + session_type.duration)
        )
        if known
        else []
    )
    sessions = []
    for day, start in zip(days, starts, strict=True):
        end = start + session_type.duration if start else None
        problem = _problem(start, end, busy, now, zone)
        if not problem and start is not None:
            problem = _refused_by_booking(
                client=client,
                therapist=therapist,
                session_type=session_type,
                starts_at=start,
                by=by,
                client_location=client_location,
            )
        sessions.append(PlannedSession(day=day, starts_at=start, ends_at=end, problem=problem))
    return SeriesPlan(sessions=sessions)


def _problem(start, end, busy: list[Appointment], now: datetime, zone) -> str:
    if start is None or end is None:
        return "The clocks change that night, so this time does not exist on this date."
    if start <= now:
        return "This time has already passed."
    for other in busy:
        if other.starts_at < end and other.ends_at > start:
            begins = dates.clock(other.starts_at, zone)
            ends = dates.clock(other.ends_at, zone)
            return f"Overlaps another session ({begins}–{ends})."
    return ""


class _TrialBooking(Exception):
    """Rolls a trial booking back."""


def _refused_by_booking(*, starts_at: datetime, **booking) -> str:
    """Why the booking service would refuse this time today ("" when it would book it).

    The preview asks the very service that confirming calls, in a transaction rolled back at
    once, so a date shown as free is one the confirmation accepts: hours, time off, buffers and
    the client's consent are the booking service's rules, not a second copy of them here.
    Messages it writes are rolled back with it, and their on-commit tasks are discarded.
    """
    try:
        with transaction.atomic():
            services.book_appointment(starts_at=starts_at, **booking)
            raise _TrialBooking
    except _TrialBooking:
        return ""
    except services.BookingError as refused:
        return str(refused)


def book_series(
    *,
    plan: SeriesPlan,
    client: User,
    therapist: Therapist,
    session_type: SessionType,
    by: User,
    client_location: str = "",
) -> list[Appointment]:
    """Book every free date of the plan, or none of them (SlotUnavailable) if one was taken."""
    with transaction.atomic():
        return [
            services.book_appointment(
                client=client,
                therapist=therapist,
                session_type=session_type,
                starts_at=session.starts_at,
                by=by,
                client_location=client_location,
            )
            for session in plan.bookable
            if session.starts_at is not None
        ]


def follow_up_session_type(
    *, therapist: Therapist, last: SessionType, preference: str
) -> SessionType:
    """The kind of session a follow-up starts from: the last one's, unless the client's intake
    asked for the other way of meeting (`preference`, a modality) and the therapist offers it;
    then the therapist's session of that way nearest in length to the last one."""
    if not preference or last.modality == preference:
        return last
    offered = [kind for kind in therapist.session_types.all() if kind.modality == preference]
    return min(offered, key=lambda kind: abs(kind.duration - last.duration), default=last)


def clients_of(therapist: Therapist):
    """Clients who have had (or have) a session with this therapist: who they may book for."""
    seen = (
        Appointment.objects.filter(therapist=therapist, client__isnull=False)
        .exclude(status=Appointment.Status.HELD)
        .values("client")
    )
    return User.objects.filter(pk__in=seen, role=User.Role.CLIENT, is_active=True).order_by(
        "preferred_name", "first_name", "email"
    )
