"""Marking a session attended twice at the same moment makes one check-in and one message.

Real threads, each with its own PostgreSQL connection, released together by a barrier: the
check-in's one-to-one key on the appointment, not a Python check, keeps the second one out.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from practice.models import OutboundMessage
from scheduling import checkins
from scheduling.checkin_models import CheckIn
from scheduling.models import Appointment
from tests.factories import make_appointment
from tests.scheduling.test_concurrency import kinds, race

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8
REPEATS = 5


def test_marking_attended_many_times_at_once_makes_one_checkin_and_one_message(alice, dana):
    for attempt in range(REPEATS):
        session = make_appointment(
            therapist=dana.therapist,
            client=alice,
            starts_at=timezone.now() - timedelta(days=attempt + 1),
        )

        def mark(_n: int, session_id: int = session.pk) -> CheckIn | None:
            return checkins.record_attendance(Appointment.objects.get(pk=session_id))

        outcomes = race(RACERS, mark)

        made = [outcome for outcome in outcomes if isinstance(outcome, CheckIn)]
        assert len(made) == 1, f"attempt {attempt}: {kinds(outcomes)}"
        assert outcomes.count(None) == RACERS - 1, kinds(outcomes)
        assert CheckIn.objects.filter(appointment=session).count() == 1
        messages = OutboundMessage.objects.filter(template="session_checkin", about_id=made[0].pk)
        assert messages.count() == 1
    assert CheckIn.objects.count() == OutboundMessage.objects.count() == REPEATS
