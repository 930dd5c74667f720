"""The slot calculation for 60 days: through slot_rules_for (the page's own loading), and the
pure calculation alone, for a therapist with the seeded history (median of runs)."""

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

RUNS = 30


@dataclass(frozen=True)
class SlotTiming:
    open_slots: int
    with_loading_ms: float
    pure_ms: float


def time_60_days(therapist, session_type) -> SlotTiming:
    from scheduling.availability import slot_rules_for
    from scheduling.slots import open_slots

    whole, pure = [], []
    slots: list = []
    for _ in range(RUNS):
        now = datetime.now(UTC)
        started = time.perf_counter()
        rules = slot_rules_for(therapist, session_type, now=now)
        loaded = time.perf_counter()
        slots = open_slots(**rules, start=now, end=now + timedelta(days=60))
        finished = time.perf_counter()
        whole.append(finished - started)
        pure.append(finished - loaded)
    return SlotTiming(
        open_slots=len(slots),
        with_loading_ms=statistics.median(whole) * 1000,
        pure_ms=statistics.median(pure) * 1000,
    )
