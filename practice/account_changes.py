"""Changing how the practice reaches a person: their password first, a notice afterwards.

allauth already asks again for the password (within the last five minutes) before a change of
e-mail, password or second factor, and sends a notice after each. A mobile number that texts
go to is as sensitive, so it gets the same two steps here.
"""

from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest

from practice.phones import InvalidPhone, normalise_phone


def changes_the_phone(request: HttpRequest) -> bool:
    """A POST that would change the signed-in person's mobile number (formatting aside)."""
    if request.method != "POST" or "mobile_phone" not in request.POST:
        return False
    try:
        posted = normalise_phone(request.POST["mobile_phone"])
    except InvalidPhone:
        return False  # nothing will change: the form says what is wrong with the number
    return posted != getattr(request.user, "mobile_phone", "")


phone_change_needs_password = reauthentication_required(allow_get=True, enabled=changes_the_phone)


def notify_phone_changed(request: HttpRequest) -> None:
    """Tell the person by e-mail that their mobile number changed (no number, nothing clinical)."""
    get_adapter(request).send_notification_mail("account/email/phone_changed", request.user)
