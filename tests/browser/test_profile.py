import pytest
from playwright.sync_api import expect

from practice.models import User
from tests.factories import PASSWORD, make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_changes_their_details_on_a_phone(page, live_server, assert_accessible):
    make_client(email="robin@example.org", first_name="Robin", last_name="Sato")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    page.get_by_role("link", name="Your details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    assert_accessible(page)
    page.get_by_label("Name you would like us to use").fill("Rob")
    page.get_by_label("Pronouns").fill("they/them")
    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_label("Phone number").fill("(970) 555-0123")
    page.get_by_role("button", name="Save my details").click()
    # Texts go to the new number, so the password is asked for again first, and then the
    # details the client typed are saved as they were sent.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("Your details are saved.")).to_be_visible()
    assert_accessible(page)
    robin = User.objects.get(email="robin@example.org")
    assert (robin.preferred_name, robin.time_zone) == ("Rob", "America/New_York")
