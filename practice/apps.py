from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"

    def ready(self) -> None:
        # services and replies register message context builders; tasks registers the
        # outbox's tasks with the Celery app, which the outbox looks up by name; checks
        # registers the deployment checks. Each sign-in starts its session's clocks (idle and
        # absolute limits, middleware.py). After each migrate the staff group gains the
        # permissions of models added since, once Django has made them.
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from practice import checks, privacy, replies, services, tasks  # noqa: F401
        from practice.middleware import start_session_clock
        from practice.models import sync_staff_group

        # The practice's own parts of a client's download (each app registers its own).
        privacy.register_export("profile", "Your details", privacy.profile)
        privacy.register_export("messages", "Messages we sent you", privacy.messages_sent)
        privacy.register_export("texts", "Texts you sent us", privacy.texts_received)
        privacy.register_export("access", "Who has opened your records", privacy.access_list)
        user_logged_in.connect(start_session_clock, dispatch_uid="practice-session-clock")
        post_migrate.connect(sync_staff_group, dispatch_uid="practice-staff-group")
