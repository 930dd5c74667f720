"""A session's fee is shown before and after booking, everywhere but in text messages."""

from decimal import Decimal

import pytest
from django.core import mail

from practice.models import PracticeSettings
from tests.factories import make_session_type, make_therapist
from tests.scheduling.test_booking_pages import WEDNESDAY_TEN, held_appointment_id, hold_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_session(first_session):
    first_session.fee = Decimal("150")
    first_session.save()
    return first_session


def test_the_fee_shows_on_the_slot_page_the_hold_the_confirmation_and_the_portal(
    client, alice, paid_session, frozen, django_capture_on_commit_callbacks
):
    slot_page = client.get("/scheduling/book/dana-whitfield/")
    assert "First session · 50 minutes · in person · $150.00" in slot_page.text

    held = hold_time(client, paid_session, WEDNESDAY_TEN)
    assert "Fee: <strong>$150.00</strong>" in client.get(held.url).text

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(f"/scheduling/holds/{held_appointment_id(held)}/confirm/")
    assert "Fee: $150.00." in client.get(booked.url).text
    assert "fee: $150.00" in client.get("/portal/").text

    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert "The fee for this session is $150.00." in email.body
    assert "The fee for this session is $150.00." in html
    [(_name, ics, _type)] = email.attachments
    assert "DESCRIPTION:Fee: $150.00" in str(ics)


def test_a_free_consultation_says_no_fee(client, first_session, frozen):
    held = hold_time(client, first_session, WEDNESDAY_TEN)
    assert "Fee: <strong>no fee</strong>" in client.get(held.url).text


def test_the_fees_page_lists_every_offered_session_the_late_fee_and_billing(client, dana):
    practice = PracticeSettings.load()
    practice.late_cancellation_fee = Decimal("75")
    practice.billing_information = "We bill your plan for you."
    practice.save()
    make_session_type(name="Consultation", minutes=20, therapists=[dana.therapist])
    make_session_type(
        name="Video follow-up", modality="telehealth", fee=140, therapists=[dana.therapist]
    )
    make_session_type(name="Not offered by anyone", fee=999)

    response = client.get("/scheduling/fees/")

    assert (
        '<th scope="row">Consultation</th><td>20 minutes</td><td>In person</td><td>no fee</td>'
        in response.text
    )
    assert "Video follow-up" in response.text and "$140.00" in response.text
    assert "Not offered by anyone" not in response.text
    assert "late-cancellation fee of $75.00" in response.text
    assert "We bill your plan for you." in response.text


def test_the_fees_page_lists_a_session_two_therapists_offer_once(
    client, dana, django_assert_num_queries
):
    other = make_therapist(email="lee@example.org", first_name="Lee", last_name="Park")
    make_session_type(name="Follow-up", fee=120, therapists=[dana.therapist, other])
    client.get("/scheduling/fees/")  # the first visit creates the practice settings row
    with django_assert_num_queries(2):  # practice settings, session types
        response = client.get("/scheduling/fees/")
    assert response.text.count("Follow-up") == 1


def test_the_portal_links_to_fees_and_billing(client, alice):
    client.force_login(alice)
    assert 'href="/scheduling/fees/">Fees and billing' in client.get("/portal/").text


def test_the_fees_page_refuses_posts(client):
    assert client.post("/scheduling/fees/").status_code == 405
