"""What other apps may ask of consent. The consent issue fills these in."""

from collections.abc import Iterable


def clients_missing_consent(
    client_ids: Iterable[int], *, telehealth_client_ids: Iterable[int] = ()
) -> set[int]:
    """The clients among these who still have a required document to sign.

    Telehealth consent is required only of the clients in telehealth_client_ids.
    """
    return set()


def may_book(client) -> bool:
    """False while the client has a re-sign request outstanding (new bookings wait for it)."""
    return True


def allowed_channels(client) -> set[str]:
    """The channels ("email", "sms") that the client's Consent to Contact allows right now."""
    return {"email", "sms"}
