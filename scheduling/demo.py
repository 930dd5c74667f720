"""Demo scheduling data: session types, hours, booking rules, time off and a few sessions.

Idempotent: each part is created only when it is missing, so running it again changes nothing.
Runs after practice.demo.seed(), which makes the therapists and the demo client.
"""

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from practice.clock import local_instant, start_of_day
from practice.models import Therapist, User
from scheduling import demo_reminders
from scheduling.availability import open_slots_for
from scheduling.models import (
    Appointment,
    BookingRules,
    CheckIn,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)

SESSION_TYPES = [
    {
        "name": "Free consultation",
        "duration": timedelta(minutes=15),
        "new_clients_may_book": True,
        "modality": SessionType.Modality.TELEHEALTH,
        "fee": Decimal("0"),
    },
    {
        "name": "First session",
        "duration": timedelta(minutes=60),
        "new_clients_may_book": True,
        "modality": SessionType.Modality.IN_PERSON,
        "fee": Decimal("180"),
    },
    {
        "name": "Follow-up session (telehealth)",
        "duration": timedelta(minutes=50),
        "new_clients_may_book": False,
        "modality": SessionType.Modality.TELEHEALTH,
        "fee": Decimal("150"),
    },
]

# Wall-clock hours in each therapist's own zone: (weekdays, start, end); 0 is Monday.
HOURS: dict[str, list[tuple[tuple[int, ...], str, str]]] = {
    "maya-chen": [((0, 1, 2, 3), "09:00", "17:00")],  # America/Denver
    "daniel-ortiz": [((1, 2, 3, 4), "08:00", "12:00"), ((1, 2, 3, 4), "13:00", "16:00")],  # Phoenix
    "priya-raman": [((0, 2, 4), "12:00", "19:00")],  # America/Chicago, after school
}
RULES: dict[str, dict[str, Any]] = {
    "maya-chen": {"minimum_notice": timedelta(hours=24), "max_sessions_per_day": 6},
    "daniel-ortiz": {"minimum_notice": timedelta(hours=48), "horizon": timedelta(days=45)},
    "priya-raman": {"buffer": timedelta(minutes=15), "max_sessions_per_day": 5},
}
CLIENT_EMAIL = "client@example.org"


def seed() -> None:
    """Create whatever part of the demo scheduling data is missing."""
    therapists = {t.slug: t for t in Therapist.objects.filter(slug__in=HOURS)}
    session_types = [
        SessionType.objects.get_or_create(name=fields["name"], defaults=fields)[0]
        for fields in SESSION_TYPES
    ]
    for session_type in session_types:
        session_type.therapists.add(*therapists.values())
    for slug, therapist in therapists.items():
        _seed_hours(therapist, HOURS[slug])
        BookingRules.objects.get_or_create(therapist=therapist, defaults=RULES[slug])
    maya = therapists.get("maya-chen")
    client = User.objects.filter(email=CLIENT_EMAIL).first()
    if maya is not None:
        _seed_time_off(maya)
        if client is not None:
            _seed_appointments(maya, client, session_types)
    demo_reminders.seed()


def _seed_hours(therapist: Therapist, hours: list) -> None:
    if WeeklyAvailability.objects.filter(therapist=therapist).exists():
        return
    WeeklyAvailability.objects.bulk_create(
        WeeklyAvailability(
            therapist=therapist,
            weekday=day,
            start=time.fromisoformat(start),
            end=time.fromisoformat(end),
        )
        for days, start, end in hours
        for day in days
    )


def _seed_time_off(therapist: Therapist) -> None:
    if TimeOff.objects.filter(therapist=therapist).exists():
        return
    # A week at a conference, four weeks from now, on the therapist's own clock.
    first_day = timezone.localdate(timezone=therapist.zone) + timedelta(weeks=4)
    TimeOff.objects.create(
        therapist=therapist,
        starts_at=start_of_day(first_day, therapist.zone),
        ends_at=start_of_day(first_day + timedelta(days=7), therapist.zone),
        reason="Conference",
    )


def _seed_appointments(therapist: Therapist, client: User, session_types: list) -> None:
    if Appointment.objects.filter(client=client).exists():
        return
    consultation, first_session, follow_up = session_types
    now = timezone.now()
    # A consultation three weeks ago, already attended; on a weekday morning of the therapist.
    past_day = timezone.localdate(timezone=therapist.zone) - timedelta(days=21)
    past_day -= timedelta(days=max(past_day.weekday() - 3, 0))
    past = local_instant(past_day, time(10), therapist.zone)
    attended = _create(therapist, client, consultation, past, status=Appointment.Status.ATTENDED)
    # ...and the client answered its check-in, so the therapist's page shows one row.
    opened = attended.ends_at + timedelta(hours=1)
    CheckIn.objects.create(
        appointment=attended,
        opens_at=opened,
        expires_at=opened + timedelta(days=7),
        answered_at=opened + timedelta(minutes=20),
        heard=9,
        focus=8,
        approach=8,
        overall=9,
    )
    # The first session in a couple of days, and a follow-up the week after, at open times.
    for session_type, after in ((first_session, timedelta(days=2)), (follow_up, timedelta(days=9))):
        slots = open_slots_for(
            therapist, session_type, start=now + after, end=now + after + timedelta(days=7), now=now
        )
        if slots:
            _create(therapist, client, session_type, slots[0], status=Appointment.Status.BOOKED)


def _create(therapist, client, session_type, starts_at, *, status) -> Appointment:
    return Appointment.objects.create(
        therapist=therapist,
        client=client,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=starts_at + session_type.duration,
        status=status,
        booked_at=starts_at - timedelta(days=10),
    )
