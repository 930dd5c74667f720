# ruff: noqa: T201  (a bench prints its figures)
"""How fast the outbox works through a backlog: `python -m bench.outbox` (or `make bench`).

Prints how long the dispatcher takes to claim 10,000 due reminders and one Celery worker
(concurrency 1) to send them through Django's file e-mail backend, and the plan PostgreSQL
uses for the dispatcher's query (it should be the partial index `outbound_scheduled_due`).

Needs, in the environment:
  DATABASE_URL       a PostgreSQL server where the user may create databases; a throwaway
                     database bench_<name> is created and dropped (the named one is untouched)
  CELERY_BROKER_URL  a Redis database the bench may empty (e.g. redis://127.0.0.1:6379/8)
  DJANGO_SECRET_KEY  any value (DJANGO_DEBUG=false, as in production)
Optional: BENCH_MESSAGES (10000), BENCH_HISTORY (50000 sent messages already in the table).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10000"))
HISTORY = int(os.environ.get("BENCH_HISTORY", "50000"))
MAIL_DIR = Path(tempfile.mkdtemp(prefix="practice-bench-mail-"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings")
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    os.environ["DJANGO_EMAIL_FILE_PATH"] = str(MAIL_DIR)
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The bench needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        sys.exit("The bench needs a Redis broker: set CELERY_BROKER_URL=redis://.../<n>")
    database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    print(f"Creating {database['TEST']['NAME']} and migrating...", flush=True)
    created = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        run()
    finally:
        teardown_databases(created, verbosity=0)


def run() -> None:
    import redis
    from django.conf import settings
    from django.db import connection

    from practice import outbox
    from practice.celery import app
    from practice.models import OutboundMessage

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print_plan()

    worker = start_worker(connection.settings_dict)
    try:
        app.conf.task_always_eager = False
        started = time.perf_counter()
        handed_over = outbox.dispatch_due_messages()
        claimed = time.perf_counter() - started
        sent = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT)
        deadline = started + 900
        while sent.count() < MESSAGES + HISTORY and time.perf_counter() < deadline:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    done = sent.count() - HISTORY
    # The file backend may append several messages to one file: count Message-IDs instead.
    ids = [
        line
        for path in MAIL_DIR.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("Message-ID:")
    ]
    print()
    print(f"Dispatcher: claimed and handed over {handed_over:,} due messages in {claimed:.2f} s")
    print(f"One worker: sent {done:,} of {MESSAGES:,} in {elapsed:.1f} s ({done / elapsed:.0f}/s)")
    print(f"E-mails written: {len(ids):,}, distinct Message-IDs: {len(set(ids)):,}")
    print(f"Per message: {1000 * elapsed / max(done, 1):.1f} ms (claim, render, write, mark)")


def seed() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from practice.models import OutboundMessage, Therapist, User
    from scheduling.models import Appointment, SessionType

    print(f"Writing {MESSAGES:,} due reminders and {HISTORY:,} sent messages...", flush=True)
    therapist_user = User.objects.create_user("bench.therapist@example.org", role="therapist")
    therapist = Therapist.objects.create(
        user=therapist_user, slug="bench", public_name="Bench Therapist", bio=".", credentials="."
    )
    session_type = SessionType.objects.create(name="Bench session")
    clients = User.objects.bulk_create(
        User(email=f"client{n}@example.org", first_name=f"Client{n}", role="client")
        for n in range(100)
    )
    start = timezone.now() + timedelta(days=3)
    appointments = Appointment.objects.bulk_create(
        Appointment(
            therapist=therapist,
            client=clients[n % len(clients)],
            session_type=session_type,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=50),
        )
        for n in range(MESSAGES)
    )
    appointment_type = ContentType.objects.get_for_model(Appointment)
    now = timezone.now()
    OutboundMessage.objects.bulk_create(
        (
            OutboundMessage(
                key=f"history:{n}",
                to="old@example.org",
                template="appointment_reminder",
                status=OutboundMessage.Status.SENT,
                due_at=now - timedelta(days=1 + n % 365),
            )
            for n in range(HISTORY)
        ),
        batch_size=5000,
    )
    OutboundMessage.objects.bulk_create(
        (
            OutboundMessage(
                key=f"appointment:{appointment.pk}:reminder-48h:email",
                to=appointment.client.email,
                recipient=appointment.client,
                template="appointment_reminder",
                about_type=appointment_type,
                about_id=appointment.pk,
                due_at=now - timedelta(seconds=1),
            )
            for appointment in appointments
            if appointment.client is not None  # all of them: each was created with a client
        ),
        batch_size=5000,
    )


def print_plan() -> None:
    from django.db import transaction
    from django.utils import timezone

    from practice import outbox

    query = (
        outbox.dispatch_queryset(timezone.now())
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[: outbox.DISPATCH_BATCH_SIZE]
    )
    with transaction.atomic():
        plan = query.explain()
    print("\nThe dispatcher's query plan:")
    print("  " + plan.replace("\n", "\n  "))
    verdict = "uses" if "outbound_scheduled_due" in plan else "does NOT use"
    print(f"-> {verdict} the partial index outbound_scheduled_due\n", flush=True)


def start_worker(database: dict) -> subprocess.Popen:
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    url = f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT'] or 5432}"
    log = MAIL_DIR.parent / f"{MAIL_DIR.name}-worker.log"
    environment = {**os.environ, "DATABASE_URL": f"{url}/{database['NAME']}"}
    command = [
        *(sys.executable, "-m", "celery", "-A", "practice", "worker", "--concurrency", "1"),
        *(
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            "bench@%h",
        ),
    ]
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603
            command,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # The worker logs nothing at WARNING when it is ready: wait for its first answer instead.
    from practice.celery import app

    for _ in range(120):
        if worker.poll() is not None:
            sys.exit(f"The worker stopped: see {log}")
        if app.control.ping(timeout=0.5):
            return worker
    sys.exit(f"The worker did not start: see {log}")


if __name__ == "__main__":
    main()
