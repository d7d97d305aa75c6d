"""BookSlot commands per second over request/reply on a real nats-server, vs eventsourcing saves.

Ours: a partner (intake, booking, trajectory; SQLite, synchronous=FULL) with its relay and
consumers running; each BookSlot is validated, reads booking's view of the family, loads and
folds the session's stream, appends one event (group commit) and answers, with C in flight.
Baseline: eventsourcing 9.5.6 on SQLite, in process, one new event per save, one at a time.
Raw floor (same run, same nats-server): a nats-py request to a trivial responder plus one
fsync'd (WAL, synchronous=FULL) plain sqlite3 insert and commit, one at a time.
RSS: this process's resident set with the partner's whole service set running, after the
warm-up and after every command (the growth shows whether memory follows the history).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nats
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.bootstrap import Partner  # noqa: E402
from bench.common import (  # noqa: E402
    Figure,
    Stopwatch,
    aim_row,
    print_aims,
    print_pairs,
    rss_mb,
)
from contracts.booking import Daypart  # noqa: E402
from contracts.commands import (  # noqa: E402
    BookSlot,
    ChildDetails,
    EnrolFamily,
    ParentDetails,
    RecordConsent,
    ReferFamily,
    SetDaypartCapacity,
)
from contracts.intake import ConsentPurpose, Gender, ReferralSource  # noqa: E402
from pace.client import PartnerClient  # noqa: E402
from pace.nats_server import ManagedNatsServer  # noqa: E402
from services.booking.rules import Policy  # noqa: E402

COMMANDS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
FLOOR_ROUNDS = 1000
CONCURRENCY = (1, 32)
WARM_UP = 100
SAVES = 2000
PARTNER = "bench"
FAMILIES = 60
CAPACITY = Policy().max_places_per_daypart  # booking's own limit per day-part
TODAY = datetime.now(UTC).date()
BIRTH_MONTH = (TODAY - timedelta(days=400)).strftime("%Y-%m")
SESSIONS = [{"location_id": f"loc-{loc:02d}", "session_date": TODAY + timedelta(days=7 + day),
             "daypart": part}
            for loc in range(40) for day in range(3) for part in Daypart]


def ids(n: int) -> dict[str, str]:
    return {"family_id": f"fam-{n:03d}", "child_id": f"chi-{n:03d}"}


async def enrol(staff: PartnerClient, n: int) -> None:
    """Refer, consent (trajectory and childcare) and enrol one family, as staff would."""
    family = ids(n)
    await staff.do("intake", ReferFamily(
        family_id=family["family_id"], referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=TODAY, parents=(ParentDetails(parent_id=f"par-{n:03d}", gender=Gender.FEMALE,
                                                  full_name=f"Parent {n}"),),
        children=(ChildDetails(child_id=family["child_id"], first_name="Lotte",
                               birth_month=BIRTH_MONTH),)))
    for purpose in (ConsentPurpose.TRAJECTORY, ConsentPurpose.CHILDCARE):
        await staff.do("intake", RecordConsent(family_id=family["family_id"], purpose=purpose,
                                               given_on=TODAY))
    await staff.do("intake", EnrolFamily(family_id=family["family_id"], coach_id="coach-1",
                                         enrolled_on=TODAY))


async def bookable(staff: PartnerClient, n: int) -> None:
    """Wait until booking's view lets the family book (probed with a child not of it)."""
    probe = BookSlot(location_id="probe", session_date=TODAY + timedelta(days=300),
                     daypart=Daypart.MORNING, booking_id=f"probe-{n}",
                     family_id=ids(n)["family_id"], child_id="chi-probe")
    async with asyncio.timeout(60):
        while True:
            reply = await staff.send("booking", probe)
            if "is not a child of" in reply["error"]["message"]:
                return
            await asyncio.sleep(0.1)


async def in_batches(calls: list, size: int = 32) -> None:
    for start in range(0, len(calls), size):
        await asyncio.gather(*calls[start:start + size])


async def settle(partner: Partner) -> float:
    """Wait until every reaction is done (booking's own views commit with its events): each
    relay has published its store's events and no consumer has any pending; the seconds."""
    started = time.perf_counter()
    async with asyncio.timeout(60):
        while not await reactions_done(partner):
            await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def reactions_done(partner: Partner) -> bool:
    runner = partner.runner
    for context, relay in runner.relays.items():
        if relay.published < await partner.stores[context].last_position():
            return False
    for durable, consumer in runner.consumers.items():
        info = await consumer.js.consumer_info(consumer.stream, durable)
        if info.num_pending or info.num_ack_pending:
            return False
    return True


async def book(staff: PartnerClient, concurrency: int, first: int, count: int
               ) -> tuple[Figure, list[float]]:
    """count BookSlots, `concurrency` in flight; booking g: session g % S, family g // S."""
    assert first + count <= FAMILIES * len(SESSIONS), "not enough (family, session) pairs"
    todo = iter(range(first, first + count))
    latencies: list[float] = []

    async def client() -> None:
        for g in todo:
            command = BookSlot(**SESSIONS[g % len(SESSIONS)], booking_id=f"b-{g}",
                               **ids(g // len(SESSIONS)))
            sent = time.perf_counter()
            reply = await staff.send("booking", command)
            latencies.append(time.perf_counter() - sent)
            if not reply["ok"]:
                raise RuntimeError(f"BookSlot b-{g} refused: {reply['error']}")

    with Stopwatch() as watch:
        await asyncio.gather(*(client() for _ in range(concurrency)))
    return Figure(f"BookSlot req/reply, {concurrency} in flight", count, watch.seconds), latencies


async def raw_floor(nc: nats.NATS, tmp: Path) -> list[float]:
    """Seconds per round: request/reply to a trivial responder plus one fsync'd SQLite insert."""
    async def respond(msg) -> None:
        await msg.respond(b"ok")

    sub = await nc.subscribe("bench.floor", cb=respond)
    db = sqlite3.connect(tmp / "floor.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, body TEXT)")
    body = "x" * 300
    latencies = []
    for i in range(FLOOR_ROUNDS):
        sent = time.perf_counter()
        await nc.request("bench.floor", b"{}", timeout=5)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (event_id, body) VALUES (?, ?)", (f"e-{i}", body))
        db.execute("COMMIT")
        latencies.append(time.perf_counter() - sent)
    db.close()
    await sub.unsubscribe()
    return latencies


async def measure(tmp: Path) -> tuple[list[tuple[Figure, list[float], float]], list[float],
                                      dict[str, float]]:
    async with ManagedNatsServer(tmp / "nats") as server, \
            Partner(PARTNER, tmp, server.url) as partner:
        nc = await nats.connect(server.url)
        try:
            floor = await raw_floor(nc, tmp)
            staff = PartnerClient(nc, PARTNER)
            with Stopwatch() as prepare:
                await in_batches([staff.do("booking", SetDaypartCapacity(**s, capacity=CAPACITY))
                                  for s in SESSIONS])
                await in_batches([enrol(staff, n) for n in range(FAMILIES)])
                await in_batches([bookable(staff, n) for n in range(FAMILIES)])
                await book(staff, 8, 0, WARM_UP)
                await settle(partner)
            print(f"prepared {FAMILIES} families, {len(SESSIONS)} sessions in "
                  f"{prepare.seconds:.1f}s")
            rss = {"after warm-up": rss_mb()}
            results, first = [], WARM_UP
            for concurrency in CONCURRENCY:
                figure, latencies = await book(staff, concurrency, first, COMMANDS)
                results.append((figure, latencies, await settle(partner)))
                first += COMMANDS
            rss["after all commands"] = rss_mb()
            return results, floor, rss
        finally:
            await nc.close()


class Slot(Aggregate):
    """A session's places, as the eventsourcing library would model it."""

    @event("Booked")
    def book(self, child_id: str) -> None:
        self.last_child = child_id


def eventsourcing_saves(tmp: Path) -> Figure:
    """The baseline: Application.save of one new event at a time on SQLite."""
    app = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                           "SQLITE_DBNAME": str(tmp / "eventsourcing.db")})
    slot = Slot()
    app.save(slot)
    with Stopwatch() as watch:
        for i in range(SAVES):
            slot.book(f"chi-{i}")
            app.save(slot)
    app.close()
    return Figure("eventsourcing 9.5.6 save, 1 event", SAVES, watch.seconds)


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        results, floor, rss = asyncio.run(measure(tmp))
        baseline = eventsourcing_saves(tmp)
    print_pairs(f"BookSlot over NATS request/reply, {COMMANDS:,} commands per run, "
                f"SQLite synchronous=FULL, one nats-server",
                [(figure, baseline) for figure, _, _ in results],
                {results[-1][0].name: 0.5})
    print(f"\n{'latency per command':<44} {'p50 ms':>10} {'p99 ms':>10} {'settle s':>11}")
    for figure, latencies, lag in results:
        p99 = statistics.quantiles(latencies, n=100)[98]
        print(f"{figure.name:<44} {statistics.median(latencies) * 1000:>10.2f} "
              f"{p99 * 1000:>10.2f} {lag:>11.2f}")
    floor_p50 = statistics.median(floor)
    floor_p99 = statistics.quantiles(floor, n=100)[98]
    print(f"{'raw floor: request/reply + fsync insert':<44} {floor_p50 * 1000:>10.2f} "
          f"{floor_p99 * 1000:>10.2f}")
    single, _, _ = results[0]
    p50 = statistics.median(results[0][1])
    p99 = statistics.quantiles(results[0][1], n=100)[98]
    wide = results[-1][0]
    grew = rss["after all commands"] - rss["after warm-up"]
    print_aims("Aims (ratios from this run)", [
        aim_row("bookslot-1", f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.1f} ms",
                f"floor p50 {floor_p50 * 1000:.2f} ms, p99 {floor_p99 * 1000:.2f} ms",
                p50 / floor_p50, p50 <= 4 * floor_p50),
        aim_row("bookslot-32", f"{wide.rate:,.0f}/s", f"{baseline.name} {baseline.rate:,.0f}/s",
                wide.rate / baseline.rate, wide.rate / baseline.rate >= 0.5),
        aim_row("rss-partner", f"{rss['after all commands']:,.0f} MB",
                f"{rss['after warm-up']:,.0f} MB after warm-up (+{grew:,.0f} MB over "
                f"{2 * COMMANDS:,} commands)", None, None),
    ])


if __name__ == "__main__":
    main()
