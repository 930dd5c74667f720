"""The PHQ-9 and GAD-7 asked again on the therapist's schedule: when a round opens, its reminder
(a portal link only, in sending hours, as the client allows), the client's answers scored as
the intake's are, and an item-9 answer above zero alerting staff at once."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from intake import progress, scoring
from intake.models import MeasureRound, MeasureSchedule, ScreenerResult, Submission
from practice import outbox
from practice.models import OutboundMessage
from tests.factories import make_appointment, make_contact_preference, make_intake
from tests.scheduling.test_concurrency import race

pytestmark = pytest.mark.django_db

# 10:00 in Denver on a Monday: inside sending hours.
SENT = datetime(2026, 3, 2, 17, tzinfo=UTC)
ANSWERS = {
    **{f"phq9_{n}": 1 for n in range(1, 10)},
    "phq9_9": 0,
    **{f"gad7_{n}": 2 for n in range(1, 8)},
}


@pytest.fixture
def intake(alice, dana):
    return make_intake(client=alice, status="new", therapist=dana.therapist, submitted_at=SENT)


def every(intake, dana, n: int, unit: str) -> MeasureSchedule:
    return progress.set_schedule(
        submission=intake, every=n, unit=unit, active=True, shared=False, by=dana
    )


def post_answers(answers: dict) -> dict:
    return {key: str(value) for key, value in answers.items()}


def attended(dana, alice, when: datetime, status: str = "attended"):
    return make_appointment(therapist=dana.therapist, client=alice, starts_at=when, status=status)


def reminders() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(template="measure_reminder").order_by("channel"))


# When a round opens --------------------------------------------------------------------------


def test_every_two_weeks_a_round_opens_two_weeks_after_the_last_answers_and_only_once(intake, dana):
    every(intake, dana, 2, "weeks")
    with time_machine.travel(SENT + timedelta(weeks=2, minutes=-1), tick=False):
        assert progress.open_due_rounds() == 0
    with time_machine.travel(SENT + timedelta(weeks=2), tick=False):
        assert progress.open_due_rounds() == 1
        assert progress.open_due_rounds() == 0  # beat again: still the one round
    measure_round = MeasureRound.objects.get()
    assert measure_round.opened_at == SENT + timedelta(weeks=2)

    # Answered four weeks in: the next round counts from then, not from the intake.
    with time_machine.travel(SENT + timedelta(weeks=4), tick=False):
        progress.complete_round(measure_round=measure_round, answers=ANSWERS)
    with time_machine.travel(SENT + timedelta(weeks=5), tick=False):
        assert progress.open_due_rounds() == 0
    with time_machine.travel(SENT + timedelta(weeks=6), tick=False):
        assert progress.open_due_rounds() == 1


def test_every_two_sessions_counts_only_sessions_attended_since_the_last_answers(
    intake, dana, alice
):
    every(intake, dana, 2, "sessions")
    attended(dana, alice, SENT - timedelta(days=3))  # before the intake's answers
    attended(dana, alice, SENT + timedelta(days=7))
    attended(dana, alice, SENT + timedelta(days=14), status="no_show")
    with time_machine.travel(SENT + timedelta(days=20), tick=False):
        assert progress.open_due_rounds() == 0
    attended(dana, alice, SENT + timedelta(days=21))
    with time_machine.travel(SENT + timedelta(days=22), tick=False):
        assert progress.open_due_rounds() == 1
        progress.complete_round(measure_round=MeasureRound.objects.get(), answers=ANSWERS)
        assert progress.open_due_rounds() == 0  # the count starts again from these answers


def test_no_round_opens_without_a_schedule_or_once_it_is_switched_off(intake, dana):
    with time_machine.travel(SENT + timedelta(weeks=30), tick=False):
        assert progress.open_due_rounds() == 0
        every(intake, dana, 1, "weeks")
        assert progress.open_due_rounds() == 1
        assert len(reminders()) == 1
        progress.set_schedule(
            submission=intake, every=1, unit="weeks", active=False, shared=False, by=dana
        )
        assert not MeasureRound.objects.open().exists()
        assert {message.status for message in reminders()} == {"cancelled"}
        assert progress.open_due_rounds() == 0


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_open_one_round(intake, dana):
    every(intake, dana, 1, "weeks")
    opened = race(4, lambda _n: progress.open_due_rounds(SENT + timedelta(weeks=1)))
    assert sorted(opened) == [0, 0, 0, 1]
    assert MeasureRound.objects.count() == 1
    assert OutboundMessage.objects.filter(template="measure_reminder").count() == 1


@pytest.mark.django_db(transaction=True)
def test_answers_sent_from_two_tabs_at_once_are_kept_once_and_alert_once(intake, dana, sam):
    measure_round = open_now(intake, dana)
    urgent = {**ANSWERS, "phq9_9": 2}

    def send(_n: int):
        return progress.complete_round(measure_round=measure_round, answers=urgent)

    outcomes = race(4, send)
    assert sum(isinstance(outcome, list) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, progress.RoundClosed) for outcome in outcomes) == 3
    assert ScreenerResult.objects.filter(round=measure_round).count() == 2
    assert OutboundMessage.objects.filter(template="urgent_intake").count() == 1


# The reminder ---------------------------------------------------------------------------------


def test_the_reminder_is_a_portal_link_only(
    intake, dana, alice, django_capture_on_commit_callbacks
):
    every(intake, dana, 2, "weeks")
    with (
        time_machine.travel(SENT + timedelta(weeks=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        progress.open_due_rounds()
    (sent,) = mail.outbox
    assert sent.to == [alice.email]
    assert sent.subject == "Something is waiting for you in your portal"
    assert "/portal/" in sent.body
    words = (sent.subject + sent.body + str(sent.alternatives)).lower()
    for clinical in ("phq", "gad", "score", "depress", "anxi", "mood", "worry", "questionnaire"):
        assert clinical not in words


def test_a_round_that_falls_due_at_night_is_reminded_when_sending_hours_open(intake, dana):
    every(intake, dana, 2, "weeks")
    night = datetime(2026, 3, 17, 10, tzinfo=UTC)  # 04:00 in Denver
    with time_machine.travel(night, tick=False):
        progress.open_due_rounds()
    (message,) = reminders()
    assert message.due_at == datetime(2026, 3, 17, 14, tzinfo=UTC)  # 08:00 in Denver (MDT)


def test_a_reminder_sent_late_at_night_waits_for_the_morning(intake, dana):
    every(intake, dana, 1, "weeks")
    progress.open_due_rounds(SENT + timedelta(weeks=1))
    (message,) = reminders()
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=UTC), tick=False):  # 03:00 MDT
        assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == "scheduled"
    assert message.due_at == datetime(2026, 3, 10, 14, tzinfo=UTC)  # 08:00 MDT
    assert not mail.outbox


def test_the_reminder_follows_the_clients_contact_choices(intake, dana, alice):
    alice.mobile_phone = "+19705550100"
    alice.save()
    make_contact_preference(client=alice, email=True, sms=False)
    every(intake, dana, 1, "weeks")
    with time_machine.travel(SENT + timedelta(weeks=1), tick=False):
        progress.open_due_rounds()
        for message in reminders():
            outbox.send_message(message.pk)
    email, text = reminders()
    assert (email.channel, email.status) == ("email", "sent")
    assert (text.channel, text.status) == ("sms", "skipped")
    assert "does not allow text messages" in text.status_reason


def test_a_reminder_not_yet_sent_is_cancelled_once_the_client_answers(intake, dana):
    every(intake, dana, 1, "weeks")
    night = datetime(2026, 3, 10, 9, tzinfo=UTC)
    with time_machine.travel(night, tick=False):
        progress.open_due_rounds()
        progress.complete_round(measure_round=MeasureRound.objects.get(), answers=ANSWERS)
    assert [message.status for message in reminders()] == ["cancelled"]


# The client answers ----------------------------------------------------------------------------


def open_now(intake, dana) -> MeasureRound:
    every(intake, dana, 1, "weeks")
    progress.open_due_rounds(SENT + timedelta(weeks=1))
    return MeasureRound.objects.get()


def test_the_client_answers_in_the_portal_and_is_scored_as_the_intake_is(
    client, intake, dana, alice
):
    open_now(intake, dana)
    client.force_login(alice)
    portal = client.get("/portal/").content.decode()
    assert "A short questionnaire from your therapist" in portal
    page = client.get("/intake/questionnaire/").content.decode()
    assert "Little interest or pleasure in doing things" in page
    assert "Feeling nervous, anxious or on edge" in page

    response = client.post("/intake/questionnaire/", post_answers(ANSWERS))
    assert response.status_code == 302 and response.url == "/intake/questionnaire/sent/"
    results = {r.instrument: r for r in ScreenerResult.objects.filter(round__isnull=False)}
    phq9 = scoring.phq9([ANSWERS[f"phq9_{n}"] for n in range(1, 10)])
    gad7 = scoring.gad7([ANSWERS[f"gad7_{n}"] for n in range(1, 8)])
    assert (results["phq9"].total, results["phq9"].severity) == (phq9.total, phq9.severity)
    assert (results["gad7"].total, results["gad7"].severity) == (gad7.total, gad7.severity)
    thanks = client.get(response.url).content.decode()
    assert "Thank you" in thanks and "If you need support right now" not in thanks
    assert (
        "A short questionnaire from your therapist" not in client.get("/portal/").content.decode()
    )


def test_sending_the_answers_twice_is_harmless(client, intake, dana, alice):
    open_now(intake, dana)
    client.force_login(alice)
    client.post("/intake/questionnaire/", post_answers(ANSWERS))
    response = client.post("/intake/questionnaire/", post_answers(ANSWERS), follow=True)
    assert "You have already sent these answers." in response.content.decode()
    assert ScreenerResult.objects.filter(round__isnull=False).count() == 2
    with pytest.raises(progress.RoundClosed):
        progress.complete_round(measure_round=MeasureRound.objects.get(), answers=ANSWERS)


def test_missing_answers_are_named_and_the_given_ones_kept(client, intake, dana, alice):
    open_now(intake, dana)
    client.force_login(alice)
    partial = post_answers({key: value for key, value in ANSWERS.items() if key != "gad7_3"})
    response = client.post("/intake/questionnaire/", partial)
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert "Please answer one more question" in page and "Worrying too much" in page
    assert re.search(r'<input[^>]*name="phq9_1"[^>]*value="1"[^>]*checked', page)
    assert not ScreenerResult.objects.filter(round__isnull=False).exists()


def test_without_an_open_round_the_questionnaire_sends_the_client_back_to_the_portal(
    client, intake, alice, bob
):
    client.force_login(alice)
    response = client.get("/intake/questionnaire/", follow=True)
    assert "There is no questionnaire waiting for you right now." in response.content.decode()
    assert client.get("/intake/questionnaire/sent/").url == "/portal/"


def test_another_client_never_answers_or_sees_alices_round(client, intake, dana, bob):
    open_now(intake, dana)
    make_intake(client=bob, status="new")
    client.force_login(bob)
    assert client.get("/intake/questionnaire/").url == "/portal/"
    client.post("/intake/questionnaire/", post_answers(ANSWERS))
    assert MeasureRound.objects.get().is_open


# The urgent path --------------------------------------------------------------------------------


def test_item_9_above_zero_alerts_staff_at_once_even_after_an_earlier_flag_was_acknowledged(
    client, intake, dana, alice, sam, django_capture_on_commit_callbacks
):
    Submission.objects.filter(pk=intake.pk).update(
        urgent=True, urgent_at=SENT, urgent_acknowledged_at=SENT, urgent_acknowledged_by=sam
    )
    open_now(intake, dana)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/intake/questionnaire/", post_answers({**ANSWERS, "phq9_9": 1}))
    intake.refresh_from_db()
    assert intake.needs_urgent_review
    alert = OutboundMessage.objects.get(template="urgent_intake", recipient=sam)
    assert alert.status == "sent"
    (sent,) = [m for m in mail.outbox if m.to == [sam.email]]
    assert f"/intake/submissions/{intake.pk}/" in sent.body and "item" not in sent.body.lower()
    assert ScreenerResult.objects.get(round__isnull=False, instrument="phq9").item9_positive

    thanks = client.get(response.url).content.decode()
    assert "If you need support right now" in thanks and "988" in thanks
    client.force_login(dana)
    page = client.get(f"/intake/submissions/{intake.pk}/").content.decode()
    assert "Needs urgent review" in page
    assert "PHQ-9 item 9 above “Not at all” in the questionnaire answered" in page
