"""The bench's own servers (Redis, gunicorn, a Celery worker) and their memory, on 127.0.0.1.

Each is started as a child in its own process group and stopped by its process id, never by
name, so a bench never touches another program's servers.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603  (fixed commands of our own)
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    """Stop the process and its children (its own process group), by its id."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def redis_server(port: int | None, log: Path) -> Iterator[str]:
    """A throw-away Redis (no persistence) for the bench's broker and cache; yields its URL.

    On a free port unless one is given, which must be free: the bench never uses (or empties)
    a Redis it did not start.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("The bench needs redis-server (Debian's redis-server; `make services` says).")
    if port is None:
        port = free_port()
    else:
        with socket.socket() as probe:
            # As Redis binds: only a listening server, not old connections, makes it fail.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                sys.exit(f"Port {port} is taken: the bench starts its own Redis there.")
    server = start(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        env=dict(os.environ),
        log=log,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"redis-server did not start on port {port}: see {log}")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(server)


@contextmanager
def gunicorn(*, workers: int, env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """gunicorn with production settings and `workers` sync workers; yields (base URL, pid)."""
    port = free_port()
    server = start(
        [
            str(BIN / "gunicorn"),
            "practice.wsgi",
            f"--workers={workers}",
            "--no-control-socket",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=env,
        log=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/bench/bare/", server, log)
        yield base, server.pid
    finally:
        stop(server)


def wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server stopped: see {log}")
        try:
            # Only the bench's own server on http://127.0.0.1, at an address it built itself.
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # nosec B310
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The server did not answer within 60 s: see {log}")


def children(pid: int) -> list[int]:
    """The ids of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command may hold spaces and brackets: the parent id follows the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of one process, in MiB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
