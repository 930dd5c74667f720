from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"

    def ready(self) -> None:
        from consent import privacy as consent_privacy
        from consent import services  # noqa: F401  (registers message context builders)
        from practice import privacy

        privacy.register_export("signatures", "Documents you signed", consent_privacy.signatures)
        privacy.register_export(
            "declines", "Documents you chose not to sign", consent_privacy.declines
        )
        privacy.register_export(
            "contact", "How we may contact you", consent_privacy.contact_choices
        )
        privacy.register_purge("consent", consent_privacy.purge)
