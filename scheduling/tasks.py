"""Scheduling's Celery tasks: thin, no client data in arguments, safe to run twice."""

from celery import shared_task

from scheduling import agenda


@shared_task(ignore_result=True)
def schedule_therapist_agendas_task() -> None:
    agenda.schedule_therapist_agendas()
