"""Texts people send to the practice, and Twilio's delivery receipts, through signed webhooks."""

import pytest

from consent.models import ContactPreference
from practice.models import InboundText, OutboundMessage, PracticeSettings
from practice.sms import twilio_signature
from tests.factories import make_contact_preference, make_message

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
TOKEN = "local-test-auth-token"  # noqa: S105
SITE = "https://book.example.org"
INCOMING = "/texts/twilio/incoming/"
STATUS = "/texts/twilio/status/"
ALICE_PHONE = "+19705550142"


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = SITE


@pytest.fixture
def alice(alice):
    alice.mobile_phone = "970-555-0142"
    alice.save()
    return alice


def post_signed(client, path, data, *, signature: str | None = None, signed_url: str = ""):
    if signature is None:
        signature = twilio_signature(signed_url or f"{SITE}{path}", data.items(), TOKEN)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(path, data, headers=headers)


def text_from(client, body, *, sid="SM0001", sender=ALICE_PHONE, **options):
    data = {"MessageSid": sid, "From": sender, "To": "+19705550100", "Body": body}
    return post_signed(client, INCOMING, data, **options)


def replies() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(template__startswith="text_reply_"))


def sent_texts(settings) -> list[str]:
    folder = settings.SMS_FILE_PATH
    return [path.read_text() for path in sorted(folder.glob("*.txt"))] if folder.exists() else []


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "StopAll", "UNSUBSCRIBE", "cancel", "End", "QUIT."]
)
def test_stop_and_its_synonyms_withdraw_texts_and_confirm_once(
    client, alice, word, settings, django_capture_on_commit_callbacks
):
    make_contact_preference(client=alice, email=True, sms=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = text_from(client, word)

    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    choice = ContactPreference.objects.in_force_for(alice)
    assert choice is not None and (choice.email, choice.sms) == (True, False)
    assert choice.get_source_display() == "Withdrawn by text reply"
    [reply] = replies()
    assert (reply.template, reply.to, reply.status) == ("text_reply_stop", ALICE_PHONE, Status.SENT)
    [text] = sent_texts(settings)
    assert f"To: {ALICE_PHONE}" in text and "no more texts from us. Reply START" in text
    assert InboundText.objects.get().outcome == "texts withdrawn"


def test_a_replayed_stop_acts_once(client, alice, django_capture_on_commit_callbacks):
    make_contact_preference(client=alice, email=True, sms=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert text_from(client, "STOP").status_code == 200
        assert text_from(client, "STOP").status_code == 200

    assert InboundText.objects.count() == 1
    assert ContactPreference.objects.filter(client=alice).count() == 2  # the yes, then the STOP
    assert len(replies()) == 1


@pytest.mark.parametrize(
    ("signature", "signed_url"),
    [
        ("", ""),  # missing
        ("bm90IGEgc2lnbmF0dXJl", ""),  # not Twilio's
        (None, f"{SITE}/some/other/url/"),  # signed for another address
    ],
    ids=["missing", "wrong", "other-url"],
)
def test_an_unsigned_or_badly_signed_text_is_refused_and_changes_nothing(
    client, alice, signature, signed_url
):
    make_contact_preference(client=alice, email=True, sms=True)

    response = text_from(client, "STOP", signature=signature, signed_url=signed_url)

    assert response.status_code == 403
    assert not InboundText.objects.exists() and replies() == []
    assert ContactPreference.objects.in_force_for(alice).sms is True


def test_a_text_signed_with_another_token_is_refused(client, alice, settings):
    data = {"MessageSid": "SM0001", "From": ALICE_PHONE, "Body": "STOP"}
    forged = twilio_signature(f"{SITE}{INCOMING}", data.items(), "someone-elses-token")

    assert client.post(INCOMING, data, headers={"X-Twilio-Signature": forged}).status_code == 403


def test_webhooks_refuse_everything_without_a_token_configured(client, alice, settings):
    data = {"MessageSid": "SM0001", "From": ALICE_PHONE, "Body": "STOP"}
    signature = twilio_signature(f"{SITE}{INCOMING}", data.items(), "")
    settings.TWILIO_AUTH_TOKEN = ""

    assert client.post(INCOMING, data, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_webhooks_answer_get_with_405(client):
    assert client.get(INCOMING).status_code == 405
    assert client.get(STATUS).status_code == 405


def test_start_restores_texts_for_a_client_who_had_agreed(
    client, alice, django_capture_on_commit_callbacks
):
    make_contact_preference(client=alice, email=False, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        text_from(client, "STOP", sid="SM0001")
        text_from(client, "unstop", sid="SM0002")

    choice = ContactPreference.objects.in_force_for(alice)
    assert (choice.email, choice.sms) == (False, True)
    assert choice.get_source_display() == "Restored by text reply"
    assert [reply.template for reply in replies()] == ["text_reply_start", "text_reply_stop"]


def test_start_from_a_client_who_never_agreed_to_texts_changes_nothing(client, alice):
    make_contact_preference(client=alice, email=True, sms=False)

    text_from(client, "START")

    assert ContactPreference.objects.in_force_for(alice).sms is False
    assert replies() == []
    assert InboundText.objects.get().outcome == (
        "not restored: no client with this number had agreed to texts"
    )


def test_help_answers_with_the_practices_name_and_phone(
    client, alice, settings, django_capture_on_commit_callbacks
):
    practice = PracticeSettings.load()
    practice.phone = "(970) 555-0100"
    practice.save()

    with django_capture_on_commit_callbacks(execute=True):
        text_from(client, "help")

    [text] = sent_texts(settings)
    assert "Poudre Valley Behavior Therapy, (970) 555-0100. Reply STOP to end texts." in text


def test_anything_else_is_kept_for_staff_without_an_answer(client, alice, sam):
    text_from(client, "Running 5 min late, sorry!")

    assert replies() == []
    assert ContactPreference.objects.filter(client=alice).count() == 0
    client.force_login(sam)
    page = client.get("/staff/messages/").text
    assert "Running 5 min late, sorry!" in page and "kept for staff" in page


def test_a_stop_from_an_unknown_number_is_kept_and_confirmed(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        text_from(client, "STOP", sender="+13035550199")

    assert InboundText.objects.get().outcome == "no client has this number"
    assert replies() == []


# Delivery receipts -------------------------------------------------------------------------


def sent_text(alice, provider_id="SM00000000000000000000000000000abc") -> OutboundMessage:
    message = make_message(
        to=alice.mobile_phone, recipient=alice, channel="sms", template="appointment_reminder"
    )
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT, provider_id=provider_id
    )
    return message


def receipt(client, message, status, error_code="", **options):
    data = {"MessageSid": message.provider_id or "SMx", "MessageStatus": status}
    if error_code:
        data["ErrorCode"] = error_code
    return post_signed(client, STATUS, data, **options)


def test_a_delivery_receipt_marks_the_text_delivered(client, alice):
    message = sent_text(alice)
    message.refresh_from_db()

    assert receipt(client, message, "sent").status_code == 204  # still on its way
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert receipt(client, message, "delivered").status_code == 204
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


@pytest.mark.parametrize(
    ("status", "code", "shown", "reason"),
    [
        ("undelivered", "30003", Status.UNDELIVERED, "the phone was unreachable (error 30003)"),
        (
            "failed",
            "30006",
            Status.FAILED,
            "the number is a landline or cannot take texts (error 30006)",
        ),
        ("failed", "", Status.FAILED, "the provider gave no reason (error 0)"),
    ],
)
def test_a_failed_reminder_text_shows_with_its_reason_and_counts_as_needing_a_person(
    client, alice, sam, status, code, shown, reason
):
    message = sent_text(alice)
    message.refresh_from_db()

    receipt(client, message, status, code)
    receipt(client, message, status, code)  # replayed: nothing more happens

    message.refresh_from_db()
    assert (message.status, message.status_reason) == (shown, reason)
    client.force_login(sam)
    assert "1 needs a person" in client.get("/staff/").text
    assert reason in client.get("/staff/messages/").text


def test_a_badly_signed_receipt_is_refused(client, alice):
    message = sent_text(alice)
    message.refresh_from_db()

    assert receipt(client, message, "failed", "30003", signature="bm9wZQ==").status_code == 403
    assert receipt(client, message, "failed", "30003", signature="").status_code == 403
    message.refresh_from_db()
    assert message.status == Status.SENT
