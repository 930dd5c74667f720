import base64
import json

import pytest
import redis
import time_machine
from django.core import mail
from django.utils import timezone

from practice import outbox
from practice.celery import app
from practice.models import OutboundMessage
from practice.services import invite_person

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


def test_a_message_key_can_exist_only_once(dana):
    first = outbox.schedule_message(
        key="k:1",
        template="invitation",
        to="a@example.org",
        recipient=dana,
        due_at=timezone.now() + timezone.timedelta(days=1),
    )
    second = outbox.schedule_message(
        key="k:1",
        template="invitation",
        to="a@example.org",
        recipient=dana,
        due_at=timezone.now() + timezone.timedelta(days=1),
    )
    assert first is not None and second is None
    assert OutboundMessage.objects.count() == 1


def test_a_due_message_is_sent_once_however_often_it_is_asked():
    user = invite_person(
        email="new@example.org", first_name="Nia", last_name="Cole", role="therapist"
    )
    message = OutboundMessage.objects.get(recipient=user)
    # Sent already by the eager task on commit? Not inside a test transaction: send it now.
    assert outbox.send_message(message.pk) is True
    assert outbox.send_message(message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (
        message.status == Status.SENT
        and message.provider_id == mail.outbox[0].extra_headers["Message-ID"]
    )


def test_a_message_that_is_not_due_yet_is_not_sent(dana):
    message = outbox.schedule_message(
        key="later",
        template="invitation",
        to=dana.email,
        recipient=dana,
        due_at=timezone.now() + timezone.timedelta(hours=1),
    )
    assert outbox.send_message(message.pk) is False
    assert mail.outbox == []


def test_cancelled_messages_are_never_sent(dana):
    message = outbox.schedule_message(
        key="c",
        template="invitation",
        to=dana.email,
        recipient=dana,
        about=dana,
        due_at=timezone.now(),
    )
    assert outbox.cancel_pending_messages(dana, reason="moved") == 1
    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.CANCELLED and message.status_reason == "moved"
    assert mail.outbox == []


def test_the_dispatcher_hands_over_only_due_messages(settings, django_capture_on_commit_callbacks):
    nia = invite_person(email="nia@example.org", first_name="Nia", last_name="Cole", role="staff")
    due = OutboundMessage.objects.get(recipient=nia)
    outbox.schedule_message(
        key="future",
        template="invitation",
        to=nia.email,
        recipient=nia,
        due_at=timezone.now() + timezone.timedelta(days=2),
    )
    # The invitation's own on-commit hand-over never ran (the test's transaction never
    # commits), as if the broker had lost it: the dispatcher hands it over once it may be lost.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.dispatch_due_messages() == 0
    later = timezone.now() + timezone.timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert outbox.dispatch_due_messages() == 1
    due.refresh_from_db()
    assert due.status == Status.SENT
    assert len(mail.outbox) == 1


@pytest.fixture
def real_broker(settings):
    """Publish to the suite's Redis broker instead of running tasks in this process."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("this test needs CELERY_BROKER_URL to be a Redis URL: run it with `make test`")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    settings.CELERY_TASK_ALWAYS_EAGER = app.conf.task_always_eager = False
    yield client
    app.conf.task_always_eager = True
    client.flushdb()


def test_due_messages_are_handed_over_in_chunks_over_one_connection(settings, real_broker):
    settings.OUTBOX_PUBLISH_CHUNK = 20
    outbox.hand_over(list(range(1, 46)))
    tasks = [json.loads(raw) for raw in real_broker.lrange("celery", 0, -1)]
    assert len(tasks) == 3
    chunks = [json.loads(base64.b64decode(task["body"]))[0][0] for task in tasks]
    assert sorted(id_ for chunk in chunks for id_ in chunk) == list(range(1, 46))
    assert sorted(len(chunk) for chunk in chunks) == [5, 20, 20]
    assert {task["headers"]["task"] for task in tasks} == {outbox.SEND_TASK}


def test_with_the_broker_down_the_rows_wait_for_the_dispatcher(settings, dana):
    message = outbox.schedule_message(
        key="k:broker-down",
        template="invitation",
        to=dana.email,
        recipient=dana,
        due_at=timezone.now(),
    )
    OutboundMessage.objects.filter(pk=message.pk).update(dispatched_at=timezone.now())
    settings.CELERY_TASK_ALWAYS_EAGER = app.conf.task_always_eager = False
    url = app.conf.broker_url
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:9/0"
    app._pool = app.amqp._producer_pool = None  # rebuilt for the new URL on the next publish
    try:
        outbox.hand_over([message.pk])
    finally:
        app.conf.broker_url = app.conf.broker_write_url = url
        app._pool = app.amqp._producer_pool = None
        app.conf.task_always_eager = True
    message.refresh_from_db()
    assert message.status == Status.SCHEDULED and message.dispatched_at is None
