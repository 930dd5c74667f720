from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        from intake import privacy as intake_privacy
        from intake import services  # noqa: F401  (registers the urgent alert's context builder)
        from practice import privacy

        privacy.register_export("intake_answers", "Your intake answers", intake_privacy.answers)
        privacy.register_export("intake_scores", "Questionnaire scores", intake_privacy.scores)
        privacy.register_purge("intake", intake_privacy.purge)
