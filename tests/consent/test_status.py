"""Where consent gates things: "consent missing" for staff and calendars, re-signing a new
version before new bookings, telehealth consent only for telehealth clients."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consent.status import clients_missing_consent, may_book, owe_telehealth_consent
from tests.consent.helpers import current, sign_form, sign_required
from tests.factories import make_appointment, make_client, make_session_type, make_version

pytestmark = pytest.mark.django_db


def test_a_new_client_is_missing_consent_until_every_required_document_is_signed(
    alice, bob, documents
):
    sign_required(alice, documents, "informed-consent", "privacy-practices")
    assert clients_missing_consent([alice.pk, bob.pk]) == {alice.pk, bob.pk}
    sign_required(alice, documents, "limits-of-confidentiality", "cancellation-policy")
    assert clients_missing_consent([alice.pk, bob.pk]) == {bob.pk}


def test_contact_consent_is_optional(alice, documents):
    sign_required(alice, documents)
    assert clients_missing_consent([alice.pk]) == set()


def test_telehealth_consent_is_required_only_of_telehealth_clients(alice, bob, dana, documents):
    sign_required(alice, documents)
    sign_required(bob, documents)
    video = make_session_type(name="Video", modality="telehealth", therapists=[dana.therapist])
    make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=timezone.now() + timedelta(days=2),
        session_type=video,
    )
    assert clients_missing_consent([alice.pk, bob.pk]) == {alice.pk}
    sign_required(alice, documents, "telehealth")
    assert clients_missing_consent([alice.pk, bob.pk]) == set()


def test_nothing_is_missing_before_any_document_is_published(alice):
    assert clients_missing_consent([alice.pk]) == set()
    assert may_book(alice)


def test_clients_missing_consent_runs_four_queries_for_any_number_of_clients(
    documents, dana, django_assert_num_queries
):
    clients = [make_client(email=f"c{number}@example.org") for number in range(30)]
    for client in clients[::2]:
        sign_required(client, documents)
    with django_assert_num_queries(4):
        assert clients_missing_consent([clients[0].pk]) == set()
    video = make_session_type(name="Video", modality="telehealth", therapists=[dana.therapist])
    make_appointment(
        therapist=dana.therapist,
        client=clients[0],
        starts_at=timezone.now() + timedelta(days=2),
        session_type=video,
    )
    with django_assert_num_queries(4):
        missing = clients_missing_consent([client.pk for client in clients])
    assert missing == {client.pk for client in clients[1::2]} | {clients[0].pk}


def test_a_first_session_can_be_booked_before_consent_is_signed(alice, documents):
    assert may_book(alice)


def test_a_new_version_that_requires_it_asks_clients_to_sign_again_before_booking(
    client, alice, dana, documents
):
    sign_required(alice, documents)
    booked = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() + timedelta(days=3)
    )
    informed = documents["informed-consent"]
    make_version(document=informed, body="## Fees\n\nNew fees.", requires_resign=True)

    assert clients_missing_consent([alice.pk]) == {alice.pk}
    assert not may_book(alice)
    booked.refresh_from_db()
    assert booked.status == "booked"  # appointments already booked stay booked

    client.force_login(alice)
    portal = client.get("/portal/")
    assert "We have updated our Informed Consent for Treatment." in portal.text
    assert "before you book another session" in portal.text
    page = client.get("/consent/documents/informed-consent/")
    assert "We have updated this document since you signed it." in page.text
    assert "New fees." in page.text

    client.post("/consent/documents/informed-consent/", sign_form(informed))
    assert may_book(alice)
    assert clients_missing_consent([alice.pk]) == set()


def test_a_new_version_that_does_not_require_it_leaves_earlier_signatures_standing(
    client, alice, bob, documents
):
    sign_required(alice, documents)
    informed = documents["informed-consent"]
    make_version(document=informed, body="## Typo fixed\n\nSame meaning.")
    assert clients_missing_consent([alice.pk]) == set() and may_book(alice)
    # A client who has not signed yet signs the current version.
    sign_required(bob, documents)
    assert current(informed).signatures.get().client == bob

    client.force_login(alice)
    page = client.get("/consent/documents/informed-consent/")
    assert "Your signature on version 1 still covers you" in page.text


def test_an_older_re_sign_request_still_counts_after_a_later_minor_version(alice, documents):
    sign_required(alice, documents)
    informed = documents["informed-consent"]
    make_version(document=informed, body="## Changed\n\nMaterial change.", requires_resign=True)
    make_version(document=informed, body="## Changed\n\nMaterial change, typo fixed.")
    assert not may_book(alice)
    sign_required(alice, documents, "informed-consent")  # signs version 3
    assert may_book(alice)


def test_re_signing_the_optional_contact_consent_does_not_hold_up_bookings(alice, documents):
    sign_required(alice, documents, "contact-consent")
    make_version(document=documents["contact-consent"], requires_resign=True)
    assert may_book(alice)


def test_a_telehealth_booking_makes_telehealth_consent_required(client, alice, dana, documents):
    sign_required(alice, documents)
    video = make_session_type(
        name="Video session", modality="telehealth", therapists=[dana.therapist]
    )
    soon = timezone.now() + timedelta(days=2)
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=soon, session_type=video
    )
    assert owe_telehealth_consent([alice.pk]) == {alice.pk}
    client.force_login(alice)
    to_sign = client.get("/consent/").text.split("Still to sign")[1].split("Your copies")[0]
    assert "Telehealth Consent" in to_sign

    appointment.status = "cancelled"
    appointment.save()
    assert owe_telehealth_consent([alice.pk]) == set()


def test_the_portal_asks_a_new_client_to_sign_before_the_first_session(client, alice, documents):
    client.force_login(alice)
    portal = client.get("/portal/")
    assert "please read and sign 4 documents" in portal.text
    assert 'href="/consent/"' in portal.text
    sign_required(alice, documents)
    portal = client.get("/portal/")
    assert "You have signed everything we need. Thank you." in portal.text
    assert 'href="/consent/signed/"' in portal.text
