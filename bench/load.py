"""Load with wrk: requests per second and latency percentiles of one URL."""

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Load:
    """What wrk measured for one URL at one number of connections."""

    connections: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # answers other than 2xx/3xx, and socket errors (timeouts included)


def wrk(url: str, *, connections: int, seconds: float, cookie: str = "") -> Load:
    """Run wrk against url for `seconds`; a request may take up to 30 s before it counts as an
    error (wrk's default of 2 s would leave the slowest requests out of the percentiles)."""
    binary = shutil.which("wrk")
    if binary is None:
        sys.exit("The bench needs wrk (Debian's wrk; `make bench` installs it as root).")
    command = [
        binary,
        f"--connections={connections}",
        f"--threads={min(2, connections)}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        "--latency",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603  (wrk against our own 127.0.0.1 server)
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    return parse(output, connections)


def parse(output: str, connections: int) -> Load:
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    requests = int(total[1]) if total else 0

    def latency(percent: str) -> float:
        if not requests:
            return float("nan")
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(found[1]) * UNITS_MS[found[2]] if found else float("nan")

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx[1]) if non_2xx else 0
    if sockets:
        errors += sum(int(count) for count in sockets.groups())
    return Load(
        connections=connections,
        requests_per_second=float(rate[1]) if rate else 0.0,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=requests,
        errors=errors,
    )
