"""Every message template, rendered from real rows about appointments, says nothing clinical."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from consent import services as consent_services
from intake import instruments, progress
from intake import services as intake_services
from intake.scoring import phq9
from practice import channels, outbox, replies
from practice.models import OutboundMessage
from scheduling import agenda, checkins, reminders, waitlist
from scheduling.checkin_models import CHECKIN_ITEMS
from scheduling.models import Appointment
from tests.factories import (
    INTAKE_ANSWERS,
    make_appointment,
    make_contact_preference,
    make_document,
    make_intake,
    make_session_type,
    make_staff,
    make_weekly_hours,
)

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
SESSION_TYPE = "Exposure and response prevention for OCD"
CANCELLATION_REASON = "admitted to hospital after a panic attack"
WORRY_ANSWER = "Being judged for the panic attacks is a common worry; we go at your pace."


def message_templates() -> set[str]:
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    return {
        path.name.split(".")[0]
        for path in folder.iterdir()
        if not path.name.startswith(("_", "README"))
    }


def clinical_strings() -> list[str]:
    """What must never appear: the session type, a reason, a score, screener and intake wording."""
    result = phq9([3, 3, 3, 3, 3, 3, 3, 3, 2])
    return [
        SESSION_TYPE,
        "OCD",
        CANCELLATION_REASON,
        "hospital",
        "PHQ",
        "GAD",
        "score",
        "diagnos",
        result.severity_label,
        f"{result.total}/27",
        f"score {result.total}",
        *instruments.PHQ9_ITEMS,
        *instruments.GAD7_ITEMS,
        *(wording for _field, wording, _summary in CHECKIN_ITEMS),
        WORRY_ANSWER,
    ]


def test_no_message_says_anything_clinical(alice, dana):
    make_staff(email="sam@example.org", first_name="Sam")
    # Alice has sent no intake and signed nothing, so her first session gets the nudge; her
    # intake says she is at risk and she declines a document with a message of her own.
    document = make_document(body="## Treatment\n\nWe work on goals you choose.\n")
    intake = make_intake(client=alice, answers={**INTAKE_ANSWERS, "self_harm_thoughts": True})
    intake_services.flag_urgent(intake)
    consent_services.decline_document(
        client=alice, version=document.versions.published().first(), message=CANCELLATION_REASON
    )
    alice.mobile_phone = "+19705550101"
    alice.save()
    make_contact_preference(client=alice, sms=True)
    session_type = make_session_type(name=SESSION_TYPE, therapists=[dana.therapist])
    with time_machine.travel(datetime(2030, 1, 1, 12, tzinfo=DENVER), tick=False):
        first = make_appointment(
            client=alice,
            therapist=dana.therapist,
            starts_at=datetime(2030, 1, 10, 10, tzinfo=DENVER),
            session_type=session_type,
        )
        reminders.schedule_appointment_messages(first)
        moved = make_appointment(
            client=alice,
            therapist=dana.therapist,
            starts_at=datetime(2030, 1, 11, 10, tzinfo=DENVER),
            session_type=session_type,
        )
        moved.rescheduled_from = first
        moved.save()
        reminders.reschedule_appointment_messages(first, moved)
        cancelled = make_appointment(
            client=alice,
            therapist=dana.therapist,
            starts_at=datetime(2030, 1, 12, 10, tzinfo=DENVER),
            session_type=session_type,
            status=Appointment.Status.PRACTICE_CANCELLED,
        )
        cancelled.cancellation_reason = CANCELLATION_REASON
        cancelled.save()
        reminders.cancel_appointment_messages(cancelled, reason=CANCELLATION_REASON)
        booked = make_appointment(
            client=alice,
            therapist=dana.therapist,
            starts_at=datetime(2030, 1, 13, 10, tzinfo=DENVER),
            session_type=session_type,
        )
        reminders.schedule_appointment_messages(booked)
        agenda.schedule_therapist_agendas()
        # A session this morning, marked attended: its check-in e-mail; and an answer to the
        # worries before the booked session.
        attended = make_appointment(
            client=alice,
            therapist=dana.therapist,
            starts_at=datetime(2030, 1, 1, 9, tzinfo=DENVER),
            session_type=session_type,
        )
        checkins.record_attendance(attended)
        checkins.answer_worries(appointment=booked, by=dana, text=WORRY_ANSWER)
        # The therapist's questionnaires fall due again: their reminder.
        progress.open_round(intake, now=datetime(2030, 1, 1, 12, tzinfo=DENVER))
        for number, word in enumerate(["HELP", "STOP", "START"]):
            replies.receive_text(provider_id=f"SM{number}", from_number="+19705550101", body=word)
        unknown = OutboundMessage.objects.filter(key__startswith=f"appointment:{first.pk}:")[0]
        outbox.alert_staff(
            key="alert", template="staff_message_unknown", context={"message_id": unknown.pk}
        )
    OutboundMessage.objects.filter(pk=unknown.pk).update(status=OutboundMessage.Status.UNKNOWN)
    OutboundMessage.objects.filter(template="therapist_agenda").update(
        context={"date": "2030-01-11"}
    )
    rendered_templates = set()
    with time_machine.travel(datetime(2030, 1, 2, 9, tzinfo=DENVER), tick=False):
        # Alice joins the waitlist for this kind of session; then Dana adds hours.
        waitlist.join_waitlist(
            client=alice,
            therapist=dana.therapist,
            session_type=session_type,
            parts_of_day=["morning", "afternoon", "evening"],
            weekdays=[],
        )
        make_weekly_hours(therapist=dana.therapist)
        assert waitlist.offer_open_times(therapist=dana.therapist, now=timezone.now())
        messages = OutboundMessage.objects.exclude(key__startswith=f"appointment:{first.pk}:")
        for message in messages:
            rendered = channels.render(message)
            everything = " ".join(
                [
                    rendered.subject,
                    rendered.text,
                    rendered.html or "",
                    *[str(content) for _name, content, _type in rendered.attachments],
                ]
            )
            for private in clinical_strings():
                assert private.lower() not in everything.lower(), (message.template, private)
            rendered_templates.add(message.template)
    # allauth's own e-mails (account_email) are written by allauth's templates, which know
    # nothing of a client's care; tests/practice/test_account_emails.py sends them.
    skipped = {"invitation", "account_email"}
    assert rendered_templates >= message_templates() - skipped, "render every template"
