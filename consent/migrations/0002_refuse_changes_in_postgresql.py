"""PostgreSQL refuses to change or delete what a client read and signed.

The models refuse too, but a bulk UPDATE, a data fix in a shell or a bug elsewhere would
go around them. These triggers make the records append-only in the database itself:
signatures, declines and contact choices, and versions once published. SQLite (the
zero-setup demo) relies on the models alone.
"""

from django.db import migrations

TABLES = {
    "consent_signature": "",
    "consent_decline": "",
    "consent_contactpreference": "",
    # Drafts may be edited, published (an UPDATE of a draft) or deleted.
    "consent_documentversion": "WHEN (OLD.published_at IS NOT NULL)",
}

FORWARDS = [
    """
    CREATE FUNCTION consent_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'consent records are never changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW {condition} EXECUTE FUNCTION consent_refuse_change();"
        for table, condition in TABLES.items()
    ),
]
BACKWARDS = [
    *(f"DROP TRIGGER {table}_immutable ON {table};" for table in TABLES),
    "DROP FUNCTION consent_refuse_change();",
]


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
