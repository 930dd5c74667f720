import os
import subprocess
import sys

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/practice",
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


def test_production_sends_texts_through_twilio_unless_told_otherwise():
    code = "from django.conf import settings; print(settings.SMS_BACKEND)"
    assert manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout.strip() == (
        "practice.sms.TwilioBackend"
    )
    demo = {"DJANGO_DEBUG": "true"}
    shown = manage("shell", "--no-imports", "-c", code, env=demo).stdout.strip()
    assert shown == "practice.sms.FileBackend"
