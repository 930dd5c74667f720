"""Many people at once against real PostgreSQL: each thread has its own connection.

These tests commit for real (transactional), so the exclusion constraint, not the Python
check, is what stands between the racers.
"""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connections

from scheduling import services
from scheduling.models import Appointment
from tests.factories import make_appointment, make_client
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 24
SLOT = denver(9, 10)


def race(count: int, attempt: Callable[[int], object]) -> list[object]:
    """Run attempt(0..count-1) in as many threads, released together; return outcomes."""
    start = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(number: int) -> None:
        try:
            start.wait()
            outcomes[number] = attempt(number)
        except Exception as error:  # noqa: BLE001  (the outcome is what the test inspects)
            outcomes[number] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def kinds(outcomes: list[object]) -> Counter:
    return Counter(type(outcome).__name__ for outcome in outcomes)


def test_many_clients_confirming_one_slot_at_once_get_exactly_one_booking(
    dana, first_session, frozen
):
    clients = [make_client(email=f"racer{n}@example.org") for n in range(RACERS)]

    outcomes = race(
        RACERS,
        lambda n: services.book_appointment(
            client=clients[n],
            therapist=dana.therapist,
            session_type=first_session,
            starts_at=SLOT,
            by=clients[n],
        ),
    )

    assert kinds(outcomes) == {"Appointment": 1, "SlotUnavailable": RACERS - 1}
    assert Appointment.objects.filter(starts_at=SLOT).count() == 1
    refused = [o for o in outcomes if isinstance(o, services.SlotUnavailable)]
    assert all("just taken" in str(error) and error.nearest for error in refused)


def test_many_visitors_holding_one_slot_at_once_get_exactly_one_hold(dana, first_session, frozen):
    outcomes = race(
        RACERS,
        lambda n: services.hold_slot(
            therapist=dana.therapist,
            session_type=first_session,
            starts_at=SLOT,
            hold_key=f"visitor-{n}",
        ),
    )
    assert kinds(outcomes) == {"Appointment": 1, "SlotUnavailable": RACERS - 1}
    assert Appointment.objects.get().status == Appointment.Status.HELD


def test_an_expired_hold_in_the_way_still_lets_exactly_one_through(dana, first_session, frozen):
    services.hold_slot(
        therapist=dana.therapist, session_type=first_session, starts_at=SLOT, hold_key="gone"
    )
    frozen.shift(timedelta(minutes=15))
    clients = [make_client(email=f"racer{n}@example.org") for n in range(RACERS)]

    outcomes = race(
        RACERS,
        lambda n: services.book_appointment(
            client=clients[n],
            therapist=dana.therapist,
            session_type=first_session,
            starts_at=SLOT,
            by=clients[n],
        ),
    )

    assert kinds(outcomes) == {"Appointment": 1, "SlotUnavailable": RACERS - 1}
    assert list(Appointment.objects.values_list("status", flat=True)) == ["booked"]


def test_clients_moving_into_the_same_free_slot_at_once_move_at_most_one(
    dana, first_session, frozen
):
    # Each client has a session on a different day; all try to move into the same free time.
    clients = [make_client(email=f"mover{n}@example.org") for n in range(RACERS)]
    originals = [
        make_appointment(
            therapist=dana.therapist,
            client=client,
            starts_at=denver(9, 9) + timedelta(days=n + 1),
            session_type=first_session,
        )
        for n, client in enumerate(clients)
    ]

    outcomes = race(
        RACERS,
        lambda n: services.reschedule_appointment(
            appointment=originals[n], starts_at=SLOT, by=clients[n]
        ),
    )

    assert kinds(outcomes) == {"Appointment": 1, "SlotUnavailable": RACERS - 1}
    moved = next(o for o in outcomes if isinstance(o, Appointment))
    for original in originals:
        original.refresh_from_db()
        expected = "moved" if original.pk == moved.rescheduled_from_id else "booked"
        assert original.status == expected
    assert Appointment.objects.filter(starts_at=SLOT).get() == moved


def test_many_browsers_choosing_one_slot_at_once_never_see_a_server_error(
    dana, first_session, frozen
):
    from django.test import Client

    browsers = [Client() for _ in range(RACERS)]

    outcomes = race(
        RACERS,
        lambda n: browsers[n].post(
            "/scheduling/book/dana-whitfield/hold/",
            {"session_type": first_session.pk, "starts_at": SLOT.isoformat()},
        ),
    )

    statuses = Counter(response.status_code for response in outcomes)
    assert statuses == {302: 1, 200: RACERS - 1}
    refused = [response for response in outcomes if response.status_code == 200]
    assert all("Sorry, that time was just taken." in r.text for r in refused)
    assert all("Nearest open times" in r.text for r in refused)
    assert Appointment.objects.count() == 1
