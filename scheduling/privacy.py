"""Scheduling's part of a client's download, of closing their account and of the retention
purge (practice/privacy.py)."""

from django.utils import timezone

from practice.models import User
from practice.privacy import Row
from scheduling import services
from scheduling.checkin_models import ITEM_FIELDS, CheckIn, WorryAnswer
from scheduling.models import Appointment, GoodFaithEstimate

CLOSED = "The client closed their account."


def appointments(client: User) -> list[Row]:
    found = (
        Appointment.objects.filter(client=client)
        .exclude(status=Appointment.Status.HELD)
        .select_related("therapist", "session_type")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "starts_at": appointment.starts_at,
            "ends_at": appointment.ends_at,
            "therapist": appointment.therapist.public_name,
            "session": appointment.session_type.name,
            "fee": appointment.session_type.fee_label,
            "status": appointment.get_status_display(),
            "cancelled_at": appointment.cancelled_at,
        }
        for appointment in found
    ]


def estimates(client: User) -> list[Row]:
    """Each Good Faith Estimate issued to them, as issued."""
    found = GoodFaithEstimate.objects.filter(client=client).order_by("issued_at", "number")
    return [
        {
            "issued_at": estimate.issued_at,
            "version": estimate.number,
            "services": "; ".join(
                f"{line['description']} on {line['date']}: {line['charge']}"
                for line in estimate.content.get("services", [])
            ),
            "total": estimate.content.get("total", ""),
            "provider": estimate.content.get("provider", ""),
        }
        for estimate in found
    ]


def checkins(client: User) -> list[Row]:
    """Each check-in after a session: the answers, and what the therapist changed."""
    found = CheckIn.objects.filter(appointment__client=client).select_related("appointment")
    return [
        {
            "session": checkin.appointment.starts_at,
            "answered_at": checkin.answered_at,
            "skipped_at": checkin.skipped_at,
            **{field: getattr(checkin, field) for field in ITEM_FIELDS},
            "note": checkin.note,
            "what_we_changed": checkin.change_note,
        }
        for checkin in found.order_by("appointment__starts_at", "pk")
    ]


def worry_answers(client: User) -> list[Row]:
    """The therapist's answers to the worries written in the intake."""
    found = WorryAnswer.objects.filter(appointment__client=client).select_related("appointment")
    return [
        {
            "session": answer.appointment.starts_at,
            "answer": answer.text,
            "written_at": answer.created_at,
        }
        for answer in found.order_by("created_at", "pk")
    ]


def cancel_sessions_ahead(client: User) -> int:
    """Cancel every booked session still ahead, the practice's way: never a late fee."""
    ahead = Appointment.objects.filter(
        client=client, status=Appointment.Status.BOOKED, starts_at__gt=timezone.now()
    )
    cancelled = 0
    for appointment in ahead.select_related("client", "therapist"):
        services.cancel_by_practice(appointment=appointment, reason=CLOSED)
        cancelled += 1
    return cancelled


def purge(client: User) -> int:
    """The client's sessions with their check-ins, except a Good Faith Estimate the law still
    has us keep (`keep_until`, six years after it was issued) and the session it estimates."""
    today = timezone.localdate()
    estimates = GoodFaithEstimate.objects.filter(client=client)
    removed, _ = estimates.filter(keep_until__lt=today).delete()
    kept = estimates.values("appointment_id")
    sessions = Appointment.objects.filter(client=client).exclude(pk__in=kept)
    # Check-ins and answers to worries protect their sessions: they go first, kept or not.
    CheckIn.objects.filter(appointment__client=client).delete()
    WorryAnswer.objects.filter(appointment__client=client).delete()
    # A moved session points at the one it replaced (PROTECT): unlink before deleting both.
    Appointment.objects.filter(client=client).update(rescheduled_from=None)
    count, _ = sessions.delete()
    return removed + count
