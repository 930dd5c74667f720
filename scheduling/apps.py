from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from consent import status as consent_status
        from intake import status as intake_status
        from scheduling import agenda, checkins, messages  # noqa: F401  (register message builders)
        from scheduling.models import Appointment

        # Consent sits below scheduling and may not import it: scheduling tells it who has a
        # telehealth session ahead (the telehealth consent rule is consent.status's).
        consent_status.look_up_telehealth_with(Appointment.objects.clients_with_telehealth_ahead)
        # Likewise intake, which sends a new intake to the therapist the client is booked with.
        intake_status.look_up_booked_therapist_with(Appointment.objects.booked_therapist_of)
        # And screeners asked again "every N sessions" count the sessions the client attended.
        intake_status.look_up_attended_sessions_with(Appointment.objects.attended_since)
