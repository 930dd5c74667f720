import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page_and_the_directory(
    page, live_server, demo_practice, assert_accessible, failed_requests
):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Therapy that starts with trust")
    expect(page).to_have_title("Behavior therapy in Fort Collins · Poudre Valley Behavior Therapy")
    assert_accessible(page)

    page.get_by_role("link", name="Meet our therapists").click()
    expect(page.get_by_role("heading", name="Maya Chen")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Maya Chen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Chen")
    assert_accessible(page)
    assert failed_requests == []


def test_the_skip_link_moves_focus_to_the_main_content(page, live_server, demo_practice):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/first-session/", "/privacy/", "/contact/", "/scheduling/fees/"])
def test_information_pages_are_accessible(
    page, live_server, demo_practice, assert_accessible, path
):
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
