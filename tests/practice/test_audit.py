"""The practice's audit log: append-only, down to the database, and tied to its request."""

import pytest
from django.db import InternalError, connection, transaction
from django.test import RequestFactory

from practice.audit import AppendOnly, AuditEntry, record_access


def _request_from(user, address="203.0.113.9"):
    request = RequestFactory().get("/anything/", REMOTE_ADDR=address)
    request.user = user
    request.request_id = "a" * 32
    return request


def test_a_look_records_who_what_when_where_and_the_request(alice, dana):
    entry = record_access(_request_from(dana), client=alice, record="Intake", record_id=7)
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_role, entry.client) == (dana, "therapist", alice)
    assert (entry.record, entry.record_id, entry.action) == ("Intake", "7", "viewed")
    assert (entry.address, entry.request_id) == ("203.0.113.9", "a" * 32)


def test_a_clients_list_leaves_out_their_own_looks(alice, bob, dana):
    record_access(_request_from(alice), client=alice, record="Intake")
    theirs = record_access(_request_from(dana), client=alice, record="Intake")
    record_access(_request_from(dana), client=bob, record="Intake")
    assert list(AuditEntry.objects.about(alice)) == [theirs]


def test_only_staff_read_the_whole_log(alice, dana, sam):
    record_access(_request_from(dana), client=alice, record="Intake")
    assert AuditEntry.objects.for_user(sam).count() == 1
    assert not AuditEntry.objects.for_user(dana).exists()
    assert not AuditEntry.objects.for_user(alice).exists()


def test_entries_cannot_be_changed_or_removed(alice, dana):
    entry = record_access(_request_from(dana), client=alice, record="Intake")
    entry.detail = "rewritten"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_changes_even_in_raw_sql(alice, dana):
    entry = record_access(_request_from(dana), client=alice, record="Intake")
    for sql in (
        "UPDATE practice_auditentry SET detail = 'x' WHERE id = %s",
        "DELETE FROM practice_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_every_response_carries_a_fresh_request_id(client, db):
    first, second = client.get("/"), client.get("/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
