"""The retention purge (practice/privacy.py, consent/privacy.py) may delete consent records.

Nothing else may: the trigger still refuses every UPDATE, and a DELETE unless the transaction
has set `practice.retention_purge` to on, which only the purge does, years after the client
closed their account.
"""

from django.db import migrations

PURGE_ALLOWED = """
CREATE OR REPLACE FUNCTION consent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('practice.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent records are never changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""

NEVER = """
CREATE OR REPLACE FUNCTION consent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent records are never changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PURGE_ALLOWED, params=None)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NEVER, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_merge_promises_and_texts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
