"""`python -m bench` (or `make bench`): the practice's speed at a busy practice's size.

In one run, in its own throw-away PostgreSQL database (bench_<DATABASE_URL's name>, created
and dropped here) and its own Redis server (a child process on BENCH_REDIS_PORT):

1. seeds 20 therapists, 10,000 client accounts (5,000 in care), about 40,000 past sessions,
   10,000 intakes with answers and scores, 100,000 messages (bench/seed.py);
2. counts each page's SQL queries, served in-process;
3. times 60 days of slots, pure and with loading;
4. loads each page with wrk under gunicorn (production settings, 2 and 4 sync workers) at 8 and
   50 connections, beside a bare Django view, and reads the web workers' memory;
5. has the dispatcher hand 10,000 due messages to Celery, and one worker send for a while;
6. grows to 55,000 client accounts and 500,000 messages and times each staff page;
7. prints the figures and every target with PASS or FAIL (the exit status is 0 either way:
   it is a report).

Knobs (environment): BENCH_SCALE (1; 0.1 for a quick run), BENCH_SECONDS (4, per wrk run),
BENCH_WARMUP_SECONDS (1), BENCH_WORKERS ("2,4"), BENCH_CONNECTIONS ("8,50"), BENCH_DUE (10000),
BENCH_SEND_SECONDS (15), BENCH_REDIS_PORT (a free port). DATABASE_URL names the PostgreSQL server
(make bench passes TEST_DATABASE_URL); its database itself is never touched.
"""

import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:  # the bench modules import Django, which is set up in main()
    from bench.load import Load
    from bench.pages import Page, Visitors
    from bench.report import Results

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP_SECONDS", "1"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "2,4").split(",")]
CONNECTIONS = [int(n) for n in os.environ.get("BENCH_CONNECTIONS", "8,50").split(",")]
DUE = int(os.environ.get("BENCH_DUE", "10000"))
SEND_SECONDS = float(os.environ.get("BENCH_SEND_SECONDS", "15"))
REDIS_PORT = int(os.environ["BENCH_REDIS_PORT"]) if os.environ.get("BENCH_REDIS_PORT") else None
STAFF_WORKERS = 4

STARTED = time.monotonic()


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def step(text: str) -> None:
    say(f"[{time.monotonic() - STARTED:5.0f} s] {text}")


def main() -> None:
    # Stopped from outside (timeout, a CI limit): still stop the servers and drop the database.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(f"Stopped by signal {number}"))
    work = Path(tempfile.mkdtemp(prefix="practice-bench-"))
    from bench import processes

    with processes.redis_server(REDIS_PORT, work / "redis.log") as redis_url:
        _configure(work, redis_url)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit(
                "The bench needs PostgreSQL: set DATABASE_URL=postgres://... (make bench does)."
            )
        call_command("collectstatic", interactive=False, verbosity=0)
        database = settings.DATABASES["default"]
        database["TEST"]["NAME"] = f"bench_{database['NAME']}"
        step(f"Creating {database['TEST']['NAME']} and migrating")
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            run(work, _server_env(database))
        finally:
            connection.close()
            connection.creation.destroy_test_db(name, verbosity=0)
    say(f"(Server and worker logs: {work})")


def _configure(work: Path, redis_url: str) -> None:
    """Production settings (DJANGO_DEBUG=false) with throw-away secrets and local servers."""
    defaults = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DJANGO_MFA_ENCRYPTION_KEY": "YmVuY2gtb25seS1tZmEta2V5LW5vdC1mb3ItcHJvZDA=",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/practice",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_STATIC_ROOT": str(work / "static"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(work / "mail"),
            "CELERY_BROKER_URL": f"{redis_url}/0",
            "CACHE_URL": f"{redis_url}/1",
        }
    )


def _server_env(database: dict) -> dict[str, str]:
    """The environment of the bench's gunicorn and worker: the bench database."""
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    url = f"postgres://{quote(database['USER'], safe='')}{password}@{host}/{database['NAME']}"
    return {**os.environ, "DATABASE_URL": url}


def run(work: Path, env: dict[str, str]) -> None:
    from bench import outbox, report, seed, slots
    from bench.pages import PAGES, Visitors

    size = seed.Size().scaled(SCALE)
    results = report.Results()
    step(f"Seeding (scale {SCALE:g})")
    cast = seed.seed(size, say)
    seed.analyze()
    results.sizes["First size"] = seed.table_sizes()
    visitors = Visitors(cast)

    step("Counting SQL queries per page (in-process)")
    _count_queries(PAGES, visitors, results, "first")

    step("Timing 60 days of slots")
    results.slots = slots.time_60_days(cast.therapist, cast.session_type)

    for workers in WORKERS:
        step(f"Loading the pages with wrk, gunicorn with {workers} workers")
        _load_pages(workers, visitors, results, env, work)

    step(f"Handing {DUE:,} due messages to Celery")
    results.outbox = outbox.run(cast, count=DUE, send_seconds=SEND_SECONDS, env=env, logs=work)

    step(f"Growing to {size.large_clients:,} client accounts and {size.large_messages:,} messages")
    seed.grow(size, cast, say)
    seed.analyze()
    results.sizes["Larger size"] = seed.table_sizes()
    staff_pages = [page for page in PAGES if page.staff]
    _count_queries(staff_pages, visitors, results, "larger")
    step("Timing the staff pages one request at a time")
    _time_staff_pages(staff_pages, visitors, results, env, work)
    step("Done")
    say("")
    report.print_report(results, say)


def _count_queries(
    pages_to_count: "list[Page]", visitors: "Visitors", results: "Results", size: str
) -> None:
    from bench import pages

    for page in pages_to_count:
        if page.name in results.broken:
            continue
        try:
            target = pages.visit(page, visitors)
            results.queries.setdefault(page.name, {})[size] = pages.count_queries(target)
        except pages.PageError as error:
            results.broken[page.name] = str(error)


def _load_pages(
    workers: int, visitors: "Visitors", results: "Results", env: dict[str, str], work: Path
) -> None:
    """wrk at each number of connections against each page, then the web workers' memory."""
    from bench import load, pages, processes

    loads: dict[str, list[Load]] = {}
    results.loads[workers] = loads
    log = work / f"gunicorn-{workers}.log"
    with processes.gunicorn(workers=workers, env=env, log=log) as (base, pid):
        # Every worker up and answering before the first figure.
        load.wrk(f"{base}/bench/bare/", connections=2 * workers, seconds=2 * WARMUP_SECONDS)
        for page in pages.PAGES:
            if not page.loaded or page.name in results.broken:
                continue
            try:
                target = pages.visit(page, visitors)
                url = pages.check(base, target)
            except pages.PageError as error:
                results.broken[page.name] = str(error)
                continue
            load.wrk(url, connections=CONNECTIONS[0], seconds=WARMUP_SECONDS, cookie=target.cookie)
            loads[page.name] = []
            for count in CONNECTIONS:
                # Requests still queued from the run before finish first.
                pages.check(base, pages.Visit("/bench/bare/"))
                loads[page.name].append(
                    load.wrk(url, connections=count, seconds=SECONDS, cookie=target.cookie)
                )
        results.web_worker_mib[workers] = max(
            processes.rss_mib(child) for child in processes.children(pid)
        )


def _time_staff_pages(
    staff_pages: "list[Page]",
    visitors: "Visitors",
    results: "Results",
    env: dict[str, str],
    work: Path,
) -> None:
    from bench import pages, processes

    log = work / "gunicorn-staff.log"
    with processes.gunicorn(workers=STAFF_WORKERS, env=env, log=log) as (base, _pid):
        for page in staff_pages:
            if page.name in results.broken:
                continue
            try:
                target = pages.visit(page, visitors)
                pages.check(base, target)
            except pages.PageError as error:
                results.broken[page.name] = str(error)
                continue
            results.staff_latency[page.name] = pages.one_at_a_time(base, target, seconds=SECONDS)


if __name__ == "__main__":
    main()
