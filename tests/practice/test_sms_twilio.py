"""The Twilio backend against a local server that speaks Twilio's Messages API.

The server runs on 127.0.0.1 in the test's own thread pool and answers with Twilio's real
status codes and error bodies; nothing here replaces a function of ours.
"""

import base64
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import time_machine
from django.utils import timezone

from consent.models import ContactPreference
from practice import outbox
from practice.models import OutboundMessage
from tests.factories import make_contact_preference, make_message

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
ACCOUNT = "AC00000000000000000000000000000001"
TOKEN = "local-test-auth-token"  # noqa: S105
SERVICE = "MG00000000000000000000000000000001"


@dataclass
class FakeTwilio:
    """Answers POST /2010-04-01/Accounts/<sid>/Messages.json from a script of replies."""

    replies: list[tuple[int, dict]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    port: int = 0

    def answer(self, status: int, body: dict) -> None:
        self.replies.append((status, body))


@pytest.fixture
def twilio(settings) -> Iterator[FakeTwilio]:
    fake = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            fake.requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization", ""), "form": form}
            )
            sid = f"SM{len(fake.requests):032d}"
            status, body = fake.replies.pop(0) if fake.replies else (201, {"sid": sid})
            payload = json.dumps({"status": "queued", **body}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "practice.sms.TwilioBackend"
    settings.TWILIO_API_URL = f"http://127.0.0.1:{fake.port}"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_MESSAGING_SERVICE_SID = SERVICE
    settings.SITE_URL = "https://book.example.org"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def nia(db):
    from tests.factories import make_client

    client = make_client(email="nia@example.org", first_name="Nia", mobile_phone="(970) 555-0123")
    make_contact_preference(client=client, email=True, sms=True)
    return client


def text_to(person) -> OutboundMessage:
    # A text whose content needs nothing but the practice: the answer to HELP.
    return make_message(
        to=person.mobile_phone, recipient=person, template="text_reply_help", channel="sms"
    )


def test_a_text_is_handed_to_twilio_with_a_status_callback_and_recorded_as_sent(twilio, nia):
    message = text_to(nia)

    assert outbox.send_message(message.pk) is True

    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id == f"SM{1:032d}"
    [request] = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    assert request["form"]["To"] == "+19705550123"
    assert request["form"]["MessagingServiceSid"] == SERVICE
    assert request["form"]["StatusCallback"] == "https://book.example.org/texts/twilio/status/"
    assert request["form"]["Body"].startswith("Poudre Valley Behavior Therapy")


def test_a_rate_limited_text_is_tried_again_later_and_then_sent(twilio, nia, settings):
    settings.OUTBOX_RETRY_BACKOFF = 30
    twilio.answer(429, {"code": 20429, "message": "Too Many Requests"})
    message = text_to(nia)

    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.SCHEDULED
    assert message.status_reason == "will try again: the text provider said try later (429)"
    assert message.due_at > timezone.now() + timedelta(seconds=25)
    assert outbox.send_message(message.pk) is False  # not due yet: nothing is asked of Twilio

    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert outbox.send_message(message.pk) is True
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2
    assert len(twilio.requests) == 2


def test_a_server_error_at_twilio_is_tried_again(twilio, nia):
    twilio.answer(503, {"code": 20503, "message": "Service Unavailable"})
    message = text_to(nia)

    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.SCHEDULED and "(503)" in message.status_reason


def test_twilio_unreachable_is_tried_again(twilio, nia, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.TWILIO_API_URL = f"http://127.0.0.1:{closed.getsockname()[1]}"
    message = text_to(nia)

    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.SCHEDULED
    assert message.status_reason == "will try again: could not reach the text provider"


def test_an_invalid_number_fails_with_its_reason_and_without_the_number(twilio, nia):
    twilio.answer(
        400,
        {"code": 21211, "message": "The 'To' number +19705550123 is not a valid phone number."},
    )
    message = text_to(nia)

    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.status_reason == "the mobile number is not a valid phone number (21211)"
    assert message.may_be_resent


def test_a_number_that_is_no_phone_number_fails_before_twilio_is_asked(twilio, nia):
    message = make_message(to="12", recipient=nia, template="text_reply_help", channel="sms")

    outbox.send_message(message.pk)

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.status_reason == "the mobile number is not a valid phone number"
    assert twilio.requests == []


def test_an_unsubscribed_recipient_is_recorded_as_withdrawing_texts(twilio, nia):
    twilio.answer(400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient"})
    message = text_to(nia)

    assert outbox.send_message(message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.SKIPPED
    assert message.status_reason == "the recipient unsubscribed from our texts (21610)"
    choice = ContactPreference.objects.in_force_for(nia)
    assert choice is not None and (choice.email, choice.sms) == (True, False)
    assert choice.get_source_display() == "Withdrawn by text reply"


def test_texts_without_twilio_credentials_fail_with_the_reason_not_unknown(twilio, nia, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    message = text_to(nia)

    assert outbox.send_message(message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.status_reason.startswith("texts are not set up: DJANGO_TWILIO_ACCOUNT_SID")
    assert twilio.requests == []
