from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"

    def ready(self) -> None:
        # services and replies register message context builders; tasks registers the
        # outbox's tasks with the Celery app, which the outbox looks up by name; checks
        # registers the deployment checks. Each sign-in starts its session's clocks (idle and
        # absolute limits, middleware.py).
        from django.contrib.auth.signals import user_logged_in

        from practice import checks, replies, services, tasks  # noqa: F401
        from practice.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="practice-session-clock")
