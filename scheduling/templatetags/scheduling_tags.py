from dataclasses import dataclass
from datetime import timedelta

from django import template
from django.db.models import Q
from django.utils import timezone

from practice.models import User
from scheduling import wording
from scheduling.models import Appointment

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
