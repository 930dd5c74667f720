import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scheduling.models import Appointment
from tests.factories import (
    PASSWORD,
    make_appointment,
    make_client,
    make_session_type,
    make_staff,
    make_therapist,
    open_around_the_clock,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_that_started_today(therapist, client_user) -> Appointment:
    zone = therapist.zone
    now = timezone.now().astimezone(zone)
    midnight = datetime.combine(now.date(), time(), tzinfo=zone)
    starts_at = max(now.replace(second=0, microsecond=0) - timedelta(hours=1), midnight)
    session_type = make_session_type(name="Follow-up session", therapists=[therapist])
    return make_appointment(
        therapist=therapist, client=client_user, starts_at=starts_at, session_type=session_type
    )


def log_in(page, live_server, email) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_therapist_sees_the_week_opens_a_session_and_marks_it_attended(
    page, live_server, assert_accessible, failed_requests
):
    dana = make_therapist(email="dana@example.org", first_name="Dana", last_name="Whitfield")
    alice = make_client(
        email="alice@example.org", first_name="Alice", preferred_name="Ali", pronouns="she/her"
    )
    session = session_that_started_today(dana, alice)

    log_in(page, live_server, "dana@example.org")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Week of")
    entry = page.locator(".calendar-day--today").get_by_role("link", name="Ali")
    expect(entry).to_be_visible()
    expect(page.locator(".calendar-day--today")).to_contain_text("(she/her)")
    assert_accessible(page)

    page.get_by_role("link", name="Day view").click()
    expect(page.locator(".calendar--day")).to_contain_text("Follow-up session")
    assert_accessible(page)

    page.get_by_role("link", name="Ali").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session with Ali")
    assert_accessible(page)
    page.get_by_role("button", name="Mark attended").click()

    expect(page.get_by_role("status")).to_contain_text("Marked as attended.")
    expect(page.locator(".facts")).to_contain_text("Attended")
    session.refresh_from_db()
    assert session.status == "attended"
    assert failed_requests == []


def test_the_therapists_other_calendar_pages_are_accessible_on_a_phone(
    page, live_server, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 844})
    dana = make_therapist(email="dana@example.org", first_name="Dana", last_name="Whitfield")
    alice = make_client(email="alice@example.org", first_name="Alice")
    session_that_started_today(dana, alice)
    open_around_the_clock(dana)
    log_in(page, live_server, "dana@example.org")
    assert_accessible(page)

    page.get_by_role("link", name="Book a follow-up or a series").click()
    page.get_by_label("Client:", exact=True).select_option(label="Alice Person")
    page.get_by_label("Session type").select_option(label="Follow-up session (50 min)")
    tomorrow = timezone.now().astimezone(dana.zone).date() + timedelta(days=1)
    page.get_by_label("Date of the first session").fill(tomorrow.isoformat())
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Number of weekly sessions").fill("4")
    assert_accessible(page)
    page.get_by_role("button", name="See the dates").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the dates before booking")
    expect(page.get_by_role("row")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("button", name="Book 4 sessions").click()
    expect(page.get_by_role("status")).to_contain_text("Booked 4 session(s).")
    assert Appointment.objects.filter(client=alice, starts_at__gt=timezone.now()).count() == 4

    page.get_by_role("link", name="Calendar feed").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create a feed address").click()
    expect(page.get_by_label("Feed address")).to_have_value(
        re.compile(re.escape(live_server.url) + r"/scheduling/feed/[A-Za-z0-9_-]{43}\.ics")
    )
    assert_accessible(page)


def test_staff_pick_a_therapist_and_see_their_calendar(page, live_server, assert_accessible):
    dana = make_therapist(email="dana@example.org", first_name="Dana", last_name="Whitfield")
    make_therapist(email="olu@example.org", first_name="Olu", last_name="Adebayo")
    alice = make_client(email="alice@example.org", first_name="Alice")
    session_that_started_today(dana, alice)
    make_staff(email="sam@example.org", first_name="Sam")
    log_in(page, live_server, "sam@example.org")

    page.get_by_role("link", name="See the calendars").click()
    page.get_by_label("Therapist").select_option(label="Dana Whitfield")
    page.get_by_role("button", name="Show this calendar").click()
    expect(page.locator(".calendar-day--today")).to_contain_text("Alice")
    assert_accessible(page)

    page.locator(".calendar-day--today").get_by_role("link", name="Alice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session with Alice")
    assert_accessible(page)
    page.goto(live_server.url + "/scheduling/staff/book/")
    assert_accessible(page)
