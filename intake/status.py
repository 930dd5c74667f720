"""What other apps may ask of intake, and what intake asks of the app above it."""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from intake.models import Answer, Submission

if TYPE_CHECKING:
    from practice.models import Therapist, User

# Given a client id, the therapist of their earliest booked session, or None.
TherapistLookup = Callable[[int], "Therapist | None"]
_therapist_lookup: TherapistLookup | None = None
# Given {client id: moment}, how many sessions each client attended that started after it.
AttendedLookup = Callable[[Mapping[int, datetime]], dict[int, int]]
_attended_lookup: AttendedLookup | None = None


def clients_missing_intake(client_ids: Iterable[int]) -> set[int]:
    """The clients among these who have not submitted their intake questionnaire (one query)."""
    wanted = set(client_ids)
    if not wanted:
        return set()
    sent = Submission.objects.filter(client_id__in=wanted, submitted_at__isnull=False)
    return wanted - set(sent.values_list("client_id", flat=True))


def sent_intake_url(client_id: int, viewer: "User") -> str | None:
    """Where `viewer` reads the client's sent intake, or None if it is unsent or not theirs."""
    sent = (
        Submission.objects.for_user(viewer)
        .filter(client_id=client_id, submitted_at__isnull=False)
        .values_list("pk", flat=True)
        .first()
    )
    return None if sent is None else reverse("intake:submission-detail", kwargs={"pk": sent})


def _sent_answer(client_id: int, viewer: "User", key: str) -> object:
    """The client's answer to question `key` in their sent intake, if `viewer` may read it."""
    sent = Submission.objects.for_user(viewer).filter(
        client_id=client_id, submitted_at__isnull=False
    )
    return (
        Answer.objects.filter(submission__in=sent, question__key=key)
        .values_list("value", flat=True)
        .first()
    )


# "How would you like to meet?" in the intake, as session modalities (scheduling's
# SessionType.Modality values). "Either is fine" is no preference.
MEETING_CHOICES = {"In person in Fort Collins": "in_person", "Telehealth (video)": "telehealth"}


def meeting_preference(client_id: int, viewer: "User") -> str:
    """How the client would like to meet, from their sent intake: "in_person", "telehealth",
    or "" (either, unanswered, or an intake `viewer` may not read)."""
    answer = _sent_answer(client_id, viewer, "session_format")
    return MEETING_CHOICES.get(answer, "") if isinstance(answer, str) else ""


# The intake's question "Is there anything that worries you about starting therapy?"
WORRIES_KEY = "therapy_worries"


def therapy_worries(client_id: int, viewer: "User") -> str:
    """What the client wrote worries them about starting therapy, in their sent intake.

    "" when they wrote nothing, have not sent it, or `viewer` may not read their intake.
    """
    value = _sent_answer(client_id, viewer, WORRIES_KEY)
    return value.strip() if isinstance(value, str) else ""


def look_up_booked_therapist_with(lookup: TherapistLookup) -> None:
    """Take the function that tells which therapist a client is booked with.

    Intake sits below scheduling and may not import it; scheduling hands this over when the
    app registry is ready (scheduling/apps.py).
    """
    global _therapist_lookup
    _therapist_lookup = lookup


def booked_therapist(client_id: int) -> "Therapist | None":
    """The therapist of the client's earliest booked session: a sent intake goes to them."""
    if _therapist_lookup is None:
        raise ImproperlyConfigured("nothing tells intake which therapist a client is booked with")
    return _therapist_lookup(client_id)


def look_up_attended_sessions_with(lookup: AttendedLookup) -> None:
    """Take the function that counts a client's attended sessions (scheduling's, in its ready()).

    Screeners asked "every N sessions" need it; the rule itself stays in intake.progress.
    """
    global _attended_lookup
    _attended_lookup = lookup


def attended_sessions_since(since: Mapping[int, datetime]) -> dict[int, int]:
    """How many sessions each client attended that started after their moment (one query)."""
    if _attended_lookup is None:
        raise ImproperlyConfigured("nothing tells intake how many sessions a client attended")
    return _attended_lookup(since) if since else {}
