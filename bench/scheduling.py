"""Scheduling speed figures: `python -m bench.scheduling` or `make bench`. Prints, asserts nothing.

1. How long 60 days of open slots take for a therapist with two years of appointments, loaded
   from PostgreSQL through slot_rules_for (the page's own path), and the pure part alone.
2. The slot page's requests per second under gunicorn (2 sync workers, CONN_MAX_AGE=60) beside
   a bare Django view's on the same server, as a ratio. The load is a bounded threaded client
   against 127.0.0.1 with a fixed number of requests.

It works in its own throw-away database (bench_<name of DATABASE_URL's database>), created and
dropped here, so it never touches data or a test run's database. DATABASE_URL must point at
PostgreSQL (where the constraints live); `make bench` passes TEST_DATABASE_URL.
"""

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/practice")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

HISTORY = timedelta(days=2 * 365)
SESSIONS_PER_DAY = 6
COMPUTE_RUNS = 30
REQUESTS = 1200
WARM_UP = 100
CONCURRENCY = 8


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("The scheduling bench needs PostgreSQL: set DATABASE_URL (make bench does).")
    database = settings.DATABASES["default"]
    database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    bench_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        therapist, session_type = seed()
        slot_computation(therapist, session_type)
        in_process(therapist, session_type)
        requests_per_second(therapist, session_type, bench_name)
    finally:
        connection.creation.destroy_test_db(bench_name, verbosity=0)


def seed():
    from scheduling.models import Appointment
    from tests.factories import (
        make_booking_rules,
        make_client,
        make_session_type,
        make_therapist,
        make_weekly_hours,
    )

    therapist = make_therapist(email="bench@example.org", first_name="Bench", last_name="Mark")
    make_weekly_hours(therapist=therapist, weekdays=range(5), start="08:00", end="18:00")
    make_booking_rules(therapist=therapist, buffer=timedelta(minutes=10))
    session_type = make_session_type(name="Session", minutes=50, therapists=[therapist])
    clients = [make_client(email=f"client{n}@example.org") for n in range(40)]
    zone, today = therapist.zone, timezone.localdate()
    appointments = []
    day = today - HISTORY
    while day < today + timedelta(days=60):
        if day.weekday() < 5:
            for n in range(SESSIONS_PER_DAY):
                # Every other day is half full in the future, so some slots stay open.
                if day >= today and (day.toordinal() + n) % 2:
                    continue
                starts = datetime(day.year, day.month, day.day, 8 + n + n // 3, tzinfo=zone)
                appointments.append(
                    Appointment(
                        therapist=therapist,
                        client=clients[(day.toordinal() + n) % len(clients)],
                        session_type=session_type,
                        starts_at=starts,
                        ends_at=starts + session_type.duration,
                        status="attended" if day < today else "booked",
                        booked_at=starts - timedelta(days=14),
                    )
                )
        day += timedelta(days=1)
    Appointment.objects.bulk_create(appointments, batch_size=2000)
    say(f"Seeded {len(appointments):,} appointments over two years and the next 60 days.")
    return therapist, session_type


def slot_computation(therapist, session_type) -> None:
    from scheduling.availability import slot_rules_for
    from scheduling.slots import open_slots

    now = datetime.now(UTC)
    end = now + timedelta(days=60)
    whole, pure = [], []
    for _ in range(COMPUTE_RUNS):
        started = time.perf_counter()
        rules = slot_rules_for(therapist, session_type, now=now)
        loaded = time.perf_counter()
        slots = open_slots(**rules, start=now, end=end)
        finished = time.perf_counter()
        whole.append(finished - started)
        pure.append(finished - loaded)
    say(
        f"\n60 days of slots ({len(slots)} open) from PostgreSQL through slot_rules_for: "
        f"median {ms(whole)}, best {min(whole) * 1000:.1f} ms  "
        f"(of which the pure calculation: median {ms(pure)}; {COMPUTE_RUNS} runs)"
    )


def slot_page_path(therapist, session_type) -> str:
    next_monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    return (
        f"/scheduling/book/{therapist.slug}/?session_type={session_type.pk}"
        f"&tz=America%2FNew_York&week={next_monday.isoformat()}"
    )


def in_process(therapist, session_type) -> None:
    from django.test import Client

    browser = Client(HTTP_HOST="127.0.0.1")
    path = slot_page_path(therapist, session_type)
    for label, headers in (("full", {}), ("htmx partial", {"HX-Request": "true"})):
        samples = []
        for _ in range(COMPUTE_RUNS + 1):
            started = time.perf_counter()
            response = browser.get(path, headers=headers)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        say(f"Slot page ({label}) served in-process, no network: median {ms(samples[1:])}")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def requests_per_second(therapist, session_type, bench_name: str) -> None:
    port = free_port()
    database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{bench_name}"
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        [
            gunicorn,
            "practice.wsgi",
            "--workers=2",
            "--no-control-socket",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=server_env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/bench/bare/")
        slot_page = base + slot_page_path(therapist, session_type)
        bare = load(base + "/bench/bare/")
        page = load(slot_page)
        fragment = load(slot_page, headers={"HX-Request": "true"})
    finally:
        server.terminate()
        server.wait(timeout=30)
    say(
        f"\nUnder gunicorn (2 sync workers, CONN_MAX_AGE=60), {REQUESTS} requests each, "
        f"{CONCURRENCY} at a time from 127.0.0.1:"
    )
    say(f"  bare Django view          {bare:8.0f} req/s")
    say(f"  slot page (full)          {page:8.0f} req/s   ratio {page / bare:.2f} of bare")
    say(f"  slot list (htmx partial)  {fragment:8.0f} req/s   ratio {fragment / bare:.2f} of bare")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            # The benchmark's own gunicorn on 127.0.0.1, an http:// URL it built itself.
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # nosec B310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


def load(url: str, *, headers: dict | None = None) -> float:
    """Requests per second for REQUESTS GETs of url, CONCURRENCY at a time (after a warm-up)."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310

    def fetch(count: int) -> None:
        for _ in range(count):
            # Same: only the benchmark's own http://127.0.0.1 server.
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url} answered {response.status}")

    fetch(WARM_UP)
    threads = [
        threading.Thread(target=fetch, args=(REQUESTS // CONCURRENCY,)) for _ in range(CONCURRENCY)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (REQUESTS // CONCURRENCY * CONCURRENCY) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
