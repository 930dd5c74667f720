"""Staff see every message with its status and reason, and resend the ones that failed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from practice.models import OutboundMessage
from tests.factories import make_client, make_message

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


@pytest.fixture
def invited_nia(db):
    nia = make_client(email="nia@example.org", first_name="Nia")
    nia.set_unusable_password()
    nia.save()
    return nia


def test_staff_see_what_went_to_whom_with_status_and_reason(client, sam, alice):
    make_message(
        to=alice.email,
        recipient=alice,
        template="appointment_reminder",
        status=Status.SKIPPED,
    )
    OutboundMessage.objects.update(status_reason="the appointment is cancelled")
    client.force_login(sam)
    page = client.get("/staff/messages/").content.decode()
    for shown in ("Appointment reminder", "Alice", "alice@example.org", "Skipped"):
        assert shown in page
    assert "the appointment is cancelled" in page
    assert "Resend" not in page


def test_unknown_messages_are_called_out_and_can_be_filtered(client, sam, alice):
    make_message(to=alice.email, recipient=alice, status=Status.UNKNOWN, key="u")
    make_message(to=alice.email, recipient=alice, status=Status.SENT, key="s")
    client.force_login(sam)
    page = client.get("/staff/messages/").content.decode()
    assert "1 message may or may not have gone out." in page
    filtered = client.get("/staff/messages/?status=unknown")
    assert [m.key for m in filtered.context["page_obj"]] == ["u"]
    everything = client.get("/staff/messages/?status=nonsense")
    assert len(everything.context["page_obj"]) == 2


def test_staff_resend_a_failed_message_and_a_double_submit_sends_it_once(
    client, sam, invited_nia, django_capture_on_commit_callbacks
):
    message = make_message(
        to=invited_nia.email, recipient=invited_nia, template="invitation", status=Status.FAILED
    )
    client.force_login(sam)
    assert "Resend" in client.get("/staff/messages/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/staff/messages/{message.pk}/resend/")
        second = client.post(f"/staff/messages/{message.pk}/resend/", follow=True)
    assert first.status_code == 302 and first.url == "/staff/messages/"
    assert (
        f"Message #{message.pk} was not sent again: it is scheduled now." in second.content.decode()
    )
    message.refresh_from_db()
    assert message.status == Status.SENT and message.status_reason == "resent by Sam"
    assert [email.to for email in mail.outbox] == [[invited_nia.email]]


def test_resend_is_for_staff_only_by_post_and_for_messages_that_exist(client, sam, alice):
    message = make_message(to=alice.email, recipient=alice, status=Status.FAILED)
    url = f"/staff/messages/{message.pk}/resend/"
    assert client.post(url).url.startswith("/accounts/login/")
    client.force_login(alice)
    assert client.post(url).status_code == 403
    client.force_login(sam)
    assert client.get(url).status_code == 405
    assert client.post(f"/staff/messages/{message.pk + 1000}/resend/").status_code == 404
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_the_list_runs_the_same_queries_for_one_message_or_many(
    client, sam, alice, django_assert_num_queries
):
    client.force_login(sam)
    make_message(to=alice.email, recipient=alice, key="one")
    client.get("/staff/messages/")  # warm the session and user caches
    # A count and the rows, the texts received, and the audit row.
    with django_assert_num_queries(8) as one:
        client.get("/staff/messages/")
    for n in range(120):
        other = make_client(email=f"c{n}@example.org")
        make_message(to=other.email, recipient=other, key=f"many:{n}", status=Status.FAILED)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/staff/messages/?page=2")
    assert len(response.context["page_obj"]) == 50


def test_the_list_is_paged_fifty_at_a_time_newest_first_keeping_the_filter(client, sam, alice):
    for n in range(55):
        make_message(
            to=alice.email,
            recipient=alice,
            key=f"failed:{n}",
            status=Status.FAILED,
            due_at=timezone.now() - timedelta(minutes=n),
        )
    make_message(to=alice.email, recipient=alice, key="sent", status=Status.SENT)
    client.force_login(sam)
    first = client.get("/staff/messages/?status=failed")
    assert [m.key for m in first.context["page_obj"]][:2] == ["failed:0", "failed:1"]
    assert 'href="?status=failed&amp;page=2"' in first.text
    assert "Page 1 of 2" in first.text
    second = client.get("/staff/messages/?status=failed&page=2")
    assert [m.key for m in second.context["page_obj"]] == [f"failed:{n}" for n in range(50, 55)]
    assert client.get("/staff/messages/?page=99").context["page_obj"].number == 2
