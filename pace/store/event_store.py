"""The event store: append with expected version, gap-free global order, hash chain."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from contracts.envelope import utc_iso
from pace.store import tables
from pace.store.chain import GENESIS, ChainReport, ChainVerifier
from pace.store.engine import Database
from pace.store.errors import StoreError, StoreUnavailableError
from pace.store.records import NewEvent, RecordedEvent
from pace.store.writing import (
    Append,
    Decide,
    InlineProjection,
    StaleHeadError,
    StoreTransaction,
    StreamVersions,
    Written,
)

T = TypeVar("T")
_WRITE_ATTEMPTS = 4
ANY_VERSION = None
NO_STREAM = 0


@dataclass(slots=True)
class _Waiting:
    append: Append
    done: asyncio.Future[list[RecordedEvent]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


class EventStore:
    """One partner service's events in SQLite or PostgreSQL; concurrent appends group-commit."""

    def __init__(self, url: str | Path, partner: str, *, sqlite_synchronous: str = "FULL",
                 clock: Callable[[], datetime] | None = None) -> None:
        self.db = Database(url, sqlite_synchronous=sqlite_synchronous)
        self.partner = partner
        self.clock = clock or (lambda: datetime.now(UTC))
        self.versions = StreamVersions()
        self._queue: list[_Waiting] = []
        self._flusher: asyncio.Task[None] | None = None
        self._committed: list[Callable[[list[RecordedEvent]], None]] = []
        self.inline: list[InlineProjection] = []

    @classmethod
    async def open(cls, url: str | Path, partner: str, **kwargs: Any) -> EventStore:
        """Connect and create the tables if they do not exist yet."""
        store = cls(url, partner, **kwargs)
        await store.db.write(_create_tables)
        return store

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
        await self.db.dispose()

    def on_commit(self, listener: Callable[[list[RecordedEvent]], None]) -> None:
        """Call listener(records) after each commit that stored events, with those records.

        Records committed by this process only, in position order within a commit: the relay
        publishes them without reading them back (it reads the store for the rest), the
        metrics count them.
        """
        self._committed.append(listener)

    def project_inline(self, projection: InlineProjection) -> None:
        """Run projection(tx, record, event) on each event this store appends, in the appending
        transaction: the service's own read model commits with its events (an inline
        projection), with no consumer to wait for and no second commit. What it raises
        fails the append, as a refusal would, and nothing of the transaction is kept."""
        if projection not in self.inline:  # a service built twice on one store projects once
            self.inline.append(projection)

    # -- writing ---------------------------------------------------------------------------

    async def append(self, stream_id: str, events: Sequence[NewEvent],
                     expected_version: int | None = ANY_VERSION) -> list[RecordedEvent]:
        """Append events to a stream; concurrent callers share one transaction (group commit)."""
        if not events:
            return []
        return await self._queued(Append(stream_id, list(events), expected_version))

    async def decide_and_append(self, stream_id: str, decide: Decide) -> list[RecordedEvent]:
        """Read the stream, decide and append in one write transaction (one trip to the store).

        decide(records) returns (what the command already appended, what it appends now);
        it runs in the store's writer, grouped with concurrent appends into one commit, on
        the stream as that transaction sees it: no other writer can come in between.
        Whatever decide raises (a refusal) is raised here, and nothing is appended.
        """
        return await self._queued(Append(stream_id, [], None, decide=decide))

    async def _queued(self, append: Append) -> list[RecordedEvent]:
        waiting = _Waiting(append)
        self._queue.append(waiting)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await waiting.done

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            recorded: list[RecordedEvent] = []
            try:
                recorded = await self._commit([w.append for w in batch])
            except IntegrityError:  # a racing writer or a re-sent id: settle one by one
                recorded = await self._one_by_one(batch)
            except Exception as error:  # noqa: BLE001 - every waiting caller must hear of it
                if len(batch) > 1 and not isinstance(error, (DBAPIError, OSError)):
                    recorded = await self._one_by_one(batch)  # one append's own failure
                else:
                    for waiting in batch:
                        waiting.append.error = waiting.append.error or as_store_error(error)
            self._settle(batch, recorded)

    async def _one_by_one(self, batch: list[_Waiting]) -> list[RecordedEvent]:
        """Commit a failed group's appends each on its own: one's failure (a re-sent id, an
        inline projection that raised) is its caller's alone."""
        recorded: list[RecordedEvent] = []
        for waiting in batch:
            waiting.append.reset()
            try:
                recorded += await self._commit([waiting.append], check_ids=True)
            except Exception as error:  # noqa: BLE001 - handed to the caller
                waiting.append.error = as_store_error(error)
        return recorded

    async def _commit(self, appends: list[Append], check_ids: bool = False
                      ) -> list[RecordedEvent]:
        """Write the appends in one transaction; the records it stored."""
        recorded_at = utc_iso(self.clock())
        _written, recorded = await self._retrying(
            self._write, appends, recorded_at, check_ids,
            on_commit=lambda outcome: self.versions.commit(outcome[0]))
        return recorded

    async def _retrying(self, fn: Callable[..., T], *args: Any,
                        on_commit: Callable[[T], None] | None = None) -> T:
        """Write; when another writer moved the head or took our positions, refresh and retry."""
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                return await self.db.write(fn, *args, on_commit=on_commit)
            except (StaleHeadError, IntegrityError):
                self.versions.stale = True
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _write(self, conn: Connection, appends: list[Append], recorded_at: str,
               check_ids: bool) -> tuple[Written | None, list[RecordedEvent]]:
        tx = StoreTransaction(self, conn, recorded_at)
        for append in appends:
            append.reset()
            if append.decide is None or tx.decided(append):
                tx.write(append, check_ids=check_ids)
        return tx.finish(), tx.recorded

    def _settle(self, batch: list[_Waiting], recorded: list[RecordedEvent]) -> None:
        for waiting in batch:
            append = waiting.append
            if append.error is not None:
                waiting.done.set_exception(append.error)
            else:
                waiting.done.set_result(append.result)
        self._notify(recorded)

    def _notify(self, recorded: list[RecordedEvent]) -> None:
        if recorded:
            for committed in self._committed:
                committed(recorded)

    async def in_transaction(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(tx, *args) in one write transaction: appends, inbox markers, projections."""
        recorded_at = utc_iso(self.clock())

        def run(conn: Connection) -> tuple[T, Written | None, list[RecordedEvent]]:
            tx = StoreTransaction(self, conn, recorded_at)
            result = fn(tx, *args)
            return result, tx.finish(), tx.recorded

        try:
            result, _written, recorded = await self._retrying(
                run, on_commit=lambda outcome: self.versions.commit(outcome[1]))
        except DBAPIError as error:
            raise as_store_error(error) from error
        self._notify(recorded)
        return result

    # -- reading ---------------------------------------------------------------------------

    async def read_stream(self, stream_id: str, *, as_of: datetime | None = None
                          ) -> list[RecordedEvent]:
        """A stream's events in version order; as_of keeps what was recorded by then."""
        query = select(tables.events).where(tables.events.c.stream_id == stream_id)
        if as_of is not None:
            query = query.where(tables.events.c.recorded_at <= utc_iso(as_of))
        return await self.db.read(_records, query.order_by(tables.events.c.stream_version))

    async def read_all(self, after: int = 0, limit: int = 1000, *, as_of: datetime | None = None
                       ) -> list[RecordedEvent]:
        """Events in global order after a position, at most `limit` of them."""
        query = select(tables.events).where(tables.events.c.position > after)
        if as_of is not None:
            query = query.where(tables.events.c.recorded_at <= utc_iso(as_of))
        return await self.db.read(_records, query.order_by(tables.events.c.position).limit(limit))

    async def last_position(self) -> int:
        return await self.db.read(lambda c: c.execute(
            select(tables.chain_head.c.position)).scalar() or 0)

    async def verify(self, page: int = 5000) -> ChainReport:
        """Recompute the hash chain over every stored record and report where it breaks."""
        return await self.db.read(_verify, page)

    # -- cursors ---------------------------------------------------------------------------

    async def cursor(self, name: str) -> int:
        """A named reader's persisted position (0 when it never ran)."""
        return await self.db.read(lambda c: c.execute(
            select(tables.cursors.c.position).where(tables.cursors.c.name == name)
        ).scalar() or 0)

    async def save_cursor(self, name: str, position: int) -> None:
        await self.db.write(_save_cursor, name, position)


def _create_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn)
    if conn.execute(select(tables.chain_head.c.id)).first() is None:
        conn.execute(insert(tables.chain_head), {"id": 1, "position": 0, "hash": GENESIS})


def _records(conn: Connection, query: Any) -> list[RecordedEvent]:
    return RecordedEvent.all_from(conn.execute(query))


def _save_cursor(conn: Connection, name: str, position: int) -> None:
    changed = conn.execute(update(tables.cursors).where(tables.cursors.c.name == name)
                           .values(position=position))
    if changed.rowcount == 0:
        conn.execute(insert(tables.cursors), {"name": name, "position": position})


def _verify(conn: Connection, page: int) -> ChainReport:
    verifier = ChainVerifier()
    after = 0
    while True:
        rows = conn.execute(select(tables.events).where(tables.events.c.position > after)
                            .order_by(tables.events.c.position).limit(page)).mappings().all()
        for row in rows:
            verifier.check(row)
        if len(rows) < page:
            break
        after = rows[-1]["position"]
    head = conn.execute(select(tables.chain_head)).first()
    return verifier.finish(head.position, head.hash) if head else verifier.finish(0, GENESIS)


def as_store_error(error: BaseException) -> BaseException:
    """A database's error as the store's typed one: refused (StoreError) or unavailable."""
    if isinstance(error, StoreError | IntegrityError):
        return error if isinstance(error, StoreError) else StoreError(
            f"append refused by the database: {error.orig}")
    if isinstance(error, DBAPIError | OSError):
        return StoreUnavailableError(f"the event store is unavailable: {error}")
    return error

