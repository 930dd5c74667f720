"""The outbox against real Celery workers, a real Redis broker and a local SMTP server.

Each test starts `celery -A practice worker -B` processes (worker and beat, the dispatcher
every second) on the test database, and counts what reaches the SMTP sink by distinct
Message-ID. Nothing of ours is mocked. A test's own Redis server is used where Redis is
stopped and started; the others use the broker the suite was given (one database number).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import time as wall_clock
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from practice.celery import app as celery_app
from practice.models import OutboundMessage, PracticeSettings
from scheduling import reminders
from scheduling.models import Appointment
from tests.factories import INTAKE_ANSWERS, make_appointment, make_intake, make_session_type
from tests.practice.processes import Sink, database_url, free_port, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
Status = OutboundMessage.Status
STARTUP_TIMEOUT = 40
BASE_DIR = Path(settings.BASE_DIR)


# Workers ---------------------------------------------------------------------------------


def point_this_process_at(broker_url: str) -> None:
    """Publish from the test process (bookings commit here) to the workers' broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    # celery-types declares these read-only and private, but resetting them is how a running
    # process switches brokers: the pools are rebuilt on the next publish.
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = broker_url  # type: ignore[misc]
    celery_app.conf.broker_read_url = broker_url  # type: ignore[misc]
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


class Workers:
    def __init__(self, tmp_path: Path, sink: Sink, broker_url: str) -> None:
        self.tmp_path = tmp_path
        self.sink_port = sink.port
        self.broker_url = broker_url
        self.processes: list[subprocess.Popen] = []

    def start(self, *, concurrency: int = 2, **env: str) -> subprocess.Popen:
        number = len(self.processes)
        log = self.tmp_path / f"worker-{number}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(self.sink_port),
            "DJANGO_EMAIL_USE_TLS": "false",
            "DJANGO_SMS_BACKEND": "practice.sms.FileBackend",
            "DJANGO_SMS_FILE_PATH": str(self.tmp_path / "sms"),
            "DJANGO_OUTBOX_DISPATCH_INTERVAL": "1",
            "DJANGO_OUTBOX_RETRY_BACKOFF": "1",
            **env,
        }
        command = [
            *(sys.executable, "-m", "celery", "-A", "practice", "worker", "--beat"),
            *("--hostname", f"test{number}@%h", "--concurrency", str(concurrency)),
            *("--loglevel", "INFO", "--without-gossip", "--without-mingle"),
        ]
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=BASE_DIR,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the pool children die with it
            )
        self.processes.append(process)
        wait_until(
            lambda: " ready." in log.read_text() or process.poll() is not None,
            timeout=STARTUP_TIMEOUT,
            what=f"worker {number} to start",
        )
        assert process.poll() is None, log.read_text()[-3000:]
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker, its beat and its pool children at once."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def logs(self) -> str:
        return "\n".join(path.read_text()[-4000:] for path in self.tmp_path.glob("worker-*.log"))


@pytest.fixture(autouse=True)
def reminders_at_any_hour(transactional_db):
    # These tests run at any hour, CI's included. At night on the clients' clocks a reminder is
    # rightly held until their morning, which would outlast every timeout here.
    practice = PracticeSettings.load()
    practice.sending_hours_start, practice.sending_hours_end = wall_clock(0, 0), wall_clock(23, 59)
    practice.save()


@pytest.fixture
def workers(transactional_db, tmp_path, sink, shared_broker):
    point_this_process_at(shared_broker)
    group = Workers(tmp_path, sink, shared_broker)
    yield group
    group.stop_all()
    point_this_process_at(shared_broker)


# What the tests book ---------------------------------------------------------------------


def book(client, therapist, *, days_ahead: int, session_type=None) -> Appointment:
    """Book as scheduling does: the appointment and its messages in one transaction."""
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=days_ahead)
    with transaction.atomic():
        appointment = make_appointment(
            client=client, therapist=therapist, starts_at=starts_at, session_type=session_type
        )
        reminders.schedule_appointment_messages(appointment)
    return appointment


def reminder_of(appointment: Appointment) -> OutboundMessage:
    return OutboundMessage.objects.get(key=f"appointment:{appointment.pk}:reminder-48h:email")


def make_due(message: OutboundMessage, *, in_seconds: float = 0) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(
        due_at=timezone.now() + timedelta(seconds=in_seconds)
    )


def statuses(*messages: OutboundMessage) -> list[str]:
    return [OutboundMessage.objects.get(pk=message.pk).status for message in messages]


# The tests -------------------------------------------------------------------------------


def test_a_reminder_due_in_the_next_minute_is_delivered_exactly_once(workers, sink, alice, dana):
    workers.start()
    appointment = book(alice, dana.therapist, days_ahead=5)
    reminder = reminder_of(appointment)
    make_due(reminder, in_seconds=3)
    prefix = f"appointment:{appointment.pk}:"
    wait_until(
        lambda: len(sink.deliveries(prefix)) == 2, timeout=30, what="confirmation and reminder"
    )
    time.sleep(3)  # several more dispatcher runs: nothing goes out again
    assert sink.delivered_keys() == {
        f"{prefix}confirmation:email": 1,
        f"{prefix}reminder-48h:email": 1,
    }
    assert set(sink.deliveries(prefix).values()) == {1}
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT and reminder.attempts == 1
    assert reminder.provider_id in sink.deliveries(f"{prefix}reminder")


def test_two_workers_and_two_dispatchers_still_deliver_each_message_once(
    workers, sink, alice, bob, dana
):
    sink.delay = 0.05
    for client in (alice, bob):  # nothing missing, so the intake nudges are skipped
        make_intake(client=client, answers=INTAKE_ANSWERS, status="new")
    session_type = make_session_type(therapists=[dana.therapist])
    appointments = [
        book(client, dana.therapist, days_ahead=3 + n, session_type=session_type)
        for n, client in enumerate([alice, bob] * 6)
    ]
    messages = list(
        OutboundMessage.objects.filter(template__in=["appointment_reminder", "intake_nudge"])
    )
    OutboundMessage.objects.update(due_at=timezone.now())  # everything due at once
    # Hand every due row over again on every run, so the two dispatchers race for all of it.
    for _ in range(2):
        workers.start(DJANGO_OUTBOX_REDISPATCH_AFTER="0")
    # The intake nudges are skipped (nothing is missing): every other message goes out.
    to_send = OutboundMessage.objects.exclude(template="intake_nudge")
    expected = to_send.count()
    wait_until(lambda: len(sink.received) >= expected, timeout=40, what="all messages")
    time.sleep(3)
    assert len(messages) >= len(appointments)
    assert len(sink.received) == expected, workers.logs()
    assert max(sink.delivered_keys().values()) == 1
    assert len(sink.deliveries()) == expected
    assert set(to_send.values_list("status", flat=True)) == {Status.SENT}


def test_a_worker_killed_mid_send_leaves_nothing_delivered_twice(workers, sink, alice, dana, sam):
    sink.delay = 8  # the provider has the message; the worker waits for its "250 OK"
    appointment = book(alice, dana.therapist, days_ahead=5)
    confirmation = OutboundMessage.objects.get(template="appointment_confirmation")
    doomed = workers.start(concurrency=1)
    assert sink.data_arrived.wait(timeout=30), workers.logs()
    workers.kill(doomed)
    assert statuses(confirmation) == [Status.SENDING]

    sink.delay = 0
    # Unknown after 4 s here (5 min in production): longer than a task may run (2 s here).
    workers.start(DJANGO_OUTBOX_UNKNOWN_AFTER="4", DJANGO_TASK_TIME_LIMIT="2")
    wait_until(
        lambda: statuses(confirmation) == [Status.UNKNOWN], timeout=30, what="unknown status"
    )
    wait_until(
        lambda: any(m["To"] == sam.email for m in sink.received), timeout=15, what="staff alert"
    )
    time.sleep(3)
    assert sink.delivered_keys()[f"appointment:{appointment.pk}:confirmation:email"] == 1
    assert max(sink.deliveries(f"appointment:{appointment.pk}:").values()) == 1
    assert statuses(confirmation) == [Status.UNKNOWN], "never resent without a person deciding"


def test_a_cancelled_or_moved_appointments_reminder_is_never_delivered(
    workers, sink, alice, bob, dana
):
    session_type = make_session_type(therapists=[dana.therapist])
    kept, cancelled, quietly_cancelled, moved = (
        book(client, dana.therapist, days_ahead=3 + n, session_type=session_type)
        for n, client in enumerate([alice, bob, alice, bob])
    )
    with transaction.atomic():
        cancelled.status = Appointment.Status.CANCELLED
        cancelled.save()
        reminders.cancel_appointment_messages(cancelled, reason="cancelled by the client")
    # Cancelled or moved without the messages being told: the send must still notice.
    Appointment.objects.filter(pk=quietly_cancelled.pk).update(status="late_cancelled")
    Appointment.objects.create(
        therapist=dana.therapist,
        client=bob,
        session_type=session_type,
        starts_at=moved.starts_at + timedelta(days=10),
        ends_at=moved.ends_at + timedelta(days=10),
        rescheduled_from=moved,
    )
    watched = [reminder_of(a) for a in (kept, cancelled, quietly_cancelled, moved)]
    for message in watched:
        make_due(message)
    workers.start()
    wait_until(
        lambda: (
            statuses(*watched) == [Status.SENT, Status.CANCELLED, Status.SKIPPED, Status.SKIPPED]
        ),
        timeout=30,
        what="all four reminders to be settled",
    )
    time.sleep(2)
    delivered = {key for key in sink.delivered_keys() if ":reminder-" in key}
    assert delivered == {watched[0].key}
    assert sink.delivered_keys()[f"appointment:{cancelled.pk}:cancellation:email"] == 1


def test_a_stop_between_scheduling_and_sending_skips_the_text_with_its_reason(
    workers, sink, alice, dana, client, settings, tmp_path
):
    from practice.sms import twilio_signature
    from tests.factories import make_contact_preference

    alice.mobile_phone = "+19705550142"
    alice.save()
    make_contact_preference(client=alice, email=True, sms=True)
    workers.start()
    appointment = book(alice, dana.therapist, days_ahead=5)
    text = OutboundMessage.objects.get(key=f"appointment:{appointment.pk}:reminder-24h:sms")
    assert text.status == Status.SCHEDULED

    # Alice texts STOP through Twilio's signed webhook while the reminder waits.
    settings.TWILIO_AUTH_TOKEN = "worker-test-token"  # noqa: S105
    stop = {"MessageSid": "SMworker0001", "From": "+19705550142", "Body": "Stop"}
    url = f"{settings.SITE_URL}/texts/twilio/incoming/"
    signature = twilio_signature(url, stop.items(), settings.TWILIO_AUTH_TOKEN)
    response = client.post(
        "/texts/twilio/incoming/", stop, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200

    make_due(text)
    wait_until(
        lambda: statuses(text) == [Status.SKIPPED],
        timeout=30,
        what="the reminder text to be skipped",
    )
    text.refresh_from_db()
    assert text.status_reason == "the client's consent does not allow text messages"
    # The only text the workers wrote is the STOP confirmation, once.
    wait_until(
        lambda: OutboundMessage.objects.get(key="text-reply:SMworker0001").status == Status.SENT,
        timeout=30,
        what="the STOP confirmation to be sent",
    )
    written = [path.read_text() for path in (tmp_path / "sms").glob("*.txt")]
    assert len(written) == 1 and "no more texts from us" in written[0]


def test_a_transient_smtp_failure_is_retried_and_then_succeeds(workers, sink, alice, dana):
    sink.busy_replies = 2
    appointment = book(alice, dana.therapist, days_ahead=5)
    workers.start()
    confirmation = OutboundMessage.objects.get(
        key=f"appointment:{appointment.pk}:confirmation:email"
    )
    # Generous: a worker starting on a busy 2-core machine takes most of it.
    wait_until(lambda: len(sink.received) == 1, timeout=60, what="the third try")
    time.sleep(2)
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (Status.SENT, 3)
    assert len(sink.deliveries()) == 1 and len(sink.received) == 1


# Redis stopped, restarted and flushed -----------------------------------------------------


class RedisServer:
    """A redis-server of this test's own, on its own port, so stopping it disturbs nobody."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server is not None, "redis-server is not installed"
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(server, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="redis-server to start")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        assert self.process is not None, "stop() before start()"
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail(
            "this test starts and stops its own Redis: install redis-server "
            "(Debian: apt-get install redis-server; macOS: brew install redis)"
        )
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_redis_stopped_and_restarted_loses_nothing_and_bookings_still_work(
    transactional_db, tmp_path, sink, own_redis, alice, bob, dana
):
    point_this_process_at(own_redis.url)
    group = Workers(tmp_path, sink, own_redis.url)
    try:
        group.start()
        before = book(alice, dana.therapist, days_ahead=5)
        wait_until(lambda: len(sink.received) == 1, timeout=30, what="a first confirmation")

        own_redis.stop()
        make_due(reminder_of(before), in_seconds=1)  # falls due during the outage
        started = time.monotonic()
        during = book(bob, dana.therapist, days_ahead=6)  # publishing fails; booking does not
        assert time.monotonic() - started < 5, "a booking must not wait on the broker"
        assert OutboundMessage.objects.filter(about_id=during.pk).exists()
        time.sleep(3)

        own_redis.start()
        expected = {
            f"appointment:{before.pk}:confirmation:email",
            f"appointment:{before.pk}:reminder-48h:email",
            f"appointment:{during.pk}:confirmation:email",
        }
        wait_until(
            lambda: set(sink.delivered_keys()) == expected,
            timeout=45,
            what="everything due during the outage",
        )
        time.sleep(2)
        assert max(sink.delivered_keys().values()) == 1, group.logs()
    finally:
        group.stop_all()
        point_this_process_at(settings.CELERY_BROKER_URL)


def test_a_redis_flushall_loses_no_message(
    transactional_db, tmp_path, sink, own_redis, alice, dana
):
    point_this_process_at(own_redis.url)
    group = Workers(tmp_path, sink, own_redis.url)
    try:
        book(alice, dana.therapist, days_ahead=5)  # its task now waits in Redis, no worker yet
        assert OutboundMessage.objects.get(template="appointment_confirmation").dispatched_at
        redis.Redis(port=own_redis.port).flushall()
        group.start(DJANGO_OUTBOX_REDISPATCH_AFTER="3")
        wait_until(lambda: len(sink.received) == 1, timeout=30, what="the lost message")
        time.sleep(2)
        assert len(sink.received) == 1
    finally:
        group.stop_all()
        point_this_process_at(settings.CELERY_BROKER_URL)
