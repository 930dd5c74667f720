"""`for_user(user)` means "what this person may see" on every model that holds a person's data.

The URL walk (test_url_access.py) opens alice's records as each persona; these tests ask each
queryset directly, with a second therapist (erin, bob's) so "a therapist sees only their own"
is tested too, and with the two ways in that are not a user (a visitor's hold, a signed link).
"""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from consent.models import ContactPreference, Decline, Signature
from intake import services as intake_services
from intake.models import Goal, GoalStep, MeasureRound, MeasureSchedule, Submission
from practice.audit import AuditEntry
from practice.models import OutboundMessage
from practice.scoping import get_for_user
from scheduling.links import manage_token
from scheduling.models import (
    Appointment,
    AvailabilityException,
    CalendarFeed,
    CheckIn,
    TimeOff,
    WaitlistEntry,
    WaitlistOffer,
    WeeklyAvailability,
    WorryAnswer,
)
from tests.factories import (
    make_appointment,
    make_contact_preference,
    make_document,
    make_intake,
    make_message,
    make_signature,
    make_therapist,
    make_waitlist_offer,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "bob", "dana", "erin", "sam"]
# Whose records each persona sees, by who the records belong to ("alice" and dana's, "bob" and
# erin's). Staff see everything the practice holds.
CLIENTS_AND_THERAPISTS = {
    "alice": {"alice"},
    "bob": {"bob"},
    "dana": {"alice"},
    "erin": {"bob"},
    "sam": {"alice", "bob"},
}
CLIENTS_ONLY = {**CLIENTS_AND_THERAPISTS, "dana": set(), "erin": set()}
THERAPISTS_ONLY = {**CLIENTS_AND_THERAPISTS, "alice": set(), "bob": set()}
STAFF_ONLY = {"alice": set(), "bob": set(), "dana": set(), "erin": set(), "sam": {"alice", "bob"}}


@pytest.fixture
def people(alice, bob, dana, sam):
    erin = make_therapist(email="erin@example.org", first_name="Erin", last_name="Cole").user
    return {"alice": alice, "bob": bob, "dana": dana, "erin": erin, "sam": sam}


def records_of(people, make) -> dict[int, str]:
    """Make one record for alice (with dana) and one for bob (with erin): pk -> owner."""
    pairs = {"alice": "dana", "bob": "erin"}
    return {
        make(people[client], people[therapist]).pk: client for client, therapist in pairs.items()
    }


def seen(people, model, owners: dict[int, str]) -> dict[str, set[str]]:
    return {
        persona: {owners[pk] for pk in model.objects.for_user(user).values_list("pk", flat=True)}
        for persona, user in people.items()
    }


def appointment(client, therapist):
    starts_at = timezone.now() + timedelta(days=7)
    return make_appointment(therapist=therapist.therapist, client=client, starts_at=starts_at)


def submission(client, therapist):
    return make_intake(client=client, therapist=therapist.therapist, status="new")


def weekly_hours(client, therapist):
    return WeeklyAvailability.objects.create(
        therapist=therapist.therapist, weekday=0, start="09:00", end="17:00"
    )


def time_off(client, therapist):
    start = timezone.now() + timedelta(days=3)
    return TimeOff.objects.create(
        therapist=therapist.therapist, starts_at=start, ends_at=start + timedelta(days=1)
    )


def day_off(client, therapist):
    return AvailabilityException.objects.create(
        therapist=therapist.therapist, date=timezone.localdate() + timedelta(days=3)
    )


def calendar_feed(client, therapist):
    CalendarFeed.issue(therapist.therapist)
    return CalendarFeed.objects.get(therapist=therapist.therapist)


def signature(client, therapist):
    return make_signature(client=client, document=make_document(slug=f"policy-{client.pk}"))


def decline(client, therapist):
    version = make_document(slug=f"policy-{client.pk}").versions.published().get()
    return Decline.objects.create(client=client, version=version, message="I have a question.")


def contact_preference(client, therapist):
    return make_contact_preference(client=client)


def audit_entry(client, therapist):
    return AuditEntry.objects.create(actor=therapist, client=client, record="Intake")


def checkin(client, therapist):
    session = appointment(client, therapist)
    now = timezone.now()
    return CheckIn.objects.create(appointment=session, opens_at=now, expires_at=now)


def worry_answer(client, therapist):
    return WorryAnswer.objects.create(
        appointment=appointment(client, therapist), text="We go at your pace.", written_by=therapist
    )


def goal(client, therapist):
    intake = submission(client, therapist)
    intake_services.write_goals(intake, "Sleep before midnight")
    return Goal.objects.get(submission=intake)


def goal_step(client, therapist):
    return GoalStep.objects.create(goal=goal(client, therapist), text="Walk", added_by=client)


def measure_schedule(client, therapist):
    intake = submission(client, therapist)
    return MeasureSchedule.objects.create(
        submission=intake, every=4, unit="weeks", updated_by=therapist
    )


def measure_round(client, therapist):
    return MeasureRound.objects.create(
        submission=submission(client, therapist), opened_at=timezone.now()
    )


def outbound_message(client, therapist):
    return make_message(to=client.email, recipient=client)


def waitlist_entry(client, therapist):
    return make_waitlist_offer(client=client, therapist=therapist.therapist).entry


def waitlist_offer(client, therapist):
    return make_waitlist_offer(client=client, therapist=therapist.therapist)


@pytest.mark.parametrize(
    ("model", "make", "expected"),
    [
        (Appointment, appointment, CLIENTS_AND_THERAPISTS),
        (Submission, submission, CLIENTS_AND_THERAPISTS),
        (Goal, goal, CLIENTS_AND_THERAPISTS),
        (GoalStep, goal_step, CLIENTS_AND_THERAPISTS),
        (MeasureSchedule, measure_schedule, CLIENTS_AND_THERAPISTS),
        (MeasureRound, measure_round, CLIENTS_AND_THERAPISTS),
        (Signature, signature, CLIENTS_ONLY),
        (Decline, decline, CLIENTS_ONLY),
        (ContactPreference, contact_preference, CLIENTS_ONLY),
        (WeeklyAvailability, weekly_hours, THERAPISTS_ONLY),
        (TimeOff, time_off, THERAPISTS_ONLY),
        (AvailabilityException, day_off, THERAPISTS_ONLY),
        (CalendarFeed, calendar_feed, THERAPISTS_ONLY),
        (CheckIn, checkin, CLIENTS_AND_THERAPISTS),
        (WorryAnswer, worry_answer, CLIENTS_AND_THERAPISTS),
        (AuditEntry, audit_entry, STAFF_ONLY),
        (OutboundMessage, outbound_message, STAFF_ONLY),
        (WaitlistEntry, waitlist_entry, CLIENTS_AND_THERAPISTS),
        (WaitlistOffer, waitlist_offer, CLIENTS_AND_THERAPISTS),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_each_person_sees_only_what_for_user_allows(people, model, make, expected):
    owners = records_of(people, make)
    assert seen(people, model, owners) == expected


def test_a_stranger_asking_for_a_record_by_its_id_gets_a_404(people):
    alices = appointment(people["alice"], people["dana"])
    assert get_for_user(Appointment.objects, people["alice"], pk=alices.pk) == alices
    assert get_for_user(Appointment.objects, people["sam"], pk=alices.pk) == alices
    for stranger in ("bob", "erin"):
        with pytest.raises(Http404):
            get_for_user(Appointment.objects.with_people(), people[stranger], pk=alices.pk)


def test_a_hold_is_found_only_by_the_key_of_the_visitor_who_made_it(people):
    held = appointment(None, people["dana"])
    Appointment.objects.filter(pk=held.pk).update(status="held", hold_key="visitor-key")
    booked = appointment(people["alice"], people["erin"])  # made directly: no hold key
    assert list(Appointment.objects.held_by("visitor-key")) == [held]
    assert not Appointment.objects.held_by("someone-else").exists()
    assert not Appointment.objects.held_by("").filter(pk=booked.pk).exists()


def test_a_signed_link_opens_its_own_appointment_and_nothing_else(people):
    alices = appointment(people["alice"], people["dana"])
    appointment(people["bob"], people["erin"])
    assert list(Appointment.objects.for_link(manage_token(alices))) == [alices]
    assert not Appointment.objects.for_link(manage_token(alices) + "x").exists()
    assert not Appointment.objects.for_link("not-a-token").exists()


def test_another_therapist_gets_a_404_for_danas_records_and_changes_nothing(client, people):
    dana, erin = people["dana"], people["erin"]
    session = appointment(people["alice"], dana)
    intake = submission(people["alice"], dana)
    away, closed = time_off(None, dana), day_off(None, dana)
    pages = [
        f"/scheduling/calendar/appointments/{session.pk}/",
        f"/intake/submissions/{intake.pk}/",
    ]
    posts = [
        f"/scheduling/calendar/appointments/{session.pk}/cancel/",
        f"/scheduling/availability/time-off/{away.pk}/delete/",
        f"/scheduling/availability/days/{closed.pk}/delete/",
    ]
    client.force_login(dana)
    assert [client.get(url).status_code for url in pages] == [200, 200]

    client.force_login(erin)
    assert [client.get(url).status_code for url in pages] == [404, 404]
    assert [client.post(url, {"reason": "x"}).status_code for url in posts] == [404, 404, 404]

    session.refresh_from_db()
    assert session.status == Appointment.Status.BOOKED
    assert TimeOff.objects.filter(pk=away.pk).exists()
    assert AvailabilityException.objects.filter(pk=closed.pk).exists()
