"""The event store: append with expected version, gap-free global order, hash chain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import utc_iso
from pace.store import tables
from pace.store.chain import GENESIS, ChainReport, ChainVerifier, record_hash
from pace.store.engine import create_engines, is_sqlite, normalise_url
from pace.store.errors import (
    ConcurrencyError,
    DuplicateEventError,
    StoreError,
    StoreUnavailableError,
)
from pace.store.records import NewEvent, RecordedEvent

ANY_VERSION = None
NO_STREAM = 0
_PG_APPEND_LOCK = 7_312_024  # advisory lock key shared by every writer of one database


@dataclass(slots=True)
class _Append:
    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int | None
    result: list[RecordedEvent] | None = None
    done: asyncio.Future[list[RecordedEvent]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class EventStore:
    """One partner service's events in SQLite or PostgreSQL; concurrent appends group-commit."""

    def __init__(self, url: str | Path, partner: str, *, sqlite_synchronous: str = "FULL",
                 clock: Callable[[], datetime] | None = None) -> None:
        self.url = normalise_url(url)
        self.partner = partner
        self.writer, self.reader = create_engines(self.url, sqlite_synchronous)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = asyncio.Lock()
        self._queue: list[_Append] = []
        self._flusher: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[int], None]] = []

    @classmethod
    async def open(cls, url: str | Path, partner: str, **kwargs: Any) -> EventStore:
        """Connect and create the tables if they do not exist yet."""
        store = cls(url, partner, **kwargs)
        await store.create_tables()
        return store

    async def create_tables(self) -> None:
        async with self.writer.begin() as conn:
            await conn.run_sync(tables.metadata.create_all)

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()

    def on_append(self, listener: Callable[[int], None]) -> None:
        """Call listener(last_position) after each commit that stored events (wakes the relay)."""
        self._listeners.append(listener)

    # -- writing ---------------------------------------------------------------------------

    async def append(self, stream_id: str, events: Sequence[NewEvent],
                     expected_version: int | None = ANY_VERSION) -> list[RecordedEvent]:
        """Append events to a stream; concurrent callers share one transaction (group commit)."""
        if not events:
            return []
        request = _Append(stream_id, events, expected_version)
        self._queue.append(request)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await request.done

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                async with self._writing() as conn:
                    await self._write(conn, batch)
            except IntegrityError:
                await self._write_one_by_one(batch)
            except (OperationalError, DBAPIError, OSError) as error:
                self._fail(batch, StoreUnavailableError(f"the event store is unavailable: {error}"))
            except Exception as error:  # noqa: BLE001 - every waiting caller must hear of it
                self._fail(batch, error)
            else:
                self._settle(batch)

    async def _write_one_by_one(self, batch: list[_Append]) -> None:
        for request in batch:
            if request.done.done():
                continue
            try:
                async with self._writing() as conn:
                    await self._write(conn, [request])
            except IntegrityError as error:
                request.done.set_exception(StoreError(f"append refused by the database: {error}"))
            except Exception as error:  # noqa: BLE001
                request.done.set_exception(error)
            else:
                self._settle([request])

    @staticmethod
    def _fail(batch: list[_Append], error: BaseException) -> None:
        for request in batch:
            if not request.done.done():
                request.done.set_exception(error)

    def _settle(self, batch: list[_Append]) -> None:
        """Resolve the futures only after commit, then wake the listeners."""
        last = 0
        for request in batch:
            result = request.result
            if not request.done.done():
                request.done.set_result(result or [])
            if result:
                last = max(last, result[-1].position)
        if last:
            for listener in self._listeners:
                listener(last)

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncConnection]:
        async with self._lock, self.writer.begin() as conn:
            if not is_sqlite(self.url):
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_APPEND_LOCK})
            yield conn

    async def _write(self, conn: AsyncConnection, batch: list[_Append]) -> None:
        """Check and insert a batch of appends inside one open transaction."""
        ids = [str(e.event_id) for r in batch for e in r.events]
        existing = {
            row.event_id: row
            for row in await conn.execute(
                select(tables.events).where(tables.events.c.event_id.in_(ids))
            )
        }
        streams = {r.stream_id for r in batch}
        versions: dict[str, int] = dict(
            (await conn.execute(
                select(tables.events.c.stream_id, func.max(tables.events.c.stream_version))
                .where(tables.events.c.stream_id.in_(streams))
                .group_by(tables.events.c.stream_id)
            )).all()
        )
        head = (await conn.execute(select(tables.chain_head))).first()
        position, last_hash = (head.position, head.hash) if head else (0, GENESIS)
        recorded_at = utc_iso(self._clock())
        rows: list[dict[str, Any]] = []
        for request in batch:
            known = [existing.get(str(e.event_id)) for e in request.events]
            if all(known):
                request.result = [RecordedEvent.from_row(row) for row in known]
                continue
            if any(known):
                request.done.set_exception(DuplicateEventError(
                    f"some events of this append to {request.stream_id!r} are already stored"))
                continue
            current = versions.get(request.stream_id, 0)
            if request.expected_version is not None and request.expected_version != current:
                request.done.set_exception(
                    ConcurrencyError(request.stream_id, request.expected_version, current))
                continue
            new_rows = []
            for offset, new in enumerate(request.events, start=1):
                row = new.row(self.partner, request.stream_id, current + offset, recorded_at)
                position += 1
                row["position"] = position
                row["prev_hash"] = last_hash
                row["hash"] = last_hash = record_hash(last_hash, row)
                new_rows.append(row)
            versions[request.stream_id] = current + len(request.events)
            rows.extend(new_rows)
            request.result = [RecordedEvent.from_row(row) for row in new_rows]
        if not rows:
            return
        await conn.execute(insert(tables.events), rows)
        if head is None:
            await conn.execute(insert(tables.chain_head),
                               {"id": 1, "position": position, "hash": last_hash})
        else:
            await conn.execute(update(tables.chain_head).where(tables.chain_head.c.id == 1)
                               .values(position=position, hash=last_hash))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[StoreTransaction]:
        """One write transaction shared by a consumer's own writes, appends and inbox marker."""
        async with self._writing() as conn:
            tx = StoreTransaction(self, conn)
            yield tx
        if tx.last_position:
            for listener in self._listeners:
                listener(tx.last_position)

    # -- reading ---------------------------------------------------------------------------

    async def read_stream(self, stream_id: str, *, as_of: datetime | None = None
                          ) -> list[RecordedEvent]:
        """A stream's events in version order; as_of keeps what was recorded by then."""
        query = select(tables.events).where(tables.events.c.stream_id == stream_id)
        if as_of is not None:
            query = query.where(tables.events.c.recorded_at <= utc_iso(as_of))
        async with self.reader.connect() as conn:
            rows = await conn.execute(query.order_by(tables.events.c.stream_version))
            return [RecordedEvent.from_row(row) for row in rows]

    async def read_all(self, after: int = 0, limit: int = 1000, *, as_of: datetime | None = None
                       ) -> list[RecordedEvent]:
        """Events in global order after a position, at most `limit` of them."""
        query = select(tables.events).where(tables.events.c.position > after)
        if as_of is not None:
            query = query.where(tables.events.c.recorded_at <= utc_iso(as_of))
        async with self.reader.connect() as conn:
            rows = await conn.execute(query.order_by(tables.events.c.position).limit(limit))
            return [RecordedEvent.from_row(row) for row in rows]

    async def last_position(self) -> int:
        async with self.reader.connect() as conn:
            head = (await conn.execute(select(tables.chain_head.c.position))).scalar()
            return head or 0

    async def verify(self, page: int = 5000) -> ChainReport:
        """Recompute the hash chain over every stored record and report where it breaks."""
        verifier = ChainVerifier()
        after = 0
        async with self.reader.connect() as conn:
            while True:
                rows = (await conn.execute(
                    select(tables.events).where(tables.events.c.position > after)
                    .order_by(tables.events.c.position).limit(page))).mappings().all()
                for row in rows:
                    verifier.check(row)
                if len(rows) < page:
                    break
                after = rows[-1]["position"]
            head = (await conn.execute(select(tables.chain_head))).first()
        return verifier.finish(head.position, head.hash) if head else verifier.finish(0, GENESIS)

    # -- cursors ---------------------------------------------------------------------------

    async def cursor(self, name: str) -> int:
        """A named reader's persisted position (0 when it never ran)."""
        async with self.reader.connect() as conn:
            value = (await conn.execute(
                select(tables.cursors.c.position).where(tables.cursors.c.name == name))).scalar()
            return value or 0

    async def save_cursor(self, name: str, position: int) -> None:
        async with self.writer.begin() as conn:
            changed = await conn.execute(update(tables.cursors)
                                         .where(tables.cursors.c.name == name)
                                         .values(position=position))
            if changed.rowcount == 0:
                await conn.execute(insert(tables.cursors), {"name": name, "position": position})


class StoreTransaction:
    """An open write transaction: append events and mark inbox messages processed, atomically."""

    def __init__(self, store: EventStore, conn: AsyncConnection) -> None:
        self.store = store
        self.connection = conn
        self.last_position = 0

    async def append(self, stream_id: str, events: Sequence[NewEvent],
                     expected_version: int | None = ANY_VERSION) -> list[RecordedEvent]:
        request = _Append(stream_id, events, expected_version)
        await self.store._write(self.connection, [request])
        if request.done.done():
            request.done.result()  # raises the typed error
        result = request.result or []
        if result:
            self.last_position = max(self.last_position, result[-1].position)
        return result

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        rows = await self.connection.execute(
            select(tables.events).where(tables.events.c.stream_id == stream_id)
            .order_by(tables.events.c.stream_version))
        return [RecordedEvent.from_row(row) for row in rows]

    async def mark_processed(self, consumer: str, event_id: str) -> bool:
        """Record that a consumer handled an event; False when it already had."""
        seen = (await self.connection.execute(
            select(tables.processed.c.event_id).where(
                tables.processed.c.consumer == consumer, tables.processed.c.event_id == event_id)
        )).first()
        if seen:
            return False
        await self.connection.execute(insert(tables.processed),
                                      {"consumer": consumer, "event_id": event_id})
        return True
