"""A new client books in few steps, on a phone, with a keyboard and a screen reader in mind."""

import re

import pytest
from playwright.sync_api import expect

from practice.models import User
from scheduling.models import Appointment
from tests.scheduling.test_booking_flow_pages import mailed_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def count_steps(page) -> list[str]:
    """Every page the browser loads (a link followed, a form sent); a redirect is not a step,
    and neither is an in-page update (htmx)."""
    steps: list[str] = []

    def seen(request) -> None:
        if (
            request.is_navigation_request()
            and request.frame == page.main_frame
            and request.redirected_from is None
        ):
            steps.append(f"{request.method} {request.url}")

    page.on("request", seen)
    return steps


def hold_a_first_session_from_the_profile(page, live_server) -> None:
    page.goto(live_server.url + "/therapists/maya-chen/")
    # The page writes its times again in the browser's zone (New York here); wait for it.
    expect(page.locator("#first-times")).to_have_attribute("data-zone", "America/New_York")
    first_sessions = page.locator("form.first-times").filter(has_text="First session")
    first_sessions.get_by_role("button").first.click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Held for you until \d+:\d\d"))


def sign_up_and_confirm(page, *, email: str) -> None:
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Sato")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Choose a password").fill("a-calm-long-password-8")
    page.get_by_label("With my health insurance").check()
    page.get_by_role("button", name="Continue: e-mail me a code").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    page.get_by_label("Code").fill(mailed_code())
    page.get_by_role("button", name="Confirm my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")


def test_a_new_visitor_books_from_the_home_page_in_five_steps(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size(PHONE)
    steps = count_steps(page)
    page.goto(live_server.url)
    page.get_by_role("link", name="Find a time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a time")
    assert_accessible(page)
    expect(page.get_by_label("Anyone: the first time available")).to_be_checked()
    page.get_by_label(re.compile("^First session")).check()  # in the page, no new page
    expect(page.locator("#slot-list input[name=session_type]")).to_have_value(
        page.get_by_label(re.compile("^First session")).get_attribute("value")
    )
    first = page.locator(".day-view .slots button").first
    therapist = first.locator(".slot-with").inner_text()
    first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your time with")
    assert_accessible(page)
    sign_up_and_confirm(page, email="robin@example.org")
    assert_accessible(page)

    assert len(steps) <= 5, steps
    robin = User.objects.get(email="robin@example.org")
    booked = Appointment.objects.get(client=robin)
    assert booked.status == Appointment.Status.BOOKED
    assert booked.therapist.public_name == therapist
    assert robin.time_zone == "America/New_York"  # the zone the times were shown in


def test_a_new_visitor_books_from_a_therapists_page_in_three_steps(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/therapists/maya-chen/")
    expect(page.locator("#first-times")).to_have_attribute("data-zone", "America/New_York")
    expect(page.locator("#first-times")).to_contain_text("New York time")
    assert_accessible(page)
    steps = count_steps(page)
    first_sessions = page.locator("form.first-times").filter(has_text="First session")
    first_sessions.get_by_role("button").first.click()

    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Held for you until \d+:\d\d"))
    expect(page.locator(".card")).to_contain_text("New York time")
    sign_up_and_confirm(page, email="sam@example.org")

    assert len(steps) <= 3, steps
    booked = Appointment.objects.get(client__email="sam@example.org")
    assert booked.therapist.slug == "maya-chen" and booked.session_type.name == "First session"
    assert booked.client.time_zone == "America/New_York"  # the browser's, found by the page
    page.get_by_role("link", name="Go to your portal").click()
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()


def test_a_wrong_code_is_said_and_the_right_one_still_books(page, live_server, demo_practice):
    page.set_viewport_size(PHONE)
    hold_a_first_session_from_the_profile(page, live_server)
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Sato")
    page.get_by_label("E-mail address").fill("robin@example.org")
    page.get_by_label("Choose a password").fill("a-calm-long-password-8")
    page.get_by_role("button", name="Continue: e-mail me a code").click()
    expect(page.get_by_role("alert")).to_contain_text("Please choose how you will pay")
    expect(page.get_by_label("First name")).to_have_value("Robin")  # kept
    page.get_by_label("Choose a password").fill("a-calm-long-password-8")
    page.get_by_label("I will pay for myself").check()
    page.get_by_role("button", name="Continue: e-mail me a code").click()

    page.get_by_label("Code").fill("AAAA-AAAA")
    page.get_by_role("button", name="Confirm my booking").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Code").fill(mailed_code())
    page.get_by_role("button", name="Confirm my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    assert Appointment.objects.get(client__email="robin@example.org").payment == "self_pay"


def test_on_a_phone_one_day_shows_at_a_time_and_the_strip_changes_it(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/scheduling/book/maya-chen/")
    expect(page.get_by_text("Times are shown in")).to_contain_text("New York time")
    page.get_by_label(re.compile("^First session")).check()
    strip = page.get_by_role("navigation", name="Days of this week")
    expect(strip).to_be_visible()
    expect(page.locator(".week")).to_be_hidden()  # the week grid is for wide screens
    chosen = strip.locator("[aria-current=date]")
    expect(chosen).to_contain_text(re.compile(r"\d+ times?"))  # the next day with times
    assert page.locator(".day-view .slots").first.locator("button").count() <= 6
    assert_accessible(page)

    # A whole week ahead has several days with times (Maya works Monday to Thursday).
    week = page.locator("#week-heading").inner_text()
    page.get_by_role("link", name="Later week").click()
    expect(page.locator("#week-heading")).not_to_have_text(week)
    other = strip.locator("a:not([aria-current])").filter(has_text=re.compile(r"\d+ times?"))
    label = other.first.locator(".visually-hidden").inner_text().strip(", ")
    other.first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#chosen-day-heading")).to_be_focused()
    expect(page.locator("#chosen-day-heading")).to_have_text(label)
    expect(page.locator("[data-slot-announcer]")).to_have_text(
        re.compile(rf"^{label}: \d+ open times?\.$")
    )
    expect(strip.locator("[aria-current=date]")).to_contain_text(label.split()[1])

    page.set_viewport_size({"width": 320, "height": 700})  # no sideways scroll, even here
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.set_viewport_size({"width": 1200, "height": 900})
    expect(page.locator(".week")).to_be_visible()
    expect(strip).to_be_hidden()


def test_times_are_on_a_24_hour_clock_for_a_german_browser(browser, live_server, demo_practice):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.goto(live_server.url + "/scheduling/book/maya-chen/")
    expect(page.get_by_text("Times are shown in")).to_contain_text("Berlin time")
    first = page.locator(".day-view .slots button").first.inner_text()
    assert re.match(r"^\d\d:\d\d", first) and "M" not in first.split(",")[0], first
    context.close()


def test_earlier_and_later_week_keep_focus_on_the_times_and_say_the_week(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/scheduling/book/maya-chen/")
    # The page first fetches the times in the browser's zone; wait for it.
    expect(page.get_by_text("Times are shown in")).to_contain_text("New York time")
    heading = page.locator("#week-heading")
    this_week = heading.inner_text()
    page.get_by_role("link", name="Later week").focus()
    page.keyboard.press("Enter")
    expect(heading).not_to_have_text(this_week)
    expect(heading).to_be_focused()
    later_week = heading.inner_text()
    expect(page.locator("[data-slot-announcer]")).to_have_text(f"{later_week}.")
    # From the heading, the next Tab reaches the week links again, not the top of the page.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Earlier week")).to_be_focused()
    page.keyboard.press("Enter")
    expect(heading).to_have_text(this_week)
    expect(heading).to_be_focused()
    assert_accessible(page)


def test_the_zone_list_asks_for_times_on_leaving_it_not_on_each_arrow_key(
    page, live_server, demo_practice
):
    page.goto(live_server.url + "/scheduling/book/maya-chen/")
    expect(page.get_by_text("Times are shown in")).to_contain_text("New York time")
    fetched: list[str] = []
    page.on("request", lambda r: "/scheduling/book/" in r.url and fetched.append(r.url))
    page.get_by_label("Show times in").focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert fetched == []
    page.keyboard.press("Tab")  # leaving the list fetches once
    expect(page.get_by_text("Times are shown in")).not_to_contain_text("New York time")
    assert len(fetched) == 1


def test_the_hold_counts_down_and_says_so_at_five_and_one_minutes(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.clock.install()
    hold_a_first_session_from_the_profile(page, live_server)
    countdown = page.locator("[data-hold-countdown]")
    announcer = page.locator("[data-countdown-announcer]")
    expect(countdown).to_contain_text(re.compile(r"^(10:00|9:5\d) left to confirm"))
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("")
    assert_accessible(page)

    page.clock.run_for("04:00")
    expect(announcer).to_have_text("")  # nothing said every second
    page.clock.run_for("01:05")
    expect(announcer).to_have_text("5 minutes left to confirm this time.")
    page.clock.run_for("04:00")
    expect(announcer).to_have_text("1 minute left to confirm this time.")
    page.clock.run_for("01:05")
    expect(announcer).to_contain_text("Your hold has ended")
    expect(countdown).to_be_hidden()
    assert_accessible(page)

    # Unhurried: the same time can be asked for again.
    page.get_by_role("button", name="Hold this time again").click()
    expect(page.get_by_role("status")).to_contain_text("Held for you until")
    assert Appointment.objects.filter(status="held").count() == 1
    page.goto("about:blank")


def test_without_javascript_the_hold_shows_its_end_time(browser, live_server, demo_practice):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/therapists/maya-chen/")
    page.locator("form.first-times").filter(has_text="First session").get_by_role(
        "button"
    ).first.click()
    expect(page.get_by_text(re.compile(r"Held for you until \d+:\d\d"))).to_be_visible()
    expect(page.locator("[data-hold-countdown]")).to_be_hidden()
    context.close()


def test_help_choosing_suggests_therapists_with_their_first_times(
    page, live_server, demo_practice, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url)
    page.get_by_role("link", name="Help me choose a therapist").click()
    assert_accessible(page)
    page.get_by_label("What brings you here?").select_option("Depression")
    page.get_by_label("Language you would like to talk in").select_option("Spanish")
    page.get_by_label("In person, at our office").check()
    page.get_by_label("Mornings").check()
    page.get_by_label("I will pay for myself").check()
    page.get_by_role("button", name="Suggest therapists").click()

    suggestions = page.locator("ol.suggestions > li")
    expect(suggestions).to_have_count(1)  # only Daniel speaks Spanish
    expect(suggestions.first).to_contain_text("Daniel Ortiz")
    expect(suggestions.first).to_contain_text("Works with Depression")
    assert_accessible(page)
    # The answers are remembered in this browser only, and prefill the payment on the hold.
    expect(page.get_by_label("Mornings")).to_be_checked()
    first_time = suggestions.first.locator("ul a").first
    if first_time.count():
        first_time.click()
        expect(page.get_by_label("Daniel Ortiz")).to_be_checked()

    page.goto(live_server.url + "/scheduling/help-choosing/")
    page.get_by_role("button", name="Forget my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers are forgotten")
    expect(page.locator("ol.suggestions")).to_have_count(0)
