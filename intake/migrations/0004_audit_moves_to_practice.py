"""The intake's own audit log moves into the practice's one log (practice.AuditEntry).

Every old row is copied as an "Intake" row about the submission's client, its action mapped
to the practice log's words and its detail kept (after the old action's name, which the
practice log's four actions no longer say by themselves). Then the old table and its
append-only trigger go. Audit rows are never lost: the copy runs before the drop, in one
migration, so a failure leaves both as they were.
"""

from django.db import migrations

# The old action -> the practice log's action, and the words that keep what the old one said.
ACTIONS = {
    "viewed": ("viewed", ""),
    "status_changed": ("changed", "Status"),
    "assigned": ("changed", "Assigned therapist"),
    "note_added": ("added", "Internal note"),
    "urgent_acknowledged": ("changed", "Urgent flag acknowledged"),
}

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS intake_auditentry_append_only ON intake_auditentry;
DROP FUNCTION IF EXISTS intake_auditentry_refuse_change();
"""


def copy_rows(apps, schema_editor):
    Old = apps.get_model("intake", "AuditEntry")
    New = apps.get_model("practice", "AuditEntry")
    rows = Old.objects.select_related("actor", "submission").order_by("created_at", "pk")
    batch = []
    for old in rows.iterator(chunk_size=2000):
        action, words = ACTIONS.get(old.action, ("changed", old.action))
        detail = ": ".join(part for part in (words, old.detail) if part)
        batch.append(
            New(
                actor_id=old.actor_id,
                actor_role=old.actor.role,
                client_id=old.submission.client_id,
                record="Intake",
                record_id=str(old.submission_id),
                action=action,
                detail=detail[:200],
                created_at=old.created_at,
            )
        )
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_intake_questionnaire"),
        ("practice", "0010_audit_log"),
    ]

    # Backwards only the empty table comes back: the rows stay in the practice log.
    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        migrations.RunPython(drop_trigger, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditEntry"),
    ]
