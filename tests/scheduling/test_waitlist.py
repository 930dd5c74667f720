"""The waitlist: a time that opens is offered to the first person waiting whom it suits, one
person at a time, by e-mail; never a time that is gone; an offer runs out or is declined and
passes on; the person who books from it gets the time through the ordinary booking rules."""

import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from practice import outbox
from practice.models import OutboundMessage
from scheduling import services, waitlist
from scheduling.links import waitlist_offer_token
from scheduling.models import Appointment, AvailabilityException, WaitlistEntry, WaitlistOffer
from tests.factories import (
    make_appointment,
    make_booking_rules,
    make_client,
    make_contact_preference,
    make_session_type,
    make_weekly_hours,
)
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db

# Dana works Tuesdays 09:00-10:00 and takes bookings 24 hours to 8 days ahead: from Monday
# 7 January at noon, the one time a 50-minute session can have is Tuesday 15 January, 09:00.
SLOT = denver(15, 9)
ALL_DAY = ["morning", "afternoon", "evening"]


@pytest.fixture
def session(dana):
    make_weekly_hours(therapist=dana.therapist, weekdays=[1], start="09:00", end="10:00")
    make_booking_rules(therapist=dana.therapist, horizon=timedelta(days=8))
    return make_session_type(name="Exposure therapy", minutes=50, therapists=[dana.therapist])


@pytest.fixture
def carols(dana, session, frozen):
    """Carol's booking takes the one open time."""
    carol = make_client(email="carol@example.org", first_name="Carol")
    return make_appointment(
        therapist=dana.therapist, client=carol, starts_at=SLOT, session_type=session
    )


def join(client_user, dana, session, parts=ALL_DAY, weekdays=()) -> WaitlistEntry:
    return waitlist.join_waitlist(
        client=client_user,
        therapist=dana.therapist,
        session_type=session,
        parts_of_day=list(parts),
        weekdays=list(weekdays),
    )


def cancel(appointment, capture) -> None:
    with capture(execute=True):
        services.cancel_appointment(appointment=appointment, by=appointment.client)


def offer_mail(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to] and "time has opened" in m.subject]


def offer_path(offer: WaitlistOffer) -> str:
    return f"/scheduling/waitlist/offers/{waitlist_offer_token(offer.pk)}/"


# Which times suit whom (pure) -----------------------------------------------------------------


def test_times_of_day_and_weekdays_are_read_on_the_clients_own_clock(alice, dana, session):
    entry = WaitlistEntry(
        client=alice, therapist=dana.therapist, session_type=session, evenings=True, weekdays="1"
    )
    berlin = ZoneInfo("Europe/Berlin")
    # Tuesday 09:00 in Denver is Tuesday 17:00 in Berlin: an evening there.
    assert waitlist.suits(entry, SLOT, berlin)
    assert not waitlist.suits(entry, SLOT, ZoneInfo("America/Denver"))
    assert waitlist.part_of_day(denver(15, 11, 59), ZoneInfo("America/Denver")) == "morning"
    assert waitlist.part_of_day(denver(15, 12), ZoneInfo("America/Denver")) == "afternoon"
    assert waitlist.part_of_day(denver(15, 17), ZoneInfo("America/Denver")) == "evening"
    entry.weekdays = "0"  # Mondays only
    assert not waitlist.suits(entry, SLOT, berlin)


# Offering, in order ---------------------------------------------------------------------------


def test_a_cancelled_time_is_e_mailed_to_the_first_who_joined_and_nobody_else(
    alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    join(bob, dana, session)
    assert not WaitlistOffer.objects.exists()  # nothing was open when they joined

    cancel(carols, django_capture_on_commit_callbacks)

    offer = WaitlistOffer.objects.get()
    assert offer.entry.client == alice and offer.starts_at == SLOT
    assert offer.expires_at == timezone.now() + timedelta(hours=2)
    [email] = offer_mail("alice@example.org")
    assert email.subject == "A time has opened with Dana"
    assert "Tuesday 15 January 2030, 9:00 AM MST" in email.body
    assert "until Monday 7 January 2030, 2:00 PM MST" in email.body
    assert "Exposure" not in email.subject + email.body  # never the kind of session
    assert offer_path(offer) in email.body
    assert not offer_mail("bob@example.org")


def test_a_time_that_does_not_suit_the_first_person_goes_to_the_next_it_suits(
    alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session, parts=["afternoon"])  # Tuesday 09:00 is a morning in Denver
    join(bob, dana, session, parts=["morning"])

    cancel(carols, django_capture_on_commit_callbacks)

    assert WaitlistOffer.objects.get().entry.client == bob
    assert not offer_mail("alice@example.org") and offer_mail("bob@example.org")


def test_an_offer_that_runs_out_passes_to_the_next_person_and_never_back(
    alice, bob, dana, session, carols, frozen, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    join(bob, dana, session)
    cancel(carols, django_capture_on_commit_callbacks)

    frozen.shift(timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.sweep_waitlist(now=timezone.now()) == 1

    alices, bobs = WaitlistOffer.objects.order_by("pk")
    assert alices.status == "expired" and alices.entry.client == alice
    assert bobs.status == "open" and bobs.entry.client == bob and bobs.starts_at == SLOT
    assert len(offer_mail("bob@example.org")) == 1

    frozen.shift(timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.sweep_waitlist(now=timezone.now()) == 0  # Alice had it already
    assert len(offer_mail("alice@example.org")) == 1
    assert WaitlistEntry.objects.filter(status="waiting").count() == 2


def test_a_declined_offer_passes_on_and_the_person_stays_on_the_list(
    client, alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    join(bob, dana, session)
    cancel(carols, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offer_path(offer) + "decline/")

    assert response.status_code == 302 and response.url == offer_path(offer)
    page = client.get(response.url).content.decode()
    assert "This offer has ended: you passed it on." in page
    assert "You are still on the waitlist" in page
    offer.refresh_from_db()
    assert offer.status == "declined"
    assert WaitlistOffer.objects.get(status="open").entry.client == bob
    assert offer_mail("bob@example.org")


def test_with_a_suitable_time_open_when_joining_only_earlier_times_are_offered(
    alice, dana, session, frozen
):
    entry = join(alice, dana, session)  # Tuesday 09:00 is open: Alice chose to wait
    assert entry.wants_before == SLOT
    later = AvailabilityException.objects.create(
        therapist=dana.therapist, date=date(2030, 1, 15), start=time(9), end=time(12)
    )
    assert waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now()) == []

    AvailabilityException.objects.create(
        therapist=dana.therapist, date=date(2030, 1, 10), start=time(13), end=time(14)
    )
    [offer] = waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now())
    assert offer.starts_at == denver(10, 13) and later.pk


def test_new_hours_are_offered_to_the_waitlist(
    client, alice, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    client.force_login(dana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/scheduling/availability/days/",
            {"date": "2030-01-10", "start": "13:00", "end": "15:00", "note": ""},
        )

    offer = WaitlistOffer.objects.get()
    assert offer.starts_at == denver(10, 13) and offer.entry.client == alice
    assert offer_mail("alice@example.org")


def test_removed_time_off_is_offered_to_the_waitlist(
    client, alice, dana, session, frozen, django_capture_on_commit_callbacks
):
    from scheduling.models import TimeOff

    away = TimeOff.objects.create(
        therapist=dana.therapist, starts_at=denver(14, 0), ends_at=denver(16, 0)
    )
    join(alice, dana, session)
    assert not WaitlistOffer.objects.exists()

    client.force_login(dana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/scheduling/availability/time-off/{away.pk}/delete/")

    assert WaitlistOffer.objects.get().starts_at == SLOT


# Never a time that is gone ------------------------------------------------------------------


def test_nobody_is_told_about_a_time_taken_before_the_e_mail_goes(
    alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    # The cancellation commits and the offer is written, but its e-mail has not gone yet...
    services.cancel_appointment(appointment=carols, by=carols.client)
    waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now())
    message = OutboundMessage.objects.get(template="waitlist_offer")
    # ...when Bob books the time on the booking page.
    services.book_appointment(
        client=bob, therapist=dana.therapist, session_type=session, starts_at=SLOT, by=bob
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.send_message(message.pk) is False

    message.refresh_from_db()
    assert message.status == "skipped" and message.status_reason == "the time was no longer open"
    assert not offer_mail("alice@example.org")
    offer = WaitlistOffer.objects.get()
    assert offer.status == "gone"
    assert WaitlistEntry.objects.get(client=alice).status == "waiting"


def test_matching_never_offers_a_booked_or_held_time_and_the_sweep_finds_a_lapsed_hold(
    alice, dana, session, carols, frozen
):
    join(alice, dana, session)
    assert waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now()) == []

    services.cancel_appointment(appointment=carols, by=carols.client)
    services.hold_slot(
        therapist=dana.therapist, session_type=session, starts_at=SLOT, hold_key="a-visitor"
    )
    assert waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now()) == []

    frozen.shift(timedelta(minutes=11))  # the hold ran out: nothing but beat's sweep sees it
    assert waitlist.sweep_waitlist(now=timezone.now()) == 1
    assert WaitlistOffer.objects.get().starts_at == SLOT


def test_an_offer_waits_for_sending_hours_and_lasts_from_then(
    alice, dana, session, carols, frozen, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    frozen.move_to(denver(7, 22, 30))  # night in Denver
    cancel(carols, django_capture_on_commit_callbacks)

    offer = WaitlistOffer.objects.get()
    assert offer.offered_at == denver(8, 8) and offer.expires_at == denver(8, 10)
    assert not offer_mail("alice@example.org")
    message = OutboundMessage.objects.get(template="waitlist_offer")
    assert message.due_at == denver(8, 8)


def test_contact_choices_without_e_mail_are_respected_when_offering_and_when_sending(
    alice, bob, dana, session, carols
):
    join(alice, dana, session)
    join(bob, dana, session)
    make_contact_preference(client=alice, email=False, sms=False)
    services.cancel_appointment(appointment=carols, by=carols.client)

    [offer] = waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now())
    assert offer.entry.client == bob  # no e-mail can reach Alice, so Bob is next
    make_contact_preference(client=bob, email=False, sms=True)  # before the e-mail goes
    message = OutboundMessage.objects.get(template="waitlist_offer")
    assert outbox.send_message(message.pk) is False

    message.refresh_from_db()
    assert message.status == "skipped"
    assert message.status_reason == "the client's consent does not allow e-mails"
    offer.refresh_from_db()
    assert offer.status == "unsent"
    assert not offer_mail("bob@example.org") and not offer_mail("alice@example.org")


# Taking an offer ------------------------------------------------------------------------------


def test_taking_an_offer_books_the_time_once_and_ends_the_wait(
    client, alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    join(bob, dana, session)
    cancel(carols, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    page = client.get(offer_path(offer)).content.decode()
    assert "Tuesday 15 January 2030, 9:00 AM MST" in page
    assert "offered to you until <strong>2:00 PM MST</strong>" in page

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(offer_path(offer) + "book/")
        again = client.post(offer_path(offer) + "book/")  # a double click

    assert first.url == again.url == offer_path(offer)
    booked = Appointment.objects.get(client=alice)
    assert booked.starts_at == SLOT and booked.status == "booked"
    offer.refresh_from_db()
    assert offer.status == "taken" and offer.appointment == booked
    assert WaitlistEntry.objects.get(client=alice).status == "booked"
    assert "You are booked" in client.get(offer_path(offer)).content.decode()
    confirmations = [m for m in mail.outbox if m.subject.startswith("Your appointment on")]
    confirmations = [m for m in confirmations if not m.subject.endswith("cancelled")]
    assert [m.to for m in confirmations] == [["alice@example.org"]]
    assert not WaitlistOffer.objects.filter(entry__client=bob).exists()  # the time is gone


def test_a_video_offer_asks_where_the_client_will_be_before_it_is_used(
    client, alice, dana, frozen, django_capture_on_commit_callbacks
):
    make_weekly_hours(therapist=dana.therapist, weekdays=[1], start="09:00", end="10:00")
    make_booking_rules(therapist=dana.therapist, horizon=timedelta(days=8))
    video = make_session_type(name="Video", modality="telehealth", therapists=[dana.therapist])
    carol = make_client(email="carol@example.org")
    carols = make_appointment(
        therapist=dana.therapist, client=carol, starts_at=SLOT, session_type=video
    )
    join(alice, dana, video)
    cancel(carols, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    assert "Where will you be during the session?" in client.get(offer_path(offer)).text

    refused = client.post(offer_path(offer) + "book/", {"location": "TX"})

    assert "Dana can meet by video only while you are in Colorado." in refused.text
    assert "or with a therapist licensed where you will be." in refused.text
    assert 'value="TX" selected' in refused.text  # the answer is kept
    offer.refresh_from_db()
    assert offer.status == "open"  # a wrong answer does not use up the offer

    with django_capture_on_commit_callbacks(execute=True):
        client.post(offer_path(offer) + "book/", {"location": "CO"})
    assert Appointment.objects.get(client=alice).client_location == "CO"


def test_an_offer_taken_after_the_time_went_says_so_plainly_and_keeps_the_place(
    client, alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    cancel(carols, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    services.book_appointment(
        client=bob, therapist=dana.therapist, session_type=session, starts_at=SLOT, by=bob
    )

    response = client.post(offer_path(offer) + "book/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time was just taken. You are still on the waitlist" in page
    assert not Appointment.objects.filter(client=alice).exists()
    assert WaitlistOffer.objects.get().status == "gone"
    assert WaitlistEntry.objects.get(client=alice).status == "waiting"


def test_an_offer_that_ran_out_cannot_be_booked(
    client, alice, dana, session, carols, frozen, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    cancel(carols, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    frozen.shift(timedelta(hours=2, seconds=1))

    response = client.post(offer_path(offer) + "book/")

    assert waitlist.ENDED_MESSAGE in response.content.decode()
    assert not Appointment.objects.filter(client=alice).exists()


def test_an_offer_is_opened_only_by_its_own_link_and_person(
    client, alice, bob, dana, session, carols, django_capture_on_commit_callbacks
):
    join(alice, dana, session)
    cancel(carols, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    path = offer_path(offer)

    client.force_login(bob)
    assert client.get(path).status_code == 404
    assert client.post(path + "book/").status_code == 404
    assert client.post(path + "decline/").status_code == 404
    assert client.post(f"/scheduling/waitlist/{offer.entry_id}/leave/").status_code == 404
    client.force_login(alice)
    assert client.get(path).status_code == 200
    forged = path.replace(waitlist_offer_token(offer.pk), waitlist_offer_token(offer.pk) + "x")
    assert client.get(forged).status_code == 404
    offer.refresh_from_db()
    assert offer.status == "open" and WaitlistEntry.objects.get().status == "waiting"


# Joining, the portal and staff's list ---------------------------------------------------------


def test_a_client_joins_from_the_booking_page_and_leaves_from_the_portal(
    client, alice, dana, session, frozen
):
    book_page = client.get(f"/scheduling/book/{dana.therapist.slug}/").content.decode()
    join_url = f"/scheduling/waitlist/join/?therapist={dana.therapist.slug}&amp;session_type="
    assert join_url in book_page
    response = client.get("/scheduling/waitlist/join/")
    assert response.status_code == 302 and "/accounts/login/" in response.url

    client.force_login(alice)
    form = {
        "therapist": dana.therapist.slug,
        "session_type": session.pk,
        "parts_of_day": ["morning", "evening"],
        "weekdays": ["1", "3"],
    }
    response = client.post("/scheduling/waitlist/join/", form, follow=True)
    assert response.redirect_chain == [("/portal/", 302)]
    assert (
        "The earliest open time that suits you now is Tuesday 15 January 2030, 9:00 AM MST"
        in response.content.decode()
    )
    client.post("/scheduling/waitlist/join/", form)  # twice: one place in line
    entry = WaitlistEntry.objects.get()
    assert (entry.mornings, entry.afternoons, entry.evenings, entry.weekdays) == (
        True,
        False,
        True,
        "13",
    )
    portal = client.get("/portal/").content.decode()
    assert "Exposure therapy with Dana Whitfield · mornings, evenings · Tuesday, Thursday" in portal

    response = client.post(f"/scheduling/waitlist/{entry.pk}/leave/")
    assert response.url == "/portal/"
    entry.refresh_from_db()
    assert entry.status == "left"
    assert "On the waitlist" not in client.get("/portal/").content.decode()


def test_joining_without_a_time_of_day_is_refused_with_the_answers_kept(
    client, alice, dana, session
):
    client.force_login(alice)
    response = client.post(
        "/scheduling/waitlist/join/",
        {"therapist": dana.therapist.slug, "session_type": session.pk, "weekdays": ["2"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please choose at least one time of day." in page
    assert re.search(r'value="2"[^>]*checked', page)
    assert not WaitlistEntry.objects.exists()


def test_a_kind_of_session_the_therapist_does_not_offer_is_refused(client, alice, dana, session):
    other = make_session_type(name="Couples session", therapists=[])
    client.force_login(alice)
    response = client.post(
        "/scheduling/waitlist/join/",
        {"therapist": dana.therapist.slug, "session_type": other.pk, "parts_of_day": ALL_DAY},
    )
    assert "Please choose one of the sessions listed." in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_new_client_cannot_wait_for_a_kind_only_existing_clients_book(client, alice, dana):
    follow_up = make_session_type(
        name="Follow-up", new_clients_may_book=False, therapists=[dana.therapist]
    )
    client.force_login(alice)
    pages = [
        client.post(
            "/scheduling/waitlist/join/",
            {"therapist": therapist, "session_type": follow_up.pk, "parts_of_day": ALL_DAY},
        ).content.decode()
        for therapist in (dana.therapist.slug, "")
    ]
    assert "Dana does not offer that kind of session online." in pages[0]
    assert "None of our therapists offers that kind of session to you online." in pages[1]
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize("entries", [1, 6])
def test_the_portal_lists_waitlist_places_with_a_fixed_number_of_queries(
    client, alice, dana, session, entries, django_assert_num_queries
):
    kinds = [session] + [
        make_session_type(name=f"Kind {n}", therapists=[dana.therapist]) for n in range(5)
    ]
    for kind in kinds[:entries]:
        join(alice, dana, kind)
    client.force_login(alice)
    client.get("/portal/")  # sessions, caches and the like settle

    with django_assert_num_queries(QUERIES_OF_THE_PORTAL):
        page = client.get("/portal/").content.decode()

    assert page.count("Leave the waitlist") == entries


QUERIES_OF_THE_PORTAL = 12  # as tests/scheduling/test_client_sessions.py counts them


@pytest.mark.parametrize("entries", [1, 6])
def test_staff_see_the_waitlist_per_therapist_with_a_fixed_number_of_queries(
    client, sam, dana, session, carols, entries, django_assert_num_queries
):
    people = [make_client(email=f"waiting{n}@example.org") for n in range(entries)]
    for person in people:
        join(person, dana, session)
    client.force_login(sam)
    client.get("/scheduling/staff/waitlist/")

    with django_assert_num_queries(QUERIES_OF_THE_STAFF_LIST):
        page = client.get(f"/scheduling/staff/waitlist/?therapist={dana.therapist.pk}")

    assert [e.client for e in page.context["entries"]] == people
    assert client.get("/scheduling/staff/waitlist/?therapist=999999").status_code == 404


QUERIES_OF_THE_STAFF_LIST = 6
