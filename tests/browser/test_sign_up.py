import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from practice.models import User

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
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Email")
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
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Robin")
