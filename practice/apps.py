from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"

    def ready(self) -> None:
        # services registers message context builders; tasks registers the outbox's tasks
        # with the Celery app, which the outbox looks up by name.
        # Each sign-in starts its session's clocks (idle and absolute limits, middleware.py).
        from django.contrib.auth.signals import user_logged_in

        from practice import services, tasks  # noqa: F401
        from practice.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="practice-session-clock")
