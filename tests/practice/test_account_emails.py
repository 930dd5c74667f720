"""allauth's e-mails go through the outbox: a mail server that is down delays the code, never
breaks the page, and the code arrives once when the server is back."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from practice import outbox
from practice.models import OutboundMessage, User
from tests.factories import make_client

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
DOWN = "tests.practice.test_outbox_outcomes.UnreachableBackend"
UP = "django.core.mail.backends.locmem.EmailBackend"
SIGN_UP = {
    "first_name": "Robin",
    "last_name": "Sato",
    "email": "robin@example.org",
    "time_zone": "America/Denver",
    "password1": "a-calm-long-password-8",
    "password2": "a-calm-long-password-8",
}


def mail_server(settings, backend: str) -> None:
    settings.MAILERS = {"default": {"BACKEND": backend}}


def server_comes_back(settings, on_commit) -> None:
    """The mail server answers again; the dispatcher runs after the first wait has passed."""
    mail_server(settings, UP)
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_BACKOFF + 1)
    with time_machine.travel(later), on_commit(execute=True):
        outbox.dispatch_due_messages()
    with time_machine.travel(later), on_commit(execute=True):
        outbox.dispatch_due_messages()  # a second run sends nothing twice


def test_sign_up_with_the_mail_server_down_says_the_code_is_coming_and_it_arrives_once(
    client, settings, django_capture_on_commit_callbacks
):
    mail_server(settings, DOWN)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGN_UP, follow=True)

    assert response.status_code == 200
    assert "code" in response.text.lower() and "robin@example.org" in response.text
    [message] = OutboundMessage.objects.filter(template="account_email")
    assert message.status == Status.SCHEDULED and "will try again" in message.status_reason
    assert mail.outbox == []

    server_comes_back(settings, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert email.to == ["robin@example.org"]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", email.body, re.MULTILINE).group(1)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.context == {}  # the code is not kept
    response = client.post("/accounts/confirm-email/", {"code": code})
    assert response.status_code == 302
    assert User.objects.get(email="robin@example.org").emailaddress_set.get().verified


def test_password_reset_with_the_mail_server_down_does_not_fail_and_the_link_arrives_once(
    client, settings, django_capture_on_commit_callbacks
):
    make_client(email="robin@example.org", first_name="Robin")
    mail_server(settings, DOWN)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "robin@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []

    server_comes_back(settings, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert "/accounts/password/reset/key/" in email.body
    assert email.extra_headers["X-Practice-Message"].startswith("account-email:")


def test_an_account_e_mail_goes_at_once_when_the_server_answers(
    client, settings, django_capture_on_commit_callbacks
):
    mail_server(settings, UP)
    make_client(email="robin@example.org", first_name="Robin")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "robin@example.org"})

    [email] = mail.outbox
    assert email.subject and "&#x27;" not in email.subject
    assert OutboundMessage.objects.get(template="account_email").status == Status.SENT
