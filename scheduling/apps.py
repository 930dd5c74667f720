from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from consent import status as consent_status
        from intake import status as intake_status

        # agenda, messages and waitlist register message builders; tasks registers the task
        # that services names by string.
        from scheduling import agenda, messages, tasks, waitlist  # noqa: F401
        from scheduling.models import Appointment

        # Consent sits below scheduling and may not import it: scheduling tells it who has a
        # telehealth session ahead (the telehealth consent rule is consent.status's).
        consent_status.look_up_telehealth_with(Appointment.objects.clients_with_telehealth_ahead)
        # Likewise intake, which sends a new intake to the therapist the client is booked with.
        intake_status.look_up_booked_therapist_with(Appointment.objects.booked_therapist_of)
