import pytest
from django.core import mail
from playwright.sync_api import expect

from practice.demo import DEMO_PASSWORD
from practice.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_invite_a_therapist_and_see_the_invitation_among_the_messages(
    page, live_server, demo_practice, assert_accessible
):
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff dashboard")
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("maya.chen@example.org")  # already has an account
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Cole")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    already = "Someone with this e-mail address already has an account."
    expect(page.get_by_text(already, exact=True)).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Nia")  # what was typed is kept
    assert_accessible(page)

    page.get_by_label("E-mail address").fill("nia.cole@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("invitation to nia.cole@example.org")
    assert User.objects.get(email="nia.cole@example.org").role == User.Role.THERAPIST
    assert any(message.to == ["nia.cole@example.org"] for message in mail.outbox)

    page.get_by_role("link", name="See what was sent to whom").click()
    expect(page.get_by_role("cell", name="nia.cole@example.org").first).to_be_visible()
    assert_accessible(page)
