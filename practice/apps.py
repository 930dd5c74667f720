from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"

    def ready(self) -> None:
        from practice import services  # noqa: F401  (registers message context builders)
