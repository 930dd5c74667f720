"""Real processes for the tests that run them: ports, waiting, and a local SMTP server."""

import asyncio
import email
import socket
import threading
import time
from collections import Counter

from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# A local SMTP server ---------------------------------------------------------------------


class Sink:
    """Keeps every message it accepts. Can answer "451 try later" or take its time."""

    def __init__(self) -> None:
        self.received: list[email.message.Message] = []
        self.busy_replies = 0
        self.delay = 0.0
        self.data_arrived = threading.Event()
        self.port = 0  # the fixture picks a free one

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.busy_replies:
            self.busy_replies -= 1
            return "451 4.3.0 Try again later"
        self.received.append(email.message_from_bytes(envelope.content))
        self.data_arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK"

    def deliveries(self, key_prefix: str = "") -> Counter:
        """Deliveries per Message-ID of the messages whose outbox key starts with key_prefix."""
        return Counter(
            message["Message-ID"]
            for message in self.received
            if message["X-Practice-Message"].startswith(key_prefix)
        )

    def delivered_keys(self) -> Counter:
        return Counter(message["X-Practice-Message"] for message in self.received)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
