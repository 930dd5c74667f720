"""On a phone: the therapist adds a step and shares the chart; the client sees the step
celebrated once done, reads their chart, and answers the questionnaire that fell due."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from intake import progress, services
from intake.models import MeasureRound, ScreenerResult
from tests.factories import PASSWORD, make_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_client_sees_a_step_celebrated_and_their_chart_and_answers_a_due_questionnaire(
    page, live_server, alice, dana, assert_accessible, failed_requests
):
    page.set_viewport_size(PHONE)
    base = live_server.url
    sent = timezone.now() - timedelta(weeks=3)
    intake = make_intake(client=alice, status="new", therapist=dana.therapist, submitted_at=sent)
    services.write_goals(intake, "Sleep before midnight")
    ScreenerResult.objects.create(
        submission=intake, instrument="phq9", total=14, severity="moderate"
    )
    ScreenerResult.objects.create(submission=intake, instrument="gad7", total=9, severity="mild")
    ScreenerResult.objects.filter(submission=intake).update(created_at=sent)
    progress.set_schedule(
        submission=intake, every=2, unit="weeks", active=True, shared=False, by=dana
    )
    progress.open_due_rounds()  # three weeks since the intake: due
    assert MeasureRound.objects.open().count() == 1

    # The therapist adds a step and lets the client see the chart.
    log_in(page, base, dana.email)
    page.goto(f"{base}/intake/submissions/{intake.pk}/")
    expect(page.get_by_role("heading", name="Sleep before midnight")).to_be_visible()
    expect(page.get_by_text("The client does not see this chart.")).to_be_visible()
    page.get_by_label("A small step towards this goal").fill("Phone off at 23:00")
    page.get_by_role("button", name="Add step").click()
    expect(page.get_by_text("Step added.")).to_be_visible()
    page.get_by_label("Show the client their chart in their portal").check()
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text("The client sees this chart in their portal.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(base + "/")

    # The client marks the step done and it is celebrated; the chart and its table are there.
    log_in(page, base, alice.email)
    expect(page.get_by_role("heading", name="Your goals")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Mark done\s*: Phone off at 23:00$")).click()
    expect(page.get_by_text("Well done: you finished “Phone off at 23:00”")).to_be_visible()
    charts = page.get_by_role("region", name="How you have been feeling over time")
    expect(charts.get_by_role("img", name="PHQ-9 totals over time")).to_be_visible()
    expect(charts.get_by_role("cell", name="14", exact=True)).to_be_visible()
    assert_accessible(page)

    # The questionnaire that fell due, answered on the phone.
    page.get_by_role("link", name="Answer the questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A short questionnaire")
    assert_accessible(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Please answer 16 more questions")
    assert_accessible(page)
    for key in [*instruments_keys("phq9", 9), *instruments_keys("gad7", 7)]:
        page.locator(f"#question-{key}").get_by_label("Several days", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(page)
    assert not MeasureRound.objects.open().exists()
    totals = dict(
        ScreenerResult.objects.filter(round__isnull=False).values_list("instrument", "total")
    )
    assert totals == {"phq9": 9, "gad7": 7}
    page.get_by_role("link", name="Back to your portal").click()
    expect(page.get_by_role("cell", name="9", exact=True).first).to_be_visible()
    assert not failed_requests
    page.goto("about:blank")


def instruments_keys(code: str, count: int) -> list[str]:
    return [f"{code}_{n}" for n in range(1, count + 1)]
