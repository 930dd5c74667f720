"""What happens to a message when the provider says yes, not now, never, or nothing at all."""

import logging
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from practice import outbox
from practice.models import OutboundMessage
from tests.factories import make_message, make_staff

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
BACKENDS = "tests.practice.test_outbox_outcomes"


class BusyBackend(BaseEmailBackend):
    """A provider that answers every message with "451 try again later"."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"Try again later")


class RefusingBackend(BaseEmailBackend):
    """A provider that refuses the address for good."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"No such user")})


class UnreachableBackend(BaseEmailBackend):
    """A provider whose server does not answer: nothing is handed over."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        raise AssertionError("never reached")


class HangingUpBackend(BaseEmailBackend):
    """A provider that drops the line after the message went out: did it take it? Nobody knows."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def nia(db):
    """A therapist invited by staff who has not chosen a password yet."""
    person = make_staff(email="nia@example.org", first_name="Nia")
    person.set_unusable_password()
    person.save()
    return person


def invitation(person, **fields) -> OutboundMessage:
    return make_message(to=person.email, recipient=person, template="invitation", **fields)


def use_backend(settings, name: str) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{BACKENDS}.{name}"}}


def fall_due(message: OutboundMessage) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(due_at=timezone.now())


def test_a_busy_provider_is_tried_again_later_with_growing_waits_then_given_up(settings, nia):
    use_backend(settings, "BusyBackend")
    settings.OUTBOX_RETRY_BACKOFF = 30
    message = invitation(nia)
    waits = []
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        fall_due(message)
        before = timezone.now()
        assert outbox.send_message(message.pk) is False
        message.refresh_from_db()
        assert message.status == Status.SCHEDULED and "try later (451)" in message.status_reason
        waits.append(round((message.due_at - before).total_seconds()))
    assert waits == [30, 60, 120, 240]
    fall_due(message)
    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    assert message.status_reason.startswith("gave up after 5")


def test_an_unreachable_server_is_tried_again(settings, nia):
    use_backend(settings, "UnreachableBackend")
    message = invitation(nia)
    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.SCHEDULED and "could not reach" in message.status_reason


def test_a_refused_address_fails_at_once_and_staff_see_why(settings, nia):
    use_backend(settings, "RefusingBackend")
    message = invitation(nia)
    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.status_reason == "the mail server refused the message (550)"


def test_a_message_kind_nothing_fills_in_is_not_sent_blank_but_failed_for_staff_and_logged(
    client, sam, alice, caplog, mailoutbox, settings, tmp_path
):
    # Its templates exist (as after a template was added but its code forgotten); only the
    # content builder that would fill in {{ link }} is missing.
    (tmp_path / "emails").mkdir()
    for part in ("subject.txt", "txt", "html"):
        (tmp_path / "emails" / f"welcome_back.{part}").write_text("Welcome back: {{ link }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    message = make_message(to=alice.email, recipient=alice, template="welcome_back")
    with caplog.at_level("DEBUG"):
        assert outbox.send_message(message.pk) is False
    assert mailoutbox == []
    reason = "nothing fills in welcome_back messages (a fault in the software)"
    assert_failed_loudly(message, reason, log=caplog, about=alice, staff_client=client, staff=sam)


def test_a_text_whose_template_is_missing_is_not_sent_but_failed_for_staff_and_logged(
    client, sam, nia, caplog, settings
):
    nia.mobile_phone = "+19705550142"
    nia.save()
    message = make_message(to=nia.mobile_phone, recipient=nia, template="invitation", channel="sms")
    with caplog.at_level("DEBUG"):
        assert outbox.send_message(message.pk) is False
    assert not settings.SMS_FILE_PATH.exists()
    reason = "the template emails/invitation.sms.txt is missing (a fault in the software)"
    assert_failed_loudly(message, reason, log=caplog, about=nia, staff_client=client, staff=sam)


def assert_failed_loudly(message, reason: str, *, log, about, staff_client, staff) -> None:
    """Failed with a plain reason, one error logged without the person's data, shown to staff."""
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.status_reason == reason
    [error] = [record for record in log.records if record.levelno >= logging.ERROR]
    assert error.getMessage() == f"message {message.pk} was not sent: {reason}"
    for value in (about.first_name, about.last_name, about.email, about.mobile_phone):
        assert not value or value.lower() not in log.text.lower(), value
    staff_client.force_login(staff)
    assert "1 needs a person" in staff_client.get("/staff/").text
    assert reason in staff_client.get("/staff/messages/?status=failed").text


def test_a_message_whose_send_never_reported_back_is_unknown_and_never_resent_by_itself(
    settings, nia, sam, django_capture_on_commit_callbacks
):
    use_backend(settings, "HangingUpBackend")
    message = invitation(nia)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        outbox.send_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENDING  # as if the worker had died here

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        outbox.dispatch_due_messages()
    message.refresh_from_db()
    assert message.status == Status.SENDING, "too early to call it unknown"

    later = timezone.now() + timedelta(seconds=settings.OUTBOX_UNKNOWN_AFTER + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        outbox.dispatch_due_messages()
        outbox.dispatch_due_messages()
    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    alerted = sorted(email.to[0] for email in mail.outbox)
    assert alerted == sorted([sam.email, nia.email]), "staff alerted once each, no resend"
    alert = mail.outbox[0]
    assert alert.subject == "A message may not have gone out"
    assert f"message #{message.pk} (invitation, e-mail)" in alert.body
    assert nia.email not in alert.body


def test_staff_resend_an_unknown_message_once(sam, nia, django_capture_on_commit_callbacks):
    message = invitation(nia, status=Status.UNKNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.resend_message(message.pk, by=sam) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.resend_message(message.pk, by=sam) is False
    message.refresh_from_db()
    assert message.status == Status.SENT and message.status_reason == "resent by Sam"
    assert len(mail.outbox) == 1


def test_a_sent_or_scheduled_message_cannot_be_resent(sam, nia):
    for status in (Status.SENT, Status.SCHEDULED, Status.CANCELLED, Status.SENDING):
        message = invitation(nia, status=status, key=f"k:{status}")
        assert outbox.resend_message(message.pk, by=sam) is False
        message.refresh_from_db()
        assert message.status == status


def test_two_dispatcher_runs_hand_a_message_over_once_until_its_task_may_be_lost(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    make_message(key="due", due_at=timezone.now() - timedelta(minutes=1))
    make_message(key="later", due_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert outbox.dispatch_due_messages() == 1
        assert outbox.dispatch_due_messages() == 0
    assert len(callbacks) == 1
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks():
        assert outbox.dispatch_due_messages() == 1, (
            "its task may have been lost: hand it over again"
        )


def test_the_dispatcher_works_through_a_large_backlog_in_one_run(
    django_capture_on_commit_callbacks,
):
    OutboundMessage.objects.bulk_create(
        OutboundMessage(key=f"bulk:{n}", to="x@example.org", template="invitation")
        for n in range(25)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert outbox.dispatch_due_messages(limit=10) == 25
    assert len(callbacks) == 3


def test_staff_alerts_go_to_each_active_member_of_staff_or_else_the_practice():
    assert outbox.alert_staff(key="x", template="staff_message_unknown") == 1
    assert OutboundMessage.objects.get().to == "hello@example.org"
    make_staff(email="one@example.org")
    make_staff(email="two@example.org")
    make_staff(email="gone@example.org", is_active=False)
    assert outbox.alert_staff(key="y", template="staff_message_unknown") == 2
    assert outbox.alert_staff(key="y", template="staff_message_unknown") == 0
    assert set(
        OutboundMessage.objects.filter(key__startswith="y:").values_list("to", flat=True)
    ) == {
        "one@example.org",
        "two@example.org",
    }


def test_an_e_mails_message_id_names_the_practices_domain_not_the_server(settings, nia):
    settings.MESSAGE_ID_DOMAIN = "poudrevalleytherapy.org"
    message = invitation(nia)

    assert outbox.send_message(message.pk) is True

    [email] = mail.outbox
    assert email.extra_headers["Message-ID"].endswith("@poudrevalleytherapy.org>")
    message.refresh_from_db()
    assert message.provider_id == email.extra_headers["Message-ID"]
