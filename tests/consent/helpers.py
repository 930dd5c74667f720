"""Small helpers for the consent tests."""

from consent.models import ConsentDocument, Signature
from practice.models import User
from tests.factories import make_signature

REQUIRED_OF_EVERYONE = [
    "informed-consent",
    "limits-of-confidentiality",
    "privacy-practices",
    "cancellation-policy",
]


def current(document: ConsentDocument):
    return document.versions.published().first()


def sign_required(client: User, documents: dict, *slugs: str) -> list[Signature]:
    """Sign the current version of these documents (by default every one required of all)."""
    return [
        make_signature(client=client, version=current(documents[slug]))
        for slug in slugs or REQUIRED_OF_EVERYONE
    ]


def sign_form(document: ConsentDocument, **fields) -> dict:
    """What the sign form posts when the client ticks the box and types their name."""
    version = current(document)
    return {
        "version": version.pk,
        "digest": version.digest,
        "agree": "on",
        "typed_name": "Alice Moreno",
        **fields,
    }
