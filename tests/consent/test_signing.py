"""A client reads a document, ticks "I have read and agree", types their name, and it is kept."""

import hashlib

import pytest
from django.db import connection, transaction

from consent.models import ConsentDocument, Decline, Signature, digest_text
from tests.consent.helpers import current, sign_form, sign_required
from tests.factories import make_document, make_version

pytestmark = pytest.mark.django_db

URL = "/consent/documents/informed-consent/"


@pytest.fixture
def informed(documents):
    return documents["informed-consent"]


def test_the_to_sign_page_lists_what_is_left(client, alice, documents):
    sign_required(alice, documents, "informed-consent")
    client.force_login(alice)
    response = client.get("/consent/")
    to_sign = response.text.split("Still to sign")[1].split("Optional")[0]
    assert "Limits of Confidentiality" in to_sign and "Notice of Privacy Practices" in to_sign
    assert "Informed Consent for Treatment" not in to_sign
    assert "Telehealth Consent" not in to_sign  # alice has no telehealth session
    assert "You have signed 1 document." in response.text


def test_the_to_sign_page_runs_the_same_queries_for_one_or_many_documents(
    client, alice, django_assert_num_queries
):
    make_document()
    client.force_login(alice)
    client.get("/consent/")
    with django_assert_num_queries(7) as one:
        client.get("/consent/")
    for number in range(6):
        make_document(slug=f"doc-{number}", title=f"Document {number}")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/consent/")
    assert "Document 5" in response.text


def test_a_client_reads_the_document_with_its_version(client, alice, informed):
    client.force_login(alice)
    response = client.get(URL)
    assert "<h1" in response.text and "Informed Consent for Treatment" in response.text
    assert "<h2" in response.text and "What behavior therapy is" in response.text
    assert "Version 1, published" in response.text
    assert current(informed).digest in response.text  # carried by the form


def test_behind_our_proxy_the_signature_keeps_the_clients_own_address(
    client, alice, informed, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(alice)
    client.post(
        URL,
        sign_form(informed),
        REMOTE_ADDR="10.0.0.2",  # the load balancer
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert Signature.objects.get().ip_address == "198.51.100.23"


def test_a_client_signs_and_the_signature_keeps_the_evidence(client, alice, informed):
    client.force_login(alice)
    response = client.post(
        URL,
        sign_form(informed, typed_name="  Alice   Moreno "),
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari",
        REMOTE_ADDR="198.51.100.23",
    )
    assert response.status_code == 302 and response.url == "/consent/"
    signature = Signature.objects.get()
    version = current(informed)
    assert (signature.client, signature.version) == (alice, version)
    assert signature.typed_name == "Alice Moreno"
    assert signature.ip_address == "198.51.100.23"
    assert signature.user_agent.startswith("Mozilla/5.0 (iPhone")
    assert signature.guardian_name == "" and not signature.signed_by_guardian
    # The digest is the SHA-256 of exactly the title and body the page showed, with the
    # practice's late fee filled in where the text quotes it.
    assert "{late_cancellation_fee}" in version.body and "$0.00" in version.text_shown
    shown = f"{version.title}\n\n{version.text_shown}".encode()
    assert signature.digest == hashlib.sha256(shown).hexdigest() == version.digest
    assert "You signed the Informed Consent for Treatment" in client.get("/consent/").text


def test_changing_the_text_afterwards_is_detected_by_the_digest(client, alice, informed):
    client.force_login(alice)
    client.post(URL, sign_form(informed))
    signature = Signature.objects.get()
    assert signature.text_matches
    # Someone goes around the model and the trigger and rewrites what alice signed.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # so the table may be altered
        cursor.execute("ALTER TABLE consent_documentversion DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE consent_documentversion SET body = replace(body, 'stop therapy', "
            "'never stop therapy') WHERE id = %s",
            [signature.version_id],
        )
        cursor.execute("ALTER TABLE consent_documentversion ENABLE TRIGGER USER")

    signature = Signature.objects.select_related("version").get()
    assert "never stop therapy" in signature.version.body
    assert not signature.text_matches
    assert signature.digest != digest_text(signature.version.title, signature.version.body)
    copy = client.get(f"/consent/signed/{signature.pk}/")
    assert "Mismatch" in copy.text and "no longer matches" in copy.text


def test_signing_needs_the_box_ticked_and_keeps_what_was_typed(client, alice, informed):
    client.force_login(alice)
    form = sign_form(informed, typed_name="Alice Moreno")
    del form["agree"]
    response = client.post(URL, form)
    assert response.status_code == 200
    assert "Please tick the box to say you have read and agree." in response.text
    assert 'value="Alice Moreno"' in response.text
    assert not Signature.objects.exists()


def test_signing_needs_a_typed_name(client, alice, informed):
    client.force_login(alice)
    response = client.post(URL, sign_form(informed, typed_name="   "))
    assert response.status_code == 200
    assert "Please type your full name to sign." in response.text
    assert not Signature.objects.exists()


def test_a_guardian_signs_for_a_minor_with_their_name_and_relationship(client, alice, informed):
    client.force_login(alice)
    response = client.post(
        URL,
        sign_form(
            informed,
            as_guardian="on",
            guardian_name="Rosa Moreno",
            guardian_relationship="mother",
        ),
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.signed_by_guardian
    assert (signature.typed_name, signature.guardian_name, signature.guardian_relationship) == (
        "Alice Moreno",
        "Rosa Moreno",
        "mother",
    )
    copy = client.get(f"/consent/signed/{signature.pk}/")
    assert "Rosa Moreno, mother, as parent or guardian for Alice Moreno" in copy.text


def test_a_guardian_must_give_their_name_and_relationship(client, alice, informed):
    client.force_login(alice)
    response = client.post(URL, sign_form(informed, as_guardian="on", guardian_name="Rosa"))
    assert response.status_code == 200
    assert "Please say how you are related to the client." in response.text
    assert 'value="Rosa"' in response.text and "checked" in response.text
    assert not Signature.objects.exists()


def test_guardian_details_are_ignored_unless_the_box_is_ticked(client, alice, informed):
    client.force_login(alice)
    client.post(URL, sign_form(informed, guardian_name="Rosa", guardian_relationship="mother"))
    assert Signature.objects.get().guardian_name == ""


def test_a_double_submit_keeps_one_signature(client, alice, informed):
    client.force_login(alice)
    client.post(URL, sign_form(informed))
    response = client.post(URL, sign_form(informed), follow=True)
    assert Signature.objects.count() == 1
    assert "You had already signed the Informed Consent for Treatment." in response.text


def test_a_client_who_read_an_older_version_is_asked_to_read_the_new_one(client, alice, informed):
    client.force_login(alice)
    read = sign_form(informed)  # the page alice read
    make_version(document=informed, body="## Changed\n\nNew words.", requires_resign=True)
    response = client.post(URL, read, follow=True)
    assert not Signature.objects.exists()
    assert "We updated this document while you were reading it" in response.text
    assert "New words." in response.text


def test_a_form_whose_digest_was_tampered_with_signs_nothing(client, alice, informed):
    client.force_login(alice)
    client.post(URL, sign_form(informed, digest="0" * 64))
    assert not Signature.objects.exists()


def test_a_signed_document_shows_when_it_was_signed(client, alice, informed):
    alice.time_zone = "America/New_York"
    alice.save()
    client.force_login(alice)
    client.post(URL, sign_form(informed))
    response = client.get(URL)
    assert "You signed version 1 on" in response.text
    assert " EST" in response.text or " EDT" in response.text
    assert 'name="agree"' not in response.text


def test_an_unknown_or_unpublished_document_is_not_found(client, alice, documents):
    unpublished = ConsentDocument.objects.create(slug="unpublished", title="Not yet")
    make_version(document=unpublished, publish=False)
    client.force_login(alice)
    assert client.get("/consent/documents/nothing-here/").status_code == 404
    assert client.get("/consent/documents/unpublished/").status_code == 404


def test_signing_pages_ask_anonymous_visitors_to_log_in(client, informed):
    response = client.post(URL, sign_form(informed))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not Signature.objects.exists()


def test_a_therapist_cannot_sign_as_a_client(client, dana, informed):
    client.force_login(dana)
    assert client.post(URL, sign_form(informed)).status_code == 403


def test_signing_pages_refuse_other_methods(client, alice, informed):
    client.force_login(alice)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
    assert client.post("/consent/").status_code == 405
    assert client.post("/consent/signed/").status_code == 405


# Declining -----------------------------------------------------------------------------------


def test_a_client_declines_with_a_message_and_the_practice_is_told(
    client, alice, informed, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/consent/documents/informed-consent/decline/",
            {"message": "I would like to talk about the fees first."},
        )
    assert response.status_code == 302 and response.url == "/consent/"
    decline = Decline.objects.get()
    assert (decline.client, decline.version) == (alice, current(informed))
    assert decline.message == "I would like to talk about the fees first."
    [email] = mailoutbox
    assert email.to == ["hello@example.org"]
    # The practice's inbox gets a link, not the client's name or words.
    for text in (email.subject, email.body):
        assert "Alice" not in text and "fees" not in text and "Informed" not in text
    assert "/consent/staff/" in email.body
    to_sign = client.get("/consent/").text
    assert "You wrote to us about this on" in to_sign


def test_declining_needs_a_message(client, alice, informed):
    client.force_login(alice)
    response = client.post("/consent/documents/informed-consent/decline/", {"message": "  "})
    assert response.status_code == 200
    assert "Please write a few words so we know how to help." in response.text
    assert not Decline.objects.exists()


def test_declining_twice_keeps_the_first_message(client, alice, informed):
    client.force_login(alice)
    url = "/consent/documents/informed-consent/decline/"
    client.post(url, {"message": "First thoughts."})
    response = client.post(url, {"message": "Second thoughts."})
    assert Decline.objects.get().message == "First thoughts."
    assert "You wrote to us about this document on" in response.text


def test_a_signed_document_cannot_be_declined(client, alice, informed):
    client.force_login(alice)
    client.post(URL, sign_form(informed))
    response = client.post(f"{URL}decline/", {"message": "Changed my mind."})
    assert response.status_code == 302 and response.url == URL
    assert not Decline.objects.exists()
