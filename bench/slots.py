"""The slot calculation for 60 days, for a therapist with the seeded history (median of runs):
with loading as the pages do it (the calendar from the cache, keyed by its version), with
loading afresh as booking does it under the therapist's lock, and the pure calculation alone."""

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

RUNS = 30


@dataclass(frozen=True)
class SlotTiming:
    open_slots: int
    with_loading_ms: float  # the pages' path: the calendar from the cache
    afresh_ms: float  # booking's path: five queries
    pure_ms: float


def time_60_days(therapist, session_type) -> SlotTiming:
    from scheduling.availability import slot_rules_for
    from scheduling.slots import open_slots

    timings: dict[bool, list[float]] = {True: [], False: []}
    pure: list[float] = []
    slots: list = []
    for cached in (True, False):
        for _ in range(RUNS):
            now = datetime.now(UTC)
            started = time.perf_counter()
            rules = slot_rules_for(therapist, session_type, now=now, cached=cached)
            loaded = time.perf_counter()
            slots = open_slots(**rules, start=now, end=now + timedelta(days=60))
            finished = time.perf_counter()
            timings[cached].append(finished - started)
            pure.append(finished - loaded)
    return SlotTiming(
        open_slots=len(slots),
        with_loading_ms=statistics.median(timings[True]) * 1000,
        afresh_ms=statistics.median(timings[False]) * 1000,
        pure_ms=statistics.median(pure) * 1000,
    )
