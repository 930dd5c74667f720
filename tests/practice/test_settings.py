import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/practice",
    "DJANGO_MFA_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1tZmEta2V5LWZvci10aGUtdGVzdHM=",
    "DJANGO_SITE_URL": "https://book.poudrevalleytherapy.org",
    "DJANGO_DEFAULT_FROM_EMAIL": "Poudre Valley Behavior Therapy <hello@poudrevalleytherapy.org>",
    "DJANGO_TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000001",
    "DJANGO_TWILIO_AUTH_TOKEN": "a-twilio-auth-token",
    "DJANGO_TWILIO_MESSAGING_SERVICE_SID": "MG00000000000000000000000000000001",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**clean, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_the_deploy_check_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_with_the_demo_secret():
    demo = {**PRODUCTION, "DJANGO_SECRET_KEY": "insecure-demo-key-for-make-run-only"}
    result = manage("check", env=demo)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_its_own_mfa_encryption_key():
    missing = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_MFA_ENCRYPTION_KEY"}
    result = manage("check", env=missing)
    assert result.returncode != 0 and "DJANGO_MFA_ENCRYPTION_KEY must be set" in result.stderr
    demo = {
        **PRODUCTION,
        "DJANGO_MFA_ENCRYPTION_KEY": "ZGVtby1vbmx5LW1mYS1rZXktZm9yLW1ha2UtcnVuLTA=",
    }
    assert manage("check", env=demo).returncode != 0
    not_a_key = {**PRODUCTION, "DJANGO_MFA_ENCRYPTION_KEY": "hunter2"}
    result = manage("check", env=not_a_key)
    assert result.returncode != 0 and "must be a Fernet key" in result.stderr


def test_production_sends_texts_through_twilio_unless_told_otherwise():
    code = "from django.conf import settings; print(settings.SMS_BACKEND)"
    assert manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout.strip() == (
        "practice.sms.TwilioBackend"
    )
    demo = {"DJANGO_DEBUG": "true"}
    shown = manage("shell", "--no-imports", "-c", code, env=demo).stdout.strip()
    assert shown == "practice.sms.FileBackend"


def deploy_check(**changes: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in {**PRODUCTION, **changes}.items() if value}
    return manage("check", "--deploy", env=environment)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"DJANGO_SMS_BACKEND": "practice.sms.FileBackend"}, "practice.E001"),
        ({"DJANGO_TWILIO_AUTH_TOKEN": ""}, "practice.E002"),
        (
            {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
            "practice.E003",
        ),
        ({"DJANGO_SITE_URL": ""}, "practice.E004"),  # the default
        ({"DJANGO_SITE_URL": "https://localhost:8443"}, "practice.E004"),
        ({"DJANGO_SITE_URL": "http://127.0.0.1"}, "practice.E004"),
        ({"DJANGO_MESSAGE_ID_DOMAIN": "localhost"}, "practice.E005"),
        ({"DJANGO_MESSAGE_ID_DOMAIN": "mail-host-7.internal"}, "practice.E005"),
    ],
)
def test_the_deploy_check_fails_on_settings_that_would_mislead_clients(changes, error):
    result = deploy_check(**changes)
    assert result.returncode != 0
    assert error in result.stderr


def test_the_message_id_is_the_practices_own_domain():
    code = "from django.conf import settings; print(settings.MESSAGE_ID_DOMAIN)"
    shown = manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout.strip()
    assert shown == "poudrevalleytherapy.org"
    assert deploy_check(DJANGO_MESSAGE_ID_DOMAIN="mail.poudrevalleytherapy.org").returncode == 0
