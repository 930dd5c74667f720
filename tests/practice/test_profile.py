"""The details a client manages themselves, and that one answer rules every later surface."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from practice import outbox
from practice.models import OutboundMessage
from scheduling import services
from tests.factories import (
    make_booking_rules,
    make_session_type,
    make_weekly_hours,
    reauthenticate,
)
from tests.scheduling.conftest import NOW, denver

pytestmark = pytest.mark.django_db

URL = "/portal/details/"
DETAILS = {
    "preferred_name": "Ali",
    "pronouns": "she/her",
    "time_zone": "Europe/Berlin",
    "mobile_phone": "(970) 555-0123",
    "language": "Spanish",
}


def test_a_client_updates_their_details(client, alice):
    client.force_login(alice)
    reauthenticate(client)  # the mobile number changes
    assert "Your details" in client.get(URL).text

    response = client.post(URL, DETAILS, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Your details are saved." in response.text
    alice.refresh_from_db()
    assert (alice.preferred_name, alice.pronouns, alice.time_zone, alice.language) == (
        "Ali",
        "she/her",
        "Europe/Berlin",
        "Spanish",
    )
    assert alice.mobile_phone == "+19705550123"
    assert alice.display_name == "Ali"


def test_the_page_links_to_allauth_for_e_mail_and_password(client, alice):
    client.force_login(alice)
    page = client.get(URL).text
    assert 'href="/accounts/email/"' in page and 'href="/accounts/password/change/"' in page
    assert client.get("/accounts/email/").status_code == 200


def test_the_portal_links_to_the_details_page(client, alice):
    client.force_login(alice)
    assert f'href="{URL}">Your details' in client.get("/portal/").text


def test_a_bad_phone_or_zone_is_explained_and_nothing_is_saved(client, alice):
    client.force_login(alice)
    reauthenticate(client)  # the mobile number changes
    response = client.post(URL, {**DETAILS, "mobile_phone": "555", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Please enter a phone number with its area code." in response.text
    assert "Select a valid choice." in response.text
    alice.refresh_from_db()
    assert alice.preferred_name == "" and alice.time_zone == "America/Denver"


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_therapists_and_staff_keep_their_details_elsewhere(client, dana, sam):
    for person in (dana, sam):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_other_methods_are_refused(client, alice):
    client.force_login(alice)
    assert client.put(URL).status_code == 405


def test_a_new_time_zone_changes_every_later_surface(
    client, alice, dana, django_capture_on_commit_callbacks
):
    """Booked in Denver, Alice moves to Berlin: the portal, the join page, her next e-mail and
    the therapist's view of her all follow the one answer on her details page."""
    therapist = dana.therapist
    make_weekly_hours(therapist=therapist)
    make_booking_rules(therapist=therapist, buffer=timedelta(0))
    video = make_session_type(name="Video", modality="telehealth", therapists=[therapist])
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            appointment = services.book_appointment(
                client=alice,
                therapist=therapist,
                session_type=video,
                starts_at=denver(10, 10),
                by=alice,
                client_location="CO",
            )
        client.force_login(alice)
        reauthenticate(client)  # the mobile number changes
        assert "Thursday 10 January 2030, 10:00 AM" in client.get("/portal/").text

        client.post(URL, DETAILS)

        assert "Thursday 10 January 2030, 6:00 PM" in client.get("/portal/").text
        join = client.get(f"/scheduling/sessions/{appointment.pk}/join/").text
        assert "5:45 PM CET" in join  # the room opens 15 minutes before, on her new clock
    reminder = OutboundMessage.objects.get(template="appointment_reminder", channel="email")
    mail.outbox.clear()
    with time_machine.travel(reminder.due_at + timedelta(minutes=1), tick=False):
        outbox.send_message(reminder.pk)
    [email] = mail.outbox
    assert email.subject.endswith("6:00 PM CET")
    client.force_login(dana)
    session_page = client.get(f"/scheduling/calendar/appointments/{appointment.pk}/").text
    assert "Ali" in session_page and "she/her" in session_page


def test_a_new_mobile_number_needs_the_password_again_and_sends_a_notice(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)  # signed in, but not within the last five minutes

    asked = client.post(URL, DETAILS)
    assert asked.status_code == 302 and asked.url.startswith("/accounts/reauthenticate/")
    alice.refresh_from_db()
    assert alice.mobile_phone == "" and alice.pronouns == ""  # nothing saved yet

    same_number = client.post(URL, {**DETAILS, "mobile_phone": ""})
    assert same_number.url == URL  # other details need no password
    assert mailoutbox == []

    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post(URL, DETAILS)
    alice.refresh_from_db()
    assert alice.mobile_phone == "+19705550123"
    (notice,) = mailoutbox
    assert notice.to == [alice.email] and notice.subject.endswith("Your mobile number was changed")
    assert "5550123" not in notice.body and "555-0123" not in notice.body
