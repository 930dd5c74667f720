"""Every process reads time zones from the pinned tzdata package, never the host's files.

The host's zone files can lag the package by years of rule changes: British Columbia's clocks
in December 2026 differ by an hour between Debian's tzdata 2025b and the package's 2026 data.
"""

import os
import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MOMENTS = [
    datetime(year, month, 15, 18, tzinfo=UTC) for year in (2026, 2027) for month in (3, 7, 11, 12)
]


def packaged(key: str) -> zoneinfo.ZoneInfo:
    with resources.files("tzdata.zoneinfo").joinpath(key).open("rb") as data:
        return zoneinfo.ZoneInfo.from_file(data, key=key)


@pytest.mark.parametrize("key", ["America/Vancouver", "America/Denver", "Europe/Berlin"])
def test_this_process_reads_zones_from_the_tzdata_package(key):
    assert zoneinfo.TZPATH == ()
    zone, expected = zoneinfo.ZoneInfo(key), packaged(key)
    assert [m.astimezone(zone).utcoffset() for m in MOMENTS] == [
        m.astimezone(expected).utcoffset() for m in MOMENTS
    ]


PROBE = (
    "import zoneinfo; from datetime import datetime, UTC; "
    "print(zoneinfo.TZPATH, datetime(2026, 12, 15, 18, tzinfo=UTC)"
    ".astimezone(zoneinfo.ZoneInfo('America/Vancouver')).utcoffset())"
)


@pytest.mark.parametrize(
    "command",
    [
        # What web (gunicorn imports practice.wsgi), worker and beat (`celery -A practice`)
        # and every management command load before they touch a zone.
        [sys.executable, "-c", f"import practice.wsgi; {PROBE}"],
        [sys.executable, "-c", f"import practice; {PROBE}"],
        [sys.executable, "manage.py", "shell", "-c", PROBE],
    ],
    ids=["web", "worker-and-beat", "management-command"],
)
def test_every_kind_of_process_uses_the_package_even_when_told_otherwise(command):
    # PYTHONTZPATH pointing at the host's files is what an operator might set by habit.
    environment = {**os.environ, "PYTHONTZPATH": "/usr/share/zoneinfo"}
    result = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    expected = datetime(2026, 12, 15, 18, tzinfo=UTC).astimezone(packaged("America/Vancouver"))
    assert result.stdout.split("\n")[-2] == f"() {expected.utcoffset()}"
