"""The bench's figures as tables, each target with PASS or FAIL beside it."""

import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load import Load
from bench.outbox import OutboxRun
from bench.slots import SlotTiming

BARE = "bare Django view"
# Measured beside the pages, judged by no target.
BASELINES = {BARE, "bare view, as a client", "bare view, as staff"}
SLOT_PAGE = "slot page"
SLOT_PAGE_RATIO = 0.5
PAGE_RATIO = 0.2
P99_MS = 250.0
P99_WORKERS = 4
P99_CONNECTIONS = 50
RATIO_CONNECTIONS = 8
STAFF_MS = 200.0
SLOTS_PURE_MS = 2.0
SLOTS_LOADED_MS = 4.0
HAND_OVER_SECONDS = 5.0


def machine() -> str:
    """When and where: the date, the processor and how busy the machine is (load average)."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown processor",
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{now}, {os.cpu_count()} CPUs ({model}), load average {load}"


@dataclass
class Results:
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    queries: dict[str, dict[str, int]] = field(default_factory=dict)  # page -> size -> count
    loads: dict[int, dict[str, list[Load]]] = field(default_factory=dict)  # workers -> page
    web_worker_mib: dict[int, float] = field(default_factory=dict)
    slots: SlotTiming | None = None
    outbox: OutboxRun | None = None
    staff_latency: dict[str, Load] = field(default_factory=dict)
    started_on: str = field(default_factory=machine)
    broken: dict[str, str] = field(default_factory=dict)  # page -> why it was not measured


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.1f} ms" if value < 10 else f"{value:,.0f} ms"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def print_report(results: Results, say) -> None:
    say(f"Started {results.started_on}")
    say(f"Ended   {machine()}")
    for label, size in results.sizes.items():
        say(f"{label}: " + ", ".join(f"{count:,} {name}" for name, count in size.items()))
    for workers, pages in results.loads.items():
        say(
            f"\ngunicorn, {workers} sync workers (wrk from 127.0.0.1; ratio = req/s over the "
            f"bare view's at {RATIO_CONNECTIONS} connections):"
        )
        say(_load_table(results, workers, pages))
        say(f"  largest web worker after the load: {results.web_worker_mib[workers]:.0f} MiB")
    if results.staff_latency:
        say("\nStaff pages at the larger size, one request at a time (4 workers):")
        say(
            table(
                ["page", "SQL (first / larger size)", "p50", "p99", "req/s"],
                [
                    [
                        name,
                        " / ".join(str(n) for n in results.queries.get(name, {}).values()),
                        ms(load.p50_ms),
                        ms(load.p99_ms),
                        f"{load.requests_per_second:,.0f}",
                    ]
                    for name, load in results.staff_latency.items()
                ],
            )
        )
    if results.slots:
        s = results.slots
        say(
            f"\n60 days of slots ({s.open_slots} open): {ms(s.with_loading_ms)} with loading "
            f"as pages do (cached calendar), {ms(s.afresh_ms)} loading afresh as booking does, "
            f"{ms(s.pure_ms)} the pure calculation (medians)"
        )
    if results.outbox:
        o = results.outbox
        say(
            f"\nOutbox: the dispatcher handed over {o.handed_over:,} of {o.due:,} due messages in "
            f"{o.dispatch_seconds:.2f} s; its query "
            f"{'uses' if o.uses_partial_index else 'does NOT use'} the partial index"
        )
        outcomes = ", ".join(f"{count:,} {status}" for status, count in sorted(o.outcomes.items()))
        rate = o.outcomes.get("sent", 0) / o.send_seconds
        say(
            f"  one worker (concurrency 1) in {o.send_seconds:.0f} s: {outcomes} "
            f"({rate:.0f} sent/s through the file e-mail backend)"
        )
        say(
            f"  Celery worker memory: {o.worker_main_mib:.0f} MiB main process, "
            f"{o.worker_pool_mib:.0f} MiB pool process"
        )
    for name, why in results.broken.items():
        say(f"\nNot measured: {name}: {why}")
    targets = _targets(results)
    say("\nTargets:")
    say(table(["target", "measured", "result"], targets))
    passed = sum(row[2] == "PASS" for row in targets)
    say(f"\n{passed} of {len(targets)} targets PASS")


def _load_table(results: Results, workers: int, pages: dict[str, list[Load]]) -> str:
    bare = pages.get(BARE)
    header = ["page", "SQL", "ratio"]
    connections = [load.connections for load in next(iter(pages.values()))]
    for count in connections:
        header += [f"req/s@{count}", f"p50@{count}", f"p99@{count}"]
    header.append("errors")
    rows = []
    for name, loads in pages.items():
        row = [name, str(results.queries.get(name, {}).get("first", "-")), _ratio(loads, bare)]
        for load in loads:
            row += [f"{load.requests_per_second:,.0f}", ms(load.p50_ms), ms(load.p99_ms)]
        row.append(str(sum(load.errors for load in loads)))
        rows.append(row)
    return table(header, rows)


def _at(loads: list[Load] | None, connections: int) -> Load | None:
    return next((load for load in loads or [] if load.connections == connections), None)


def _ratio(loads: list[Load], bare: list[Load] | None) -> str:
    page, base = _at(loads, RATIO_CONNECTIONS), _at(bare, RATIO_CONNECTIONS)
    if page is None or base is None or not base.requests_per_second:
        return "-"
    return f"{page.requests_per_second / base.requests_per_second:.3f}"


def _verdict(passed: bool, *loads: Load | None) -> str:
    if any(load is None or load.errors for load in loads):
        return "ERROR"
    return "PASS" if passed else "FAIL"


def _targets(results: Results) -> list[list[str]]:
    rows = [[f"{name}: answers 200", "no", "ERROR"] for name in results.broken]
    names = [name for pages in results.loads.values() for name in pages if name not in BASELINES]
    for name in dict.fromkeys(names):
        goal = SLOT_PAGE_RATIO if name == SLOT_PAGE else PAGE_RATIO
        ratios: list[tuple[int, float]] = []
        loads: list[Load | None] = []
        for workers, pages in results.loads.items():
            page = _at(pages.get(name), RATIO_CONNECTIONS)
            base = _at(pages.get(BARE), RATIO_CONNECTIONS)
            loads += [page, base]
            if page and base and base.requests_per_second:
                ratios.append((workers, page.requests_per_second / base.requests_per_second))
        measured = ", ".join(f"{ratio:.3f} ({workers} w)" for workers, ratio in ratios)
        passed = bool(ratios) and min(ratio for _w, ratio in ratios) >= goal
        rows.append(
            [f"{name}: >= {goal} of the bare view's req/s", measured, _verdict(passed, *loads)]
        )
    for name, measured_loads in results.loads.get(P99_WORKERS, {}).items():
        if name in BASELINES:
            continue
        load = _at(measured_loads, P99_CONNECTIONS)
        value = load.p99_ms if load else math.nan
        rows.append(
            [
                f"{name}: p99 < {P99_MS:.0f} ms at {P99_CONNECTIONS} connections, "
                f"{P99_WORKERS} workers",
                ms(value),
                _verdict(value < P99_MS, load),
            ]
        )
    size = results.sizes.get("Larger size", {})
    where = ", ".join(f"{size.get(k, 0):,} {k}" for k in ("client accounts", "messages"))
    for name, load in results.staff_latency.items():
        rows.append(
            [
                f"{name}: p50 < {STAFF_MS:.0f} ms at {where}",
                ms(load.p50_ms),
                _verdict(load.p50_ms < STAFF_MS, load),
            ]
        )
    if results.slots:
        rows.append(
            [
                f"60 days of slots, pure: < {SLOTS_PURE_MS:g} ms",
                ms(results.slots.pure_ms),
                "PASS" if results.slots.pure_ms < SLOTS_PURE_MS else "FAIL",
            ]
        )
        rows.append(
            [
                f"60 days of slots, with loading as pages do: < {SLOTS_LOADED_MS:g} ms",
                ms(results.slots.with_loading_ms),
                "PASS" if results.slots.with_loading_ms < SLOTS_LOADED_MS else "FAIL",
            ]
        )
    if results.outbox:
        o = results.outbox
        done = o.handed_over >= o.due and o.dispatch_seconds < HAND_OVER_SECONDS
        rows.append(
            [
                f"{o.due:,} due messages handed over: < {HAND_OVER_SECONDS:g} s",
                f"{o.handed_over:,} in {o.dispatch_seconds:.2f} s",
                "PASS" if done else "FAIL",
            ]
        )
    return rows
