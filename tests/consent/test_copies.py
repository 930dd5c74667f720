"""A client reads and downloads a copy of everything they signed; nobody else can."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.consent.helpers import sign_form, sign_required
from tests.factories import make_client, make_signature

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 1, 15, 17, 30, tzinfo=UTC)  # 12:30 PM in New York


@pytest.fixture
def signed(client, alice, documents):
    """Alice, in New York, signed the Informed Consent through the page."""
    alice.time_zone = "America/New_York"
    alice.save()
    client.force_login(alice)
    with time_machine.travel(SIGNED_AT, tick=False):
        client.post(
            "/consent/documents/informed-consent/",
            sign_form(documents["informed-consent"]),
            REMOTE_ADDR="198.51.100.23",
            HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/605",
        )
    return alice.consent_signatures.get()


def assert_a_full_copy(html: str, signature) -> None:
    assert "Informed Consent for Treatment" in html
    assert "Behavior therapy focuses on what you do" in html  # the text itself
    assert "Alice Moreno" in html  # typed name
    assert "Thursday 15 January 2026, 12:30 PM EST" in html  # in alice's zone
    assert "198.51.100.23" in html
    assert "Mozilla/5.0 (iPhone) Safari/605" in html
    assert signature.digest in html
    assert "version 1" in html
    assert "exactly the text you were shown" in html


def test_the_signed_list_shows_each_signature_in_the_client_s_zone(client, signed):
    response = client.get("/consent/signed/")
    assert "Informed Consent for Treatment" in response.text
    assert "Thursday 15 January 2026, 12:30 PM EST" in response.text
    assert f'href="/consent/signed/{signed.pk}/"' in response.text


def test_the_signed_list_runs_the_same_queries_for_one_or_many(
    client, alice, documents, django_assert_num_queries
):
    sign_required(alice, documents, "informed-consent")
    client.force_login(alice)
    client.get("/consent/signed/")
    with django_assert_num_queries(4) as one:
        client.get("/consent/signed/")
    sign_required(alice, documents, "privacy-practices", "telehealth", "cancellation-policy")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/consent/signed/")
    assert response.text.count('class="card"') == 4


def test_the_print_ready_copy_has_the_text_and_the_signature_details(client, signed):
    response = client.get(f"/consent/signed/{signed.pk}/")
    assert response.status_code == 200
    assert_a_full_copy(response.text, signed)
    assert f'href="/consent/signed/{signed.pk}/download/"' in response.text


def test_the_downloaded_copy_has_the_text_and_the_signature_details(client, signed):
    response = client.get(f"/consent/signed/{signed.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "alice" not in disposition.lower()
    assert "private" in response["Cache-Control"]
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert_a_full_copy(html, signed)


def test_a_copy_of_everything_holds_every_signed_document(client, alice, documents, signed):
    sign_required(alice, documents, "privacy-practices")
    response = client.get("/consent/signed/download/")
    html = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Informed Consent for Treatment" in html and "Notice of Privacy Practices" in html
    assert "Psychotherapy notes, which are a therapist" in html


def test_contact_choices_appear_on_the_signed_copy(client, alice, documents):
    client.force_login(alice)
    client.post(
        "/consent/documents/contact-consent/",
        sign_form(documents["contact-consent"], email_ok="yes", sms_ok="no"),
    )
    signature = alice.consent_signatures.get()
    response = client.get(f"/consent/signed/{signature.pk}/")
    assert "E-mail: yes. Text messages: no." in response.text


def test_bob_cannot_see_or_download_alice_s_signatures(client, bob, signed):
    client.force_login(bob)
    assert client.get(f"/consent/signed/{signed.pk}/").status_code == 404
    assert client.get(f"/consent/signed/{signed.pk}/download/").status_code == 404
    assert "Informed Consent" not in client.get("/consent/signed/").text
    assert client.get("/consent/signed/download/").status_code == 404


def test_staff_and_therapists_do_not_use_the_client_copy_pages(client, dana, sam, signed):
    for person in (dana, sam):
        client.force_login(person)
        assert client.get(f"/consent/signed/{signed.pk}/").status_code == 403


def test_anonymous_visitors_are_asked_to_log_in(client, signed):
    client.logout()
    response = client.get(f"/consent/signed/{signed.pk}/download/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_wrong_id_is_not_found(client, alice):
    carol = make_client(email="carol@example.org", first_name="Carol")
    theirs = make_signature(client=carol)
    client.force_login(alice)
    assert client.get(f"/consent/signed/{theirs.pk + 1000}/").status_code == 404
    assert client.get(f"/consent/signed/{theirs.pk}/").status_code == 404


def test_copy_pages_refuse_posts(client, signed):
    assert client.post(f"/consent/signed/{signed.pk}/").status_code == 405
    assert client.post(f"/consent/signed/{signed.pk}/download/").status_code == 405
