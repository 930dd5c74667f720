import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from practice.models import User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_client_signs_up_verifies_by_code_and_logs_in(
    page, live_server, demo_practice, assert_accessible
):
    page.goto(live_server.url + "/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Sato")
    page.get_by_label("Pronouns (optional)").fill("she/her")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-calm-long-password-8")
    page.get_by_label("Password (again)").fill("a-calm-long-password-8")
    # The browser's zone (America/New_York in these tests) is chosen for the person.
    expect(page.get_by_label("Your time zone")).to_have_value("America/New_York")
    page.get_by_role("button", name="Sign up", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_accessible(page)
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Robin")
    robin = User.objects.get(email="robin@example.org")
    assert robin.role == User.Role.CLIENT and robin.time_zone == "America/New_York"
    assert robin.pronouns == "she/her"

    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill("a-calm-long-password-8")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Robin")


def test_signing_up_with_a_registered_address_says_to_check_the_inbox_or_log_in(
    page, live_server, demo_practice, alice
):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("First name").fill("Alice")
    page.get_by_label("Last name").fill("Moreno")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-calm-long-password-8")
    page.get_by_label("Password (again)").fill("a-calm-long-password-8")
    page.get_by_role("button", name="Sign up", exact=True).click()

    # The same page as for a new address: it does not tell a stranger who is a client.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_text("If you already have an account with this address")).to_be_visible()
    (sent,) = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert sent.subject == "You already have an account with us"
    assert f"{live_server.url}/accounts/login/" in sent.body or "/accounts/login/" in sent.body

    page.get_by_role("link", name="log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Alice")
