from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        from intake import services  # noqa: F401  (registers the urgent alert's context builder)
