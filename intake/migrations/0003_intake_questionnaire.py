from django.db import migrations

from intake.questionnaires import install_intake_questionnaire


def install(apps, schema_editor):
    install_intake_questionnaire(
        Questionnaire=apps.get_model("intake", "Questionnaire"),
        QuestionnaireVersion=apps.get_model("intake", "QuestionnaireVersion"),
        Section=apps.get_model("intake", "Section"),
        Question=apps.get_model("intake", "Question"),
    )


class Migration(migrations.Migration):
    """Version 1 of the practice's intake questionnaire, with the PHQ-9 and GAD-7."""

    dependencies = [("intake", "0002_audit_entries_are_append_only")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
