"""Database pieces for PostgreSQL's guarantees, which SQLite (the demo default) does not have."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import migrations, models


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that SQLite (the demo) leaves out of its tables.

    SQLite rebuilds a whole table for many schema changes, writing every constraint of the
    model again; without this it would try to write EXCLUDE, which it cannot parse.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)


class AddPostgresConstraint(migrations.AddConstraint):
    """AddConstraint that only touches PostgreSQL.

    SQLite has no exclusion constraints; there the booking service's check inside an
    IMMEDIATE transaction (one writer at a time) prevents double booking instead.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
