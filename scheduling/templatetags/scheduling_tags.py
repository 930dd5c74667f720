from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django import template
from django.db.models import Min, Q
from django.utils import timezone

from practice.locations import LOCATION_CHOICES
from practice.models import Therapist, User
from scheduling import checkins, wording
from scheduling.availability import bookable_session_types, slot_rules_for_each
from scheduling.models import Appointment, CheckIn, WaitlistEntry, WorryAnswer
from scheduling.slots import open_slots

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
FIRST_TIMES_SHOWN = 4


@register.inclusion_tag("scheduling/_first_times.html", takes_context=True)
def first_open_times(context: template.Context, therapist: Therapist) -> dict:
    """For each kind of session the visitor may book, the first day with open times and up
    to four of its times, on the visitor's clock (five queries, however many kinds)."""
    from scheduling.booking_views import visitor_zone_name

    request = context["request"]
    zone = ZoneInfo(visitor_zone_name(request))
    now = timezone.now()
    kinds = list(bookable_session_types(therapist, request.user))
    offers = []
    if kinds:
        [rules] = slot_rules_for_each([therapist], kinds[0], now=now)
        for kind in kinds:
            rules["duration"] = kind.duration
            slots = open_slots(**rules, start=now, end=now + rules["policy"].horizon)
            first_day = slots[0].astimezone(zone).date() if slots else None
            day_slots = [s for s in slots if s.astimezone(zone).date() == first_day]
            offers.append({"kind": kind, "slots": day_slots[:FIRST_TIMES_SHOWN]})
    return {
        "therapist": therapist,
        "offers": offers,
        "zone": zone,
        "zone_label": wording.zone_label(zone, at=now),
        "location_choices": LOCATION_CHOICES,
        "csrf_token": context.get("csrf_token"),
    }
