from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        # They register the urgent alert's and the questionnaire reminder's context builders.
        from intake import privacy as intake_privacy
        from intake import progress, services  # noqa: F401
        from practice import privacy

        privacy.register_export("intake_answers", "Your intake answers", intake_privacy.answers)
        privacy.register_export("intake_scores", "Questionnaire scores", intake_privacy.scores)
        privacy.register_export("goals", "Your goals and their steps", intake_privacy.goals)
        privacy.register_purge("intake", intake_privacy.purge)
