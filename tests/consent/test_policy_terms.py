"""Policy texts quote the cancellation window and late fee from the practice settings."""

from datetime import timedelta
from decimal import Decimal

import pytest

from consent.models import DocumentVersion
from practice.models import PracticeSettings
from tests.consent.helpers import sign_form
from tests.factories import make_document

pytestmark = pytest.mark.django_db

POLICY = "Cancel {cancellation_window} ahead, or pay our late fee of {late_cancellation_fee}."


def _set_terms(*, window: timedelta, fee: str) -> None:
    practice = PracticeSettings.load()
    practice.cancellation_window, practice.late_cancellation_fee = window, Decimal(fee)
    practice.save()


@pytest.fixture
def policy(db):
    return make_document(slug="cancellation-policy", title="Cancellation Policy", body=POLICY)


def test_the_policy_shows_the_window_and_fee_from_the_settings(client, alice, policy):
    _set_terms(window=timedelta(hours=36), fee="90")
    client.force_login(alice)
    response = client.get("/consent/documents/cancellation-policy/")
    assert "Cancel 36 hours ahead, or pay our late fee of $90.00." in response.text
    assert "{cancellation_window}" not in response.text


def test_a_signed_copy_keeps_the_terms_it_was_signed_with(client, alice, policy):
    _set_terms(window=timedelta(hours=24), fee="75")
    client.force_login(alice)
    version = DocumentVersion.objects.get(document=policy)
    client.post("/consent/documents/cancellation-policy/", sign_form(policy))
    signature = alice.consent_signatures.get()
    assert signature.terms == {"cancellation_window": "24 hours", "late_cancellation_fee": "$75.00"}

    _set_terms(window=timedelta(days=2), fee="100")
    copy = client.get(f"/consent/signed/{signature.pk}/").text
    assert "Cancel 24 hours ahead, or pay our late fee of $75.00." in copy
    assert signature.text_matches  # the stored text and terms still give what was shown
    # Today's page shows the new terms, so the client is shown a different text than signed.
    assert "Cancel 2 days ahead" in client.get("/consent/documents/cancellation-policy/").text
    assert version.digest != signature.digest


def test_the_shipped_documents_hard_code_no_window_or_fee():
    from pathlib import Path

    from django.conf import settings

    for path in (Path(settings.BASE_DIR) / "consent" / "documents").glob("*.md"):
        text = path.read_text()
        assert "24 hours" not in text and "$" not in text, path.name
