"""Intake's Celery tasks: thin, no client data in arguments, safe to run twice."""

from celery import shared_task

from intake import progress


@shared_task(ignore_result=True)
def open_due_rounds_task() -> None:
    progress.open_due_rounds()
