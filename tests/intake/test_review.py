"""The staff queue and the submission page: order, filters, content, access and the audit log."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake.models import InternalNote, QuestionnaireVersion, Submission
from practice.audit import AuditEntry
from practice.models import User
from tests.factories import (
    INTAKE_ANSWERS,
    make_appointment,
    make_client,
    make_intake,
    make_therapist,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_version")]

QUEUE = "/intake/submissions/"


def detail(submission: Submission) -> str:
    return f"/intake/submissions/{submission.pk}/"


def many_sent_intakes(count: int, *, therapist=None) -> None:
    """`count` sent intakes from as many clients, in two bulk inserts."""
    version = QuestionnaireVersion.objects.current_intake()
    clients = User.objects.bulk_create(
        User(email=f"client{n}@example.org", first_name=f"Client{n}", role="client")
        for n in range(count)
    )
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(
            client=client,
            version=version,
            status="new",
            submitted_at=now - timedelta(hours=n),
            assigned_therapist=therapist,
            urgent=n % 7 == 0,
            urgent_at=now if n % 7 == 0 else None,
        )
        for n, client in enumerate(clients)
    )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_shows_urgent_first_then_the_longest_waiting(client, alice, bob, sam):
    now = timezone.now()
    carol = make_client(email="carol@example.org", first_name="Carol", last_name="Nguyen")
    old = make_intake(client=alice, status="new", submitted_at=now - timedelta(days=3))
    newer = make_intake(client=bob, status="new", submitted_at=now - timedelta(days=1))
    urgent = make_intake(client=carol, status="new", submitted_at=now, urgent=True)
    client.force_login(sam)
    page = client.get(QUEUE).text
    positions = [page.index(detail(s)) for s in (urgent, old, newer)]
    assert positions == sorted(positions)
    assert "1 intake needs urgent review" in page


def test_an_urgent_draft_is_in_the_queue_but_an_ordinary_draft_is_not(client, alice, bob, sam):
    urgent_draft = make_intake(client=alice, urgent=True)
    quiet_draft = make_intake(client=bob)
    client.force_login(sam)
    page = client.get(QUEUE).text
    assert detail(urgent_draft) in page and "Not sent yet" in page
    assert detail(quiet_draft) not in page
    assert detail(quiet_draft) in client.get(QUEUE + "?status=draft").text


def test_the_queue_counts_intakes_in_each_status(client, alice, bob, sam):
    make_intake(client=alice, status="accepted")
    make_intake(client=bob, status="new")
    client.force_login(sam)
    response = client.get(QUEUE)
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts == {
        "draft": 0,
        "new": 1,
        "in_review": 0,
        "accepted": 1,
        "waitlisted": 0,
        "referred_out": 0,
    }
    assert '<span class="status-counts__count">1</span> Accepted' in response.text


def test_the_queue_filters_by_status_therapist_and_date(client, alice, bob, dana, sam):
    now = timezone.now()
    carol = make_client(email="carol@example.org", first_name="Carol")
    accepted = make_intake(
        client=alice, status="accepted", therapist=dana.therapist, submitted_at=now
    )
    waiting = make_intake(client=bob, status="new", submitted_at=now - timedelta(days=10))
    waiting_too = make_intake(client=carol, status="new", therapist=dana.therapist)
    client.force_login(sam)

    def listed(query: str) -> set[int]:
        return {s.pk for s in client.get(QUEUE + query).context["page_obj"]}

    assert listed("") == {accepted.pk, waiting.pk, waiting_too.pk}
    assert listed("?status=new") == {waiting.pk, waiting_too.pk}
    assert listed(f"?therapist={dana.therapist.pk}") == {accepted.pk, waiting_too.pk}
    assert listed("?therapist=none") == {waiting.pk}
    since = (now - timedelta(days=2)).date().isoformat()
    assert listed(f"?sent_from={since}") == {accepted.pk, waiting_too.pk}
    until = (now - timedelta(days=5)).date().isoformat()
    assert listed(f"?sent_to={until}&status=new") == {waiting.pk}


def test_a_bad_date_filter_is_explained_beside_the_field(client, sam):
    client.force_login(sam)
    response = client.get(QUEUE + "?sent_from=2026-05-01&sent_to=2026-04-01")
    assert "Choose a date on or after the first date." in response.text
    response = client.get(QUEUE + "?sent_from=soon")
    assert "Please enter a whole date" in response.text and 'value="soon"' in response.text


def test_the_queue_runs_the_same_number_of_queries_for_1_and_for_200_intakes(
    client, alice, sam, dana
):
    make_intake(client=alice, status="new", therapist=dana.therapist)
    client.force_login(sam)
    client.get(QUEUE)  # warm the session and content-type caches
    one = queries_for(client, QUEUE)
    many_sent_intakes(199, therapist=dana.therapist)
    assert queries_for(client, QUEUE) == one
    rows = re.findall(r'href="/intake/submissions/\d+/"', client.get(QUEUE).text)
    assert len(rows) == 50  # fifty to a page
    assert queries_for(client, QUEUE + "?page=4") == one
    assert one <= 9  # the audit row among them


def test_a_therapist_sees_only_the_intakes_of_clients_assigned_to_them(client, alice, bob, dana):
    mine = make_intake(client=alice, status="new", therapist=dana.therapist)
    other = make_therapist(email="theo@example.org", first_name="Theo", last_name="Park")
    theirs = make_intake(client=bob, status="new", therapist=other)
    client.force_login(dana)
    page = client.get(QUEUE).text
    assert detail(mine) in page and detail(theirs) not in page
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    assert client.post(detail(theirs) + "notes/", {"text": "Hello"}).status_code == 404
    assert not AuditEntry.objects.filter(record_id=theirs.pk).exists()


def test_the_submission_page_shows_every_answer_under_its_question(client, alice, dana, sam):
    answers = {**INTAKE_ANSWERS, "phq9_9": 2, "self_harm_thoughts": True}
    submission = make_intake(client=alice, answers=answers, urgent=True)
    client.force_login(alice)
    client.post("/intake/check/")
    starts_at = timezone.now() + timedelta(days=2)
    make_appointment(therapist=dana.therapist, client=alice, starts_at=starts_at)

    client.force_login(sam)
    page = client.get(detail(submission)).text
    assert "Intake: Alice Moreno" in page
    assert "<dt>Your full legal name</dt>" in page and "<dd>Alice Moreno" in page
    assert "What brings you to therapy right now?" in page
    assert "I keep putting off things that matter to me." in page
    assert "<dd>No" in page  # yes/no answers read as words
    # Screeners: totals out of the maximum, the band, and item 9 called out.
    assert "<td>10 of 27</td><td>Moderate</td>" in page
    assert "<td>14 of 21</td><td>Moderate</td>" in page
    assert "PHQ-9 item 9 is above “Not at all”." in page
    assert page.count('class="answer answer--urgent"') == 2
    assert "Needs urgent review" in page
    # The booked session and the consent status.
    assert "with Dana Whitfield" in page
    assert "Consent documents</dt><dd>All signed" in page


def test_the_submission_page_says_when_nothing_is_booked(client, alice, sam):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
    client.force_login(sam)
    page = client.get(detail(submission)).text
    assert "Next session</dt><dd>None booked" in page
    assert "Screeners are scored when the client sends the questionnaire." in page


def test_every_view_of_a_submission_is_written_to_the_audit_log(client, alice, dana, sam):
    submission = make_intake(client=alice, status="new", therapist=dana.therapist)
    client.force_login(sam)
    client.get(detail(submission))
    client.force_login(dana)
    client.get(detail(submission))
    client.get(detail(submission))
    entries = list(
        AuditEntry.objects.filter(record="Intake", record_id=submission.pk).order_by("pk")
    )
    assert [(e.actor, e.action) for e in entries] == [
        (sam, "viewed"),
        (dana, "viewed"),
        (dana, "viewed"),
    ]
    assert all(e.created_at and e.client == alice and e.record == "Intake" for e in entries)


def test_staff_read_the_audit_log_and_nobody_else_can(client, alice, dana, sam):
    submission = make_intake(client=alice, status="new", therapist=dana.therapist)
    client.force_login(dana)
    client.get(detail(submission))
    client.force_login(sam)
    log = client.get(f"/staff/audit/?record=Intake&record_id={submission.pk}").text
    assert "Dana" in log and f"Opened Intake #{submission.pk}" in log
    client.force_login(dana)
    assert client.get("/staff/audit/").status_code == 403


def test_referring_out_needs_a_note(client, alice, sam):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
    client.force_login(sam)
    url = detail(submission) + "status/"
    response = client.post(url, {"status": "referred_out", "note": "  "})
    assert response.status_code == 200
    assert "Please add a note saying where you referred them, and why." in response.text
    submission.refresh_from_db()
    assert submission.status == "new"

    response = client.post(
        url, {"status": "referred_out", "note": "Needs an eating-disorder specialist."}
    )
    assert response.url == detail(submission)
    submission.refresh_from_db()
    assert submission.status == "referred_out"
    note = InternalNote.objects.get()
    assert note.author == sam and "eating-disorder specialist" in note.text
    entry = AuditEntry.objects.get(action="changed")
    assert entry.detail == "Status: New → Referred out"


def test_accepting_needs_no_note(client, alice, sam):
    submission = make_intake(client=alice, status="new")
    client.force_login(sam)
    client.post(detail(submission) + "status/", {"status": "accepted"})
    submission.refresh_from_db()
    assert submission.status == "accepted" and not InternalNote.objects.exists()


def test_a_draft_has_no_review_status_to_change(client, alice, sam):
    submission = make_intake(client=alice, urgent=True)
    client.force_login(sam)
    response = client.post(detail(submission) + "status/", {"status": "accepted"})
    assert "This questionnaire has not been sent yet." in response.text
    assert Submission.objects.get().status == "draft"


def test_staff_assign_a_therapist_who_can_then_read_it(client, alice, dana, sam):
    submission = make_intake(client=alice, status="new")
    client.force_login(dana)
    assert client.get(detail(submission)).status_code == 404
    client.force_login(sam)
    response = client.post(detail(submission) + "assign/", {"therapist": dana.therapist.pk})
    assert response.url == detail(submission)
    submission.refresh_from_db()
    assert submission.assigned_therapist == dana.therapist
    assert AuditEntry.objects.get(action="changed").detail == "Assigned therapist: Dana Whitfield"
    client.force_login(dana)
    assert client.get(detail(submission)).status_code == 200


def test_assigning_an_unknown_therapist_is_explained(client, alice, sam):
    submission = make_intake(client=alice, status="new")
    client.force_login(sam)
    response = client.post(detail(submission) + "assign/", {"therapist": "9999"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.text


def test_internal_notes_show_who_and_when_and_never_reach_the_client(client, alice, dana, sam):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS, therapist=dana.therapist)
    client.force_login(alice)
    client.post("/intake/check/")
    client.force_login(dana)
    response = client.post(detail(submission) + "notes/", {"text": "Prefers mornings."})
    assert response.url == detail(submission)
    page = client.get(detail(submission)).text
    assert "Prefers mornings." in page and "Dana" in page
    assert (
        AuditEntry.objects.filter(action="added", actor=dana, detail="Internal note").count() == 1
    )

    client.force_login(alice)
    assert "Prefers mornings." not in client.get("/intake/sent/").text
    assert "Prefers mornings." not in client.get("/portal/").text


def test_an_empty_note_is_explained(client, alice, sam):
    submission = make_intake(client=alice, status="new")
    client.force_login(sam)
    response = client.post(detail(submission) + "notes/", {"text": ""})
    assert "Please write the note first." in response.text
    assert not InternalNote.objects.exists()


def test_a_submission_that_does_not_exist_is_404(client, sam):
    client.force_login(sam)
    assert client.get("/intake/submissions/424242/").status_code == 404
    assert client.post("/intake/submissions/424242/status/", {"status": "new"}).status_code == 404


@pytest.mark.parametrize("action", ["status", "assign", "notes", "acknowledge"])
def test_the_actions_take_posts_only(client, alice, sam, action):
    submission = make_intake(client=alice, status="new")
    client.force_login(sam)
    assert client.get(detail(submission) + f"{action}/").status_code == 405


def test_the_queue_shows_each_clients_next_booked_session(client, alice, bob, dana, sam):
    # The column comes from scheduling's side of the page (intake does not read scheduling).
    make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
    make_intake(client=bob, answers=INTAKE_ANSWERS, status="new")
    make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(sam)
    page = client.get(QUEUE).text
    assert page.count("None booked") == 1
