"""Versions are published, never edited; signatures are kept, never changed. In the model,
in the database and in the admin."""

import pytest
from django.db import IntegrityError, connection, transaction

from consent.models import DocumentVersion, ImmutableRecord, Signature
from tests.consent.helpers import current
from tests.factories import make_document, make_signature, make_version

pytestmark = pytest.mark.django_db


def raw_sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


# Versioning ----------------------------------------------------------------------------------


def test_publishing_numbers_versions_in_the_order_they_are_published():
    document = make_document()
    first_draft = make_version(document=document, publish=False)
    second_draft = make_version(document=document, publish=False)
    assert first_draft.number is None and not first_draft.is_published

    assert second_draft.publish() is True
    assert first_draft.publish() is True

    second_draft.refresh_from_db()
    first_draft.refresh_from_db()
    assert (second_draft.number, first_draft.number) == (2, 3)
    assert current(document) == first_draft


def test_publishing_twice_changes_nothing():
    version = make_version(document=make_document(), publish=False)
    assert version.publish() is True
    published_at = version.published_at
    assert version.publish() is False
    version.refresh_from_db()
    assert (version.number, version.published_at) == (2, published_at)


def test_a_draft_can_be_edited_and_deleted():
    draft = make_version(document=make_document(), publish=False)
    draft.body = "Better words."
    draft.save()
    draft.refresh_from_db()
    assert draft.body == "Better words."
    draft.delete()
    assert not DocumentVersion.objects.filter(pk=draft.pk).exists()


def test_the_model_refuses_to_change_or_delete_a_published_version():
    version = current(make_document())
    version.body = "Quietly different words."
    with pytest.raises(ImmutableRecord):
        version.save()
    with pytest.raises(ImmutableRecord):
        version.delete()
    version.refresh_from_db()
    assert version.body != "Quietly different words."


def test_the_database_refuses_to_change_or_delete_a_published_version():
    version = current(make_document())
    with pytest.raises(IntegrityError, match="never changed or deleted"):
        raw_sql("UPDATE consent_documentversion SET body = 'x' WHERE id = %s", [version.pk])
    with pytest.raises(IntegrityError, match="never changed or deleted"):
        raw_sql("DELETE FROM consent_documentversion WHERE id = %s", [version.pk])
    with pytest.raises(IntegrityError):  # nor "unpublish" it
        raw_sql(
            "UPDATE consent_documentversion SET published_at = NULL, number = NULL WHERE id = %s",
            [version.pk],
        )


def test_there_is_only_one_consent_to_contact():
    make_document(slug="contact-consent", title="Consent to Contact", required_for="contact")
    with pytest.raises(IntegrityError):
        make_document(slug="contact-again", title="Another", required_for="contact")


# Signatures ----------------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete_a_signature(alice):
    signature = make_signature(client=alice)
    signature.typed_name = "Someone Else"
    with pytest.raises(ImmutableRecord):
        signature.save()
    with pytest.raises(ImmutableRecord):
        signature.delete()
    with pytest.raises(ImmutableRecord):
        Signature.objects.filter(pk=signature.pk).update(typed_name="Someone Else")
    with pytest.raises(ImmutableRecord):
        Signature.objects.filter(pk=signature.pk).delete()
    signature.refresh_from_db()
    assert signature.typed_name == "Alice Moreno"


def test_the_database_refuses_to_change_or_delete_a_signature(alice):
    signature = make_signature(client=alice)
    with pytest.raises(IntegrityError, match="never changed or deleted"):
        raw_sql("UPDATE consent_signature SET typed_name = 'x' WHERE id = %s", [signature.pk])
    with pytest.raises(IntegrityError, match="never changed or deleted"):
        raw_sql("DELETE FROM consent_signature WHERE id = %s", [signature.pk])
    assert Signature.objects.get().typed_name == "Alice Moreno"


def test_a_client_signs_a_version_once(alice):
    signature = make_signature(client=alice)
    with pytest.raises(IntegrityError):
        make_signature(client=alice, version=signature.version)


def test_a_guardian_signature_needs_both_name_and_relationship(alice):
    with pytest.raises(IntegrityError):
        make_signature(client=alice, guardian_name="Rosa Moreno")


def test_a_signed_client_cannot_be_deleted(alice):
    from django.db.models import ProtectedError

    make_signature(client=alice)
    with pytest.raises(ProtectedError):
        alice.delete()


# Admin ---------------------------------------------------------------------------------------


def test_staff_write_a_draft_and_publish_it_as_the_next_version(client, sam):
    document = make_document()
    client.force_login(sam)
    response = client.post(
        "/admin/consent/documentversion/add/",
        {
            "document": document.pk,
            "title": "Informed Consent for Treatment",
            "body": "## New\n\nClearer words.",
            "requires_resign": "on",
        },
    )
    assert response.status_code == 302
    draft = DocumentVersion.objects.drafts().get()
    assert draft.number is None and draft.requires_resign

    response = client.post(
        "/admin/consent/documentversion/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Published Informed Consent for Treatment, version 2." in response.text
    draft.refresh_from_db()
    assert draft.number == 2 and draft.is_published


def test_the_admin_shows_a_published_version_read_only(client, sam):
    version = current(make_document())
    client.force_login(sam)
    url = f"/admin/consent/documentversion/{version.pk}/change/"

    page = client.get(url)
    assert page.status_code == 200
    assert "We work on goals you choose." in page.text
    assert 'name="_save"' not in page.text and 'name="body"' not in page.text

    posted = client.post(url, {"document": version.document.pk, "title": "x", "body": "Changed"})
    assert posted.status_code == 403
    assert client.get(f"/admin/consent/documentversion/{version.pk}/delete/").status_code == 403
    version.refresh_from_db()
    assert version.body == "## What we do\n\nWe work on goals you choose.\n"


def test_the_admin_lets_staff_edit_a_draft(client, sam):
    document = make_document()
    draft = make_version(document=document, publish=False)
    client.force_login(sam)
    response = client.post(
        f"/admin/consent/documentversion/{draft.pk}/change/",
        {"document": document.pk, "title": draft.title, "body": "Edited draft."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Edited draft."


def test_staff_start_a_new_draft_from_a_published_version(client, sam):
    version = current(make_document())
    client.force_login(sam)
    client.post(
        "/admin/consent/documentversion/",
        {"action": "copy_to_new_draft", "_selected_action": [version.pk]},
    )
    draft = DocumentVersion.objects.drafts().get()
    assert (draft.document, draft.body) == (version.document, version.body)


def test_the_admin_shows_signatures_read_only(client, sam, alice):
    signature = make_signature(client=alice)
    client.force_login(sam)
    base = "/admin/consent/signature/"

    listing = client.get(base)
    assert listing.status_code == 200 and "Alice Moreno" in listing.text
    page = client.get(f"{base}{signature.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.post(f"{base}{signature.pk}/change/", {"typed_name": "x"}).status_code == 403
    assert client.get(f"{base}{signature.pk}/delete/").status_code == 403
    assert client.post(f"{base}{signature.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert Signature.objects.get().typed_name == "Alice Moreno"


def test_document_text_is_rendered_from_markdown_without_anything_unsafe(client, alice):
    make_document(
        body=(
            "## Your rights\n\n- to ask questions\n- to stop\n\n"
            "<script>alert(1)</script> [a link](javascript:alert(1)) "
            '<a href="/x" onclick="alert(1)">x</a>'
        )
    )
    client.force_login(alice)
    html = client.get("/consent/documents/informed-consent/").text
    assert "<h2>Your rights</h2>" in html and "<li>to ask questions</li>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onclick" not in html
