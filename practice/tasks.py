"""Celery tasks: thin, ids only, safe to run twice (the outbox row decides what happens)."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from practice import outbox, privacy


@shared_task(ignore_result=True, acks_late=True)
def send_messages_task(message_ids: list[int]) -> None:
    for position, message_id in enumerate(message_ids):
        try:
            outbox.send_message(message_id)
        except SoftTimeLimitExceeded:
            # A slow provider used this task's time: the rest of the chunk goes to workers
            # again at once rather than waiting for the dispatcher.
            outbox.hand_over(message_ids[position + 1 :])
            raise


# Kept so that tasks queued by the previous release still run after an upgrade.
@shared_task(ignore_result=True, acks_late=True)
def send_message_task(message_id: int) -> None:
    outbox.send_message(message_id)


@shared_task(ignore_result=True)
def dispatch_due_messages_task() -> None:
    outbox.dispatch_due_messages()


@shared_task(ignore_result=True)
def purge_closed_accounts_task() -> None:
    privacy.purge_closed_accounts()
