from datetime import timedelta

import pytest
from django.utils import timezone

from practice.models import OutboundMessage
from scheduling import demo_reminders
from scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def test_the_demo_books_a_session_minutes_away_with_a_reminder_due_in_a_minute(demo_practice):
    soon = Appointment.objects.filter(
        client__email="client@example.org", starts_at__lt=timezone.now() + timedelta(hours=1)
    )
    [appointment] = soon.filter(starts_at__gt=timezone.now())
    assert timedelta(minutes=10) < appointment.starts_at - timezone.now() < timedelta(minutes=25)
    reminder = OutboundMessage.objects.get(key__endswith=":demo-reminder:email")
    assert reminder.due_at - timezone.now() < timedelta(minutes=1)
    confirmations = OutboundMessage.objects.filter(template="appointment_confirmation")
    assert confirmations.filter(about_id=appointment.pk).count() == 1
    before = Appointment.objects.count()
    assert demo_reminders.seed() is None, "seeding again changes nothing"
    assert Appointment.objects.count() == before
