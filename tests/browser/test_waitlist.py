import re
from datetime import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from practice.demo import DEMO_PASSWORD
from practice.models import PracticeSettings, Therapist, User
from scheduling import services, waitlist
from scheduling.models import Appointment, SessionType, WaitlistEntry, WaitlistOffer
from tests.factories import make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assert_accessible():
    """Stricter than the shared fixture: any axe violation at all fails (issue 16, item 8)."""
    axe = Axe()

    def check(page) -> None:
        violations = axe.run(page).response["violations"]
        found = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
        ]
        assert not found, f"{page.url}: {found}"

    return check


def test_a_client_joins_the_waitlist_and_books_the_time_offered_by_e_mail(
    page, live_server, demo_practice, assert_accessible
):
    # Offers wait for the client's sending hours; this test runs whatever the hour.
    PracticeSettings.objects.update(sending_hours_start=time(0, 0), sending_hours_end=time(23, 59))
    client = User.objects.get(email="client@example.org")
    maya = Therapist.objects.get(slug="maya-chen")
    first_session = SessionType.objects.get(name="First session")
    # Someone else has Maya's earliest morning or afternoon time when the client looks.
    wanted = WaitlistEntry(
        client=client, therapist=maya, session_type=first_session, mornings=True, afternoons=True
    )
    soonest = waitlist.first_suitable_time(wanted, now=timezone.now())
    other = make_client(email="other@example.org")
    taken = services.book_appointment(
        client=other, therapist=maya, session_type=first_session, starts_at=soonest, by=other
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/scheduling/book/maya-chen/")
    expect(page.locator(".waitlist-link")).to_contain_text("you log in or sign up first")
    page.get_by_role("link", name="Join the waitlist").click()
    # Joining needs an account: log in (or sign up), then on to the form.
    page.get_by_label("Email").fill("client@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    expect(page.get_by_label("With")).to_have_value("maya-chen")
    assert_accessible(page)
    page.get_by_label("First session").check()
    page.get_by_label("Mornings (before noon)").check()
    page.get_by_label("Afternoons (noon to 5 PM)").check()
    page.get_by_role("button", name="Join the waitlist").click()

    expect(page.get_by_role("status")).to_contain_text("You are on the waitlist.")
    expect(page.get_by_role("heading", name="On the waitlist")).to_be_visible()
    assert_accessible(page)
    assert not mail.outbox or all("time has opened" not in m.subject for m in mail.outbox)

    services.cancel_appointment(appointment=taken, by=other)  # the time opens

    offer = WaitlistOffer.objects.get(entry__client=client, status="open")
    assert offer.starts_at == soonest
    [email] = [m for m in mail.outbox if m.subject == "A time has opened with Maya"]
    path = re.search(r"/scheduling/waitlist/offers/[^/\s]+/", email.body).group(0)

    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("A time with Maya")
    expect(page.get_by_text("This time is offered to you until")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Book this time").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    assert_accessible(page)
    booked = Appointment.objects.get(client=client, starts_at=soonest)
    assert booked.status == "booked"
    assert WaitlistEntry.objects.get(client=client).status == "booked"

    page.get_by_role("link", name="Go to your portal").click()
    expect(page.get_by_role("heading", name="On the waitlist")).to_have_count(0)
    assert_accessible(page)
