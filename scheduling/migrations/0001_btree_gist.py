from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    """The no-overlap constraint compares therapist ids (btree) and time ranges (gist) together."""

    dependencies: list = []
    operations = [BtreeGistExtension()]
