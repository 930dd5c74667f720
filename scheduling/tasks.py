"""Scheduling's Celery tasks: thin, no client data in arguments, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from practice.models import Therapist
from scheduling import agenda, waitlist


@shared_task(ignore_result=True)
def schedule_therapist_agendas_task() -> None:
    agenda.schedule_therapist_agendas()


@shared_task(ignore_result=True)
def offer_waitlist_times_task(therapist_id: int) -> None:
    for therapist in Therapist.objects.listed().filter(pk=therapist_id):
        waitlist.offer_open_times(therapist=therapist, now=timezone.now())


@shared_task(ignore_result=True)
def sweep_waitlist_task() -> None:
    waitlist.sweep_waitlist(now=timezone.now())
