"""Two people, one time: taking waitlist offers at once books it once, against real PostgreSQL.

Real threads, each with its own connection, released together by a barrier (the house
pattern of test_concurrency.py); rows are committed for real. The booking services' calendar
lock and exclusion constraint decide; the loser reads a plain sentence and stays on the list.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from scheduling import services, waitlist
from scheduling.links import waitlist_offer_token
from scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from tests.factories import make_booking_rules, make_session_type, make_weekly_hours
from tests.scheduling.conftest import denver
from tests.scheduling.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

REPEATS = 5
# Dana works Tuesdays 09:00-10:30: a 50-minute session can start at 09:00 or at 09:30, and
# the two overlap, so only one of them can be booked.
NINE, HALF_PAST = denver(15, 9), denver(15, 9, 30)


@pytest.fixture
def session(dana):
    make_weekly_hours(therapist=dana.therapist, weekdays=[1], start="09:00", end="10:30")
    make_booking_rules(therapist=dana.therapist, horizon=timedelta(days=8))
    return make_session_type(name="First session", minutes=50, therapists=[dana.therapist])


def join_for_mornings(*people, therapist, session_type) -> None:
    for person in people:
        waitlist.join_waitlist(
            client=person,
            therapist=therapist,
            session_type=session_type,
            parts_of_day=["morning"],
            weekdays=[],
        )


def offers_afresh(therapist) -> list[WaitlistOffer]:
    """Start an attempt again as if everyone joined when nothing suited; then offer."""
    WaitlistOffer.objects.all().delete()
    Appointment.objects.all().delete()
    WaitlistEntry.objects.update(status="waiting", ended_at=None, wants_before=None)
    return waitlist.offer_open_times(therapist=therapist, now=timezone.now())


def book_from_offer(offer: WaitlistOffer):
    """What the person's browser does: post the offer's signed link, logged out."""
    return Client().post(f"/scheduling/waitlist/offers/{waitlist_offer_token(offer.pk)}/book/")


def test_two_people_taking_offers_of_one_time_at_once_get_one_booking(
    alice, bob, dana, session, frozen
):
    join_for_mornings(alice, bob, therapist=dana.therapist, session_type=session)
    for attempt in range(REPEATS):
        offers = offers_afresh(dana.therapist)
        # First joined, first offered: Alice the earlier time, Bob the one overlapping it.
        assert [(o.entry.client, o.starts_at) for o in offers] == [(alice, NINE), (bob, HALF_PAST)]

        responses = race(2, lambda n, offers=offers: book_from_offer(offers[n]))

        booked = Appointment.objects.get(status="booked")
        assert booked.client in (alice, bob), attempt
        winner, loser = (0, 1) if booked.client == alice else (1, 0)
        assert responses[winner].status_code == 302
        assert responses[loser].status_code == 200
        assert waitlist.GONE_MESSAGE in responses[loser].content.decode()
        assert WaitlistOffer.objects.get(pk=offers[winner].pk).status == "taken"
        assert WaitlistOffer.objects.get(pk=offers[loser].pk).status == "gone"
        statuses = dict(WaitlistEntry.objects.values_list("client", "status"))
        assert statuses == {booked.client_id: "booked", offers[loser].entry.client_id: "waiting"}


def test_an_offer_and_the_booking_page_at_once_book_the_time_once(
    alice, bob, dana, session, frozen
):
    join_for_mornings(alice, therapist=dana.therapist, session_type=session)
    for attempt in range(REPEATS):
        [offer] = offers_afresh(dana.therapist)

        def attempt_(n: int, offer=offer):
            if n == 0:
                return book_from_offer(offer)
            return services.book_appointment(
                client=bob, therapist=dana.therapist, session_type=session, starts_at=NINE, by=bob
            )

        outcomes = race(2, attempt_)

        booked = Appointment.objects.get(status="booked")
        if booked.client == alice:
            assert isinstance(outcomes[1], services.SlotUnavailable), attempt
        else:
            assert waitlist.GONE_MESSAGE in outcomes[0].content.decode(), attempt
            assert WaitlistEntry.objects.get(client=alice).status == "waiting"


def test_a_double_click_on_an_offer_books_once_and_both_clicks_see_the_booking(
    alice, dana, session, frozen
):
    join_for_mornings(alice, therapist=dana.therapist, session_type=session)
    for attempt in range(REPEATS):
        [offer] = offers_afresh(dana.therapist)

        responses = race(2, lambda n, offer=offer: book_from_offer(offer))

        assert [r.status_code for r in responses] == [302, 302], attempt
        assert Appointment.objects.filter(client=alice, status="booked").count() == 1
        assert WaitlistOffer.objects.get().status == "taken"
