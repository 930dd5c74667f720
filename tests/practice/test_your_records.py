"""A client's records in their hands: who opened them, a download of everything, and closing
the account, with the records purged once the retention period is over."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent.models import Signature
from intake.models import Goal, GoalStep, Submission
from practice.audit import AuditEntry
from practice.models import InboundText, OutboundMessage, User
from practice.privacy import AccountClosure, purge_closed_accounts
from scheduling import checkins
from scheduling.checkin_models import CheckIn, WorryAnswer
from scheduling.models import Appointment, GoodFaithEstimate
from scheduling.services import issue_estimate
from tests.factories import (
    INTAKE_ANSWERS,
    PASSWORD,
    make_appointment,
    make_contact_preference,
    make_document,
    make_intake,
    make_message,
    make_signature,
    reauthenticate,
)

pytestmark = pytest.mark.django_db

WHO = "/portal/who-opened-my-records/"


def look(actor: User, client: User, record: str = "Intake", **fields) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor, actor_role=actor.role, client=client, record=record, action="viewed", **fields
    )


# Who has opened your records ---------------------------------------------------------------------


def test_a_client_sees_who_opened_their_records_with_role_name_what_and_when(client, alice, dana):
    alice.time_zone = "America/New_York"
    alice.save()
    at = datetime(2026, 3, 2, 17, 5, tzinfo=ZoneInfo("UTC"))
    look(dana, alice, "Session", created_at=at)
    look(alice, alice)  # their own look is not listed
    client.force_login(alice)
    page = client.get(WHO).text
    assert "Therapist: Dana Whitfield" in page
    assert "Opened: Session" in page
    assert "12:05" in page and "EST" in page  # 17:05 UTC on the client's clock
    assert page.count("<tr>") == 2  # the heading and Dana's look


def test_another_client_s_list_is_never_shown(client, alice, bob, dana, sam):
    look(dana, alice, "Intake")
    look(sam, bob, "Consent signature")
    client.force_login(bob)
    page = client.get(WHO).text
    assert "Consent signature" in page and "Intake" not in page and "Dana" not in page
    # No URL names another client: the page reads only the signed-in client's rows.
    page = client.get(f"{WHO}?client={alice.pk}").text
    assert "Dana" not in page


def test_the_list_pages_in_a_fixed_number_of_queries(client, alice, dana, sam):
    look(dana, alice)
    client.force_login(alice)
    client.get(WHO)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(WHO).status_code == 200
        return len(captured)

    one = queries()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=person, actor_role=person.role, client=alice, record="Session", action="viewed"
        )
        for person in [dana, sam] * 40
    )
    assert queries() == one
    page = client.get(WHO).text
    assert "Page 1 of 2" in page
    assert client.get(f"{WHO}?page=2").text.count("<tr>") == 32  # 81 looks: 50 + 31


def test_therapists_and_staff_have_no_such_page(client, dana, sam):
    for person in (dana, sam):
        client.force_login(person)
        assert client.get(WHO).status_code == 403


# The download ------------------------------------------------------------------------------------


@pytest.fixture
def alices_records(alice, dana, sam):
    alice.mobile_phone = "+19705550100"
    alice.pronouns = "she/her"
    alice.save()
    make_intake(client=alice, answers=INTAKE_ANSWERS)
    c = Client()
    c.force_login(alice)
    assert c.post("/intake/check/").status_code == 302  # sent: the screeners are scored
    session = make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2026, 12, 14, 16, 0, tzinfo=ZoneInfo("UTC")),
    )
    issue_estimate(appointment=session, now=timezone.now())
    checkins.answer_worries(appointment=session, by=dana, text="We will go at your pace.")
    earlier = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() - timedelta(hours=2)
    )
    checkin = checkins.record_attendance(earlier)
    assert checkin is not None
    checkins.answer_checkin(
        checkin, scores={"heard": 9, "focus": 8, "approach": 7, "overall": 9}, note="Thank you"
    )
    goal = Goal.objects.filter(submission__client=alice).first()
    GoalStep.objects.create(goal=goal, text="Walk after lunch", added_by=alice)
    InboundText.objects.create(
        provider_id="SM1",
        from_number=alice.mobile_phone,
        sender=alice,
        body="Running late",
        kind="other",
    )
    make_signature(
        client=alice, document=make_document(body="## Our work\n\nWe set goals together.\n")
    )
    make_contact_preference(client=alice, sms=False)
    message = make_message(to=alice.email, recipient=alice, template="appointment_reminder")
    OutboundMessage.objects.filter(pk=message.pk).update(status="sent", sent_at=timezone.now())
    look(dana, alice, "Intake")
    return alice


def download(client, kind: str):
    response = client.get(f"/portal/your-data/download.{kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="your-records.{kind}"'
    return response


def test_the_download_asks_for_the_password_first(client, alice):
    client.force_login(alice)
    asked = client.get("/portal/your-data/download.json")
    assert asked.status_code == 302 and asked.url.startswith("/accounts/reauthenticate/")
    assert not AuditEntry.objects.exists()
    reauthenticate(client)
    assert client.get("/portal/your-data/download.json").status_code == 200


def test_the_json_download_holds_everything_we_keep(client, alices_records, dana):
    client.force_login(alices_records)
    reauthenticate(client)
    data = json.loads(download(client, "json").content)
    assert data["profile"][0]["mobile_phone"] == "+19705550100"
    assert data["profile"][0]["pronouns"] == "she/her"
    assert data["appointments"][-1]["therapist"] == "Dana Whitfield"
    assert data["appointments"][-1]["starts_at"] == "2026-12-14T16:00:00+00:00"
    answers = {row["question"]: row["answer"] for row in data["intake_answers"]}
    assert answers["What brings you to therapy right now?"] == (
        "I keep putting off things that matter to me."
    )
    scores = {
        row["questionnaire"]: (row["score"], row["severity"]) for row in data["intake_scores"]
    }
    assert scores["PHQ-9"] == (8, "Mild") and scores["GAD-7"] == (14, "Moderate")
    signed = data["signatures"][0]
    assert signed["typed_name"] == "Alice Moreno"
    assert "We set goals together." in signed["text_signed"]
    assert data["contact"][0]["texts_allowed"] is False
    assert data["messages"][0]["message"] == "Appointment reminder"
    assert data["access"][0]["who"] == "Dana Whitfield"
    assert data["access"][0]["role"] == "Therapist"
    assert data["texts"][0]["text"] == "Running late"
    assert "Dana Whitfield" in data["estimates"][0]["provider"]
    assert data["checkins"][0]["heard"] == 9 and data["checkins"][0]["note"] == "Thank you"
    assert data["worry_answers"][0]["answer"] == "We will go at your pace."
    assert data["goals"][0]["step"] == "Walk after lunch"


def test_the_html_download_is_a_readable_page_on_the_client_s_clock(client, alices_records):
    alices_records.time_zone = "America/Denver"
    alices_records.save()
    client.force_login(alices_records)
    reauthenticate(client)
    page = download(client, "html").content.decode()
    assert page.startswith("<!DOCTYPE html>")
    for heading in (
        "Your details",
        "Your sessions",
        "Your intake answers",
        "Questionnaire scores",
        "Documents you signed",
        "Messages we sent you",
        "Who has opened your records",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "We set goals together." in page
    assert "I keep putting off things that matter to me." in page
    assert "9:00" in page and "MST" in page  # 16:00 UTC, the session on Denver's clock
    assert "<script" not in page


def test_the_download_is_audited_and_another_client_s_records_are_not_in_it(
    client, alices_records, bob
):
    client.force_login(bob)
    reauthenticate(client)
    data = json.loads(download(client, "json").content)
    assert data["profile"][0]["mobile_phone"] == ""
    assert all(
        not data[key] for key in data if key not in ("profile", "practice_record_of", "made_at")
    )
    entry = AuditEntry.objects.get(action="exported")
    assert (entry.actor, entry.client, entry.detail) == (bob, bob, "JSON")
    assert client.get("/portal/your-data/download.exe").status_code == 404


# Closing the account -----------------------------------------------------------------------------


def log_in(client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_closing_needs_the_password_and_a_confirmation(client, alice):
    client.force_login(alice)
    page = client.get("/portal/close-account/")
    assert "Close my account" in page.text
    asked = client.post("/portal/close-account/")
    assert asked.status_code == 302 and asked.url.startswith("/accounts/reauthenticate/")
    alice.refresh_from_db()
    assert alice.is_active and not AccountClosure.objects.exists()


def test_closing_signs_out_everywhere_cancels_sessions_ahead_and_staff_see_it(
    alice, dana, sam, django_capture_on_commit_callbacks
):
    ahead = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() + timedelta(hours=5)
    )
    past = make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=timezone.now() - timedelta(days=7),
        status="attended",
    )
    phone, laptop = Client(), Client()
    log_in(phone, alice)
    log_in(laptop, alice)
    reauthenticate(laptop)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = laptop.post("/portal/close-account/")
    assert "Your account is closed" in closed.text
    assert "1 session ahead is cancelled with no fee" in closed.text

    # Sign-in refused at once, every session ended.
    alice.refresh_from_db()
    assert not alice.is_active
    assert not UserSession.objects.filter(user=alice).exists()
    for device in (phone, laptop):
        response = device.get("/portal/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    refused = Client().post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert refused.status_code != 302 or "/accounts/inactive/" in refused.url

    # The session ahead is cancelled without a fee, the past one is kept, and nothing is sent.
    ahead.refresh_from_db()
    past.refresh_from_db()
    assert ahead.status == Appointment.Status.PRACTICE_CANCELLED
    assert past.status == Appointment.Status.ATTENDED
    assert not [m for m in mail.outbox if alice.email in m.to]
    assert not OutboundMessage.objects.filter(recipient=alice, status="scheduled").exists()

    staff = Client()
    staff.force_login(sam)
    assert "1 account closed in the last 30 days" in staff.get("/staff/").text
    listed = staff.get("/staff/closed-accounts/").text
    assert "Alice Moreno" in listed


def test_closing_twice_changes_nothing(client, alice):
    from practice.privacy import close_account

    first = close_account(client=alice)
    second = close_account(client=alice)
    assert first.pk == second.pk and AccountClosure.objects.count() == 1


# The retention purge -----------------------------------------------------------------------------


@pytest.fixture
def closed_on(settings, alices_records):
    """Alice closed her account on 1 June 2026; the practice keeps records for 7 years."""
    settings.RECORD_RETENTION_YEARS = 7
    from practice.privacy import close_account

    when = datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(when, tick=False):
        close_account(client=alices_records)
    return when


def test_records_stay_until_the_retention_period_is_over(closed_on, alice):
    with time_machine.travel(closed_on + timedelta(days=7 * 365 + 1), tick=False):  # 31 May 2033
        assert purge_closed_accounts() == 0
    assert Submission.objects.filter(client=alice).exists()
    assert Signature.objects.filter(client=alice).exists()
    assert Appointment.objects.filter(client=alice).exists()
    assert not AuditEntry.objects.filter(action="purged").exists()


def test_a_day_after_the_retention_period_the_records_go_and_an_audit_row_stays(
    closed_on, alice, dana
):
    with time_machine.travel(datetime(2033, 6, 2, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert purge_closed_accounts() == 1
        assert purge_closed_accounts() == 0  # once
    assert not Submission.objects.filter(client=alice).exists()
    assert not Signature.objects.filter(client=alice).exists()
    assert not Appointment.objects.filter(client=alice).exists()
    assert not CheckIn.objects.exists() and not WorryAnswer.objects.exists()
    assert not GoalStep.objects.exists()
    assert not OutboundMessage.objects.filter(to=alice.email).exists()
    assert not InboundText.objects.filter(body="Running late").exists()
    # The estimate was kept its six years (issued in 2026), so it went too.
    assert not GoodFaithEstimate.objects.exists()
    person = User.objects.get(pk=alice.pk)
    assert person.email.endswith("@closed.invalid") and not person.get_full_name()
    assert not person.mobile_phone and not person.date_of_birth
    purged = AuditEntry.objects.get(action="purged")
    assert (purged.actor, purged.client, purged.record) == (None, person, "Account")
    # Who looked before stays on record.
    assert AuditEntry.objects.filter(actor=dana, client=person, record="Intake").exists()
    assert AccountClosure.objects.get().purged_at


def test_beat_runs_the_purge():
    from practice.celery import app, schedule_periodic_tasks

    app.autodiscover_tasks(force=True)
    schedule_periodic_tasks(app)
    task = app.conf.beat_schedule["purge-closed-accounts"]["task"]
    assert task == "practice.tasks.purge_closed_accounts_task" and task in app.tasks


def test_the_privacy_page_and_the_close_page_quote_the_retention_setting(client, alice, settings):
    settings.RECORD_RETENTION_YEARS = 10
    assert "clinical records for 10 years" in client.get("/privacy/").text
    client.force_login(alice)
    assert "clinical records for 10 years" in client.get("/portal/close-account/").text


def test_a_good_faith_estimate_the_law_still_keeps_stays_with_its_session(settings, alices_records):
    settings.RECORD_RETENTION_YEARS = 1
    from practice.privacy import close_account

    close_account(client=alices_records)
    with time_machine.travel(timezone.now() + timedelta(days=367)):
        assert purge_closed_accounts() == 1
    estimate = GoodFaithEstimate.objects.get()
    assert estimate.keep_until > timezone.localdate()
    assert list(Appointment.objects.filter(client=alices_records)) == [estimate.appointment]
    assert not Submission.objects.exists() and not Signature.objects.exists()
