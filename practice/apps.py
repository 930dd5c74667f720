from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"

    def ready(self) -> None:
        # services and replies register message context builders; tasks registers the
        # outbox's tasks with the Celery app, which the outbox looks up by name; checks
        # registers the deployment checks.
        from practice import checks, replies, services, tasks  # noqa: F401
