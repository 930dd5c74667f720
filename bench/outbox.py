"""The outbox under a backlog: the dispatcher handing 10,000 due reminders to Celery, then one
worker (concurrency 1) working through them for a while, through the file e-mail backend.

The reminders are about the seeded upcoming sessions and sit beside the seeded message history,
so the dispatcher's query runs against a table of a practice's size.
"""

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import time as clock_time
from pathlib import Path

from bench import processes
from bench.seed import Cast, insert_select

DUE_KEY_PREFIX = "bench:due:"


@dataclass(frozen=True)
class OutboxRun:
    due: int
    handed_over: int
    dispatch_seconds: float
    uses_partial_index: bool
    send_seconds: float
    outcomes: dict[str, int]  # status of the due messages after the worker's time
    worker_main_mib: float
    worker_pool_mib: float


def run(
    cast: Cast, *, count: int, send_seconds: float, env: dict[str, str], logs: Path
) -> OutboxRun:
    from practice import outbox
    from practice.celery import app
    from practice.models import OutboundMessage, PracticeSettings

    # Sending hours around the clock, so the figures do not depend on the time of day the
    # bench runs (at night on the clients' clocks, reminders would wait for the morning).
    PracticeSettings.objects.update(
        sending_hours_start=clock_time(0), sending_hours_end=clock_time(23, 59)
    )
    due = _seed_due(count)
    plan_uses_index = _plan_uses_partial_index()
    app.conf.task_always_eager = False
    started = time.perf_counter()
    handed_over = outbox.dispatch_due_messages()
    dispatch_seconds = time.perf_counter() - started

    worker = _start_worker(env, logs / "worker.log")
    try:
        time.sleep(send_seconds)
        pool = processes.children(worker.pid)
        main_mib = processes.rss_mib(worker.pid)
        pool_mib = max((processes.rss_mib(pid) for pid in pool), default=0.0)
    finally:
        processes.stop(worker)
    outcomes = Counter(
        OutboundMessage.objects.filter(key__startswith=DUE_KEY_PREFIX).values_list(
            "status", flat=True
        )
    )
    return OutboxRun(
        due=due,
        handed_over=handed_over,
        dispatch_seconds=dispatch_seconds,
        uses_partial_index=plan_uses_index,
        send_seconds=send_seconds,
        outcomes=dict(outcomes),
        worker_main_mib=main_mib,
        worker_pool_mib=pool_mib,
    )


def _seed_due(count: int) -> int:
    """`count` e-mail reminders due a second ago, about the seeded upcoming sessions."""
    from django.contrib.contenttypes.models import ContentType

    from practice.models import OutboundMessage, User
    from scheduling.models import Appointment

    upcoming = list(
        Appointment.objects.filter(status="booked", client__isnull=False)
        .order_by("starts_at")
        .values_list("pk", "client_id")
    )
    return insert_select(
        OutboundMessage,
        f"""generate_series(1, %(count)s) AS n,
            LATERAL (SELECT 1 + mod(n, %(upcoming)s) AS i) AS x
            JOIN {User._meta.db_table} AS u ON u.id = (%(clients)s::bigint[])[x.i]""",
        {
            "key": f"'{DUE_KEY_PREFIX}' || n",
            "recipient": "u.id",
            "to": "u.email",
            "template": "'appointment_reminder'",
            "about_type": "%(appointment_type)s",
            "about_id": "(%(appointments)s::bigint[])[x.i]",
            "due_at": "now() - interval '1 second'",
        },
        count=count,
        upcoming=len(upcoming),
        clients=[client for _pk, client in upcoming],
        appointments=[pk for pk, _client in upcoming],
        appointment_type=ContentType.objects.get_for_model(Appointment).pk,
    )


def _plan_uses_partial_index() -> bool:
    """Whether PostgreSQL plans the dispatcher's query on the partial index of due rows."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from practice import outbox

    query = (
        outbox.dispatch_queryset(timezone.now() - timedelta(minutes=5))
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[: outbox.DISPATCH_BATCH_SIZE]
    )
    with transaction.atomic():
        return "outbound_scheduled_due" in query.explain()


def _start_worker(env: dict[str, str], log: Path):
    from practice.celery import app

    command = [
        *(sys.executable, "-m", "celery", "-A", "practice", "worker", "--concurrency", "1"),
        *("--loglevel", "WARNING", "--without-gossip", "--without-mingle"),
        *("--hostname", f"bench-{os.getpid()}@%h"),
    ]
    worker = processes.start(command, env=env, log=log)
    # The worker logs nothing at WARNING when it is ready: wait for its first answer instead.
    for _ in range(120):
        if worker.poll() is not None:
            sys.exit(f"The worker stopped: see {log}")
        if app.control.ping(timeout=0.5):
            return worker
    processes.stop(worker)
    sys.exit(f"The worker did not start: see {log}")
