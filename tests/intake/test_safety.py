"""The urgent path: crisis resources at once, a flag in the same transaction, one alert each."""

import logging
import re

import pytest
from django.core import mail

from intake.models import Submission
from practice.audit import AuditEntry
from practice.models import OutboundMessage, PracticeSettings
from tests.factories import INTAKE_ANSWERS, make_intake, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_version")]

PHQ9_PAGE, SAFETY_PAGE = 7, 9
PHQ9_ITEMS = {f"phq9_{n}": "0" for n in range(1, 10)}
HEALTH_WORDS = re.compile(
    r"phq|gad|suicid|self-harm|harm|depress|anxi|crisis|988|score|alice|moreno|answer",
    re.IGNORECASE,
)


@pytest.fixture
def practice_phone(db) -> PracticeSettings:
    practice = PracticeSettings.load()
    practice.phone = "(970) 555-0142"
    practice.crisis_resources = "Larimer County crisis walk-in center: 2260 W Trilby Rd."
    practice.save()
    return practice


@pytest.fixture
def jordan(db):
    """A second member of staff: each gets their own alert."""
    return make_staff(email="jordan@example.org", first_name="Jordan")


def test_phq9_item_9_above_zero_shows_crisis_resources_on_the_next_page_and_flags_the_intake(
    client, alice, sam, jordan, practice_phone, django_capture_on_commit_callbacks
):
    submission = make_intake(client=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/intake/section/{PHQ9_PAGE}/", {"action": "next", **PHQ9_ITEMS, "phq9_9": "1"}
        )
    # The client is not blocked: they go on to the next page, which shows the resources.
    assert response.url == f"/intake/section/{PHQ9_PAGE + 1}/"
    page = client.get(response.url).text
    assert "If you need support right now" in page
    assert 'href="tel:988"' in page and 'href="tel:911"' in page
    assert "(970) 555-0142" in page and "Larimer County crisis walk-in center" in page

    submission.refresh_from_db()
    assert submission.urgent and submission.urgent_at and submission.needs_urgent_review
    assert sorted(m.to for m in mail.outbox) == [["jordan@example.org"], ["sam@example.org"]]


def test_yes_to_thoughts_of_self_harm_flags_the_intake(
    client, alice, sam, django_capture_on_commit_callbacks
):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/intake/section/{SAFETY_PAGE}/", {"action": "next", "self_harm_thoughts": "yes"}
        )
    assert response.url == "/intake/check/"
    assert "If you need support right now" in client.get("/intake/check/").text
    submission.refresh_from_db()
    assert submission.urgent
    assert len(mail.outbox) == 1


def test_the_alert_says_only_that_an_intake_needs_review_and_links_to_it(
    client, alice, sam, django_capture_on_commit_callbacks
):
    submission = make_intake(client=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/intake/section/{SAFETY_PAGE}/", {"action": "later", "self_harm_thoughts": "yes"}
        )

    [email] = mail.outbox
    assert email.subject == "An intake needs urgent review"
    link = f"http://127.0.0.1:8000/intake/submissions/{submission.pk}/"
    html = email.alternatives[0][0]
    assert link in email.body and link in html
    for text in (email.subject, email.body.replace(link, ""), html.replace(link, "")):
        assert not HEALTH_WORDS.search(text), text
    message = OutboundMessage.objects.get()
    assert message.key == f"intake:{submission.pk}:urgent:staff:{sam.pk}"
    assert message.context == {"submission_id": submission.pk}


def test_with_no_active_staff_the_alert_goes_to_the_practice_and_an_error_is_logged(
    client, alice, caplog, django_capture_on_commit_callbacks
):
    make_staff(email="gone@example.org", is_active=False)
    submission = make_intake(client=alice)
    client.force_login(alice)
    with caplog.at_level("DEBUG"), django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/intake/section/{SAFETY_PAGE}/", {"action": "later", "self_harm_thoughts": "yes"}
        )

    [email] = mail.outbox
    assert email.to == [PracticeSettings.load().email]
    assert f"/intake/submissions/{submission.pk}/" in email.body
    [error] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "no active staff to alert (urgent_intake)" in error.getMessage()
    # Celery's own trace line carries a task id and a run time, whose digits can read "988".
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("celery"))
    assert not HEALTH_WORDS.search(ours), ours
    assert "alice@example.org" not in caplog.text


def test_the_flag_is_set_even_before_any_message_leaves(client, alice, sam):
    # No on-commit callbacks run here: nothing is handed to Celery, yet the flag is there.
    submission = make_intake(client=alice)
    client.force_login(alice)
    client.post(f"/intake/section/{PHQ9_PAGE}/", {"action": "later", **PHQ9_ITEMS, "phq9_9": "3"})
    assert Submission.objects.get(pk=submission.pk).urgent
    assert mail.outbox == []
    client.force_login(sam)
    assert "1 intake needs urgent review" in client.get("/staff/").text


def test_the_draft_timer_flags_the_intake_too(
    client, alice, sam, django_capture_on_commit_callbacks
):
    submission = make_intake(client=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/intake/section/{SAFETY_PAGE}/draft/", {"self_harm_thoughts": "yes"})
    submission.refresh_from_db()
    assert submission.urgent and len(mail.outbox) == 1


def test_staff_are_alerted_once_however_often_the_answer_is_saved(
    client, alice, sam, django_capture_on_commit_callbacks
):
    make_intake(client=alice, answers=INTAKE_ANSWERS)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(f"/intake/section/{SAFETY_PAGE}/draft/", {"self_harm_thoughts": "yes"})
        client.post(
            f"/intake/section/{PHQ9_PAGE}/", {"action": "next", **PHQ9_ITEMS, "phq9_9": "2"}
        )
        client.post("/intake/check/")
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.count() == 1


def test_answers_without_risk_raise_no_flag(client, alice, sam, django_capture_on_commit_callbacks):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/intake/section/{PHQ9_PAGE}/", {"action": "next", **PHQ9_ITEMS, "phq9_1": "3"}
        )
        client.post(
            f"/intake/section/{SAFETY_PAGE}/", {"action": "next", "self_harm_thoughts": "no"}
        )
        client.post("/intake/check/")
    submission.refresh_from_db()
    assert not submission.urgent and mail.outbox == []
    assert "If you need support right now" not in client.get("/intake/sent/").text


def test_inactive_staff_therapists_and_clients_get_no_alert(
    client, alice, bob, dana, sam, django_capture_on_commit_callbacks
):
    make_staff(email="former@example.org", is_active=False)
    make_intake(client=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/intake/section/{SAFETY_PAGE}/draft/", {"self_harm_thoughts": "yes"})
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_the_flag_stays_on_the_dashboard_until_a_member_of_staff_acknowledges_it(
    client, alice, sam
):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS, status="new", urgent=True)
    client.force_login(sam)
    assert "1 intake needs urgent review" in client.get("/staff/").text
    client.get(f"/intake/submissions/{submission.pk}/")  # reading it is not acknowledging it
    assert "1 intake needs urgent review" in client.get("/staff/").text

    response = client.post(f"/intake/submissions/{submission.pk}/acknowledge/")
    assert response.url == f"/intake/submissions/{submission.pk}/"
    assert "urgent review" not in client.get("/staff/").text
    submission.refresh_from_db()
    assert submission.urgent  # the history stays
    assert submission.urgent_acknowledged_by == sam and submission.urgent_acknowledged_at
    assert (
        AuditEntry.objects.filter(
            record_id=submission.pk, actor=sam, detail="Urgent flag acknowledged"
        ).count()
        == 1
    )
    page = client.get(f"/intake/submissions/{submission.pk}/").text
    assert "Urgent flag acknowledged by Sam" in page


def test_acknowledging_twice_records_it_once(client, alice, sam):
    submission = make_intake(client=alice, status="new", urgent=True)
    client.force_login(sam)
    client.post(f"/intake/submissions/{submission.pk}/acknowledge/")
    response = client.post(f"/intake/submissions/{submission.pk}/acknowledge/", follow=True)
    assert "Someone has already acknowledged this." in response.text
    assert AuditEntry.objects.filter(detail="Urgent flag acknowledged").count() == 1


def test_an_alert_acknowledged_before_it_is_sent_is_skipped(client, alice, sam):
    submission = make_intake(client=alice)
    client.force_login(alice)
    client.post(f"/intake/section/{SAFETY_PAGE}/draft/", {"self_harm_thoughts": "yes"})
    client.force_login(sam)
    client.post(f"/intake/submissions/{submission.pk}/acknowledge/")
    from practice import outbox

    message = OutboundMessage.objects.get()
    assert outbox.send_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == "skipped" and mail.outbox == []


def test_therapists_cannot_acknowledge(client, alice, dana):
    submission = make_intake(client=alice, status="new", urgent=True, therapist=dana.therapist)
    client.force_login(dana)
    assert client.post(f"/intake/submissions/{submission.pk}/acknowledge/").status_code == 403
    submission.refresh_from_db()
    assert submission.needs_urgent_review
