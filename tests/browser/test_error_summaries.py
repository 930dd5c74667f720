"""Every form's errors: one summary at the top, focused when the page arrives, each message a
link that moves focus to its field; nothing typed is lost."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def expect_summary_focused_at_the_top(page: Page, title: str = "Please check what you entered"):
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text(title)
    top = summary.evaluate("element => element.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"] / 2, top
    return summary


def test_login_errors_are_summarised_focused_and_linked_and_the_e_mail_is_kept(
    page, live_server, alice
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_role("button", name="Log in", exact=True).click()

    summary = expect_summary_focused_at_the_top(page)
    expect(page.get_by_label("Email")).to_have_value("alice@example.org")
    summary.get_by_role("link", name="Password: This field is required.").click()
    expect(page.locator("#id_password")).to_be_focused()
    expect(page.locator("#id_password")).to_have_attribute(
        "aria-describedby", "id_password_helptext id_password_error"
    )


def test_a_wrong_password_is_summarised_without_saying_which_part_was_wrong(
    page, live_server, alice
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("alice@example.org")
    page.locator("#id_password").fill("not-her-password")
    page.get_by_role("button", name="Log in", exact=True).click()

    summary = expect_summary_focused_at_the_top(page)
    expect(summary).to_contain_text("The email address and/or password you specified are not")


def test_sign_up_errors_are_summarised_and_what_was_typed_stays(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Email").fill("robin@example")
    page.get_by_role("button", name="Sign up", exact=True).click()

    summary = expect_summary_focused_at_the_top(page)
    expect(summary.get_by_role("link", name="Last name: This field is required.")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Robin")
    expect(page.get_by_label("Email")).to_have_value("robin@example")
    summary.get_by_role("link", name="Email: Enter a valid email address.").click()
    expect(page.get_by_label("Email")).to_be_focused()


def test_consent_signing_errors_are_at_the_top_above_the_document(
    page, live_server, demo_practice, alice
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "alice@example.org")
    page.goto(live_server.url + "/consent/documents/informed-consent/")
    page.get_by_label(re.compile(r"^Full name:?$")).fill("Alice Moreno")
    page.get_by_role("button", name="Sign", exact=True).click()

    summary = expect_summary_focused_at_the_top(page)
    expect(page.get_by_label(re.compile(r"^Full name:?$"))).to_have_value("Alice Moreno")
    summary.get_by_role("link", name="I have read and agree: Please tick the box").click()
    expect(page.get_by_label("I have read and agree")).to_be_focused()


def test_intake_errors_are_summarised_focused_and_answers_kept(
    page, live_server, demo_practice, alice
):
    page.set_viewport_size(PHONE)
    make_intake(client=alice)
    log_in(page, live_server.url, "alice@example.org")
    page.goto(live_server.url + "/intake/section/2/")
    phone = page.get_by_label("Your phone number")
    expect(phone).to_have_attribute("type", "tel")
    expect(phone).to_have_attribute("autocomplete", "tel")
    phone.fill("(970) 555-0123")
    page.get_by_role("button", name="Next").click()

    summary = expect_summary_focused_at_the_top(page, "Please check")
    expect(phone).to_have_value("(970) 555-0123")
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    first.click()
    expect(page.locator(target)).to_be_focused()
    # Leave the page, so none of its timers reaches the server while the database is emptied.
    page.goto("about:blank")


def test_profile_errors_are_summarised_and_the_link_focuses_the_phone(
    page, live_server, demo_practice, alice
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "alice@example.org")
    page.goto(live_server.url + "/portal/details/")
    expect(page.get_by_label("Phone number")).to_have_attribute("type", "tel")
    page.get_by_label("Phone number").fill("12")
    page.get_by_role("button", name="Save").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("^(Confirm it is you|Your details)$"))
    if heading.text_content() == "Confirm it is you":  # a new phone: the password again first
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()

    summary = expect_summary_focused_at_the_top(page)
    summary.get_by_role("link", name="Phone number: Please enter a phone number").click()
    expect(page.get_by_label("Phone number")).to_be_focused()
    expect(page.get_by_label("Phone number")).to_have_value("12")
