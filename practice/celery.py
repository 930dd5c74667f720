import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings")

app = Celery("practice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    interval = settings.OUTBOX_DISPATCH_INTERVAL
    sender.conf.beat_schedule = {
        "dispatch-due-messages": {
            "task": "practice.tasks.dispatch_due_messages_task",
            "schedule": interval,
            # A run that waited longer than its interval is dropped: the next one does its work.
            "options": {"expires": max(1.0, interval - 1)},
        },
        # Writes each therapist's 18:00 agenda row for the day (idempotent: a unique key).
        # Tasks are named by string, so the Celery app imports no domain app.
        "schedule-therapist-agendas": {
            "task": "scheduling.tasks.schedule_therapist_agendas_task",
            "schedule": 15 * 60.0,
            "options": {"expires": 14 * 60.0},
        },
        # Opens the PHQ-9 and GAD-7 again for clients whose therapist's schedule says they are
        # due, with a portal-link reminder (idempotent: one open round per client).
        "open-due-questionnaires": {
            "task": "intake.tasks.open_due_rounds_task",
            "schedule": 15 * 60.0,
            "options": {"expires": 14 * 60.0},
        },
        # Removes closed accounts' records once the retention period is over (idempotent).
        "purge-closed-accounts": {
            "task": "practice.tasks.purge_closed_accounts_task",
            "schedule": 6 * 3600.0,
            "options": {"expires": 3600.0},
        },
        # Ends waitlist offers that ran out and offers open times (a hold that ran out frees
        # one with no other trigger). Idempotent: the offers' constraints allow one of each.
        "sweep-waitlist": {
            "task": "scheduling.tasks.sweep_waitlist_task",
            "schedule": 60.0,
            "options": {"expires": 59.0},
        },
    }
