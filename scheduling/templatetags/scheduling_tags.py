from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django import template
from django.db.models import Min, Q
from django.utils import timezone

from practice.models import Therapist, User
from scheduling import checkins, wording
from scheduling.models import Appointment, CheckIn, WaitlistEntry, WorryAnswer

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """{{ rules.minimum_notice|duration }} -> “24 hours”."""
    return wording.describe(value) if value is not None else ""


@dataclass(frozen=True)
class PortalAppointments:
    upcoming: list[Appointment]
    history: list[Appointment]


HISTORY_LENGTH = 20


@register.simple_tag
def client_appointments(user: User) -> PortalAppointments:
    """The client's upcoming sessions and their latest past or cancelled ones (two queries)."""
    now = timezone.now()
    mine = (
        Appointment.objects.for_user(user)
        .exclude(status=Appointment.Status.HELD)
        .select_related("therapist", "session_type")
    )
    upcoming = Q(status=Appointment.Status.BOOKED, ends_at__gt=now)
    return PortalAppointments(
        upcoming=list(mine.filter(upcoming).order_by("starts_at")),
        history=list(mine.exclude(upcoming).order_by("-starts_at")[:HISTORY_LENGTH]),
    )


@dataclass(frozen=True)
class PortalFeedback:
    checkins: list[tuple[CheckIn, str]]  # each waiting check-in, with its link
    notes: list[WorryAnswer]


@register.simple_tag
def client_feedback(user: User) -> PortalFeedback:
    """The client's check-ins waiting for an answer, and their therapist's answers to first
    worries before sessions to come (two queries, however many)."""
    now = timezone.now()
    waiting = (
        CheckIn.objects.for_user(user)
        .waiting(now=now)
        .select_related("appointment__therapist")
        .order_by("-opens_at")
    )
    notes = (
        WorryAnswer.objects.for_user(user)
        .filter(appointment__status=Appointment.Status.BOOKED, appointment__ends_at__gt=now)
        .select_related("appointment__therapist")
        .order_by("appointment__starts_at")
    )
    return PortalFeedback(
        checkins=[(checkin, checkins.checkin_path(checkin)) for checkin in waiting],
        notes=list(notes),
    )


@register.simple_tag
def client_waitlist(user: User) -> list[WaitlistEntry]:
    """The client's places on the waitlist, first joined first (one query)."""
    return list(
        WaitlistEntry.objects.for_user(user)
        .waiting()
        .select_related("therapist", "session_type")
        .order_by("joined_at", "pk")
    )


# Other apps' pages show a client's sessions through these tags: intake, below scheduling,
# may not read scheduling's models, so the page composes the two.


@register.simple_tag
def next_session_of(client: User) -> Appointment | None:
    """The client's next booked session, with its therapist and session type (one query)."""
    return (
        Appointment.objects.filter(
            client=client, status=Appointment.Status.BOOKED, starts_at__gte=timezone.now()
        )
        .select_related("therapist", "session_type")
        .order_by("starts_at")
        .first()
    )


@register.simple_tag
def add_next_sessions(rows: Iterable) -> str:
    """Give each row (anything with a client_id) next_appointment_at: when the client's next
    booked session starts, or None. One query for the whole page, not one a row."""
    rows = list(rows)
    starts = (
        Appointment.objects.filter(
            client_id__in={row.client_id for row in rows},
            status=Appointment.Status.BOOKED,
            starts_at__gte=timezone.now(),
        )
        .values("client_id")
        .annotate(first=Min("starts_at"))
        .values_list("client_id", "first")
    )
    next_at = dict(starts)
    for row in rows:
        row.next_appointment_at = next_at.get(row.client_id)
    return ""


# The therapist's public page (practice's template) offers their first open times, so a new
# client chooses a kind and a time there and holds it in one step.
@register.inclusion_tag("scheduling/_first_times.html", takes_context=True)
def first_open_times(context: template.Context, therapist: Therapist) -> dict:
    """The therapist's first open times for each kind the visitor may book, on their clock."""
    from scheduling.booking_views import first_times_context, visitor_zone_name

    request = context["request"]
    zone = ZoneInfo(visitor_zone_name(request))
    return {**first_times_context(request, therapist, zone), "csrf_token": context["csrf_token"]}
