from django.db import migrations

CREATE = """
CREATE FUNCTION intake_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intake_auditentry_append_only
    BEFORE UPDATE OR DELETE ON intake_auditentry
    FOR EACH ROW EXECUTE FUNCTION intake_auditentry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS intake_auditentry_append_only ON intake_auditentry;
DROP FUNCTION IF EXISTS intake_auditentry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    # PostgreSQL is where the records live; the SQLite of `make run` keeps only the model guard.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """Nobody edits or removes an audit entry, not even through SQL the model never sees."""

    dependencies = [("intake", "0001_questionnaires_and_submissions")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
