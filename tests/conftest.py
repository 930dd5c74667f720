import os

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command

from practice.models import User
from tests.factories import make_client, make_staff, make_therapist

# Playwright's sync API runs an event loop in the test thread; Django must still allow
# plain database calls there (live_server tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # A dead local proxy: anything not on loopback fails at once instead of leaving the machine.
    "--proxy-server=http://127.0.0.1:9",
]


@pytest.fixture(autouse=True)
def _fast_and_local(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REQUIRE_MFA = False  # tests/practice/test_people.py turns it on
    # Production's default is Twilio; tests read texts from files unless they start a provider.
    settings.SMS_BACKEND = "practice.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from practice.celery import app

    app.conf.task_always_eager = True
    # allauth's rate limits live in the shared cache; each test starts with none used.
    cache.clear()
    # Site versions start again in each test's rolled-back transaction: no page kept under one
    # test's version may be served in another.
    caches["pages"].clear()


@pytest.fixture
def dana(db) -> User:
    """A therapist."""
    return make_therapist(email="dana@example.org", first_name="Dana", last_name="Whitfield").user


@pytest.fixture
def alice(db) -> User:
    """Dana's client."""
    return make_client(email="alice@example.org", first_name="Alice", last_name="Moreno")


@pytest.fixture
def bob(db) -> User:
    """Another client, who must never see Alice's records."""
    return make_client(email="bob@example.org", first_name="Bob", last_name="Keller")


@pytest.fixture
def sam(db) -> User:
    """A member of staff."""
    return make_staff(email="sam@example.org", first_name="Sam", last_name="Ortega")


@pytest.fixture
def demo_practice(db) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


# Browser tests -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "timezone_id": "America/New_York"}
