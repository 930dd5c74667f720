from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from consent import status as consent_status
        from intake import status as intake_status
        from practice import privacy, shared_pages

        # agenda, checkins, messages and waitlist register message builders; tasks registers
        # the task that services names by string.
        from scheduling import agenda, checkins, messages, tasks, waitlist  # noqa: F401
        from scheduling import privacy as scheduling_privacy
        from scheduling.availability import site_and_calendar_versions
        from scheduling.models import Appointment

        # Consent sits below scheduling and may not import it: scheduling tells it who has a
        # telehealth session ahead (the telehealth consent rule is consent.status's).
        consent_status.look_up_telehealth_with(Appointment.objects.clients_with_telehealth_ahead)
        # Likewise intake, which sends a new intake to the therapist the client is booked with.
        intake_status.look_up_booked_therapist_with(Appointment.objects.booked_therapist_of)
        # And screeners asked again "every N sessions" count the sessions the client attended.
        intake_status.look_up_attended_sessions_with(Appointment.objects.attended_since)
        # A client's sessions in their download; cancelled when they close their account,
        # removed with their other records after the retention period.
        privacy.register_export("appointments", "Your sessions", scheduling_privacy.appointments)
        privacy.register_export("estimates", "Good Faith Estimates", scheduling_privacy.estimates)
        privacy.register_export("checkins", "Your check-ins", scheduling_privacy.checkins)
        privacy.register_export(
            "worry_answers", "Your therapist's answers", scheduling_privacy.worry_answers
        )
        # Public pages with a therapist's open times are kept under their calendar's version.
        shared_pages.look_up_calendars_with(site_and_calendar_versions)
        privacy.register_closure(scheduling_privacy.cancel_sessions_ahead)
        privacy.register_purge("scheduling", scheduling_privacy.purge)
