from django.db import migrations

from intake.progress_rules import split_goals


def goals_from_sent_intakes(apps, schema_editor):
    """Intakes sent before goals existed get theirs from the same answer new intakes use."""
    Answer = apps.get_model("intake", "Answer")
    Goal = apps.get_model("intake", "Goal")
    answers = Answer.objects.filter(
        question__key="goals", submission__submitted_at__isnull=False
    ).only("submission_id", "value")
    Goal.objects.bulk_create(
        [
            Goal(submission_id=answer.submission_id, position=position, text=text)
            for answer in answers
            for position, text in enumerate(split_goals(answer.value), start=1)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_goals_and_screeners_asked_again")]

    operations = [migrations.RunPython(goals_from_sent_intakes, migrations.RunPython.noop)]
