"""No page scrolls sideways on a 320 px phone, at 400 % zoom (a 1280 x 1024 window shows
320 x 256 CSS pixels) or at 200 % zoom (640 x 512), for any kind of person (WCAG 1.4.10).

Each page is also checked by axe and the Nu HTML checker on arrival (tests/browser/conftest.py),
so this is the walk over the main pages of every role, the allauth and MFA pages included."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from practice.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "a 320 px phone": {"width": 320, "height": 568},
    "400 % zoom": {"width": 320, "height": 256},
    "200 % zoom": {"width": 640, "height": 512},
}
PAGES = {
    None: [
        "/",
        "/therapists/",
        "/therapists/maya-chen/",
        "/first-session/",
        "/contact/",
        "/privacy/",
        "/scheduling/fees/",
        "/scheduling/book/",
        "/scheduling/book/maya-chen/",
        "/scheduling/help-choosing/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
    "client@example.org": [
        "/portal/",
        "/portal/details/",
        "/portal/who-opened-my-records/",
        "/portal/your-data/",
        "/portal/close-account/",
        "/scheduling/waitlist/join/",
        "/intake/",
        "/consent/",
        "/consent/documents/informed-consent/",
        "/consent/documents/informed-consent/decline/",
        "/consent/contact/",
        "/security/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/logout/",
    ],
    "maya.chen@example.org": [
        "/scheduling/calendar/",
        "/scheduling/calendar/book/",
        "/scheduling/calendar/feed/",
        "/scheduling/availability/",
        "/scheduling/availability/rules/",
        "/scheduling/availability/time-off/",
        "/scheduling/availability/days/",
        "/intake/submissions/",
    ],
    "staff@example.org": [
        "/staff/",
        "/staff/invite/",
        "/staff/messages/",
        "/intake/submissions/",
        "/staff/audit/",
        "/staff/closed-accounts/",
        "/scheduling/staff/waitlist/",
        "/consent/staff/",
        "/scheduling/staff/calendar/",
        "/scheduling/staff/book/",
    ],
}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def log_in_as(page: Page, base: str, email: str) -> None:
    """Give the browser a signed-in session without walking through the login form."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


@pytest.mark.parametrize("email", list(PAGES), ids=["visitor", "client", "therapist", "staff"])
def test_no_page_scrolls_sideways_at_320_px_or_400_percent_zoom(
    page, live_server, demo_practice, email
):
    if email:
        log_in_as(page, live_server.url, email)
    sideways = []
    for path in PAGES[email]:
        page.set_viewport_size(SIZES["a 320 px phone"])
        response = page.goto(live_server.url + path)
        assert response and response.status == 200, path
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            if (extra := page.evaluate(SIDEWAYS)) > 0:
                sideways.append(f"{path} at {name}: {extra} px too wide")
    page.goto("about:blank")
    assert not sideways, "\n".join(sideways)
