"""Text-message backends, chosen by DJANGO_SMS_BACKEND: Twilio in production, files for the demo.

A backend's send() returns the provider's id for the text, or raises channels'
TransientDeliveryError (the provider certainly did not take it: try again later),
DeliveryFailed (it never will, with the reason staff see) or RecipientOptedOut. Any other
error leaves the outbox not knowing whether the text went, which staff see as "unknown".
"""

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from practice.channels import DeliveryFailed, RecipientOptedOut, TransientDeliveryError
from practice.models import User

# Twilio's error codes that are about the number, in words staff can act on. The provider's
# own message is not kept: it quotes the client's number.
TWILIO_NUMBER_ERRORS = {
    21211: "the mobile number is not a valid phone number",
    21214: "the mobile number cannot receive texts",
    21408: "texts to that country are not enabled",
    21612: "the provider cannot text that number",
    21614: "the mobile number is not a mobile phone",
}
TWILIO_UNSUBSCRIBED = 21610
# Seconds to open a connection, then to wait for the answer.
TWILIO_TIMEOUT = (5, 20)


class FileBackend:
    """Writes each text to a file, so the demo and tests can read what was sent."""

    def send(self, *, to: str, body: str) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        provider_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        (folder / f"{stamp}-{provider_id}.txt").write_text(f"To: {to}\n\n{body}\n")
        return provider_id


def e164(number: str) -> str | None:
    """The number in E.164 (+15551234567), reading a ten-digit number as North American."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+") and 8 <= len(digits) <= 15:
        return f"+{digits}"
    if len(digits) == 10:
        return f"+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"+{digits}"
    return None


class TwilioBackend:
    """Twilio's Messages API over HTTPS, asking for signed delivery receipts for each text."""

    def __init__(self) -> None:
        self.account = settings.TWILIO_ACCOUNT_SID
        self.token = settings.TWILIO_AUTH_TOKEN
        if not self.account or not self.token:
            raise ImproperlyConfigured(
                "DJANGO_TWILIO_ACCOUNT_SID and DJANGO_TWILIO_AUTH_TOKEN are needed to send texts"
            )
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            self.sender = {"MessagingServiceSid": settings.TWILIO_MESSAGING_SERVICE_SID}
        elif settings.TWILIO_FROM_NUMBER:
            self.sender = {"From": settings.TWILIO_FROM_NUMBER}
        else:
            raise ImproperlyConfigured(
                "Set DJANGO_TWILIO_MESSAGING_SERVICE_SID or DJANGO_TWILIO_FROM_NUMBER to send texts"
            )

    def send(self, *, to: str, body: str) -> str:
        number = e164(to)
        if number is None:
            raise DeliveryFailed("the mobile number is not a valid phone number")
        url = f"{settings.TWILIO_API_URL}/2010-04-01/Accounts/{self.account}/Messages.json"
        data = {
            "To": number,
            "Body": body,
            "StatusCallback": f"{settings.SITE_URL}{reverse('practice:text-status')}",
            **self.sender,
        }
        try:
            response = requests.post(
                url, data=data, auth=(self.account, self.token), timeout=TWILIO_TIMEOUT
            )
        except (requests.ConnectTimeout, requests.ConnectionError) as error:
            if not _never_connected(error):
                raise  # the request may have reached Twilio: the outbox shows it as unknown
            raise TransientDeliveryError("could not reach the text provider") from error
        return _provider_id_or_raise(response)


def _never_connected(error: requests.RequestException) -> bool:
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return type(reason).__name__ in ("NewConnectionError", "NameResolutionError")


def _provider_id_or_raise(response: requests.Response) -> str:
    status = response.status_code
    if status in (200, 201):
        return str(response.json()["sid"])
    if status == 429 or status >= 500:
        # Twilio did not create the message: a rate limit or its own error.
        raise TransientDeliveryError(f"the text provider said try later ({status})")
    try:
        code = int(response.json().get("code") or 0)
    except ValueError:
        code = 0
    if code == TWILIO_UNSUBSCRIBED:
        raise RecipientOptedOut(f"the recipient unsubscribed from our texts ({code})")
    if code in TWILIO_NUMBER_ERRORS:
        raise DeliveryFailed(f"{TWILIO_NUMBER_ERRORS[code]} ({code})")
    raise DeliveryFailed(f"the text provider refused the text ({status}, error {code or 'none'})")


def twilio_signature(url: str, params: Iterable[tuple[str, str]], token: str) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 of the URL and the sorted POST parameters."""
    payload = url + "".join(f"{name}{value}" for name, value in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_request_is_signed(request: HttpRequest) -> bool:
    """True only when the request carries Twilio's valid signature for the URL we serve it at."""
    given = request.headers.get("X-Twilio-Signature", "")
    token = settings.TWILIO_AUTH_TOKEN
    if not given or not token:
        return False
    # Twilio signs the public address it called; behind a proxy only SITE_URL knows it.
    url = f"{settings.SITE_URL}{request.get_full_path()}"
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    return hmac.compare_digest(given, twilio_signature(url, params, token))


# (client, texts allowed) -> whether the client's choice now is what was asked. The Consent to
# Contact lives in the consent app, above this one, which hands this function down.
TextChoiceRecorder = Callable[[User, bool], bool]
_record_text_choice: TextChoiceRecorder | None = None


def record_text_choice_with(recorder: TextChoiceRecorder) -> TextChoiceRecorder:
    """Set the function that records a client's STOP or START (the consent app's)."""
    global _record_text_choice  # noqa: PLW0603  (set once, at start-up)
    _record_text_choice = recorder
    return recorder


def record_text_choice(client: User, *, texts: bool) -> bool:
    """Record that the client allowed (START) or withdrew (STOP) texts by a text or the provider."""
    if _record_text_choice is None:
        raise ImproperlyConfigured("nothing records text replies: is the consent app installed?")
    return _record_text_choice(client, texts)
