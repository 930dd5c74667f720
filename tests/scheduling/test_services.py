"""Booking, holding, confirming, cancelling and moving sessions through scheduling.services."""

from datetime import timedelta

import pytest

from practice.models import OutboundMessage, PracticeSettings
from scheduling import services
from scheduling.models import Appointment, TimeOff
from tests.factories import make_appointment, make_client, make_session_type
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db

WEDNESDAY_TEN = denver(9, 10)


def book(client, dana, session_type, starts_at, *, by=None):
    return services.book_appointment(
        client=client,
        therapist=dana.therapist,
        session_type=session_type,
        starts_at=starts_at,
        by=by or client,
    )


def hold(dana, session_type, starts_at, *, key="visitor-1", client=None):
    return services.hold_slot(
        therapist=dana.therapist,
        session_type=session_type,
        starts_at=starts_at,
        hold_key=key,
        client=client,
    )


# Booking ------------------------------------------------------------------------------------


def test_a_client_books_an_open_time_and_gets_one_confirmation(alice, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)

    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.client == alice and appointment.booked_at is not None
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=50)
    message = OutboundMessage.objects.exclude(template="intake_nudge").get()
    assert message.template == "appointment_confirmation" and message.to == alice.email


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (denver(7, 10), "already passed"),
        (denver(8, 10), "at least 24 hours ahead"),
        (denver(7, 10) + timedelta(days=61), "up to 60 days ahead"),
        (denver(9, 20), "not one of Dana's open times"),
        (denver(9, 10, 10), "not one of Dana's open times"),
        (denver(9, 16, 30), "not one of Dana's open times"),  # would end after 17:00
    ],
    ids=["past", "inside-minimum-notice", "beyond-horizon", "outside-hours", "off-grid", "overrun"],
)
def test_a_time_that_is_not_open_is_refused_with_a_reason_and_creates_nothing(
    alice, dana, first_session, frozen, starts_at, message
):
    with pytest.raises(services.SlotUnavailable, match=message) as refused:
        book(alice, dana, first_session, starts_at)

    assert not Appointment.objects.exists() and not OutboundMessage.objects.exists()
    assert refused.value.nearest, "the client is offered other times"
    assert all(slot != starts_at for slot in refused.value.nearest)


def test_a_taken_time_is_refused_with_the_nearest_other_times(
    alice, bob, dana, first_session, frozen
):
    book(alice, dana, first_session, WEDNESDAY_TEN)

    with pytest.raises(services.SlotUnavailable, match="just taken") as refused:
        book(bob, dana, first_session, WEDNESDAY_TEN + timedelta(minutes=30))

    assert Appointment.objects.count() == 1
    assert refused.value.nearest == [denver(9, 9), denver(9, 11), denver(9, 11, 30)]


def test_time_off_closes_the_times_it_covers(alice, dana, first_session, frozen):
    TimeOff.objects.create(
        therapist=dana.therapist, starts_at=denver(9, 0), ends_at=denver(10, 0), reason="Vacation"
    )
    with pytest.raises(services.SlotUnavailable):
        book(alice, dana, first_session, WEDNESDAY_TEN)


def test_a_session_type_the_therapist_does_not_offer_is_refused(alice, dana, first_session, frozen):
    elsewhere = make_session_type(name="Group", therapists=[])
    with pytest.raises(services.BookingNotAllowed, match="does not offer"):
        book(alice, dana, elsewhere, WEDNESDAY_TEN)
    assert not Appointment.objects.exists()


def test_a_new_client_cannot_book_a_session_meant_for_existing_clients(
    alice, dana, first_session, frozen
):
    follow_up = make_session_type(
        name="Follow-up", new_clients_may_book=False, therapists=[dana.therapist]
    )
    with pytest.raises(services.BookingNotAllowed):
        book(alice, dana, follow_up, WEDNESDAY_TEN)

    book(alice, dana, first_session, WEDNESDAY_TEN)
    assert book(alice, dana, follow_up, denver(10, 10)).session_type == follow_up


def test_a_client_cannot_book_for_someone_else(alice, bob, dana, first_session, frozen):
    with pytest.raises(services.BookingNotAllowed):
        book(alice, dana, first_session, WEDNESDAY_TEN, by=bob)
    assert not Appointment.objects.exists()


def test_a_client_with_consent_to_re_sign_is_asked_to_sign_first(
    alice, dana, first_session, frozen, monkeypatch
):
    # consent.status.may_book is the seam the consent app fills in; here it says "not yet".
    monkeypatch.setattr("consent.status.may_book", lambda client: False)
    with pytest.raises(services.BookingNotAllowed, match="sign the updated consent"):
        book(alice, dana, first_session, WEDNESDAY_TEN)
    assert not Appointment.objects.exists()


def test_the_therapist_may_book_inside_the_notice_but_not_outside_their_hours(
    alice, dana, first_session, frozen
):
    tomorrow = book(alice, dana, first_session, denver(8, 10), by=dana)
    assert tomorrow.status == Appointment.Status.BOOKED

    far_ahead = book(alice, dana, first_session, denver(8, 10) + timedelta(days=90), by=dana)
    assert far_ahead.status == Appointment.Status.BOOKED

    with pytest.raises(services.SlotUnavailable, match="open times"):
        book(alice, dana, first_session, denver(9, 20), by=dana)


def test_another_therapist_cannot_book_into_danas_calendar(alice, dana, first_session, frozen):
    from tests.factories import make_therapist

    other = make_therapist(email="other@example.org", first_name="Olive", last_name="Park")
    with pytest.raises(services.BookingNotAllowed):
        book(alice, dana, first_session, WEDNESDAY_TEN, by=other.user)


def test_staff_book_on_a_clients_behalf(alice, dana, sam, first_session, frozen):
    assert book(alice, dana, first_session, WEDNESDAY_TEN, by=sam).client == alice


# Holding and confirming ---------------------------------------------------------------------


def test_a_hold_keeps_the_time_for_ten_minutes(alice, bob, dana, first_session, frozen):
    held = hold(dana, first_session, WEDNESDAY_TEN)

    assert held.status == Appointment.Status.HELD and held.client is None
    assert held.held_until == denver(7, 12, 10)
    with pytest.raises(services.SlotUnavailable, match="just taken"):
        book(bob, dana, first_session, WEDNESDAY_TEN)


def test_an_expired_hold_blocks_nobody(alice, bob, dana, first_session, frozen):
    held = hold(dana, first_session, WEDNESDAY_TEN)
    frozen.shift(timedelta(minutes=11))

    taken = book(bob, dana, first_session, WEDNESDAY_TEN)

    assert not Appointment.objects.filter(pk=held.pk).exists()
    with pytest.raises(services.SlotUnavailable, match="hold on that time ended"):
        services.confirm_booking(appointment_id=held.pk, hold_key="visitor-1", client=alice)
    assert list(Appointment.objects.all()) == [taken]


def test_an_expired_hold_can_still_be_confirmed_while_the_time_is_free(
    alice, dana, first_session, frozen
):
    held = hold(dana, first_session, WEDNESDAY_TEN)
    frozen.shift(timedelta(minutes=30))

    booked = services.confirm_booking(appointment_id=held.pk, hold_key="visitor-1", client=alice)
    assert booked.pk == held.pk and booked.status == Appointment.Status.BOOKED


def test_confirming_twice_books_once_and_confirms_once(alice, dana, first_session, frozen):
    held = hold(dana, first_session, WEDNESDAY_TEN)

    first = services.confirm_booking(appointment_id=held.pk, hold_key="visitor-1", client=alice)
    again = services.confirm_booking(appointment_id=held.pk, hold_key="visitor-1", client=alice)

    assert first.pk == again.pk == held.pk
    assert Appointment.objects.get().status == Appointment.Status.BOOKED
    assert OutboundMessage.objects.filter(template="appointment_confirmation").count() == 1


def test_only_the_visitor_who_holds_a_time_can_confirm_it(alice, bob, dana, first_session, frozen):
    held = hold(dana, first_session, WEDNESDAY_TEN)
    with pytest.raises(services.SlotUnavailable):
        services.confirm_booking(appointment_id=held.pk, hold_key="someone-else", client=bob)
    services.confirm_booking(appointment_id=held.pk, hold_key="visitor-1", client=alice)
    with pytest.raises(services.BookingNotAllowed):
        services.confirm_booking(appointment_id=held.pk, hold_key="visitor-1", client=bob)
    assert Appointment.objects.get().client == alice


def test_holding_another_time_releases_the_first(dana, first_session, frozen):
    hold(dana, first_session, WEDNESDAY_TEN)
    second = hold(dana, first_session, WEDNESDAY_TEN + timedelta(hours=2))
    assert list(Appointment.objects.all()) == [second]


def test_a_refused_hold_keeps_the_visitors_earlier_hold(dana, first_session, frozen):
    first = hold(dana, first_session, WEDNESDAY_TEN)
    with pytest.raises(services.SlotUnavailable):
        hold(dana, first_session, denver(9, 20))
    assert list(Appointment.objects.all()) == [first]


# Cancelling ---------------------------------------------------------------------------------


def booked_long_ago(client, dana, session_type, starts_at):
    appointment = make_appointment(
        therapist=dana.therapist, client=client, starts_at=starts_at, session_type=session_type
    )
    appointment.booked_at = denver(1, 9)
    appointment.save()
    return appointment


def test_cancelling_before_the_window_is_on_time(alice, dana, first_session, frozen):
    appointment = booked_long_ago(alice, dana, first_session, WEDNESDAY_TEN)
    cancelled = services.cancel_appointment(appointment=appointment, by=alice, reason="Work trip")
    assert cancelled.status == Appointment.Status.CANCELLED
    assert cancelled.cancellation_reason == "Work trip" and cancelled.cancelled_at is not None


def test_cancelling_inside_the_window_is_late(alice, dana, first_session, frozen):
    appointment = booked_long_ago(alice, dana, first_session, denver(8, 10))  # 22 h away
    cancelled = services.cancel_appointment(appointment=appointment, by=alice)
    assert cancelled.status == Appointment.Status.LATE_CANCELLED


def test_the_window_is_the_one_staff_set(alice, dana, first_session, frozen):
    practice = PracticeSettings.load()
    practice.cancellation_window = timedelta(hours=48)
    practice.save()
    appointment = booked_long_ago(alice, dana, first_session, denver(9, 10))  # 46 h away
    assert services.cancel_appointment(appointment=appointment, by=alice).status == "late_cancelled"


def test_a_booking_cancelled_within_ten_minutes_of_being_made_is_never_late(
    alice, dana, first_session, frozen
):
    appointment = book(alice, dana, first_session, denver(8, 10), by=dana)  # tomorrow, 22 h away
    frozen.shift(timedelta(minutes=9))
    assert services.cancel_appointment(appointment=appointment, by=alice).status == "cancelled"


def test_after_the_grace_period_the_same_cancellation_is_late(alice, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, denver(8, 10), by=dana)
    frozen.shift(timedelta(minutes=11))
    assert services.cancel_appointment(appointment=appointment, by=alice).status == "late_cancelled"


def test_cancelling_twice_is_harmless_and_stops_pending_messages(
    alice, dana, first_session, frozen
):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)
    OutboundMessage.objects.update(status=OutboundMessage.Status.SCHEDULED)

    services.cancel_appointment(appointment=appointment, by=alice)
    again = services.cancel_appointment(appointment=appointment, by=alice)

    assert again.status == Appointment.Status.CANCELLED
    about_it = OutboundMessage.objects.filter(about_id=appointment.pk)
    assert (
        not about_it.filter(status=OutboundMessage.Status.SCHEDULED)
        .exclude(template="appointment_cancelled")
        .exists()
    )
    assert about_it.filter(template="appointment_cancelled").count() == 1


def test_a_cancelled_time_opens_again(alice, bob, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)
    services.cancel_appointment(appointment=appointment, by=alice)
    assert book(bob, dana, first_session, WEDNESDAY_TEN).client == bob


def test_nobody_else_can_cancel_a_clients_session(alice, bob, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)
    with pytest.raises(services.BookingNotAllowed):
        services.cancel_appointment(appointment=appointment, by=bob)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_session_that_has_started_cannot_be_cancelled(alice, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)
    frozen.move_to(denver(9, 10, 5))
    with pytest.raises(services.BookingNotAllowed, match="already started"):
        services.cancel_appointment(appointment=appointment, by=alice)


def test_the_practice_cancelling_is_never_late_and_stops_pending_messages(
    alice, dana, first_session, frozen
):
    appointment = book(alice, dana, first_session, denver(8, 10), by=dana)  # 22 h away
    frozen.shift(timedelta(minutes=11))
    OutboundMessage.objects.update(status=OutboundMessage.Status.SCHEDULED)

    cancelled = services.cancel_by_practice(appointment=appointment, reason="Dana is unwell")

    assert cancelled.status == Appointment.Status.PRACTICE_CANCELLED
    assert cancelled.cancellation_reason == "Dana is unwell"
    assert not OutboundMessage.objects.filter(
        about_id=appointment.pk, status=OutboundMessage.Status.SCHEDULED
    ).exclude(template="appointment_cancelled")


def test_every_refusal_to_cancel_is_a_booking_error_with_its_reason(
    alice, dana, first_session, frozen
):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)
    services.cancel_by_practice(appointment=appointment, reason="Dana is unwell")
    with pytest.raises(services.BookingError, match="cancelled by the practice"):
        services.cancel_by_practice(appointment=appointment, reason="Again, in another tab")
    with pytest.raises(services.BookingError, match="cannot be changed"):
        services.cancel_appointment(appointment=appointment, by=alice)


# Rescheduling -------------------------------------------------------------------------------


def test_rescheduling_keeps_the_history(alice, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)

    moved = services.reschedule_appointment(
        appointment=appointment, starts_at=denver(10, 14), by=alice
    )

    appointment.refresh_from_db()
    assert moved.rescheduled_from == appointment and moved.status == Appointment.Status.BOOKED
    assert moved.starts_at == denver(10, 14) and moved.client == alice
    assert appointment.status == Appointment.Status.MOVED and not appointment.is_late_change
    assert appointment.cancelled_at is not None and appointment.cancellation_reason == ""
    assert not OutboundMessage.objects.pending_for(appointment).exists()
    assert OutboundMessage.objects.filter(
        about_id=moved.pk, template="appointment_rescheduled"
    ).exists()


def test_a_session_can_move_to_a_time_overlapping_its_own(alice, dana, first_session, frozen):
    appointment = book(alice, dana, first_session, WEDNESDAY_TEN)
    moved = services.reschedule_appointment(
        appointment=appointment, starts_at=WEDNESDAY_TEN + timedelta(minutes=30), by=alice
    )
    assert moved.starts_at == WEDNESDAY_TEN + timedelta(minutes=30)


def test_moving_into_a_taken_time_leaves_the_original_booked(
    alice, bob, dana, first_session, frozen
):
    mine = book(alice, dana, first_session, WEDNESDAY_TEN)
    book(bob, dana, first_session, denver(10, 14))

    with pytest.raises(services.SlotUnavailable, match="just taken"):
        services.reschedule_appointment(appointment=mine, starts_at=denver(10, 14), by=alice)

    mine.refresh_from_db()
    assert mine.status == Appointment.Status.BOOKED
    assert Appointment.objects.filter(status="booked").count() == 2


def test_moving_into_the_minimum_notice_is_refused(alice, dana, first_session, frozen):
    mine = book(alice, dana, first_session, WEDNESDAY_TEN)
    with pytest.raises(services.SlotUnavailable, match="24 hours"):
        services.reschedule_appointment(appointment=mine, starts_at=denver(8, 10), by=alice)


def test_submitting_the_same_move_twice_moves_once(alice, dana, first_session, frozen):
    mine = book(alice, dana, first_session, WEDNESDAY_TEN)
    first = services.reschedule_appointment(appointment=mine, starts_at=denver(10, 14), by=alice)
    again = services.reschedule_appointment(appointment=mine, starts_at=denver(10, 14), by=alice)
    assert first.pk == again.pk
    assert Appointment.objects.count() == 2
    with pytest.raises(services.BookingNotAllowed, match="already been moved"):
        services.reschedule_appointment(appointment=mine, starts_at=denver(11, 14), by=alice)


def test_a_client_cannot_move_someone_elses_session(alice, bob, dana, first_session, frozen):
    mine = book(alice, dana, first_session, WEDNESDAY_TEN)
    with pytest.raises(services.BookingNotAllowed):
        services.reschedule_appointment(appointment=mine, starts_at=denver(10, 14), by=bob)


def test_the_daily_limit_counts_other_clients_sessions(dana, first_session, frozen):
    rules = dana.therapist.booking_rules
    rules.max_sessions_per_day = 2
    rules.save()
    clients = [make_client(email=f"c{n}@example.org") for n in range(3)]
    book(clients[0], dana, first_session, denver(9, 9))
    book(clients[1], dana, first_session, denver(9, 11))
    with pytest.raises(services.SlotUnavailable):
        book(clients[2], dana, first_session, denver(9, 14))


def test_the_therapist_may_book_back_to_back_despite_the_clients_buffer(
    alice, bob, dana, first_session, frozen
):
    rules = dana.therapist.booking_rules
    rules.buffer = timedelta(minutes=15)
    rules.save()
    first = book(alice, dana, first_session, WEDNESDAY_TEN)
    with pytest.raises(services.SlotUnavailable, match="just taken"):
        book(bob, dana, first_session, denver(9, 11))  # 10 minutes after: inside the buffer
    assert book(bob, dana, first_session, first.ends_at, by=dana).starts_at == denver(9, 10, 50)
