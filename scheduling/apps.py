from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        # Registers the context builders of scheduling's messages.
        from scheduling import agenda, messages  # noqa: F401
