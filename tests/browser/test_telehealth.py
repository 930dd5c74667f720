"""Must show (issue 11): a video first session booked from Colorado, with its fee and a Good
Faith Estimate before confirming, joined from the portal 10 minutes before and not 20; a
visitor in Berlin told plainly why not."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practice.models import Therapist
from scheduling.models import Appointment
from tests.factories import PASSWORD, make_client, make_session_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOM = "/video-room-for-the-test/"


@pytest.fixture
def video_first_session(demo_practice, live_server):
    priya = Therapist.objects.get(slug="priya-raman")
    priya.video_room_url = live_server.url + ROOM  # a room on loopback, so the test stays local
    priya.save()
    return make_session_type(
        name="First session by video",
        minutes=50,
        modality="telehealth",
        fee=Decimal("180"),
        therapists=[priya],
    )


def choose_video_first_session(page, live_server) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/scheduling/book/priya-raman/")
    page.get_by_label(re.compile("^First session by video")).check()
    expect(page.get_by_label("Where will you be during the session?")).to_be_visible()
    # The week is fetched again in the browser's zone; answer once the last fetch is in
    # (networkidle alone returns at once when the page reached it before the radio's fetch).
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def answer_where(page, location: str) -> None:
    where = page.get_by_label("Where will you be during the session?")
    where.select_option(location)
    expect(where).to_have_value(location)


def test_a_client_in_colorado_books_a_video_first_session_and_joins_from_the_portal(
    page, live_server, video_first_session, assert_accessible
):
    robin = make_client(email="robin@example.org", first_name="Robin", last_name="Sato")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(robin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    choose_video_first_session(page, live_server)
    expect(page.get_by_label(re.compile("^First session by video"))).to_be_checked()
    expect(page.locator(".booking-options")).to_contain_text("$180.00")  # the fee, before a time
    assert_accessible(page)
    answer_where(page, "CO")
    page.locator("#slot-list .slots button:visible").first.click()

    expect(page.locator(".fee")).to_contain_text("Fee: $180.00")  # and again before confirming
    assert_accessible(page)
    # Paying for themselves, Robin reads the Good Faith Estimate before confirming.
    page.get_by_text("If you pay for yourself: your Good Faith Estimate").click()
    expect(page.locator(".estimate-preview")).to_contain_text("Total expected charges")
    expect(page.locator(".estimate-preview")).to_contain_text("$180.00")
    assert_accessible(page)
    page.get_by_label("I will pay for myself: give me a Good Faith Estimate").check()
    page.get_by_role("button", name="Confirm my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    expect(page.locator(".lede")).to_contain_text("Fee: $180.00.")
    appointment = Appointment.objects.get(client=robin)
    assert appointment.client_location == "CO" and appointment.estimates.count() == 1
    page.goto(live_server.url + "/portal/")
    page.get_by_role("link", name="Your Good Faith Estimate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Good Faith Estimate")
    assert_accessible(page)

    # 20 minutes before: no link yet, and the portal says when it comes.
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=starts, ends_at=starts + timedelta(minutes=50)
    )
    page.goto(live_server.url + "/portal/")
    expect(page.get_by_role("link", name="Join your session")).to_have_count(0)
    expect(page.locator(".portal-sessions")).to_contain_text("the Join button appears here at")
    assert_accessible(page)
    page.goto(f"{live_server.url}/scheduling/sessions/{appointment.pk}/join/")
    expect(page.get_by_text("The room opens at")).to_be_visible()
    assert_accessible(page)

    # 10 minutes before: the link is there and opens the room.
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=10)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=starts, ends_at=starts + timedelta(minutes=50)
    )
    page.goto(live_server.url + "/portal/")
    join = page.get_by_role("link", name="Join your session")
    expect(join).to_be_visible()
    assert_accessible(page)
    join.click()
    expect(page).to_have_url(live_server.url + ROOM)


def test_a_visitor_in_berlin_is_told_plainly_why_video_is_not_possible(
    page, live_server, video_first_session, assert_accessible
):
    choose_video_first_session(page, live_server)
    answer_where(page, "outside-us")
    page.locator("#slot-list .slots button:visible").first.click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "We cannot book a video session while you are in a country outside the United States."
    )
    expect(alert).to_contain_text("Priya is licensed in Colorado only")
    expect(alert).to_contain_text("988 is a US line")
    assert_accessible(page)

    assert not Appointment.objects.filter(session_type=video_first_session).exists()
