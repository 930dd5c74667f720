"""Signed links that let a client cancel or move a session straight from an e-mail.

The URL carries the appointment id and a signature, nothing else: no name, no e-mail, no
session type. Links expire, and they are made at send time so none sits in the outbox table.
"""

import base64
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

if TYPE_CHECKING:
    from scheduling.models import Appointment

SALT = "scheduling.manage-appointment"
MAX_AGE = timedelta(days=30)
TEXT_SALT = "scheduling.text-link"
# 60 bits of signature: a text has no room for a full one, and guessing this is not practical.
TEXT_MAC_LENGTH = 10


def manage_token(appointment: "Appointment") -> str:
    return signing.dumps(appointment.pk, salt=SALT)


def appointment_id_from(token: str) -> int | None:
    """The appointment id a token was signed for, or None if it is forged or expired."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return value if isinstance(value, int) else None


def manage_url(appointment: "Appointment") -> str:
    """An absolute link to the page where the client can cancel or move this session."""
    path = reverse("scheduling:manage", kwargs={"token": manage_token(appointment)})
    return f"{settings.SITE_URL}{path}"


WAITLIST_SALT = "scheduling.waitlist-offer"
# Longer than any offer lasts: the offer's own expiry decides; an old link opens nothing.
WAITLIST_MAX_AGE = timedelta(days=7)


def waitlist_offer_token(offer_id: int) -> str:
    return signing.dumps(offer_id, salt=WAITLIST_SALT)


def waitlist_offer_id_from(token: str) -> int | None:
    """The waitlist offer a token was signed for, or None if it is forged or expired."""
    try:
        value = signing.loads(token, salt=WAITLIST_SALT, max_age=WAITLIST_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def waitlist_offer_url(offer_id: int) -> str:
    """An absolute link to the page where the client books or passes on an offered time."""
    path = reverse("scheduling:waitlist-offer", kwargs={"token": waitlist_offer_token(offer_id)})
    return f"{settings.SITE_URL}{path}"


def text_token(appointment: "Appointment") -> str:
    """A short token for a text: the appointment id in base 36 and a truncated signature."""
    return short_token(appointment.pk, salt=TEXT_SALT)


def appointment_id_from_text_token(token: str) -> int | None:
    """The appointment id a text's token was made for, or None if it is forged."""
    return number_from_short_token(token, salt=TEXT_SALT)


def short_token(number: int, *, salt: str) -> str:
    """A number in base 36 and a truncated signature under `salt`: short enough for a text."""
    value = _base36(number)
    return f"{value}{_short_mac(value, salt)}"


def number_from_short_token(token: str, *, salt: str) -> int | None:
    """The number a short token was made for under `salt`, or None if it is forged."""
    value, mac = token[:-TEXT_MAC_LENGTH], token[-TEXT_MAC_LENGTH:]
    if not value or not value.isalnum() or not constant_time_compare(mac, _short_mac(value, salt)):
        return None
    return int(value, 36)


def text_url(appointment: "Appointment") -> str:
    """A link short enough for a text that opens the page to cancel or move this session."""
    return f"{settings.SITE_URL}{reverse('text-link', kwargs={'token': text_token(appointment)})}"


def _short_mac(value: str, salt: str) -> str:
    digest = salted_hmac(salt, value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:TEXT_MAC_LENGTH]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, remainder = divmod(number, 36)
        out = digits[remainder] + out
        if not number:
            return out
