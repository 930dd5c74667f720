"""allauth's pages and e-mails, in the practice's words and telling the truth."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "first_name": "Alice",
    "last_name": "Again",
    "password1": "a-calm-long-password-8",
    "password2": "a-calm-long-password-8",
    "time_zone": "America/Denver",
}
# What the page after signing up says, to a new address and to a known one alike.
BOTH_CASES = [
    "We have sent an e-mail to",
    "If this address is new to us, the e-mail holds a code",
    "If you already have an account with this address, the e-mail says so",
]


def sign_up(client, email, capture):
    with capture(execute=True):
        response = client.post("/accounts/signup/", {**SIGN_UP, "email": email})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_signing_up_with_a_registered_address_e_mails_the_owner_how_to_log_in(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    page = sign_up(client, "alice@example.org", django_capture_on_commit_callbacks)

    for sentence in BOTH_CASES:
        assert sentence in page.text
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "You already have an account with us"
    assert "there is no code to enter" in mail.body
    assert "http://127.0.0.1:8000/accounts/login/" in mail.body
    assert "http://127.0.0.1:8000/accounts/password/reset/" in mail.body
    assert "password forgotten procedure" not in mail.body


def test_a_new_address_gets_the_same_page_and_a_code(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    page = sign_up(client, "robin@example.org", django_capture_on_commit_callbacks)

    for sentence in BOTH_CASES:
        assert sentence in page.text
    (mail,) = mailoutbox
    assert mail.subject == "Your code to check your e-mail address"
    assert re.search(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", mail.body, re.MULTILINE)


def test_log_in_on_the_code_page_leads_to_the_login_form_not_back_to_the_code(
    client, alice, django_capture_on_commit_callbacks
):
    page = sign_up(client, "alice@example.org", django_capture_on_commit_callbacks)
    assert '<a href="/accounts/login/">log in</a>' in page.text

    login = client.get("/accounts/login/")

    assert login.status_code == 200
    assert "<h1>Log in</h1>" in login.text
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302 and not response["Location"].startswith("/accounts/")


def test_the_login_and_sign_up_pages_use_the_practices_words(client):
    login = client.get("/accounts/login/").text
    signup = client.get("/accounts/signup/").text

    assert "Stay logged in when I close the browser" in login and "Remember Me" not in login
    assert ">Log in</button>" in login and "Sign In" not in login
    assert ">Sign up</button>" in signup and "Sign Up" not in signup
    assert 'autocomplete="given-name"' in signup and 'autocomplete="family-name"' in signup


def test_login_errors_are_summarised_at_the_top_and_linked_to_each_field(client):
    page = client.post("/accounts/login/", {"login": "", "password": ""}).text

    summary = page[page.index("data-error-summary") : page.index("<form")]
    assert 'href="#id_login"' in summary and 'href="#id_password"' in summary
    assert 'aria-describedby="id_login_error"' in page
    assert 'aria-invalid="true"' in page


def test_head_is_answered_on_the_details_page(client, alice):
    client.force_login(alice)
    assert client.head("/portal/details/").status_code == 200


def test_a_password_reset_e_mails_a_link_in_the_practices_words(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})

    assert response["Location"] == "/accounts/password/reset/done/"
    (mail,) = mailoutbox
    assert mail.subject == "Choose a new password"
    link = re.search(r"^http\S+/accounts/password/reset/key/\S+$", mail.body, re.MULTILINE)
    assert link and "Hello from" in mail.body
    assert client.get(link.group(0).removeprefix("http://127.0.0.1:8000")).status_code == 302


def test_someone_new_who_leaves_the_code_page_logs_in_and_gets_a_new_code(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(client, "robin@example.org", django_capture_on_commit_callbacks)
    assert client.get("/accounts/login/").status_code == 200

    # A minute later: allauth sends at most one code per address in ten seconds.
    later = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/login/",
            {"login": "robin@example.org", "password": SIGN_UP["password1"]},
        )

    assert response["Location"] == "/accounts/confirm-email/"
    assert [mail.subject for mail in mailoutbox] == ["Your code to check your e-mail address"] * 2
