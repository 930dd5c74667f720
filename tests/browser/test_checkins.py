"""Must show (issue 15): on a phone, a client answers a check-in from the e-mail's link; the
therapist sees the flag and answers it; the client reads "what we changed" on the next one.
axe on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scheduling import checkins
from scheduling.checkin_models import CheckIn
from scheduling.models import Appointment
from tests.factories import PASSWORD, make_appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANGE = "We will start each session by agreeing what to work on."


def attended_today(dana, alice, *, hours_ago: int) -> str:
    """A session of Alice's earlier today, marked attended, its check-in open: the link's path."""
    session = make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago),
    )
    checkin = checkins.record_attendance(session)
    assert checkin is not None
    CheckIn.objects.filter(pk=checkin.pk).update(opens_at=timezone.now())  # the hour has passed
    return checkins.checkin_path(checkin)


def log_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_client_answers_the_therapist_acts_and_the_client_reads_what_changed(
    page, live_server, alice, dana, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 844})
    link = attended_today(dana, alice, hours_ago=3)

    # The e-mail's link asks Alice to log in, then opens her check-in.
    page.goto(live_server.url + link)
    log_in(page, alice.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("How was your session with Dana?")
    assert_accessible(page)
    for item, score in [
        ("I felt heard, understood and respected.", "7"),
        ("We worked on what I wanted to work on.", "6"),
        ("The approach fits me.", "2"),
        ("Overall, today was right for me.", "6"),
    ]:
        page.get_by_role("group", name=item).get_by_label(score, exact=True).check()
    page.get_by_label("Anything you'd like your therapist to know?").fill("Too much homework.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you.")
    assert_accessible(page)
    assert CheckIn.objects.get().flag == "low"  # 21 of 40

    # Dana sees the flag on the session page, and says what she changed.
    page.context.clear_cookies()
    session = Appointment.objects.get()
    page.goto(f"{live_server.url}/scheduling/calendar/appointments/{session.pk}/")
    log_in(page, dana.email)
    flag = page.locator(".callout--urgent")
    expect(flag).to_contain_text("Total 21 of 40, below 30")
    expect(flag).to_contain_text("Too much homework.")
    expect(page.locator(".checkin-sparkline")).to_have_count(0)  # one answer draws no line
    assert_accessible(page)
    flag.get_by_label("What we changed (optional)").fill(CHANGE)
    flag.get_by_role("button", name="Mark as talked through").click()
    expect(page.get_by_text("The flag is marked as talked through.")).to_be_visible()
    expect(page.locator(".callout--urgent")).to_have_count(0)
    assert_accessible(page)

    # After the next session, Alice's check-in opens with what changed.
    page.context.clear_cookies()
    link = attended_today(dana, alice, hours_ago=1)
    page.goto(live_server.url + link)
    log_in(page, alice.email)
    change = page.locator(".checkin-change")
    expect(change).to_contain_text(
        "You told us that the approach didn't fit you. Here is what we changed:"
    )
    expect(change).to_contain_text(CHANGE)
    assert_accessible(page)
    page.goto("about:blank")
