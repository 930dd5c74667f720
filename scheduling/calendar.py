"""The therapist's calendar: a week or a day of their sessions, in their own time zone.

One query loads the appointments with their clients and session types; the intake and consent
apps are asked once per page which of those clients still have something to do.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from consent import status as consent_status
from intake import status as intake_status
from practice.audit import AuditEntry, record_access
from practice.clock import start_of_day
from practice.models import Therapist, User
from scheduling.models import Appointment

WEEK, DAY = "week", "day"
SPANS = {WEEK: 7, DAY: 1}


@dataclass
class Entry:
    appointment: Appointment
    missing_intake: bool = False
    missing_consent: bool = False


@dataclass
class Day:
    day: date
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class CalendarPage:
    therapist: Therapist
    view: str
    first_day: date
    today: date
    days: list[Day]

    @property
    def zone(self) -> ZoneInfo:
        return self.therapist.zone

    @property
    def last_day(self) -> date:
        return self.days[-1].day

    @property
    def previous_day(self) -> date:
        return self.first_day - timedelta(days=SPANS[self.view])

    @property
    def next_day(self) -> date:
        return self.first_day + timedelta(days=SPANS[self.view])

    @property
    def shows_today(self) -> bool:
        return any(day.is_today for day in self.days)

    @property
    def count(self) -> int:
        return sum(len(day.entries) for day in self.days)


def chosen_view(query: QueryDict, *, today: date) -> tuple[str, date]:
    """The view ("week" or "day") and date a calendar URL asks for; today's week by default."""
    requested = query.get("view", WEEK)
    view = requested if requested in SPANS else WEEK
    try:
        chosen = date.fromisoformat(query.get("date", ""))
    except ValueError:
        chosen = today
    if view == WEEK:
        chosen -= timedelta(days=chosen.weekday())  # weeks start on Monday
    return view, chosen


def calendar_page(
    *, therapist: Therapist, viewer: User, view: str, first_day: date
) -> CalendarPage:
    """Everything a week or day of the therapist's calendar shows, in a fixed number of queries.

    `viewer` is who asks (the therapist, or staff): only sessions they may see are shown.
    """
    zone = therapist.zone
    today = timezone.now().astimezone(zone).date()
    span = SPANS[view]
    appointments = list(
        Appointment.objects.for_user(viewer)
        .filter(therapist=therapist)
        .occupying()
        .exclude(status=Appointment.Status.HELD, held_until__lte=timezone.now())  # expired
        .starting_between(
            start_of_day(first_day, zone), start_of_day(first_day + timedelta(days=span), zone)
        )
        .with_people()
        .order_by("starts_at")
    )
    entries = _with_badges(appointments)
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.appointment.starts_at.astimezone(zone).date()].append(entry)
    days = [first_day + timedelta(days=offset) for offset in range(span)]
    return CalendarPage(
        therapist=therapist,
        view=view,
        first_day=first_day,
        today=today,
        days=[Day(day=day, is_today=day == today, entries=by_day[day]) for day in days],
    )


def _with_badges(appointments: list[Appointment]) -> list[Entry]:
    clients = {a.client_id for a in appointments if a.client_id}
    missing_intake = intake_status.clients_missing_intake(clients)
    missing_consent = consent_status.clients_missing_consent(clients)
    return [
        Entry(
            appointment=a,
            missing_intake=a.client_id in missing_intake,
            missing_consent=a.client_id in missing_consent,
        )
        for a in appointments
    ]


def badges_for(appointment: Appointment) -> Entry:
    """The intake and consent badges of one appointment (for its detail page)."""
    return _with_badges([appointment])[0]


def record_session_look(
    request: HttpRequest, appointment: Appointment, *, change: str = ""
) -> None:
    """Write down in the audit log that someone opened a session's page, or changed it."""
    record_access(
        request,
        client=appointment.client,
        record="Session",
        record_id=appointment.pk,
        action=AuditEntry.Action.CHANGED if change else AuditEntry.Action.VIEWED,
        detail=change,
    )
