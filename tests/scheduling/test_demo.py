import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from practice.models import Therapist
from scheduling.availability import open_slots_for
from scheduling.models import (
    Appointment,
    BookingRules,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    models = (SessionType, WeeklyAvailability, BookingRules, TimeOff, Appointment)
    return tuple(model.objects.count() for model in models)


def test_the_demo_has_open_times_and_a_client_with_sessions(demo_practice):
    assert SessionType.objects.filter(new_clients_may_book=True).count() == 2
    now = timezone.now()
    for therapist in Therapist.objects.all():
        first_session = therapist.session_types.get(name="First session")
        slots = open_slots_for(
            therapist, first_session, start=now, end=now + timedelta(days=14), now=now
        )
        assert slots, f"{therapist} has open times in the next two weeks"
    alex = Appointment.objects.filter(client__email="client@example.org")
    # Two sessions in the coming weeks, besides the one minutes away that shows reminders.
    assert alex.filter(status="booked", starts_at__gt=now + timedelta(hours=1)).count() == 2
    assert alex.filter(status="attended").count() == 1


def test_seeding_the_demo_again_changes_nothing(demo_practice):
    before = counts()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert counts() == before
