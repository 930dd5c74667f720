import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings")

app = Celery("practice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "dispatch-due-messages": {
        "task": "practice.tasks.dispatch_due_messages_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
