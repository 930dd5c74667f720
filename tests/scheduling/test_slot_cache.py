"""The slot page reads a therapist's calendar from the cache, and never a stale one.

Every change to what decides open times bumps the therapist's calendar version in the same
transaction (PostgreSQL triggers), and the cache is keyed by that version. These tests commit
each change for real, between two page loads, as two visitors would.
"""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.db.models import F

from scheduling import services
from scheduling.models import Appointment, CalendarVersion, TimeOff, WeeklyAvailability
from tests.factories import make_client
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/scheduling/book/dana-whitfield/"
WEDNESDAY_TEN = denver(9, 10)


def open_times(client, session_type) -> str:
    response = client.get(BOOK, {"session_type": session_type.pk, "week": "2030-01-07"})
    assert response.status_code == 200
    return response.text


def offered(html: str, moment) -> bool:
    return f'value="{moment.astimezone(UTC).isoformat()}"' in html


def version_of(therapist) -> int:
    return CalendarVersion.objects.filter(therapist=therapist).values_list("number", flat=True)[0]


def test_a_booking_between_two_page_loads_takes_the_time_off_the_second(
    client, dana, first_session, frozen
):
    first_look = open_times(client, first_session)
    assert offered(first_look, WEDNESDAY_TEN)
    assert offered(open_times(client, first_session), WEDNESDAY_TEN)  # from the cache now
    services.book_appointment(
        client=make_client(email="bea@example.org"),
        therapist=dana.therapist,
        session_type=first_session,
        starts_at=WEDNESDAY_TEN,
        by=dana,
    )
    assert not offered(open_times(client, first_session), WEDNESDAY_TEN)


def test_a_cancellation_time_off_and_new_hours_show_at_once(
    client, dana, alice, first_session, frozen
):
    booked = services.book_appointment(
        client=alice,
        therapist=dana.therapist,
        session_type=first_session,
        starts_at=WEDNESDAY_TEN,
        by=dana,
    )
    assert not offered(open_times(client, first_session), WEDNESDAY_TEN)
    Appointment.objects.filter(pk=booked.pk).update(status=Appointment.Status.CANCELLED)
    assert offered(open_times(client, first_session), WEDNESDAY_TEN)

    TimeOff.objects.create(
        therapist=dana.therapist,
        starts_at=WEDNESDAY_TEN,
        ends_at=WEDNESDAY_TEN + timedelta(hours=2),
    )
    assert not offered(open_times(client, first_session), WEDNESDAY_TEN)

    evening = denver(9, 18)
    assert not offered(open_times(client, first_session), evening)
    WeeklyAvailability.objects.filter(therapist=dana.therapist).update(end="20:00")
    assert offered(open_times(client, first_session), evening)


def test_an_expired_hold_frees_its_time_without_any_change_to_the_calendar(
    client, dana, first_session, frozen
):
    services.hold_slot(
        therapist=dana.therapist,
        session_type=first_session,
        starts_at=WEDNESDAY_TEN,
        hold_key="someone-else",
    )
    assert not offered(open_times(client, first_session), WEDNESDAY_TEN)
    frozen.shift(timedelta(minutes=11))
    assert offered(open_times(client, first_session), WEDNESDAY_TEN)


def test_changes_made_in_sql_that_no_code_sees_bump_the_version_too(dana, first_session):
    before = CalendarVersion.objects.filter(therapist=dana.therapist).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scheduling_weeklyavailability SET start = '08:00' WHERE therapist_id = %s",
            [dana.therapist.pk],
        )
    assert version_of(dana.therapist) > (before.number if before else 0)


def test_an_appointment_change_that_leaves_times_alone_keeps_the_cache(
    dana, alice, first_session, frozen
):
    booked = services.book_appointment(
        client=alice,
        therapist=dana.therapist,
        session_type=first_session,
        starts_at=WEDNESDAY_TEN,
        by=dana,
    )
    version = version_of(dana.therapist)
    Appointment.objects.filter(pk=booked.pk).update(client_location="CO")
    assert version_of(dana.therapist) == version
    hour = timedelta(hours=1)
    Appointment.objects.filter(pk=booked.pk).update(
        starts_at=F("starts_at") + hour, ends_at=F("ends_at") + hour
    )
    assert version_of(dana.therapist) == version + 1
