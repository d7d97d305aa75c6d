"""The in-memory event store: the SQL store's interface and guarantees, with no file or server.

Events, the hash chain, cursors and inbox markers live in Python structures (`MemoryLog`);
the read models a service keeps beside its events live in an in-memory SQLite database
(`InMemoryDatabase`), so the services' views run unchanged. A transaction stages its appends
and markers and applies them only after the views' SQL committed: both or neither.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from contracts.envelope import utc_iso
from pace.store.chain import GENESIS, ChainReport, ChainVerifier
from pace.store.errors import ConcurrencyError, DuplicateEventError
from pace.store.event_store import as_store_error
from pace.store.records import NewEvent, RecordedEvent
from pace.store.rows import StagedRows
from pace.store.writing import Append, Decide, InlineProjection, Staging

T = TypeVar("T")
ANY_VERSION = None


class InMemoryDatabase:
    """The read models' SQL, in one in-memory SQLite connection used on the caller's thread."""

    url = "sqlite://"
    is_sqlite = True

    def __init__(self) -> None:
        self._engine = create_engine(self.url, poolclass=StaticPool,
                                     connect_args={"check_same_thread": False})

        @event.listens_for(self._engine, "connect")
        def on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below is the only one

        @event.listens_for(self._engine, "begin")
        def on_begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN")

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with self._engine.begin() as conn:
            yield conn

    async def write(self, fn: Callable[..., T], *args: Any,
                    on_commit: Callable[[T], None] | None = None) -> T:
        """Run fn(connection, *args) in one transaction; then on_commit(result)."""
        with self.begin() as conn:
            result = fn(conn, *args)
        if on_commit is not None:
            on_commit(result)
        return result

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(connection, *args) for reading."""
        with self.begin() as conn:
            return fn(conn, *args)

    async def purge(self, tables: Sequence[str]) -> bool:
        """Nothing to purge: deleted rows leave no file behind."""
        return True

    async def dispose(self) -> None:
        self._engine.dispose()


@dataclass
class MemoryLog:
    """The stored records in position order, the chain head, cursors and inbox markers."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    head: tuple[int, str] = (0, GENESIS)
    versions: dict[str, int] = field(default_factory=dict)
    streams: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)
    processed: set[tuple[str, str]] = field(default_factory=set)
    positions: dict[tuple[str, str], int] = field(default_factory=dict)

    def stream(self, stream_id: str) -> list[dict[str, Any]]:
        return list(self.streams.get(stream_id, ()))

    def after(self, position: int) -> int:
        """The index of the first row after a position."""
        return bisect.bisect_right(self.rows, position, key=lambda r: r["position"])


class InMemoryTransaction(Staging):
    """An open transaction: appends and inbox markers staged, the views' SQL connection open."""

    def __init__(self, store: InMemoryEventStore, conn: Connection | None,
                 recorded_at: str) -> None:
        self.store = store
        self.connection = conn
        self.recorded_at = recorded_at
        self.position, self.hash = store.log.head
        self._versions: dict[str, int] = {}
        self._rows: list[dict[str, Any]] = []
        self._staged = StagedRows()
        self._marked: set[tuple[str, str]] = set()
        self._moved: dict[tuple[str, str], int] = {}
        self.last_position = 0
        self.recorded: list[RecordedEvent] = []

    def version(self, stream_id: str) -> int:
        """The stream's current version inside this transaction (0 when it has no events)."""
        if stream_id in self._versions:
            return self._versions[stream_id]
        return self.store.log.versions.get(stream_id, 0)

    def append(self, stream_id: str, events: Sequence[NewEvent],
               expected_version: int | None = ANY_VERSION) -> list[RecordedEvent]:
        """Append inside this transaction; raises the typed error instead of recording it."""
        request = Append(stream_id, list(events), expected_version)
        self.write(request)
        if request.error is not None:
            raise request.error
        return request.result

    def write(self, request: Append, *, check_ids: bool = True) -> None:
        """Check one append and stage its rows; the outcome goes on the request."""
        if self._already_stored(request):
            return
        current = self.version(request.stream_id)
        if request.expected_version is not None and request.expected_version != current:
            request.error = ConcurrencyError(request.stream_id, request.expected_version, current)
            return
        self.stage(request, current)

    def _already_stored(self, request: Append) -> bool:
        staged = {row["event_id"]: row for row in self._rows}
        ids = [str(e.event_id) for e in request.events]
        known = self.store.log.by_id
        found = {i: row for i in ids if (row := known.get(i) or staged.get(i)) is not None}
        return self.resent(request, ids, found)

    def flush(self) -> None:
        """Staged rows are already visible to this transaction's reads."""

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        rows = self.store.log.stream(stream_id)
        rows += [r for r in self._rows if r["stream_id"] == stream_id]
        return [RecordedEvent.from_row(row) for row in rows]

    def processed_among(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """Which of these events the consumer already handled."""
        return {event_id for event_id in event_ids if self._done(consumer, event_id)}

    def mark_processed(self, consumer: str, event_ids: Sequence[str]) -> None:
        """Record that the consumer handled these events (in the same transaction)."""
        for event_id in event_ids:
            if self._done(consumer, event_id):
                raise DuplicateEventError(f"{consumer} already marked {event_id} as processed")
            self._marked.add((consumer, event_id))

    def positions_among(self, consumer: str, stream_ids: Sequence[str]) -> dict[str, int]:
        """How far an in-order consumer has applied these streams (absent: not begun)."""
        found = {}
        for stream_id in stream_ids:
            key = (consumer, stream_id)
            version = self._moved.get(key, self.store.log.positions.get(key))
            if version is not None:
                found[stream_id] = version
        return found

    def move_positions(self, consumer: str, moved: dict[str, int], known: Collection[str]) -> None:
        """Record the consumer's new positions (`known`: the streams it already had one for)."""
        self._moved.update({(consumer, s): v for s, v in moved.items()})

    def _done(self, consumer: str, event_id: str) -> bool:
        marker = (consumer, event_id)
        return marker in self._marked or marker in self.store.log.processed

    def finish(self) -> None:
        """Apply what was staged to the log (called once the views' SQL committed)."""
        log = self.store.log
        for row in self._rows:
            log.rows.append(row)
            log.streams.setdefault(row["stream_id"], []).append(row)
            log.by_id[row["event_id"]] = row
        log.versions.update(self._versions)
        log.processed |= self._marked
        log.positions.update(self._moved)
        if self._rows:
            log.head = (self.position, self.hash)


class InMemoryEventStore:
    """One service's events in memory, with the SQL store's interface, for fast tests and tools."""

    def __init__(self, partner: str, *, clock: Callable[[], datetime] | None = None,
                 log: MemoryLog | None = None, db: InMemoryDatabase | None = None) -> None:
        self.partner = partner
        self.clock = clock or (lambda: datetime.now(UTC))
        self.log = log if log is not None else MemoryLog()
        self.db = db if db is not None else InMemoryDatabase()
        self._committed: list[Callable[[list[RecordedEvent]], None]] = []
        self.inline: list[InlineProjection] = []

    @classmethod
    async def open(cls, partner: str, **kwargs: Any) -> InMemoryEventStore:
        return cls(partner, **kwargs)

    def another_writer(self) -> InMemoryEventStore:
        """A second store on the same log and views, as a second process of the service."""
        return InMemoryEventStore(self.partner, clock=self.clock, log=self.log, db=self.db)

    async def close(self) -> None:
        """Nothing to release; the data stays readable through other handles on the log."""

    def on_commit(self, listener: Callable[[list[RecordedEvent]], None]) -> None:
        """Call listener(records) after each commit that stored events, with those records."""
        self._committed.append(listener)

    def project_inline(self, projection: InlineProjection) -> None:
        """Run projection(tx, record, event) on each event appended, in its transaction."""
        if projection not in self.inline:  # a service built twice on one store projects once
            self.inline.append(projection)

    # -- writing ---------------------------------------------------------------------------

    async def append(self, stream_id: str, events: Sequence[NewEvent],
                     expected_version: int | None = ANY_VERSION) -> list[RecordedEvent]:
        """Append events to a stream if it is at the expected version."""
        if not events:
            return []
        return await self.in_transaction(lambda tx: tx.append(stream_id, events, expected_version))

    async def decide_and_append(self, stream_id: str, decide: Decide) -> list[RecordedEvent]:
        """Read the stream, decide and append in one transaction (what decide raises: raised)."""
        def run(tx: InMemoryTransaction) -> list[RecordedEvent]:
            request = Append(stream_id, [], None, decide=decide)
            if tx.decided(request):
                tx.write(request)
            if request.error is not None:
                raise request.error
            return request.result
        return await self.in_transaction(run)

    async def in_transaction(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(tx, *args) in one transaction: appends, inbox markers, projections."""
        recorded_at = utc_iso(self.clock())
        try:
            with self.db.begin() as conn:
                tx = InMemoryTransaction(self, conn, recorded_at)
                result = fn(tx, *args)
                tx.flush_staged()
        except DBAPIError as error:  # the views' SQL refused: the same typed errors as SQL stores
            raise as_store_error(error) from error
        self._commit(tx)
        return result

    def _commit(self, tx: InMemoryTransaction) -> None:
        tx.finish()
        if tx.last_position:
            for committed in self._committed:
                committed(tx.recorded)

    # -- reading ---------------------------------------------------------------------------

    async def read_stream(self, stream_id: str, *, as_of: datetime | None = None
                          ) -> list[RecordedEvent]:
        """A stream's events in version order; as_of keeps what was recorded by then."""
        return _records(self.log.stream(stream_id), as_of)

    async def read_all(self, after: int = 0, limit: int = 1000, *, as_of: datetime | None = None
                       ) -> list[RecordedEvent]:
        """Events in global order after a position, at most `limit` of them."""
        start = self.log.after(after)
        if as_of is None:
            return _records(self.log.rows[start:start + limit], None)
        return _records(self.log.rows[start:], as_of)[:limit]

    async def last_position(self) -> int:
        return self.log.head[0]

    async def verify(self, page: int = 5000) -> ChainReport:
        """Recompute the hash chain over every stored record and report where it breaks."""
        verifier = ChainVerifier()
        for row in self.log.rows:
            verifier.check(row)
        return verifier.finish(*self.log.head)

    # -- cursors ---------------------------------------------------------------------------

    async def cursor(self, name: str) -> int:
        """A named reader's position (0 when it never ran)."""
        return self.log.cursors.get(name, 0)

    async def save_cursor(self, name: str, position: int) -> None:
        self.log.cursors[name] = position


def _records(rows: Sequence[dict[str, Any]], as_of: datetime | None) -> list[RecordedEvent]:
    if as_of is not None:
        by = utc_iso(as_of)
        rows = [row for row in rows if row["recorded_at"] <= by]
    return [RecordedEvent.from_row(row) for row in rows]
