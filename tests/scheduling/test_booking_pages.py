"""A visitor books from a therapist's profile: choose a type and a time, hold it, confirm it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from practice.models import OutboundMessage
from scheduling.models import Appointment
from tests.factories import (
    make_appointment,
    make_booking_rules,
    make_many_appointments,
    make_session_type,
    make_weekly_hours,
)
from tests.scheduling.conftest import DENVER, denver, queries_of_two_looks

pytestmark = pytest.mark.django_db

BOOK = "/scheduling/book/dana-whitfield/"
HOLD = "/scheduling/book/dana-whitfield/hold/"
WEDNESDAY_TEN = denver(9, 10)


def hold_time(client, session_type, starts_at, *, tz="America/New_York"):
    return client.post(
        HOLD, {"session_type": session_type.pk, "starts_at": starts_at.isoformat(), "tz": tz}
    )


def held_appointment_id(response) -> int:
    match = re.fullmatch(r"/scheduling/holds/(\d+)/", response.url)
    assert match is not None, response.url
    return int(match.group(1))


def day_section(html: str, day: str) -> str:
    return html.split(f'<h3 id="day-{day}">')[1].split("<h3")[0]


# The week of open times ---------------------------------------------------------------------


def test_the_profile_links_to_the_booking_page(client, dana, first_session):
    response = client.get("/therapists/dana-whitfield/")
    assert f'href="{BOOK}"' in response.text


def test_open_times_are_shown_in_the_visitors_zone_with_its_name(
    client, dana, first_session, frozen
):
    response = client.get(BOOK, {"session_type": first_session.pk, "tz": "America/New_York"})

    assert response.status_code == 200
    assert "New York time (EST)" in response.text
    # Dana's 10:00 on Wednesday is noon in New York; the button carries the exact instant.
    assert 'value="2030-01-09T17:00:00+00:00"' in response.text
    wednesday = day_section(response.text, "2030-01-09")
    assert "11:00 AM" in wednesday and "12:00 PM" in wednesday and "10:30 AM" not in wednesday


def test_without_a_chosen_zone_times_are_in_fort_collins_time(client, dana, first_session, frozen):
    response = client.get(BOOK)
    assert "Denver time (MST)" in response.text
    assert "Tuesday 8 January" in response.text and "12:00 PM" in response.text


def test_a_week_is_fetched_as_a_fragment_for_htmx(client, dana, first_session, frozen):
    response = client.get(
        BOOK,
        {"session_type": first_session.pk, "tz": "America/Denver", "week": "2030-01-14"},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<section id="slot-list"')
    assert "<html" not in response.text and "Week of Monday 14 January" in response.text
    assert "week=2030-01-07" in response.text and "week=2030-01-21" in response.text


def test_the_weeks_stop_at_the_booking_horizon(client, dana, first_session, frozen):
    response = client.get(BOOK, {"session_type": first_session.pk, "week": "2030-12-30"})
    assert "Week of Monday 4 March" in response.text  # the last week within 60 days
    assert "Later week" not in response.text


def test_new_visitors_see_only_sessions_open_to_new_clients(client, alice, dana, first_session):
    make_session_type(name="Follow-up", new_clients_may_book=False, therapists=[dana.therapist])
    assert "Follow-up" not in client.get(BOOK).text

    make_appointment(therapist=dana.therapist, client=alice, starts_at=denver(2, 10))
    client.force_login(alice)
    assert "Follow-up" in client.get(BOOK).text


def test_a_therapist_not_taking_new_clients_cannot_be_booked_by_strangers(
    client, dana, first_session
):
    dana.therapist.accepting_new_clients = False
    dana.therapist.save()
    response = client.get(BOOK)
    assert "not taking new bookings online" in response.text
    assert "<button" not in response.text.split("<main")[1].split("</main>")[0]


def test_an_unknown_therapist_is_a_404(client):
    assert client.get("/scheduling/book/nobody/").status_code == 404
    assert client.post("/scheduling/book/nobody/hold/").status_code == 404


def test_the_booking_page_refuses_posts(client, dana, first_session):
    assert client.post(BOOK).status_code == 405


def test_the_slot_page_runs_the_same_queries_with_1_and_200_appointments(
    client, alice, dana, first_session, frozen
):
    week = {"session_type": first_session.pk, "week": "2030-01-14"}
    client.get(BOOK)  # the first visit ever creates the practice settings row
    client.force_login(alice)  # rendered for her: a signed-in person's page is never kept
    make_appointment(therapist=dana.therapist, client=None, starts_at=denver(14, 9))
    with_one = queries_of_two_looks(client, BOOK, week)
    make_many_appointments(
        therapist=dana.therapist, first_start=denver(15, 9), count=199, session_type=first_session
    )
    assert Appointment.objects.count() == 200
    assert queries_of_two_looks(client, BOOK, week) == with_one
    # The second look reads the calendar from the cache instead of its five queries.
    assert with_one[1] == with_one[0] - 5


def test_a_visitor_gets_the_kept_slot_page_for_one_query(client, dana, first_session, frozen):
    week = {"session_type": first_session.pk, "week": "2030-01-14"}
    client.get(BOOK)  # the first visit ever creates the practice settings row
    first, second = queries_of_two_looks(Client(), BOOK, week)
    assert second == 1  # the site's version and Dana's calendar's (practice/shared_pages.py)
    assert first > second


# Holding a time -----------------------------------------------------------------------------


def test_choosing_a_time_holds_it_for_ten_minutes_in_the_visitors_zone(
    client, dana, first_session, frozen
):
    response = hold_time(client, first_session, WEDNESDAY_TEN)

    held = Appointment.objects.get()
    assert response.status_code == 302 and held_appointment_id(response) == held.pk
    assert held.status == "held" and held.client is None
    page = client.get(response.url)
    assert "Held for you until 2:10 PM" in page.text  # noon in Denver is 2 PM in New York
    assert "Wednesday 9 January 2030, 12:00 PM EST" in page.text
    # Signing up happens on this page; an existing client logs in and comes back to it.
    assert f'action="/scheduling/holds/{held.pk}/sign-up/"' in page.text
    assert f'href="/accounts/login/?next=/scheduling/holds/{held.pk}/"' in page.text


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (denver(8, 10), "at least 24 hours ahead"),
        (denver(9, 20), "not one of Dana&#x27;s open times"),
    ],
    ids=["inside-minimum-notice", "outside-availability"],
)
def test_a_time_that_is_not_open_is_refused_on_the_page(
    client, dana, first_session, frozen, starts_at, message
):
    response = hold_time(client, first_session, starts_at)
    assert response.status_code == 200 and message in response.text
    assert "Nearest open times" in response.text
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (denver(7, 10), "That time has already passed. Please choose a time in the future."),
        (denver(7, 10) + timedelta(days=61), "Sessions can be booked up to 60 days ahead."),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "up to 60 days ahead"),
        (datetime(1, 1, 1, tzinfo=UTC), "already passed"),
    ],
    ids=["past", "beyond-horizon", "year-9999", "year-1"],
)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "client"])
def test_a_time_outside_the_booking_window_is_refused_by_the_form(
    client, alice, dana, first_session, frozen, starts_at, message, logged_in
):
    if logged_in:
        client.force_login(alice)
    response = hold_time(client, first_session, starts_at)

    assert response.status_code == 200 and message in response.text
    assert 'id="week-heading"' in response.text  # the week of open times is still there
    assert not Appointment.objects.exists()


def test_a_tampered_session_type_is_refused_and_keeps_the_page(client, dana, first_session, frozen):
    elsewhere = make_session_type(name="Couples", therapists=[])
    follow_up = make_session_type(
        name="Follow-up", new_clients_may_book=False, therapists=[dana.therapist]
    )
    for tampered in (elsewhere.pk, follow_up.pk, 999999, "x"):
        response = client.post(
            HOLD, {"session_type": tampered, "starts_at": WEDNESDAY_TEN.isoformat()}
        )
        assert response.status_code == 200
        assert "Please choose one of the sessions listed." in response.text
    assert not Appointment.objects.exists()


def test_a_garbled_time_is_refused(client, dana, first_session, frozen):
    response = client.post(HOLD, {"session_type": first_session.pk, "starts_at": "soon"})
    assert "Please choose one of the times shown." in response.text
    assert not Appointment.objects.exists()


def test_a_time_someone_else_holds_shows_the_nearest_other_times(
    client, dana, first_session, frozen
):
    from django.test import Client

    hold_time(Client(), first_session, WEDNESDAY_TEN)
    response = hold_time(client, first_session, WEDNESDAY_TEN, tz="America/Denver")
    assert "Sorry, that time was just taken." in response.text
    assert (
        "Wednesday 9 January, 9:00 AM" in response.text
        and "Wednesday 9 January, 11:00 AM" in response.text
    )
    assert Appointment.objects.count() == 1


def test_another_browser_cannot_open_someone_elses_hold(client, dana, first_session, frozen):
    from django.test import Client

    response = hold_time(client, first_session, WEDNESDAY_TEN)
    assert Client().get(response.url).status_code == 404


def test_an_expired_hold_says_so(client, dana, first_session, frozen):
    response = hold_time(client, first_session, WEDNESDAY_TEN)
    frozen.shift(timedelta(minutes=11))
    assert "Your hold ended at 2:10 PM" in client.get(response.url).text


# Confirming ---------------------------------------------------------------------------------


def test_a_client_confirms_their_hold_and_gets_one_confirmation_e_mail(
    client, alice, dana, first_session, frozen, django_capture_on_commit_callbacks
):
    response = hold_time(client, first_session, WEDNESDAY_TEN)
    held_id = held_appointment_id(response)
    client.force_login(alice)  # signing up or logging in keeps the session's hold
    assert "Confirm my booking" in client.get(response.url).text

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/scheduling/holds/{held_id}/confirm/")
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/scheduling/holds/{held_id}/confirm/")

    assert confirmed.url == again.url == f"/scheduling/sessions/{held_id}/booked/"
    appointment = Appointment.objects.get()
    assert appointment.status == "booked" and appointment.client == alice
    # One confirmation, sent at once; the reminders and the intake nudge wait for their time.
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(template="appointment_confirmation").count() == 1
    email = mail.outbox[0]
    assert email.subject == "Your appointment on Wednesday 9 January 2030, 10:00 AM MST"
    assert "First session" not in email.subject + email.body
    assert "/scheduling/manage/" in email.body  # cancel or move from the e-mail


def test_the_confirmation_page_says_what_happens_next(client, alice, dana, first_session, frozen):
    response = hold_time(client, first_session, WEDNESDAY_TEN)
    client.force_login(alice)
    page = client.get(client.post(f"{response.url}confirm/").url)
    assert "You are booked" in page.text
    assert "intake questionnaire" in page.text and "consent documents" in page.text
    assert 'href="/first-session/"' in page.text
    assert "at least 24 hours before it starts" in page.text


def test_a_therapist_cannot_confirm_a_hold(client, dana, first_session, frozen):
    response = hold_time(client, first_session, WEDNESDAY_TEN)
    client.force_login(dana)
    assert "Clients confirm their own bookings" in client.get(response.url).text
    assert client.post(f"{response.url}confirm/").status_code == 403
    assert Appointment.objects.get().status == "held"


def test_nobody_else_sees_a_clients_confirmation_page(client, alice, bob, dana, first_session):
    appointment = make_appointment(therapist=dana.therapist, client=alice, starts_at=denver(9, 10))
    client.force_login(bob)
    assert client.get(f"/scheduling/sessions/{appointment.pk}/booked/").status_code == 404


def test_confirming_after_the_time_was_taken_offers_other_times(
    client, alice, bob, dana, first_session, frozen
):
    from scheduling import services

    response = hold_time(client, first_session, WEDNESDAY_TEN)
    frozen.shift(timedelta(minutes=12))
    services.book_appointment(
        client=bob,
        therapist=dana.therapist,
        session_type=first_session,
        starts_at=WEDNESDAY_TEN,
        by=bob,
    )
    client.force_login(alice)
    confirm = client.post(f"{response.url}confirm/")
    # The expired hold was cleared when Bob booked: Alice is told so, never shown a 404.
    assert confirm.status_code == 200
    assert "Your hold on that time ended and it was released." in confirm.text
    assert "Nearest open times" in confirm.text
    assert 'value="2030-01-09T17:00:00+00:00"' not in confirm.text  # Bob's time is not offered
    assert Appointment.objects.get().client == bob
    again = client.get(response.url)
    assert again.status_code == 200 and "Your hold on that time ended" in again.text


def test_another_visitors_cleared_hold_is_still_not_found(client, dana, first_session, frozen):
    from django.test import Client

    response = hold_time(client, first_session, WEDNESDAY_TEN)
    Appointment.objects.all().delete()

    assert Client().get(response.url).status_code == 404
    assert Client().post(f"{response.url}confirm/").status_code in (302, 404)


def test_a_client_who_must_re_sign_consent_is_told_before_booking(
    client, alice, dana, first_session, frozen, monkeypatch
):
    response = hold_time(client, first_session, WEDNESDAY_TEN)
    client.force_login(alice)
    monkeypatch.setattr("consent.status.may_book", lambda client: False)
    page = client.post(f"{response.url}confirm/")
    assert "sign the updated consent documents" in page.text
    assert Appointment.objects.get().status == "held"


def test_a_morning_rule_stays_at_nine_on_both_sides_of_the_spring_change(
    client, dana, first_session
):
    import time_machine

    from tests.scheduling.conftest import DENVER

    # Denver springs forward on Sunday 10 March 2030; Berlin not until 31 March.
    with time_machine.travel(datetime(2030, 3, 1, 12, tzinfo=DENVER), tick=False):
        week = {"session_type": first_session.pk, "week": "2030-03-04"}
        denver_page = client.get(BOOK, {**week, "tz": "America/Denver"}).text
        next_week = client.get(BOOK, {**week, "tz": "America/Denver", "week": "2030-03-11"}).text
        berlin_page = client.get(BOOK, {**week, "tz": "Europe/Berlin", "week": "2030-03-11"}).text

    friday = day_section(denver_page, "2030-03-08")
    monday = day_section(next_week, "2030-03-11")
    assert ">9:00 AM<" in friday and ">9:00 AM<" in monday
    assert 'value="2030-03-08T16:00:00+00:00"' in friday  # 09:00 MST
    assert 'value="2030-03-11T15:00:00+00:00"' in monday  # 09:00 MDT
    # In Berlin, where the clocks have not changed yet, the same 09:00 is an hour earlier.
    berlin_monday = day_section(berlin_page, "2030-03-11")
    assert berlin_monday.index(">4:00 PM<") < berlin_monday.index(">4:30 PM<")
    assert ">3:30 PM<" not in berlin_monday


# Hold limits ----------------------------------------------------------------------------------


@override_settings(HOLD_LIMIT_PER_SESSION=3)
def test_a_visitor_over_the_hold_limit_is_told_plainly_and_keeps_their_hold(
    client, dana, first_session, frozen
):
    for hour in (9, 10, 11):
        assert hold_time(client, first_session, denver(9, hour)).status_code == 302
    kept = Appointment.objects.get(status="held")

    response = hold_time(client, first_session, denver(9, 13))

    assert response.status_code == 200
    assert "we have paused holding new ones for a while" in response.text
    assert list(Appointment.objects.all()) == [kept]  # nothing else changed
    assert kept.starts_at == denver(9, 11)


@override_settings(HOLD_LIMIT_PER_ADDRESS=4)
def test_a_script_using_fresh_sessions_from_one_address_cannot_hold_every_time(
    dana, first_session, frozen
):
    from django.test import Client

    statuses = [
        hold_time(Client(), first_session, denver(9, 9) + timedelta(hours=n)).status_code
        for n in range(8)
    ]

    assert statuses == [302] * 4 + [200] * 4
    assert Appointment.objects.count() == 4


@override_settings(HOLD_LIMIT_PER_ADDRESS=2)
def test_the_address_limit_counts_each_address_on_its_own(dana, first_session, frozen):
    from django.test import Client

    for n, address in enumerate(["198.51.100.1", "198.51.100.1", "198.51.100.2"]):
        browser = Client(REMOTE_ADDR=address)
        assert hold_time(browser, first_session, denver(9, 9 + n)).status_code == 302
    third = hold_time(Client(REMOTE_ADDR="198.51.100.1"), first_session, denver(9, 14))
    assert third.status_code == 200


# The night the clocks go back -----------------------------------------------------------------


@pytest.fixture
def fall_back_night(dana):
    """Dana works from midnight to 4 AM on Sundays; Denver's clocks go back on 1 November 2026."""
    make_weekly_hours(therapist=dana.therapist, weekdays=[6], start="00:00", end="04:00")
    make_booking_rules(therapist=dana.therapist, buffer=timedelta(0), horizon=timedelta(days=180))
    return make_session_type(name="Short session", minutes=30, therapists=[dana.therapist])


def test_the_two_half_past_ones_of_the_fall_back_night_read_differently(
    client, dana, fall_back_night
):
    with time_machine.travel(datetime(2026, 10, 20, 12, tzinfo=DENVER), tick=False):
        page = client.get(
            BOOK, {"session_type": fall_back_night.pk, "tz": "America/Denver", "week": "2026-10-26"}
        ).text

    sunday = dict(
        re.findall(
            r'value="([^"]+)" class="button--secondary">([^<]+)<', day_section(page, "2026-11-01")
        )
    )
    assert sunday["2026-11-01T07:30:00+00:00"] == "1:30 AM MDT"
    assert sunday["2026-11-01T08:30:00+00:00"] == "1:30 AM MST"
    assert len(set(sunday.values())) == len(sunday)  # no two buttons read the same
    # Times that happen once that night read as usual.
    assert sunday["2026-11-01T06:30:00+00:00"] == "12:30 AM"
    assert sunday["2026-11-01T09:30:00+00:00"] == "2:30 AM"
    assert "Denver time (MDT until Sunday 1 November, then MST)" in page


def test_a_winter_week_seen_in_summer_names_winter_time(client, dana, fall_back_night):
    with time_machine.travel(datetime(2026, 7, 1, 12, tzinfo=DENVER), tick=False):
        page = client.get(
            BOOK, {"session_type": fall_back_night.pk, "tz": "America/Denver", "week": "2026-11-09"}
        ).text

    assert "Week of Monday 9 November" in page
    assert "Times are shown in <strong>Denver time (MST)</strong>" in page


def zone_choices(html: str) -> list[str]:
    select = html.split('<select name="tz"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]+)"', select)


def test_the_zone_list_offers_the_common_zones_and_the_chosen_one_and_all_on_request(
    client, dana, first_session, frozen
):
    page = client.get(BOOK, {"session_type": first_session.pk, "tz": "Europe/Berlin"}).text
    assert zone_choices(page) == [
        "America/Anchorage",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/New_York",
        "America/Phoenix",
        "Europe/Berlin",
        "Pacific/Honolulu",
    ]
    assert '<option value="Europe/Berlin" selected>' in page
    every = re.search(r'<a href="([^"]+)">All time zones</a>', page)[1].replace("&amp;", "&")
    assert "tz=Europe%2FBerlin" in every and "zones=all" in every
    listed = zone_choices(client.get(BOOK + every).text)
    assert len(listed) > 500 and "Asia/Kolkata" in listed
