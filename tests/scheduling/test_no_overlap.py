from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_appointment

pytestmark = pytest.mark.django_db
TEN = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)


def test_the_database_refuses_an_overlapping_booking(alice, bob, dana):
    first = make_appointment(therapist=dana.therapist, client=alice, starts_at=TEN)
    with pytest.raises(IntegrityError, match="appointment_no_overlap"), transaction.atomic():
        make_appointment(
            therapist=dana.therapist,
            client=bob,
            starts_at=TEN + timedelta(minutes=30),
            session_type=first.session_type,
        )


def test_back_to_back_sessions_and_cancelled_times_are_allowed(alice, bob, dana):
    first = make_appointment(therapist=dana.therapist, client=alice, starts_at=TEN)
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=first.ends_at,
        session_type=first.session_type,
    )
    first.status = "cancelled"
    first.save()
    make_appointment(
        therapist=dana.therapist, client=bob, starts_at=TEN, session_type=first.session_type
    )
