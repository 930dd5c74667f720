from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        # They register the urgent alert's and the questionnaire reminder's context builders.
        from intake import progress, services  # noqa: F401
