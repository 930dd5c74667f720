import os
import subprocess
import sys

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/practice",
    "DJANGO_MFA_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1tZmEta2V5LWZvci10aGUtdGVzdHM=",
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
