"""Public pages kept rendered for visitors who are not signed in (practice/shared_pages.py)."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client

from practice.models import PracticeSettings, Therapist, User
from tests.factories import make_client, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_directory(client) -> Therapist:
    """A directory page a visitor has already seen, so the next visit gets it kept."""
    therapist = make_therapist(first_name="Robin", last_name="Ash")
    PracticeSettings.load()
    client.get("/therapists/")
    return therapist


def test_the_next_visitor_gets_the_kept_page_for_one_query(
    client, kept_directory, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the site's version
        response = Client().get("/therapists/")
    assert response.status_code == 200
    assert "Robin Ash" in response.text
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_a_change_in_sql_shows_on_the_very_next_visit(client, kept_directory):
    # Updates that go around the models' save() still bump the version (a trigger does).
    Therapist.objects.filter(pk=kept_directory.pk).update(
        public_name="Robin Ash-Lee", accepting_new_clients=False
    )
    page = client.get("/therapists/").text
    assert "Robin Ash-Lee" in page and "Not taking new clients right now" in page

    User.objects.filter(pk=kept_directory.user_id).update(is_active=False)
    assert "Robin Ash-Lee" not in client.get("/therapists/").text

    PracticeSettings.objects.update(name="Cache la Poudre Therapy")
    assert "Cache la Poudre Therapy" in client.get("/").text


def test_a_login_elsewhere_does_not_throw_the_kept_pages_away(
    client, kept_directory, django_assert_num_queries
):
    somebody = make_client()
    Client().force_login(somebody)  # updates last_login, which no public page shows
    with django_assert_num_queries(1):
        client.get("/therapists/")


def test_signed_in_people_get_their_own_page_and_theirs_is_never_kept(client, kept_directory):
    signed_in = Client()
    signed_in.force_login(make_client())
    assert "My portal" in signed_in.get("/therapists/").text
    assert "My portal" in signed_in.get("/").text
    # Their page was not kept for the next visitor, nor the visitor's page shown to them.
    assert "Log in" in client.get("/").text
    assert "My portal" in signed_in.get("/").text


def test_a_waiting_message_is_shown_and_never_kept(client, kept_directory):
    with_message = Client()
    storage = CookieStorage(HttpRequest())
    with_message.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.INFO, "Your session is booked.")]
    )
    assert "Your session is booked." in with_message.get("/therapists/").text
    assert "Your session is booked." not in client.get("/therapists/").text
    assert "Your session is booked." not in Client().get("/therapists/").text
