"""The intake's own audit rows move into the practice's log, and nothing is lost on the way."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("intake", "0003_intake_questionnaire"), ("practice", "0010_audit_log")]
AFTER = [("intake", "0004_audit_moves_to_practice")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.fixture
def at_the_old_log(transactional_db):
    """The database as it was before the move; back to the newest state afterwards."""
    migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    migrate(None)


def test_old_intake_rows_are_copied_with_their_client_action_and_detail(at_the_old_log):
    apps = at_the_old_log
    User = apps.get_model("practice", "User")
    Submission = apps.get_model("intake", "Submission")
    Version = apps.get_model("intake", "QuestionnaireVersion")
    Questionnaire = apps.get_model("intake", "Questionnaire")
    Old = apps.get_model("intake", "AuditEntry")
    client = User.objects.create(email="alice@example.org", role="client")
    staff = User.objects.create(email="sam@example.org", role="staff")
    questionnaire = Questionnaire.objects.create(slug="old-intake", name="Intake")
    version = Version.objects.create(questionnaire=questionnaire, number=1)
    submission = Submission.objects.create(
        client=client, version=version, status="new", submitted_at=timezone.now()
    )
    then = timezone.now() - timezone.timedelta(days=30)
    for action, detail in [
        ("viewed", ""),
        ("status_changed", "New → Accepted"),
        ("assigned", "Dana Whitfield"),
        ("note_added", ""),
        ("urgent_acknowledged", ""),
    ]:
        Old.objects.create(
            actor=staff, submission=submission, action=action, detail=detail, created_at=then
        )

    migrate(AFTER)

    from practice.audit import AuditEntry

    moved = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.detail) for e in moved] == [
        ("viewed", ""),
        ("changed", "Status: New → Accepted"),
        ("changed", "Assigned therapist: Dana Whitfield"),
        ("added", "Internal note"),
        ("changed", "Urgent flag acknowledged"),
    ]
    assert {(e.actor_id, e.actor_role, e.client_id, e.record, e.record_id) for e in moved} == {
        (staff.pk, "staff", client.pk, "Intake", str(submission.pk))
    }
    assert all(e.created_at == then for e in moved)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "intake_auditentry" not in tables
