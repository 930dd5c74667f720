import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent.models import ContactPreference, Signature
from consent.status import allowed_channels, clients_missing_consent, may_book
from tests.factories import PASSWORD, make_appointment, make_session_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUIRED = [
    "Informed Consent for Treatment",
    "Limits of Confidentiality",
    "Notice of Privacy Practices",
    "Cancellation and No-show Policy",
    "Telehealth Consent",  # alice has booked a video session
]


def log_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def sign(page, *, name: str = "Alice Moreno") -> None:
    page.get_by_label("I have read and agree").check()
    page.get_by_label(re.compile(r"^Full name:?$")).fill(name)
    page.get_by_role("button", name="Sign", exact=True).click()


def test_a_client_signs_every_required_document_on_a_phone_and_downloads_a_copy(
    page, live_server, demo_practice, alice, dana, assert_accessible, tmp_path
):
    video = make_session_type(
        name="Video session", modality="telehealth", therapists=[dana.therapist]
    )
    booked = make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=timezone.now() + timedelta(days=5),
        session_type=video,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, alice.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Alice")
    assert_accessible(page)

    # Right after booking: from the confirmation page to the documents still to sign.
    page.goto(f"{live_server.url}/scheduling/sessions/{booked.pk}/booked/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked")
    page.get_by_role("link", name="Read and sign the documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents to read and sign")
    assert_accessible(page)

    # The first document: a mistake first, then the guardian fields appear only when asked for.
    page.get_by_role("link", name=REQUIRED[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REQUIRED[0])
    guardian_name = page.get_by_label(re.compile(r"^Parent or guardian's full name"))
    expect(guardian_name).to_be_hidden()
    page.get_by_label("I am a parent or guardian signing for a client under 18").check()
    expect(guardian_name).to_be_visible()
    page.get_by_label("I am a parent or guardian signing for a client under 18").uncheck()
    expect(guardian_name).to_be_hidden()
    assert_accessible(page)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    agree = "Please tick the box to say you have read and agree."
    expect(page.get_by_text(agree, exact=True)).to_be_visible()
    expect(page.get_by_text("Please type your full name to sign.", exact=True)).to_be_visible()
    assert_accessible(page)
    sign(page)
    expect(page.get_by_text(f"Thank you. You signed the {REQUIRED[0]}.")).to_be_visible()

    for title in REQUIRED[1:]:
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        # The whole text is readable on the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        sign(page)
        expect(page.get_by_text(f"Thank you. You signed the {title}.")).to_be_visible()
    expect(
        page.get_by_text("You have signed everything we need before your sessions. Thank you.")
    ).to_be_visible()
    assert_accessible(page)

    # The optional Consent to Contact, with e-mail yes and texts no.
    page.get_by_role("link", name="Consent to Contact by E-mail and Text Message").click()
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("e-mail")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("text messages")).get_by_label("No").check()
    sign(page)

    # Everything signed, a print-ready copy, and a download of it.
    page.get_by_role("link", name="Read or download a copy of everything you signed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Everything you signed")
    assert_accessible(page)
    page.get_by_role("link", name="Notice of Privacy Practices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signed copy")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    copy = Path(saved).read_text(encoding="utf-8")
    signature = Signature.objects.get(version__document__slug="privacy-practices")
    assert "Psychotherapy notes, which are a therapist" in copy
    assert "Alice Moreno" in copy and signature.digest in copy and "127.0.0.1" in copy

    assert Signature.objects.filter(client=alice).count() == 6
    assert clients_missing_consent([alice.pk]) == set()
    assert may_book(alice) and allowed_channels(alice) == {"email"}

    # Withdrawing e-mail from the portal.
    page.goto(live_server.url + "/portal/")
    page.get_by_role("link", name="How we may contact you").click()
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("E-mail")).get_by_label("No").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your choices apply from our next message on.")).to_be_visible()
    assert ContactPreference.objects.filter(client=alice).count() == 2
    assert allowed_channels(alice) == set()


def test_declining_and_the_staff_view_are_accessible(
    page, live_server, demo_practice, alice, sam, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, alice.email)
    page.goto(live_server.url + "/consent/documents/limits-of-confidentiality/")
    page.get_by_role("link", name="Write to us instead").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send to the practice").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(
        page.get_by_text("Please write a few words so we know how to help.", exact=True)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("Your message to the practice")).fill(
        "Could we talk about this in the first session?"
    )
    page.get_by_role("button", name="Send to the practice").click()
    expect(page.get_by_text("Someone from the practice will be in touch.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, sam.email)
    page.goto(live_server.url + "/consent/staff/")
    expect(page.get_by_text("Could we talk about this in the first session?")).to_be_visible()
    assert_accessible(page)
