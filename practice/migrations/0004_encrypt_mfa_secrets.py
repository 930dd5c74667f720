"""Encrypt the second-factor secrets stored before they were encrypted at rest.

TOTP secrets and recovery-code seeds (and any migrated recovery codes) written before
practice/mfa.py existed are in clear; they are encrypted with DJANGO_MFA_ENCRYPTION_KEY so
people keep signing in with the authenticator they have. Values that already decrypt are left.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import migrations


def encrypt_existing(apps, schema_editor):
    fernet = MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])

    def encrypted(value: str) -> str:
        try:
            fernet.decrypt(value.encode())
        except InvalidToken:
            return fernet.encrypt(value.encode()).decode()
        return value

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if field in data:
                data[field] = encrypted(data[field])
        if "migrated_codes" in data:
            data["migrated_codes"] = [encrypted(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0003_practice_staff_group"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
