"""Who may open each consent URL (see tests/practice/url_access.py for the notation)."""

from tests.factories import make_document, make_signature

CLIENTS = {"anonymous": "login", "alice": "200", "bob": "200", "dana": "403", "sam": "403"}
# Alice's own records: bob gets a 404, as if they did not exist.
ALICES = {**CLIENTS, "bob": "404"}
STAFF = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "403", "sam": "200"}


def alices_signature(world) -> dict:
    return {"pk": make_signature(client=world.alice).pk}


def a_document(world) -> dict:
    return {"slug": make_document().slug}


def alice_has_signed(world) -> dict:
    make_signature(client=world.alice)
    return {}


URL_ACCESS = {
    "consent:to-sign": CLIENTS,
    "consent:document": {**CLIENTS, "kwargs": a_document},
    "consent:decline": {**CLIENTS, "kwargs": a_document},
    "consent:signed": CLIENTS,
    # Bob has signed nothing, so there is nothing of his to download.
    "consent:signed-download": {**ALICES, "kwargs": alice_has_signed},
    "consent:signature": {**ALICES, "kwargs": alices_signature},
    "consent:signature-download": {**ALICES, "kwargs": alices_signature},
    "consent:contact-preferences": CLIENTS,
    "consent:staff": STAFF,
}
