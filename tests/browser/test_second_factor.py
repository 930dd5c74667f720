"""The second-factor pages, as a therapist meets them: set up, log in with a code, manage.
Each page is checked by axe and the Nu HTML checker on arrival (tests/browser/conftest.py)."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_therapist_sets_up_an_authenticator_after_a_wrong_code(page, live_server, dana, settings):
    settings.REQUIRE_MFA = True
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "dana@example.org")
    page.goto(live_server.url + "/scheduling/calendar/")
    # Setting up a second factor asks for the password again first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(live_server.url + "/accounts/2fa/totp/activate/")

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Authenticator code")).to_be_focused()


def test_a_therapist_logs_in_with_a_code_and_manages_the_second_factor(
    page, live_server, dana, settings
):
    settings.REQUIRE_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(dana, secret)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "dana@example.org")
    expect(page).to_have_url(live_server.url + "/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()

    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Your second step to log in")

    for path in ["/accounts/2fa/", "/accounts/2fa/recovery-codes/", "/accounts/2fa/webauthn/"]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
