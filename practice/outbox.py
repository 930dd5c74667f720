"""The one way a message leaves the practice: a row first, then a claimed send.

A message is written in the same transaction as the change that causes it, under a unique
key, so a second copy cannot exist. Sending claims the row with a conditional UPDATE, so a
retried or duplicated task sends nothing twice. The database is the source of truth; the
broker only carries message ids.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from practice import channels
from practice.models import OutboundMessage, User

Status = OutboundMessage.Status
MAX_ATTEMPTS = 5
DISPATCH_BATCH_SIZE = 500
# The dispatcher, not Celery, retries: the row's due_at moves and the next run picks it up.
RETRY_BACKOFF = timedelta(seconds=30)


def schedule_message(
    *,
    key: str,
    template: str,
    to: str,
    recipient: User | None = None,
    channel: str = OutboundMessage.Channel.EMAIL,
    about: models.Model | None = None,
    due_at: datetime | None = None,
    context: dict | None = None,
) -> OutboundMessage | None:
    """Write one message to the outbox; None if a message with this key already exists.

    Call inside the transaction that causes the message. Context holds ids and plain values
    only: it is rendered when the message is sent, not now.
    """
    message = OutboundMessage(
        key=key,
        template=template,
        to=to,
        recipient=recipient,
        channel=channel,
        due_at=due_at or timezone.now(),
        context=context or {},
    )
    if about is not None:
        message.about_type = ContentType.objects.get_for_model(about)
        message.about_id = about.pk
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if OutboundMessage.objects.filter(key=key).exists():
            return None
        raise
    if message.due_at <= timezone.now():
        _enqueue_on_commit(message.pk)
    return message


def cancel_pending_messages(about: models.Model, *, reason: str) -> int:
    """Cancel the scheduled messages about an object, in the caller's transaction."""
    return OutboundMessage.objects.pending_for(about).update(
        status=Status.CANCELLED, status_reason=reason[:200]
    )


def send_message(message_id: int) -> bool:
    """Send one due message at most once. False if it was sent, cancelled or claimed elsewhere."""
    claimed = (
        OutboundMessage.objects.due()
        .filter(pk=message_id)
        .update(status=Status.SENDING, claimed_at=timezone.now(), attempts=models.F("attempts") + 1)
    )
    if claimed != 1:
        return False
    message = OutboundMessage.objects.select_related("recipient").get(pk=message_id)
    try:
        outcome = channels.deliver(message)
    except channels.TransientDeliveryError as error:
        _release_for_retry(message, reason=str(error))
        return False
    except channels.DeliverySkipped as skipped:
        _finish(message, status=Status.SKIPPED, reason=str(skipped))
        return False
    _finish(message, status=Status.SENT, provider_id=outcome)
    return True


def dispatch_due_messages(limit: int = DISPATCH_BATCH_SIZE) -> int:
    """Hand every due message to a send task. Safe to run from several beats at once."""
    with transaction.atomic():
        ids = list(
            OutboundMessage.objects.due()
            .order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        for message_id in ids:
            _enqueue_on_commit(message_id)
    return len(ids)


def _enqueue_on_commit(message_id: int) -> None:
    from practice.tasks import send_message_task

    send_message_task.delay_on_commit(message_id)


def _release_for_retry(message: OutboundMessage, *, reason: str) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, status=Status.FAILED, reason=reason)
        return
    backoff = RETRY_BACKOFF * 2 ** (message.attempts - 1)
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SCHEDULED, due_at=timezone.now() + backoff, status_reason=reason[:200]
    )


def _finish(
    message: OutboundMessage, *, status: str, reason: str = "", provider_id: str = ""
) -> None:
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status,
        status_reason=reason[:200],
        provider_id=provider_id[:200],
        sent_at=timezone.now() if status == Status.SENT else None,
    )
