"""Closing an account and purging it stay single under double submits and two beats at once.

Real threads, each with its own PostgreSQL connection, released together by a barrier.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from practice.audit import AuditEntry
from practice.privacy import AccountClosure, close_account, purge_closed_accounts
from scheduling.models import Appointment
from tests.factories import make_appointment
from tests.scheduling.test_concurrency import kinds, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_closing_twice_at_once_closes_once_and_cancels_each_session_once(alice, dana):
    ahead = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() + timedelta(days=2)
    )
    outcomes = race(6, lambda n: close_account(client=alice))
    assert kinds(outcomes) == {"AccountClosure": 6}
    closure = AccountClosure.objects.get()
    assert closure.cancelled_sessions == 1
    assert Appointment.objects.get(pk=ahead.pk).status == Appointment.Status.PRACTICE_CANCELLED


def test_two_purges_at_once_purge_once(alice, settings):
    settings.RECORD_RETENTION_YEARS = 0
    close_account(client=alice)
    later = timezone.now() + timedelta(minutes=1)
    outcomes = race(4, lambda n: purge_closed_accounts(now=later))
    assert sorted(outcomes) == [0, 0, 0, 1]
    assert AuditEntry.objects.filter(action="purged").count() == 1
