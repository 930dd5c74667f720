"""The production stack end to end: gunicorn, a Celery worker and beat, PostgreSQL and Redis.

One client books a session over HTTPS against gunicorn with production settings, the way a
browser would (log in, choose a time, hold it, confirm it), and the confirmation arrives at a
local SMTP server, sent by a separate worker process. A message written straight into the
outbox, never handed over, arrives too: only beat's dispatcher can have sent it.
"""

import datetime as dt
import ipaddress
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from tests.factories import (
    PASSWORD,
    make_booking_rules,
    make_client,
    make_message,
    make_session_type,
    make_weekly_hours,
)
from tests.practice.processes import database_url, free_port, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(settings.BASE_DIR)
STARTUP_TIMEOUT = 60


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, so the secure cookies of production settings are sent."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        # Its own authority: Python 3.13 verifies strictly and wants these to trust it.
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Stack:
    """gunicorn, one worker and beat, each its own process group, started in that order."""

    def __init__(self, folder: Path, *, sink_port: int, broker_url: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.cert, self.key = self_signed_certificate(folder)
        self.environment = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SITE_URL": self.base,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(sink_port),
            "DJANGO_EMAIL_USE_TLS": "false",
            "DJANGO_SMS_BACKEND": "practice.sms.FileBackend",
            "DJANGO_SMS_FILE_PATH": str(folder / "sms"),
            "DJANGO_OUTBOX_DISPATCH_INTERVAL": "1",
            "DJANGO_REQUIRE_MFA": "false",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str) -> None:
        with (self.folder / f"{name}.log").open("w") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", *command],
                cwd=BASE_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in self.processes)

    def up(self) -> None:
        self.start(
            "web",
            *("gunicorn", "practice.wsgi", "--bind", f"127.0.0.1:{self.port}"),
            *("--workers", "2", "--no-control-socket"),
            *("--certfile", str(self.cert), "--keyfile", str(self.key)),
        )
        self.start(
            "worker",
            "celery",
            "-A",
            "practice",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
        )
        self.start("beat", "celery", "-A", "practice", "beat", "--loglevel", "INFO")
        try:
            wait_until(self.web_answers, timeout=STARTUP_TIMEOUT, what="gunicorn to answer")
            wait_until(
                lambda: " ready." in self.log("worker"), timeout=STARTUP_TIMEOUT, what="the worker"
            )
            wait_until(
                lambda: "beat: Starting" in self.log("beat"), timeout=STARTUP_TIMEOUT, what="beat"
            )
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.logs()}") from None
        for name, process in self.processes.items():
            assert process.poll() is None, f"{name} stopped:\n{self.logs()}"

    def web_answers(self) -> bool:
        try:
            return (
                requests.get(f"{self.base}/", verify=str(self.cert), timeout=2).status_code == 200
            )
        except requests.RequestException:  # not listening yet, or still starting its workers
            return False

    def down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def stack(transactional_db, tmp_path, sink, shared_broker):
    running = Stack(tmp_path, sink_port=sink.port, broker_url=shared_broker)
    try:
        running.up()
        yield running
    finally:
        running.down()


class Browser:
    """A requests session that posts forms as a browser does: CSRF token and Referer."""

    def __init__(self, stack: Stack) -> None:
        self.base = stack.base
        self.session = requests.Session()
        self.certificate = str(stack.cert)

    def get(self, path: str, **params: str | int) -> requests.Response:
        response = self.session.get(
            self.base + path, params=params, verify=self.certificate, timeout=20
        )
        assert response.status_code == 200, (path, response.status_code)
        return response

    def post(self, path: str, data: dict[str, str | int]) -> requests.Response:
        """Post as the page's form does; the CSRF cookie came with the first page that had one."""
        return self.session.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            headers={"Referer": self.base + path},
            verify=self.certificate,
            timeout=20,
        )


def test_a_session_booked_over_https_is_confirmed_by_e_mail_through_worker_and_beat(
    stack, sink, alice, dana
):
    # Gunicorn runs production's password hasher, not the tests' fast one.
    alice.password = PBKDF2PasswordHasher().encode(PASSWORD, "productionsalt")
    alice.save(update_fields=["password"])
    make_weekly_hours(therapist=dana.therapist)
    make_booking_rules(therapist=dana.therapist, minimum_notice=dt.timedelta(hours=1))
    session_type = make_session_type(therapists=[dana.therapist], new_clients_may_book=True)

    browser = Browser(stack)
    browser.get("/accounts/login/")
    login = browser.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert login.status_code == 200 and "/accounts/login/" not in login.url, login.url
    page = browser.get("/scheduling/book/dana-whitfield/", session_type=session_type.pk)
    first_time = re.findall(r'name="starts_at" value="([^"]+)"', page.text)[0]
    held = browser.post(
        "/scheduling/book/dana-whitfield/hold/",
        {"session_type": session_type.pk, "starts_at": first_time, "tz": "America/Denver"},
    )
    hold_path = re.findall(r"/scheduling/holds/\d+/", held.url)[0]
    booked = browser.post(hold_path + "confirm/", {"payment": "insurance"})
    assert re.search(r"/scheduling/sessions/\d+/booked/$", booked.url), stack.logs()

    wait_until(
        lambda: any(
            m["To"] == alice.email and ":confirmation:" in m["X-Practice-Message"]
            for m in sink.received
        ),
        timeout=60,
        what="the booking's confirmation",
    )
    # Written straight into the outbox and never handed over: only beat's dispatcher sends it.
    nia = make_client(email="nia@example.org")
    nia.set_unusable_password()  # invited, not yet signed in
    nia.save()
    make_message(to=nia.email, recipient=nia, key="from-beat", due_at=timezone.now())
    wait_until(
        lambda: any(m["X-Practice-Message"] == "from-beat" for m in sink.received),
        timeout=60,
        what="the dispatcher to send a waiting message",
    )
