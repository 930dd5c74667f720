"""Celery tasks: thin, ids only, safe to run twice (the outbox row decides what happens)."""

from celery import shared_task

from practice import outbox, privacy


@shared_task(ignore_result=True, acks_late=True)
def send_message_task(message_id: int) -> None:
    outbox.send_message(message_id)


@shared_task(ignore_result=True)
def dispatch_due_messages_task() -> None:
    outbox.dispatch_due_messages()


@shared_task(ignore_result=True)
def purge_closed_accounts_task() -> None:
    privacy.purge_closed_accounts()
