"""The one way a message leaves the practice: a row first, then a claimed send.

A message is written in the same transaction as the change that causes it, under a unique
key, so a second copy cannot exist. Sending claims the row with a conditional UPDATE, so a
retried or duplicated task sends nothing twice. The database is the source of truth; the
broker only carries message ids, and a message whose task was lost is handed over again.

    scheduled --claim--> sending --> sent | skipped | failed
        ^                   |
        +-- not now (retry) +--(worker never reported back)--> unknown (a person decides)
"""

import logging
from datetime import datetime, timedelta

import kombu.exceptions
from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from practice import channels, sms
from practice.models import OutboundMessage, PracticeSettings, User

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status
MAX_ATTEMPTS = 5
DISPATCH_BATCH_SIZE = 500
DISPATCH_MAX_BATCHES = 40
UNKNOWN_REASON = "the worker stopped while sending: it may or may not have gone out"
# Named, not imported: practice/tasks.py imports this module (PracticeConfig.ready() loads it).
SEND_TASK = "practice.tasks.send_messages_task"
# allauth's e-mails carry a code or a link made before they are written here: the rendered
# e-mail waits in the row only until it is sent (or given up), then it is forgotten.
ACCOUNT_EMAIL = "account_email"
ONE_TIME_CONTENT = frozenset({ACCOUNT_EMAIL})


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
    due_now = message.due_at <= timezone.now()
    if due_now:
        message.dispatched_at = timezone.now()  # handed over on commit, not by the dispatcher
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if OutboundMessage.objects.filter(key=key).exists():
            return None
        raise
    if due_now:
        _enqueue_on_commit([message.pk])
    return message


def alert_staff(
    *, key: str, template: str, about: models.Model | None = None, context: dict | None = None
) -> int:
    """Write one e-mail to each active member of staff (or the practice's address if none)."""
    staff = list(User.objects.filter(role=User.Role.STAFF, is_active=True).order_by("pk"))
    recipients: list[tuple[str, User | None]] = [(person.email, person) for person in staff]
    if not recipients:
        # Nobody would hear of it otherwise. The kind of alert only: its context is about a client.
        logger.error("no active staff to alert (%s): writing to the practice's address", template)
        recipients = [(PracticeSettings.load().email, None)]
    written = 0
    for address, person in recipients:
        written += bool(
            schedule_message(
                key=f"{key}:staff:{person.pk if person else 'practice'}",
                template=template,
                to=address,
                recipient=person,
                about=about,
                context=context,
            )
        )
    return written


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
        rendered = channels.render(message)
    except channels.DeliverySkipped as skipped:
        return _finish(message, status=Status.SKIPPED, reason=str(skipped))
    except channels.DeliveryDeferred as deferred:
        _defer(message, until=deferred.until, reason=str(deferred))
        return False
    except channels.MessageUndefined as undefined:
        # Staff see the reason beside the message; developers need the log. The reason names
        # the message kind or template only, never anything about the recipient.
        logger.error("message %s was not sent: %s", message.pk, undefined)
        return _finish(message, status=Status.FAILED, reason=str(undefined))
    except channels.DeliveryFailed as failed:
        return _finish(message, status=Status.FAILED, reason=str(failed))
    except Exception as error:
        # Nothing left the building: record it for staff instead of leaving it "sending".
        # The error's type only: its text could quote what the message is about.
        logger.error("message %s could not be rendered (%s)", message.pk, type(error).__name__)
        return _finish(
            message, status=Status.FAILED, reason=f"could not be prepared ({type(error).__name__})"
        )
    try:
        provider_id = channels.transmit(message, rendered)
    except channels.TransientDeliveryError as error:
        _release_for_retry(message, reason=str(error))
        return False
    except channels.RecipientOptedOut as opted_out:
        # Their STOP reached the provider but not us: record it, so nothing more is tried.
        if message.recipient is not None and message.recipient.is_client:
            sms.record_text_choice(message.recipient, texts=False)
        return _finish(message, status=Status.SKIPPED, reason=str(opted_out))
    except channels.DeliveryFailed as failed:
        return _finish(message, status=Status.FAILED, reason=str(failed))
    return _finish(message, status=Status.SENT, provider_id=provider_id)


def dispatch_due_messages(limit: int = DISPATCH_BATCH_SIZE) -> int:
    """Hand every due message to a send task. Safe to run from several beats at once.

    Rows are marked as handed over in the claiming transaction, so two dispatchers running
    together hand each row over once; a row whose task the broker lost is handed over again
    after OUTBOX_REDISPATCH_AFTER. Sending itself stays safe either way: it claims the row.
    """
    mark_unknown_messages()
    handed_over = 0
    for _batch in range(DISPATCH_MAX_BATCHES):
        count = _dispatch_batch(limit)
        handed_over += count
        if count < limit:
            break
    return handed_over


def _dispatch_batch(limit: int) -> int:
    now = timezone.now()
    redispatch_before = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER)
    with transaction.atomic():
        ids = list(
            dispatch_queryset(redispatch_before)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        OutboundMessage.objects.filter(pk__in=ids).update(dispatched_at=now)
        _enqueue_on_commit(ids)
    return len(ids)


def dispatch_queryset(redispatch_before: datetime) -> models.QuerySet[OutboundMessage]:
    """The dispatcher's query (served by the partial index on scheduled rows' due_at)."""
    return OutboundMessage.objects.dispatchable(handed_over_before=redispatch_before).order_by(
        "due_at"
    )


def mark_unknown_messages() -> int:
    """Show rows a worker claimed and never finished as unknown, and alert staff once each."""
    claimed_before = timezone.now() - timedelta(seconds=settings.OUTBOX_UNKNOWN_AFTER)
    with transaction.atomic():
        stuck = list(
            OutboundMessage.objects.stuck_sending(claimed_before=claimed_before)
            .select_for_update(skip_locked=True)
            .only("pk", "template")
        )
        OutboundMessage.objects.filter(
            pk__in=[message.pk for message in stuck], status=Status.SENDING
        ).update(status=Status.UNKNOWN, status_reason=UNKNOWN_REASON)
        for message in stuck:
            if message.template != "staff_message_unknown":  # no alerts about alerts
                alert_staff(
                    key=f"message:{message.pk}:unknown-alert",
                    template="staff_message_unknown",
                    context={"message_id": message.pk},
                )
    if stuck:
        logger.warning("%d message(s) marked unknown after a worker stopped", len(stuck))
    return len(stuck)


def resend_message(message_id: int, *, by: User) -> bool:
    """Send a failed or unknown message again, because a person decided to. False if not."""
    resent = OutboundMessage.objects.filter(
        pk=message_id, status__in=OutboundMessage.RESENDABLE
    ).update(
        status=Status.SCHEDULED,
        due_at=timezone.now(),
        attempts=0,
        dispatched_at=timezone.now(),
        claimed_at=None,
        status_reason=f"resent by {by.display_name}"[:200],
    )
    if resent:
        _enqueue_on_commit([message_id])
    return bool(resent)


def _enqueue_on_commit(message_ids: list[int]) -> None:
    if message_ids:
        transaction.on_commit(lambda: hand_over(message_ids))


def hand_over(message_ids: list[int]) -> None:
    """Hand messages to workers now. If the broker is down, the dispatcher does it later.

    Ids go in chunks over one producer connection: publishing costs about half a millisecond
    a task whatever its size, so 10,000 due reminders are handed over in a few hundred
    publishes rather than 10,000 (`make bench` measures it).
    """
    send_messages_task = current_app.tasks[SEND_TASK]
    chunk = settings.OUTBOX_PUBLISH_CHUNK
    try:
        with current_app.producer_or_acquire() as producer:
            for start in range(0, len(message_ids), chunk):
                send_messages_task.apply_async(
                    (message_ids[start : start + chunk],), producer=producer
                )
    except (kombu.exceptions.OperationalError, OSError) as error:
        # The broker is down. The request must not fail for it: the rows are safe in the
        # database and the next dispatcher run hands them over. Ids only in the log.
        not_sent = message_ids[start:]
        OutboundMessage.objects.filter(pk__in=not_sent).update(dispatched_at=None)
        logger.warning(
            "broker unavailable (%s): %d message(s) left for the dispatcher",
            type(error).__name__,
            len(not_sent),
        )


def _release_for_retry(message: OutboundMessage, *, reason: str) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, status=Status.FAILED, reason=f"gave up after {message.attempts}: {reason}")
        return
    backoff = timedelta(seconds=settings.OUTBOX_RETRY_BACKOFF) * 2 ** (message.attempts - 1)
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SCHEDULED,
        due_at=timezone.now() + backoff,
        dispatched_at=None,
        status_reason=f"will try again: {reason}"[:200],
    )


def _defer(message: OutboundMessage, *, until: datetime, reason: str) -> None:
    # Not an attempt: nothing was tried.
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SCHEDULED,
        due_at=until,
        attempts=models.F("attempts") - 1,
        dispatched_at=None,
        status_reason=reason[:200],
    )


def _finish(
    message: OutboundMessage, *, status: str, reason: str = "", provider_id: str = ""
) -> bool:
    # Also from UNKNOWN: a send that does report back settles the question.
    OutboundMessage.objects.filter(
        pk=message.pk, status__in=[Status.SENDING, Status.UNKNOWN]
    ).update(
        status=status,
        # "resent by Sam" stays beside a message that then went out: who decided matters.
        status_reason=models.Case(
            models.When(status_reason__startswith="resent by", then=models.F("status_reason")),
            default=models.Value(reason[:200]),
        )
        if status == Status.SENT
        else reason[:200],
        provider_id=provider_id[:200],
        sent_at=timezone.now() if status == Status.SENT else None,
        **({"context": {}} if message.template in ONE_TIME_CONTENT else {}),
    )
    return status == Status.SENT
