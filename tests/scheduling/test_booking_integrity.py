"""A confirmed booking is never lost, and every booking limit holds with many people at once.

Real threads, each with its own PostgreSQL connection, released together by a barrier; the rows
are committed for real. Each of these failed on the code before the calendar lock and the
re-checked hold release: a client was told "booked" and the row was gone, or a therapist's
daily limit and buffer were exceeded.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.test import override_settings

from practice.models import OutboundMessage
from scheduling import services
from scheduling.models import Appointment
from tests.factories import (
    make_booking_rules,
    make_client,
    make_session_type,
    make_therapist,
    make_weekly_hours,
)
from tests.scheduling.conftest import denver
from tests.scheduling.test_concurrency import kinds, race

pytestmark = pytest.mark.django_db(transaction=True)

SLOT = denver(9, 10)
OTHERS = 20
REPEATS = 20


def hold(therapist, session_type, starts_at, key, **kwargs):
    return services.hold_slot(
        therapist=therapist, session_type=session_type, starts_at=starts_at, hold_key=key, **kwargs
    )


def test_an_expired_holds_owner_who_confirms_while_others_hold_the_time_stays_booked(
    dana, first_session, frozen
):
    owner = make_client(email="owner@example.org")
    for attempt in range(REPEATS):
        Appointment.objects.all().delete()
        OutboundMessage.objects.all().delete()
        held = hold(dana.therapist, first_session, SLOT, f"owner-{attempt}")
        frozen.shift(timedelta(minutes=11))  # the owner's hold has just run out

        def attempt_(n: int, held=held, attempt=attempt):
            if n == 0:
                return services.confirm_booking(
                    appointment_id=held.pk, hold_key=held.hold_key, client=owner
                )
            return hold(dana.therapist, first_session, SLOT, f"other-{attempt}-{n}")

        outcomes = race(OTHERS + 1, attempt_)
        frozen.shift(timedelta(minutes=-11))

        told_booked = isinstance(outcomes[0], Appointment)
        rows = Appointment.objects.filter(starts_at=SLOT)
        assert rows.count() == 1, f"attempt {attempt}: {kinds(outcomes)}"
        if told_booked:
            assert rows.get().pk == held.pk and rows.get().status == "booked"
            assert rows.get().client == owner
            confirmations = OutboundMessage.objects.filter(template="appointment_confirmation")
            assert confirmations.count() == 1
        else:
            assert isinstance(outcomes[0], services.SlotUnavailable), outcomes[0]
            assert rows.get().status == "held"


@pytest.mark.parametrize("tab_b", ["same therapist", "another therapist"])
def test_confirming_hold_a_while_choosing_time_b_in_another_tab_keeps_booking_a(
    alice, dana, first_session, frozen, tab_b
):
    held = hold(dana.therapist, first_session, SLOT, "two-tabs")
    therapist_b, session_b = dana.therapist, first_session
    if tab_b == "another therapist":
        therapist_b = make_therapist(email="eli@example.org", first_name="Eli", last_name="Park")
        make_weekly_hours(therapist=therapist_b)
        session_b = make_session_type(name="First session", therapists=[therapist_b])
    outcomes = while_the_first_is_open(
        lambda: services.confirm_booking(appointment_id=held.pk, hold_key="two-tabs", client=alice),
        lambda: hold(therapist_b, session_b, denver(10, 10), "two-tabs"),
    )

    assert all(isinstance(outcome, Appointment) for outcome in outcomes), outcomes
    booked = Appointment.objects.get(pk=held.pk)
    assert booked.status == "booked" and booked.client == alice
    assert OutboundMessage.objects.filter(template="appointment_confirmation").count() == 1


def test_a_booked_hold_is_never_released_by_the_visitors_next_hold(
    alice, dana, first_session, frozen
):
    held = hold(dana.therapist, first_session, SLOT, "one-visitor")
    services.confirm_booking(appointment_id=held.pk, hold_key="one-visitor", client=alice)

    hold(dana.therapist, first_session, denver(10, 10), "one-visitor")

    assert Appointment.objects.get(pk=held.pk).status == "booked"
    assert Appointment.objects.filter(status="held").count() == 1


def test_sixteen_visitors_holding_different_times_of_one_day_never_pass_the_daily_limit(
    dana, frozen
):
    make_booking_rules_for(dana, max_sessions_per_day=6)
    short = make_session_type(name="Check-in", minutes=25, therapists=[dana.therapist])
    times = [denver(9, 9) + timedelta(minutes=30 * n) for n in range(16)]  # 09:00 ... 16:30

    outcomes = race(16, lambda n: hold(dana.therapist, short, times[n], f"visitor-{n}"))

    assert kinds(outcomes) == {"Appointment": 6, "SlotUnavailable": 10}
    assert Appointment.objects.filter(status="held").count() == 6
    refused = [o for o in outcomes if isinstance(o, services.SlotUnavailable)]
    assert all("day is now full" in str(error) for error in refused)


def test_back_to_back_holds_racing_past_the_buffer_check_let_only_one_through(dana, frozen):
    make_booking_rules_for(dana, buffer=timedelta(minutes=10))
    session = make_session_type(name="Half hour", minutes=30, therapists=[dana.therapist])
    first, second = while_the_first_is_open(
        lambda: hold(dana.therapist, session, SLOT, "first"),  # 10:00-10:30
        lambda: hold(dana.therapist, session, SLOT + timedelta(minutes=30), "second"),
    )

    assert isinstance(first, Appointment)
    assert isinstance(second, services.SlotUnavailable) and str(second) == services.TAKEN
    assert Appointment.objects.filter(status="held").count() == 1


@override_settings(HOLD_LIMIT_PER_ADDRESS=3)
def test_many_holds_at_once_from_one_address_never_pass_its_limit(dana, first_session, frozen):
    times = [denver(9, 9) + timedelta(hours=n) for n in range(8)]

    outcomes = race(
        8, lambda n: hold(dana.therapist, first_session, times[n], f"s-{n}", address="203.0.113.9")
    )

    assert kinds(outcomes) == {"Appointment": 3, "BookingNotAllowed": 5}
    assert Appointment.objects.count() == 3


def while_the_first_is_open(first, second) -> list[object]:
    """Run first() in a transaction held open half a second after it returns, as a slow request
    would, and second() in another thread once first() has written; return both outcomes."""
    written = threading.Event()
    outcomes: list[object] = [None, None]

    def run(number: int, attempt) -> None:
        try:
            if number == 0:
                with transaction.atomic():
                    outcomes[0] = attempt()
                    written.set()
                    threading.Event().wait(0.5)
            else:
                written.wait(10)
                outcomes[1] = attempt()
        except Exception as error:  # noqa: BLE001  (the outcome is what the test inspects)
            outcomes[number] = error
        finally:
            written.set()
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def make_booking_rules_for(dana, **rules):
    """Dana works 09:00-17:00 every day, with these booking rules."""
    make_weekly_hours(therapist=dana.therapist)
    return make_booking_rules(therapist=dana.therapist, **rules)
