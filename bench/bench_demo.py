"""`pace demo` as a benchmark: its wall time and commands/s, and the hub's RSS with the history.

argv[1]: the history's scale, default 1.0, the full calibrated history (about 22,000
commands): on a 2-core machine that takes several minutes, and `make bench` runs it.
Ours: the demo's own wall times (network up, drive, hub catch-up, total), as it prints them;
the aim is the full history in at most 90 s. The demo runs the hub and the driver in this
process and the partners in worker processes (one per core): the RSS of this process and of
the workers together is sampled through the drive and printed at half the drive and at its end.
The hub alone: a fresh process folds the hub's kept network log (what the reporting service
holds in memory) and prints its RSS before the fold, at half the log and at its end, beside
the store's size on disk: the growth shows whether memory follows the history.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.demo import DemoTimes, run_demo  # noqa: E402
from bench.common import aim_row, print_aims, rss_mb  # noqa: E402
from pace.logging import configure_logging  # noqa: E402

AIM_SECONDS = 90.0
HUB_DB = Path("hub") / "hub-reporting.db"


async def fold_hub(database: Path) -> dict[str, float]:
    """Fold the hub's whole network log as its reporting service does; RSS along the way."""
    from pace.store import EventStore
    from services.reporting import views as network_log
    from services.reporting.app import feed
    from services.reporting.domain import Fold

    store = await EventStore.open(database, "hub")
    try:
        total = sum((await store.db.read(network_log.counts)).values())
        fold, position, folded = Fold(), 0, 0
        found = {"before the fold": rss_mb(), "events": float(total)}
        while rows := await store.db.read(network_log.after, position):
            for position, envelope_json in rows:  # noqa: B007 - the last one is the cursor
                feed(fold, envelope_json)
                folded += 1
                if folded == total // 2:
                    found["at half the log"] = rss_mb()
        found["with the whole log"] = rss_mb()
        return found
    finally:
        await store.close()


Sample = tuple[float, float, float]
"""(when, this process's RSS, its worker processes' RSS together)"""


async def run(scale: float, data_dir: Path) -> tuple[int, DemoTimes, list[Sample]]:
    """The demo, keeping its data, with the RSS sampled every half second."""
    times = DemoTimes()
    samples: list[Sample] = []
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            workers = sum(rss_mb(child.pid) for child in multiprocessing.active_children())
            samples.append((time.monotonic(), rss_mb(), workers))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    try:
        code = await run_demo(scale=scale, keep=data_dir, html=data_dir / "report.html",
                              times=times)
    finally:
        stop.set()
        await sampler
    return code, times, samples


def rss_at(samples: list[Sample], moment: float) -> str:
    """The last RSS sample taken at or before the moment: this process's, the workers'."""
    before = [sample for sample in samples if sample[0] <= moment] or samples[:1]
    _at, here, workers = before[-1]
    return f"{here:,.0f} + {workers:,.0f} MB"


def main() -> None:
    if sys.argv[1:2] == ["--fold-hub"]:  # the hub's fold in a fresh process
        print(json.dumps(asyncio.run(fold_hub(Path(sys.argv[2])))))
        return
    configure_logging("WARNING", stream=sys.stderr)  # as `pace demo` does
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory(prefix="pace-bench-demo-") as tmp:
        data_dir = Path(tmp)
        started = time.monotonic()
        code, times, samples = asyncio.run(run(scale, data_dir))
        drive_from = started + times.network_up
        drive_end = drive_from + times.drive
        demo_rss = {"network up": rss_at(samples, drive_from),
                    "half the drive": rss_at(samples, drive_from + times.drive / 2),
                    "end of the drive": rss_at(samples, drive_end),
                    "after stopping": rss_at(samples, samples[-1][0])}
        hub_db = data_dir / HUB_DB
        store_mb = sum(p.stat().st_size for p in hub_db.parent.glob(hub_db.name + "*")) / 2**20
        hub = json.loads(subprocess.run(
            [sys.executable, __file__, "--fold-hub", str(hub_db)], check=True,
            capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"\npace demo --scale {scale} (hub and driver in this process, the partners in "
          f"worker processes, TLS on; exit code {code})")
    for line in times.lines():
        print(f"  {line}")
    print("  RSS of the demo process + its workers: " + ", ".join(
        f"{what} {mb}" for what, mb in demo_rss.items()))
    print(f"  The hub alone, folding its network log of {hub['events']:,.0f} events "
          f"(store {store_mb:,.1f} MB on disk) in a fresh process: "
          + ", ".join(f"{what} {mb:,.0f} MB" for what, mb in hub.items() if what != "events"))
    full = scale == 1.0
    total = times.total
    rate = times.commands / total if total else 0.0
    grew = hub["with the whole log"] - hub.get("at half the log", hub["with the whole log"])
    print_aims("Aims (the demo's aim is for the full history, scale 1.0)", [
        aim_row("demo", f"{total:,.0f} s, {rate:,.0f} commands/s",
                f"aim {AIM_SECONDS:.0f} s; drive {times.drive:,.0f} s"
                f" of {times.commands:,} commands",
                total / AIM_SECONDS, total <= AIM_SECONDS if full else None),
        aim_row("rss-hub", f"{hub['with the whole log']:,.0f} MB",
                f"{hub['before the fold']:,.0f} MB before the fold, +{grew:,.0f} MB over "
                f"the second half; store {store_mb:,.0f} MB", None, None),
    ])


if __name__ == "__main__":
    main()
