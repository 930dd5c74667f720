import re

import icalendar
import pytest
from django.core import mail
from playwright.sync_api import expect

from practice.models import User
from scheduling.models import Appointment, SessionType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_visitor_books_a_first_session_end_to_end(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/therapists/maya-chen/")
    assert_accessible(page)

    page.get_by_role("link", name="See open times").click()
    # The browser is in New York (tests/conftest.py): the times follow it without a reload.
    expect(page.get_by_text("Times are shown in")).to_contain_text("New York time")
    expect(page.get_by_label("Show times in")).to_have_value("America/New_York")
    assert_accessible(page)

    page.get_by_label(re.compile("^First session")).check()
    first_session = SessionType.objects.get(name="First session")
    expect(page.locator("#slot-list input[name=session_type]")).to_have_value(str(first_session.pk))
    first_slot = page.locator("#slot-list .slots button:visible").first
    chosen = first_slot.inner_text().split(",")[0].strip()
    first_slot.click()

    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Held for you until \d+:\d\d"))
    expect(page.locator(".slot-summary")).to_contain_text(chosen)
    assert_accessible(page)

    # Name, e-mail and password on the held time; the e-mailed code on the same page.
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Sato")
    page.get_by_label("E-mail address").fill("robin@example.org")
    page.get_by_label("Choose a password").fill("a-calm-long-password-8")
    page.get_by_label("With my health insurance").check()
    page.get_by_role("button", name="Continue: e-mail me a code").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert_accessible(page)
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm my booking").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    expect(page.locator(".lede")).to_contain_text(chosen)
    expect(page.get_by_role("link", name="What to expect at your first session")).to_be_visible()
    assert_accessible(page)

    robin = User.objects.get(email="robin@example.org")
    appointment = Appointment.objects.get(client=robin)
    assert appointment.status == Appointment.Status.BOOKED
    confirmation = next(
        m for m in mail.outbox if m.to == ["robin@example.org"] and "appointment" in m.subject
    )
    assert confirmation.subject.startswith("Your appointment on ")
    assert confirmation.subject.endswith(" EST")  # in Robin's own zone, New York
    [(filename, content, mimetype)] = confirmation.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART") == appointment.starts_at

    page.get_by_role("link", name="Go to your portal").click()
    expect(page.locator("#your-sessions + ul")).to_contain_text(chosen)
    assert_accessible(page)


def test_the_booking_page_works_without_javascript(browser, live_server, demo_practice):
    context = browser.new_context(java_script_enabled=False, timezone_id="Asia/Kolkata")
    page = context.new_page()
    page.goto(live_server.url + "/scheduling/book/maya-chen/")
    expect(page.get_by_text("Times are shown in")).to_contain_text("Denver time")

    # The list holds the common zones; every other is behind "All time zones".
    page.get_by_role("link", name="All time zones").click()
    page.get_by_label("Show times in").select_option("Europe/Berlin")
    page.get_by_role("button", name="Show times").click()
    expect(page.get_by_text("Times are shown in")).to_contain_text("Berlin time")
    page.get_by_role("link", name="Later week").click()
    expect(page.get_by_text("Times are shown in")).to_contain_text("Berlin time")

    # The first kind listed is the free video consultation, which asks where the client will be.
    page.get_by_label("Where will you be during the session?").select_option("CO")
    page.locator("#slot-list .slots button:visible").first.click()  # the week grid, wide
    expect(page.get_by_text("Held for you until")).to_be_visible()
    assert Appointment.objects.filter(status="held").count() == 1
    context.close()


def log_in(page, live_server, email: str) -> None:
    from practice.demo import DEMO_PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_client_moves_then_cancels_a_session_from_the_portal(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "client@example.org")
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Move")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your session")
    assert_accessible(page)
    this_week = page.locator("#week-heading").inner_text()
    page.get_by_role("link", name="Later week").click()  # htmx swaps the week in place
    expect(page.locator("#week-heading")).not_to_have_text(this_week)
    page.locator("#slot-list .slots button:visible").first.click()
    expect(page.get_by_role("status")).to_contain_text("Your session is moved to")

    page.get_by_role("link", name=re.compile("^Cancel")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your session")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Cancel")).click()
    expect(page.get_by_role("status")).to_contain_text("Your session is cancelled")
    assert Appointment.objects.filter(status__in=Appointment.MOVES).count() == 1


def test_a_therapist_edits_hours_time_off_and_rules(
    page, live_server, demo_practice, assert_accessible
):
    log_in(page, live_server, "maya.chen@example.org")
    page.goto(live_server.url + "/scheduling/availability/")
    assert_accessible(page)
    page.get_by_label("Day, row 5").select_option("4")
    page.get_by_label("From, row 5").fill("09:00")
    page.get_by_label("Until, row 5").fill("12:00")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.get_by_role("status")).to_contain_text("Your weekly hours are saved.")

    page.get_by_role("link", name="Time off").click()
    assert_accessible(page)
    page.get_by_role("link", name="Single days").click()
    assert_accessible(page)
    page.get_by_role("link", name="Booking rules").click()
    page.get_by_label("Minimum notice, in hours").fill("2000")
    page.get_by_role("button", name="Save booking rules").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_minimum_notice_error")).to_contain_text(
        "Minimum notice must be shorter"
    )
    assert_accessible(page)
