"""Staff get the admin through a group holding only the permissions their work needs.

Before this, every permission of the practice's apps (change_user included) came with the staff
role, so a member of staff could make themselves a superuser. The group holds: every permission
of consent, intake and scheduling (their admin classes narrow it further), therapists and
practice settings, reading the outbox, and viewing or changing people (the user admin keeps
roles, powers and passwords away from anyone but a superuser). Nothing of Django's own models
or of allauth (authenticators, sessions) is in it. The same lists are in practice/models.py
(staff_group()); a model added later needs a migration that adds its permissions to the group.
"""

from django.db import migrations

STAFF_GROUP = "Practice staff"
WHOLE_APPS = ("consent", "intake", "scheduling")
PRACTICE_PERMISSIONS = [
    "add_therapist",
    "change_therapist",
    "view_therapist",
    "change_practicesettings",
    "view_practicesettings",
    "view_outboundmessage",
    "change_user",
    "view_user",
]


def create_staff_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("practice", "User")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=WHOLE_APPS)
        | Permission.objects.filter(
            content_type__app_label="practice", codename__in=PRACTICE_PERMISSIONS
        )
    )
    for user in User.objects.filter(role="staff", is_staff=True):
        user.groups.add(group)


def remove_staff_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=STAFF_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("practice", "0002_reminder_settings_and_unknown_status"),
        ("consent", "0002_refuse_changes_in_postgresql"),
        ("intake", "0003_intake_questionnaire"),
        ("scheduling", "0005_moves_late_changes_and_hold_quotas"),
    ]

    operations = [migrations.RunPython(create_staff_group, remove_staff_group)]
