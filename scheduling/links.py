"""Signed links that let a client cancel or move a session straight from an e-mail.

The URL carries the appointment id and a signature, nothing else: no name, no e-mail, no
session type. Links expire, and they are made at send time so none sits in the outbox table.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse

if TYPE_CHECKING:
    from scheduling.models import Appointment

SALT = "scheduling.manage-appointment"
MAX_AGE = timedelta(days=30)


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
