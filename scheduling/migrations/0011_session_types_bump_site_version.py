from django.db import migrations

# The kinds of session, their fees and who offers them are on public pages kept for
# visitors (practice/shared_pages.py): changing them bumps the site's version, as a change
# to a therapist does (practice/migrations/0013_site_version.py).
TABLES = ["scheduling_sessiontype", "scheduling_sessiontype_therapists"]

CREATE = "".join(
    f"""
CREATE TRIGGER {table}_site_version AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION practice_bump_site_version();"""
    for table in TABLES
)
DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_site_version ON {table};" for table in TABLES)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0013_site_version"),
        ("scheduling", "0010_merge_waitlist"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
