"""Moving a session is a change like cancelling: late inside the window, and staff can waive it."""

from datetime import timedelta

import pytest

from scheduling import services
from scheduling.models import Appointment
from tests.factories import make_appointment
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db

TOMORROW_TEN = denver(8, 10)  # 22 hours from the frozen noon: inside the 24-hour window
NEXT_WEEK = denver(14, 10)


@pytest.fixture
def tomorrows_session(alice, dana, first_session, frozen):
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=TOMORROW_TEN, session_type=first_session
    )
    appointment.booked_at = denver(1, 9)  # long before: no grace period
    appointment.save()
    return appointment


def test_a_client_moving_inside_the_window_is_recorded_as_a_late_move(alice, tomorrows_session):
    moved = services.reschedule_appointment(
        appointment=tomorrows_session, starts_at=NEXT_WEEK, by=alice
    )

    tomorrows_session.refresh_from_db()
    assert tomorrows_session.status == Appointment.Status.LATE_MOVED
    assert tomorrows_session.is_late_change and tomorrows_session.was_moved
    assert moved.rescheduled_from == tomorrows_session and moved.status == "booked"


def test_moving_a_week_out_and_then_cancelling_does_not_escape_the_policy(alice, tomorrows_session):
    moved = services.reschedule_appointment(
        appointment=tomorrows_session, starts_at=NEXT_WEEK, by=alice
    )
    services.cancel_appointment(appointment=moved, by=alice)

    late = Appointment.objects.filter(client=alice, status__in=Appointment.LATE_CHANGES)
    assert list(late) == [tomorrows_session]


def test_a_move_outside_the_window_is_an_ordinary_move(alice, dana, first_session, frozen):
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(10, 10), session_type=first_session
    )
    services.reschedule_appointment(appointment=appointment, starts_at=NEXT_WEEK, by=alice)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.MOVED and not appointment.is_late_change


def test_a_move_in_the_grace_period_after_booking_is_not_late(alice, dana, first_session, frozen):
    booked = services.book_appointment(
        client=alice,
        therapist=dana.therapist,
        session_type=first_session,
        starts_at=TOMORROW_TEN,
        by=dana,
    )
    frozen.shift(timedelta(minutes=5))
    services.reschedule_appointment(appointment=booked, starts_at=NEXT_WEEK, by=alice)

    booked.refresh_from_db()
    assert booked.status == Appointment.Status.MOVED


def test_the_practice_moving_a_session_is_never_the_clients_late_change(
    dana, sam, tomorrows_session
):
    services.reschedule_appointment(appointment=tomorrows_session, starts_at=NEXT_WEEK, by=sam)

    tomorrows_session.refresh_from_db()
    assert tomorrows_session.status == Appointment.Status.MOVED


def test_a_moved_session_cannot_be_moved_again(alice, tomorrows_session):
    services.reschedule_appointment(appointment=tomorrows_session, starts_at=NEXT_WEEK, by=alice)

    with pytest.raises(services.BookingNotAllowed, match="already been moved"):
        services.reschedule_appointment(
            appointment=tomorrows_session, starts_at=denver(15, 10), by=alice
        )


def test_the_move_page_says_beforehand_that_moving_now_is_a_late_change(
    client, alice, tomorrows_session
):
    client.force_login(alice)
    page = client.get(f"/scheduling/sessions/{tomorrows_session.pk}/reschedule/")
    assert "Moving now is a late change" in page.text

    response = client.post(
        f"/scheduling/sessions/{tomorrows_session.pk}/reschedule/",
        {"starts_at": NEXT_WEEK.isoformat()},
        follow=True,
    )
    assert "This counts as a late change." in response.text
    portal = client.get("/portal/")
    assert "moved late" in portal.text


def test_staff_see_a_late_move_and_can_waive_it_once(client, alice, sam, tomorrows_session):
    services.reschedule_appointment(appointment=tomorrows_session, starts_at=NEXT_WEEK, by=alice)
    client.force_login(sam)
    url = f"/scheduling/staff/appointments/{tomorrows_session.pk}/"

    page = client.get(url)
    assert "Moved late" in page.text and "Waive the late change" in page.text

    response = client.post(f"{url}waive/", follow=True)
    assert "The late change is waived" in response.text
    tomorrows_session.refresh_from_db()
    assert tomorrows_session.late_change_waived_by == sam
    assert tomorrows_session.status == Appointment.Status.LATE_MOVED  # the record stays
    assert "Waive the late change" not in response.text

    again = client.post(f"{url}waive/", follow=True)
    assert "The late change is waived" in again.text  # a second click changes nothing
    waived_at = tomorrows_session.late_change_waived_at
    tomorrows_session.refresh_from_db()
    assert tomorrows_session.late_change_waived_at == waived_at


def test_an_on_time_session_cannot_be_waived(client, sam, alice, dana, first_session, frozen):
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NEXT_WEEK, session_type=first_session
    )
    client.force_login(sam)

    response = client.post(f"/scheduling/staff/appointments/{appointment.pk}/waive/", follow=True)

    assert "Only a late cancellation or move can be waived." in response.text
    appointment.refresh_from_db()
    assert appointment.late_change_waived_at is None


def test_the_database_refuses_a_waiver_on_anything_but_a_late_change(
    alice, dana, first_session, frozen
):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=NEXT_WEEK, session_type=first_session
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=appointment.pk).update(late_change_waived_at=timezone.now())


def test_clients_and_therapists_cannot_waive(client, alice, dana, tomorrows_session):
    services.reschedule_appointment(appointment=tomorrows_session, starts_at=NEXT_WEEK, by=alice)
    for person in (alice, dana):
        client.force_login(person)
        url = f"/scheduling/staff/appointments/{tomorrows_session.pk}/waive/"
        assert client.post(url).status_code == 403
    tomorrows_session.refresh_from_db()
    assert tomorrows_session.late_change_waived_at is None
