"""Every look at a client's records by staff or a therapist leaves a row in the audit log,
admin pages included; staff read the log with filters, and nobody can change it there."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practice.audit import AuditEntry
from tests.factories import (
    make_appointment,
    make_client,
    make_document,
    make_intake,
    make_message,
    make_signature,
    make_staff,
)

pytestmark = pytest.mark.django_db


def rows(**lookup) -> list[tuple]:
    found = AuditEntry.objects.filter(**lookup).order_by("pk")
    return [(e.actor, e.client, e.record, e.record_id, e.action, e.detail) for e in found]


@pytest.fixture
def session(alice, dana):
    return make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() + timedelta(days=3)
    )


def test_a_therapist_opening_a_session_is_recorded_with_address_and_request(
    client, alice, dana, session
):
    client.force_login(dana)
    response = client.get(
        f"/scheduling/calendar/appointments/{session.pk}/", REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.client, entry.record, entry.record_id) == (
        dana,
        alice,
        "Session",
        str(session.pk),
    )
    assert (entry.action, entry.address) == ("viewed", "198.51.100.4")
    assert entry.request_id == response["X-Request-ID"]


def test_staff_opening_and_changing_a_session_are_recorded(client, alice, sam, session):
    client.force_login(sam)
    client.get(f"/scheduling/staff/appointments/{session.pk}/")
    client.post(
        f"/scheduling/staff/appointments/{session.pk}/cancel/",
        {"requested_by": "practice", "reason": "Therapist unwell"},
    )
    assert rows(client=alice) == [
        (sam, alice, "Session", str(session.pk), "viewed", ""),
        (sam, alice, "Session", str(session.pk), "changed", "Cancelled by the practice"),
    ]


def test_a_stranger_s_404_writes_nothing(client, bob, dana, session):
    other = make_client(email="carol@example.org")
    client.force_login(other)
    assert client.get(f"/scheduling/staff/appointments/{session.pk}/").status_code == 403
    assert not AuditEntry.objects.exists()


def test_list_pages_write_one_row_with_no_client_and_a_count(client, alice, dana, sam, session):
    client.force_login(dana)
    client.get("/scheduling/calendar/")
    client.force_login(sam)
    client.get(f"/scheduling/staff/calendar/?therapist={dana.therapist.pk}")
    client.get("/consent/staff/")
    make_message(to=alice.email, recipient=alice, status="sent")
    client.get("/staff/messages/")
    assert rows(client=None) == [
        (dana, None, "Calendar list", "", "viewed", "1 shown"),
        (sam, None, "Calendar list", "", "viewed", "1 shown"),
        (sam, None, "Consent overview list", "", "viewed", "0 shown"),
        (sam, None, "Message list", "", "viewed", "1 shown"),
    ]


def test_the_intake_queue_and_opening_an_intake_with_its_screeners_are_recorded(client, alice, sam):
    submission = make_intake(client=alice, status="new")
    client.force_login(sam)
    client.get("/intake/submissions/")
    client.get(f"/intake/submissions/{submission.pk}/")
    assert rows() == [
        (sam, None, "Intake list", "", "viewed", "1 shown"),
        (sam, alice, "Intake", str(submission.pk), "viewed", ""),
        (sam, alice, "Goals", str(submission.pk), "viewed", ""),
        (sam, alice, "Questionnaire scores", str(submission.pk), "viewed", ""),
    ]


def test_admin_pages_of_client_records_are_audited(client, alice, sam, session):
    signature = make_signature(client=alice, document=make_document())
    client.force_login(sam)
    assert client.get("/admin/scheduling/appointment/?q=Moreno").status_code == 200
    assert client.get(f"/admin/scheduling/appointment/{session.pk}/change/").status_code == 200
    assert client.get(f"/admin/consent/signature/{signature.pk}/change/").status_code == 200
    assert client.get(f"/admin/practice/user/{alice.pk}/history/").status_code == 200
    page = client.get(f"/admin/practice/user/{alice.pk}/change/")
    assert page.status_code == 200
    assert rows() == [
        (sam, None, "Session (admin) list", "", "viewed", "1 shown"),
        (sam, alice, "Session", str(session.pk), "viewed", "In the admin"),
        (sam, alice, "Consent signature", str(signature.pk), "viewed", "In the admin"),
        (sam, alice, "Profile", str(alice.pk), "viewed", "In the admin"),
        (sam, alice, "Profile", str(alice.pk), "viewed", "In the admin"),
    ]
    # The search itself (a name) is never written down.
    assert not AuditEntry.objects.filter(detail__icontains="Moreno").exists()


def test_an_admin_change_and_a_delete_are_recorded(client, alice, sam):
    client.force_login(sam)
    change = client.get(f"/admin/practice/user/{alice.pk}/change/")
    form = change.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(first_name="Alicia", last_name=alice.last_name, time_zone=alice.time_zone)
    data.pop("groups", None)
    client.post(f"/admin/practice/user/{alice.pk}/change/", data)
    assert AuditEntry.objects.filter(client=alice, action="changed", record="Profile").exists()

    message = make_message(to=alice.email, recipient=alice)
    assert client.get(f"/admin/practice/outboundmessage/{message.pk}/change/").status_code == 200
    assert rows(record="Message") == [
        (sam, alice, "Message", str(message.pk), "viewed", "In the admin")
    ]


def test_a_client_looked_at_cannot_be_deleted_in_the_admin_the_log_keeps_them(client, alice, sam):
    sam.is_superuser = True
    sam.save()
    client.force_login(sam)
    assert client.get(f"/admin/practice/user/{alice.pk}/delete/").status_code == 200
    refused = client.post(f"/admin/practice/user/{alice.pk}/delete/", {"post": "yes"})
    assert "Cannot delete user" in refused.text  # the row the delete page itself just wrote
    assert type(alice).objects.filter(pk=alice.pk).exists()


def test_a_delete_in_the_admin_is_recorded(client, sam):
    sam.is_superuser = True
    sam.save()
    gone = make_staff(email="typo@example.org")
    client.force_login(sam)
    client.post(f"/admin/practice/user/{gone.pk}/delete/", {"post": "yes"})
    assert not type(gone).objects.filter(pk=gone.pk).exists()
    assert rows(record="Profile") == [
        (sam, None, "Profile", str(gone.pk), "deleted", "In the admin")
    ]


def test_the_audit_log_is_read_only_in_the_admin(client, alice, sam, dana):
    entry = AuditEntry.objects.create(actor=dana, client=alice, record="Intake")
    client.force_login(sam)
    assert client.get("/admin/practice/auditentry/").status_code == 200
    page = client.get(f"/admin/practice/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.post(f"/admin/practice/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/practice/auditentry/add/").status_code == 403


# The staff page ---------------------------------------------------------------------------------


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_staff_filter_the_log_by_person_client_record_and_days(client, alice, bob, dana, sam):
    now = timezone.now()
    AuditEntry.objects.create(actor=dana, client=alice, record="Intake", record_id="1")
    AuditEntry.objects.create(actor=sam, client=bob, record="Session", record_id="2")
    AuditEntry.objects.create(
        actor=dana, client=bob, record="Session", record_id="3", created_at=now - timedelta(days=9)
    )
    client.force_login(sam)

    def shown(query: str) -> set[str]:
        page = client.get(f"/staff/audit/?{query}").text
        return {n for n in ("#1", "#2", "#3") if f" {n}" in page}

    assert shown("") == {"#1", "#2", "#3"}
    assert shown(f"person={dana.pk}") == {"#1", "#3"}
    assert shown(f"client={bob.pk}") == {"#2", "#3"}
    assert shown("record=session") == {"#2", "#3"}
    week_ago = (now - timedelta(days=7)).date().isoformat()
    assert shown(f"start={week_ago}") == {"#1", "#2"}
    assert shown(f"end={week_ago}") == {"#3"}
    response = client.get(f"/staff/audit/?start={now.date()}&end={week_ago}")
    assert "The last day comes before the first. Please swap them." in response.text


def test_the_staff_log_shows_50_a_page_in_a_fixed_number_of_queries(client, alice, dana, sam):
    client.force_login(sam)
    AuditEntry.objects.create(actor=dana, client=alice, record="Intake")
    client.get("/staff/audit/")  # the first page of all makes the practice's settings row
    one = queries_for(client, "/staff/audit/")
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=dana, client=alice, record="Intake", record_id=str(n)) for n in range(120)
    )
    assert queries_for(client, "/staff/audit/") == one
    page = client.get("/staff/audit/").text
    assert "Page 1 of 3" in page and page.count("<tr>") == 51  # 50 rows and the heading


def test_only_staff_read_the_log(client, alice, dana):
    for person in (alice, dana):
        client.force_login(person)
        assert client.get("/staff/audit/").status_code == 403


def test_the_filter_lists_no_clients_and_each_client_s_name_filters_to_them(
    client, alice, bob, dana, sam
):
    """A practice has tens of thousands of clients: the filter takes a number, not a list."""
    AuditEntry.objects.create(actor=dana, client=alice, record="Intake", record_id="1")
    AuditEntry.objects.create(actor=dana, client=bob, record="Intake", record_id="2")
    client.force_login(sam)
    page = client.get("/staff/audit/").text
    assert "bob@example.org" not in page and f'<option value="{bob.pk}"' not in page
    assert f'href="?client={bob.pk}"' in page
    only_bob = client.get(f"/staff/audit/?client={bob.pk}").text
    assert " #2" in only_bob and " #1" not in only_bob
