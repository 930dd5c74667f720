"""The therapist's agenda: each evening, the next day's sessions by time and initials."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from practice import channels, outbox
from practice.clock import local_instant, start_of_day
from practice.models import OutboundMessage, PracticeSettings, Therapist
from scheduling.messages import client_of
from scheduling.models import Appointment

AGENDA_TIME = time(18, 0)


def schedule_therapist_agendas(now: datetime | None = None) -> int:
    """Write today's 18:00 next-day agenda row for each therapist (beat runs this; idempotent)."""
    now = now or timezone.now()
    practice = PracticeSettings.load()
    therapists = Therapist.objects.filter(user__is_active=True).select_related("user")
    keys = {therapist.pk: _agenda_key(therapist, now) for therapist in therapists}
    existing = set(
        OutboundMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True)
    )
    written = 0
    for therapist in therapists:
        local_now = now.astimezone(therapist.zone)
        if keys[therapist.pk] in existing or local_now.time() >= practice.sending_hours_end:
            continue
        day = local_now.date()
        written += bool(
            outbox.schedule_message(
                key=keys[therapist.pk],
                template="therapist_agenda",
                to=therapist.user.email,
                recipient=therapist.user,
                about=therapist,
                due_at=local_instant(day, AGENDA_TIME, therapist.zone),
                context={"date": (day + timedelta(days=1)).isoformat()},
            )
        )
    return written


def _agenda_key(therapist: Therapist, now: datetime) -> str:
    return f"therapist:{therapist.pk}:agenda:{now.astimezone(therapist.zone).date().isoformat()}"


@channels.context_builder("therapist_agenda")
def agenda_context(message: OutboundMessage) -> dict:
    assert message.about_id is not None  # schedule_therapist_agendas writes it about a therapist
    therapist = Therapist.objects.select_related("user").get(pk=message.about_id)
    day = date.fromisoformat(message.context["date"])
    zone = therapist.zone
    start = start_of_day(day, zone)
    end = start_of_day(day + timedelta(days=1), zone)
    sessions = list(
        Appointment.objects.filter(
            therapist=therapist,
            status=Appointment.Status.BOOKED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("client")
        .order_by("starts_at")
    )
    if not sessions:
        raise channels.DeliverySkipped("no sessions that day")
    return {
        "therapist_first_name": therapist.first_name,
        "day": day,
        "zone": zone,
        "count": len(sessions),
        "sessions": [
            {
                "starts_at": session.starts_at,
                "initials": client_of(session).initials,
            }
            for session in sessions
        ],
        "calendar_url": f"{settings.SITE_URL}{reverse('scheduling:calendar')}",
    }
