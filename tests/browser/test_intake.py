import re

import pytest
from playwright.sync_api import Page, expect

from intake import instruments
from intake.models import Answer, Submission
from practice.demo import DEMO_PASSWORD
from tests.factories import INTAKE_ANSWERS, PASSWORD, make_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def choose(page: Page, question: str, option: str) -> None:
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def next_page(page: Page, heading: str, assert_accessible) -> None:
    page.get_by_role("button", name=re.compile("^(Next|Check my answers)$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_a_client_fills_in_the_whole_intake_on_a_phone_and_staff_accept_it(
    page, live_server, demo_practice, alice, assert_accessible
):
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, "alice@example.org", PASSWORD)
    page.get_by_role("link", name="Start your intake questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Getting to know you")
    assert_accessible(page)
    page.get_by_role("button", name="Start the questionnaire").click()

    # 1. About you, with one mistake: the date of birth is left out.
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    expect(page.get_by_text("Intake questionnaire: step 1 of 10")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your full legal name").fill("Alice Moreno")
    guardian = page.get_by_label("Parent or guardian's full name")
    expect(guardian).to_be_hidden()
    choose(page, "Are you under 18?", "Yes")
    expect(guardian).to_be_visible()  # the follow-up appears as soon as it applies
    choose(page, "Are you under 18?", "No")
    expect(guardian).to_be_hidden()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check one answer")
    date_question = page.locator("#question-date_of_birth")
    expect(date_question).to_contain_text("Please answer this question.")
    expect(page.get_by_label("Your full legal name")).to_have_value("Alice Moreno")
    assert_accessible(page)
    page.get_by_label("Date of birth").fill("1990-04-15")
    next_page(page, "Staying in touch", assert_accessible)

    # 2. Staying in touch
    page.get_by_label("Your phone number").fill("(970) 555-0100")
    # Her sign-in address is known: shown with a link to her details, not asked again.
    expect(page.locator(".known-answers")).to_contain_text("alice@example.org")
    choose(page, "May we e-mail you about appointments?", "Yes")
    choose(page, "May we send you text messages about appointments?", "No")
    choose(page, "May we leave you a voicemail?", "Yes")
    choose(page, "How would you like to meet?", "Either is fine")
    next_page(page, "What brings you here", assert_accessible)

    # 3. What brings you here
    page.get_by_label("What brings you to therapy right now?").fill("I put things off.")
    page.get_by_label("What would you like to be different?").fill("Finish what I start.")
    choose(page, "Have you been in therapy or counseling before?", "No")
    next_page(page, "Who you are", assert_accessible)

    # 4. Who you are: nothing required.
    page.get_by_role("group", name="Is there anything here").get_by_label("Language").check()
    next_page(page, "People in your corner", assert_accessible)

    # 5. People in your corner
    page.get_by_label("Emergency contact's name").fill("Rosa Moreno")
    page.get_by_label("How do you know them?").fill("Mother")
    page.get_by_label("Emergency contact's phone number").fill("(970) 555-0111")
    next_page(page, "Your health", assert_accessible)

    # 6. Your health
    choose(page, "Are you currently taking any medications?", "No")
    next_page(page, "How you have been feeling", assert_accessible)

    # 7 and 8. The PHQ-9 and GAD-7.
    for item in instruments.PHQ9_ITEMS:
        choose(page, item, "Several days" if item.startswith("Feeling down") else "Not at all")
    next_page(page, "Worry and nerves", assert_accessible)
    for item in instruments.GAD7_ITEMS:
        choose(page, item, "More than half the days")
    next_page(page, "Your safety, and anything else", assert_accessible)

    # 9. Safety
    choose(page, "In the past month, have you had thoughts of harming yourself", "No")
    next_page(page, "Check your answers", assert_accessible)
    expect(page.get_by_text("Finish what I start.")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your answers")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    assert_accessible(page)

    # Staff find it in the queue and accept it.
    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "staff@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Open the intake queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake questionnaires")
    assert_accessible(page)
    page.get_by_role("link", name="Alice Moreno").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake: Alice Moreno")
    expect(page.get_by_role("cell", name="14 of 21")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New status").select_option("accepted")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed to Accepted.")).to_be_visible()
    assert_accessible(page)
    assert Submission.objects.get(client=alice).status == "accepted"


def test_an_item_9_answer_shows_crisis_resources_and_staff_acknowledge_the_flag(
    page, live_server, demo_practice, alice, assert_accessible
):
    page.set_viewport_size(PHONE)
    base = live_server.url
    early = {k: v for k, v in INTAKE_ANSWERS.items() if not k.startswith(("phq9", "gad7"))}
    make_intake(client=alice, answers=early)
    log_in(page, base, "alice@example.org", PASSWORD)
    page.goto(base + "/intake/section/7/")
    for item in instruments.PHQ9_ITEMS:
        choose(page, item, "Not at all")
    choose(page, instruments.PHQ9_ITEMS[8], "Several days")
    page.get_by_role("button", name="Next").click()

    crisis = page.get_by_role("region", name="If you need support right now")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    expect(crisis).to_contain_text("(970) 555-0142")
    expect(page.get_by_role("heading", level=1)).to_have_text("Worry and nerves")
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "staff@example.org", DEMO_PASSWORD)
    expect(page.get_by_text("1 intake needs urgent review.")).to_be_visible()
    page.get_by_role("link", name="Open the intake queue").click()
    page.get_by_role("link", name="Alice Moreno").click()
    expect(page.get_by_role("heading", name="Needs urgent review")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I have seen this and will follow up").click()
    expect(page.get_by_text("Urgent flag acknowledged by Jordan")).to_be_visible()
    page.goto(base + "/staff/")
    expect(page.get_by_text("needs urgent review")).to_have_count(0)


def test_the_page_saves_a_draft_by_itself(page, live_server, demo_practice, alice, settings):
    settings.INTAKE_DRAFT_SAVE_SECONDS = 1
    page.set_viewport_size(PHONE)
    submission = make_intake(client=alice)
    log_in(page, live_server.url, "alice@example.org", PASSWORD)
    page.goto(live_server.url + "/intake/section/3/")
    page.get_by_label("What would you like to be different?").fill("Sleep through the night.")
    expect(page.get_by_role("status").filter(has_text="Saved a draft at")).to_be_visible()
    assert Answer.objects.get(submission=submission).value == "Sleep through the night."


def test_without_javascript_follow_up_questions_are_shown_and_the_page_still_works(
    browser, live_server, demo_practice, alice
):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    submission = make_intake(client=alice)
    log_in(page, live_server.url, "alice@example.org", PASSWORD)
    page.goto(live_server.url + "/intake/section/1/")
    expect(page.get_by_label("Parent or guardian's full name")).to_be_visible()
    page.get_by_label("Your full legal name").fill("Alice Moreno")
    page.get_by_label("Date of birth").fill("1990-04-15")
    choose(page, "Are you under 18?", "No")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staying in touch")
    assert Answer.objects.filter(submission=submission).count() == 3
    context.close()


def test_a_client_is_warned_before_an_idle_sign_out_keeps_the_draft_and_stays(
    page, live_server, demo_practice, alice, assert_accessible
):
    page.clock.install()  # the browser's clock only: the server's sign-in is still fresh
    page.set_viewport_size(PHONE)
    submission = make_intake(client=alice)
    log_in(page, live_server.url, "alice@example.org", PASSWORD)
    page.goto(live_server.url + "/intake/section/3/")
    page.get_by_label("What would you like to be different?").fill("Sleep through the night.")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("55:30")  # clients are signed out after an hour idle

    expect(warning).to_be_visible()
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Saved a draft at")).to_be_visible()
    assert Answer.objects.get(submission=submission).value == "Sleep through the night."
    assert_accessible(page)
    with page.expect_response(re.compile(r"/session/keep-alive/$")) as kept:
        warning.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(warning).to_be_hidden()
    # Leave the page, so none of its timers reaches the server while the database is emptied.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")


def test_logging_out_saves_the_answer_typed_just_before(page, live_server, demo_practice, alice):
    page.set_viewport_size(PHONE)
    submission = make_intake(client=alice)
    log_in(page, live_server.url, "alice@example.org", PASSWORD)
    page.goto(live_server.url + "/intake/section/3/")
    page.get_by_label("What would you like to be different?").fill("Sleep through the night.")

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert Answer.objects.get(submission=submission).value == "Sleep through the night."
    log_in(page, live_server.url, "alice@example.org", PASSWORD)
    page.goto(live_server.url + "/intake/section/3/")
    expect(page.get_by_label("What would you like to be different?")).to_have_value(
        "Sleep through the night."
    )
    page.goto("about:blank")
