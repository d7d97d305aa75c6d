"""The write side of the store: checking expected versions and extending the hash chain."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update

from pace.store import tables
from pace.store.chain import GENESIS, record_hash
from pace.store.errors import ConcurrencyError, DuplicateEventError
from pace.store.records import NewEvent, RecordedEvent
from pace.store.rows import StagedRows

if TYPE_CHECKING:
    from pace.store.event_store import EventStore


Decide = Callable[[list[RecordedEvent]], tuple[list[RecordedEvent], list[NewEvent]]]
"""A command's decision on its stream's records: (what it already appended, what to append)."""
InlineProjection = Callable[[Any, RecordedEvent, Any], None]
"""project(tx, record, event): a store's own read model kept in step inside the transaction
that appends the event (the record's envelope is built on demand, if the projection asks)."""


@dataclass(slots=True)
class Append:
    """One caller's request to append events to a stream, and its outcome."""

    stream_id: str
    events: list[NewEvent]
    expected_version: int | None
    result: list[RecordedEvent] = field(default_factory=list)
    error: BaseException | None = None
    decide: Decide | None = None  # decided inside the write transaction, on what it reads

    def reset(self) -> None:
        self.result, self.error = [], None


@dataclass(frozen=True, slots=True)
class Written:
    """What a committed transaction changed: the new chain head and stream versions."""

    position: int
    hash: str
    versions: dict[str, int]


class StaleHeadError(Exception):
    """Another writer moved the chain head since this process last wrote; refresh and retry."""


HEAD_SELECT = select(tables.chain_head.c.position, tables.chain_head.c.hash).where(
    tables.chain_head.c.id == 1)
HEAD_MOVE = (
    update(tables.chain_head)
    .where(tables.chain_head.c.id == 1, tables.chain_head.c.position == bindparam("old"))
    .values(position=bindparam("new"), hash=bindparam("new_hash"))
)
EVENTS_INSERT = insert(tables.events)

# On SQLite the hot statements skip SQLAlchemy's compile and cache lookup: the driver keeps
# them prepared by their text. The same statements, the same transaction, the same checks.
_EVENT_COLUMNS = ", ".join(tables.EVENT_COLUMNS)
_EVENT_ID_AT = tables.EVENT_COLUMNS.index("event_id")
SQLITE_EVENTS_INSERT = (f"INSERT INTO events ({_EVENT_COLUMNS}) "
                        f"VALUES ({', '.join('?' * len(tables.EVENT_COLUMNS))})")
SQLITE_HEAD_MOVE = "UPDATE chain_head SET position = ?, hash = ? WHERE id = 1 AND position = ?"
SQLITE_STREAM_SELECT = (f"SELECT {_EVENT_COLUMNS} FROM events "
                        "WHERE stream_id = ? ORDER BY stream_version")
STREAM_SELECT = (select(tables.events).where(tables.events.c.stream_id == bindparam("stream_id"))
                 .order_by(tables.events.c.stream_version))
SQLITE_MARKS_PER_STATEMENT = 256


@functools.lru_cache(maxsize=16)
def _sqlite_mark_processed(count: int) -> str:
    """One INSERT of `count` inbox markers: a single step of the driver instead of one per
    row (as executemany would)."""
    return ("INSERT INTO processed_events (consumer, event_id) VALUES "
            + ", ".join(["(?, ?)"] * count))


@functools.lru_cache(maxsize=32)
def _sqlite_among(select: str, key: str, count: int) -> str:
    """`select` (columns FROM table) of one consumer's rows whose `key` is one of `count`."""
    return (f"SELECT {select} WHERE consumer = ? AND {key} IN ("
            + ", ".join(["?"] * count) + ")")


@functools.lru_cache(maxsize=16)
def _sqlite_events_among(count: int) -> str:
    """The stored events whose id is one of `count` (a re-sent append's check)."""
    return (f"SELECT {_EVENT_COLUMNS} FROM events WHERE event_id IN ("
            + ", ".join(["?"] * count) + ")")


@functools.lru_cache(maxsize=16)
def _sqlite_move_positions(count: int) -> str:
    """One upsert of `count` positions (the primary key is consumer and stream)."""
    return ("INSERT INTO stream_positions (consumer, stream_id, version) VALUES "
            + ", ".join(["(?, ?, ?)"] * count)
            + " ON CONFLICT (consumer, stream_id) DO UPDATE SET version = excluded.version")


def _marker_chunks(count: int) -> list[tuple[int, int]]:
    """(start, size) chunks of powers of two, at most SQLITE_MARKS_PER_STATEMENT: few
    statements per batch and at most nine statement texts in the driver's cache."""
    chunks: list[tuple[int, int]] = []
    start = 0
    while start < count:
        size = min(SQLITE_MARKS_PER_STATEMENT, 1 << ((count - start).bit_length() - 1))
        chunks.append((start, size))
        start += size
    return chunks


class StreamVersions:
    """The chain head and each stream's version, as this process last saw them committed.

    Used only by the store's single writer. A transaction starts from this cache without
    reading; moving the head is conditional on the head being where the cache says, so a
    write by another process is noticed (StaleHeadError), the cache refreshed, the write retried.
    """

    def __init__(self) -> None:
        self.position: int | None = None
        self.hash = GENESIS
        self.versions: dict[str, int] = {}
        self.stale = True

    def ensure(self, conn: Connection) -> None:
        """Bring the cache up to date with the database when it may be behind."""
        if not self.stale:
            return
        position, head_hash = conn.execute(HEAD_SELECT).one()
        query = select(tables.events.c.stream_id, func.max(tables.events.c.stream_version))
        if self.position is not None:
            query = query.where(tables.events.c.position > self.position)
        if self.position != position:
            self.versions.update(dict(conn.execute(
                query.group_by(tables.events.c.stream_id)).all()))
        self.position, self.hash, self.stale = position, head_hash, False

    def commit(self, written: Written | None) -> None:
        if written is not None:
            self.versions.update(written.versions)
            self.position, self.hash = written.position, written.hash


class Staging:
    """What every store's write transaction shares: events chained onto the head, in order,
    and the answer to a re-sent append. Subclasses hold the head (position, hash), the
    staged rows and the streams' versions."""

    store: Any
    recorded_at: str
    position: int
    hash: str
    last_position: int
    recorded: list[RecordedEvent]  # what this transaction stored, in position order
    _rows: list[dict[str, Any]]
    _versions: dict[str, int]
    _staged: StagedRows
    connection: Any  # the transaction's SQL connection (None in a store without views)

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        """A stream's records as this transaction sees them (its staged ones included)."""
        raise NotImplementedError

    def insert_later(self, table: Table, row: dict[str, Any]) -> None:
        """Stage a row nothing reads back in this transaction; inserted in one batch at commit."""
        self._staged.add(table, row)

    def flush_staged(self) -> None:
        """Insert the staged view rows (each table with one executemany)."""
        self._staged.flush(self.connection)

    def stage(self, request: Append, current: int) -> None:
        """Chain the request's events after stream version `current` and the head."""
        for offset, new in enumerate(request.events, start=1):
            row = new.row(self.store.partner, request.stream_id, current + offset,
                          self.recorded_at)
            self.position += 1
            row["position"] = self.position
            row["prev_hash"] = self.hash
            row["hash"] = self.hash = record_hash(self.hash, row)
            self._rows.append(row)
            record = RecordedEvent.from_row(row)
            request.result.append(record)
            self.recorded.append(record)
            for project in self.store.inline:
                project(self, record, new.event)
        self._versions[request.stream_id] = current + len(request.events)
        self.last_position = self.position

    def decided(self, request: Append) -> bool:
        """Run the request's decision on its stream as this transaction sees it (earlier
        appends of the same group commit included); whether it has events to write."""
        assert request.decide is not None
        records = self.read_stream(request.stream_id)
        try:
            already, new = request.decide(records)
        except Exception as error:  # noqa: BLE001 - a refusal is handed to its caller
            request.error = error
            return False
        if not new:
            request.result = already
            return False
        request.events, request.expected_version = new, len(records)
        return True

    @staticmethod
    def resent(request: Append, ids: list[str], found: dict[str, Any]) -> bool:
        """Whether the append was already stored (all of it: its events as the answer; some
        of it: a DuplicateEventError on the request)."""
        if not found:
            return False
        if len(found) < len(ids):
            request.error = DuplicateEventError(
                f"some events of this append to {request.stream_id!r} are already stored")
        else:
            request.result = [RecordedEvent.from_row(found[i]) for i in ids]
        return True


class StoreTransaction(Staging):
    """An open write transaction: appends, inbox markers and a handler's own writes, atomically."""

    def __init__(self, store: EventStore, conn: Connection, recorded_at: str) -> None:
        self.store = store
        self.connection = conn
        self.recorded_at = recorded_at
        store.versions.ensure(conn)
        self.start_position = self.position = store.versions.position or 0
        self.hash = store.versions.hash
        self._versions: dict[str, int] = {}
        self._rows: list[dict[str, Any]] = []
        self._staged = StagedRows()
        self.last_position = 0
        self.recorded: list[RecordedEvent] = []
        self._sqlite = conn.dialect.name == "sqlite"

    def version(self, stream_id: str) -> int:
        """The stream's current version inside this transaction (0 when it has no events)."""
        if stream_id in self._versions:
            return self._versions[stream_id]
        return self.store.versions.versions.get(stream_id, 0)

    def append(self, stream_id: str, events: Sequence[NewEvent],
               expected_version: int | None = None) -> list[RecordedEvent]:
        """Append inside this transaction; raises the typed error instead of recording it."""
        request = Append(stream_id, list(events), expected_version)
        self.write(request, check_ids=True)
        if request.error is not None:
            raise request.error
        return request.result

    def write(self, request: Append, *, check_ids: bool = False) -> None:
        """Check one append and stage its rows; the outcome goes on the request."""
        if check_ids and self._already_stored(request):
            return
        current = self.version(request.stream_id)
        if request.expected_version is not None and request.expected_version != current:
            if not check_ids and self._already_stored(request):
                return  # a re-sent append: the same events, already stored
            if self._head_moved():  # another process appended: judge on fresh versions
                raise StaleHeadError("the chain head moved: another writer appended")
            request.error = ConcurrencyError(request.stream_id, request.expected_version, current)
            return
        self.stage(request, current)

    def _head_moved(self) -> bool:
        """Whether another writer moved the chain head since this process's cache saw it."""
        position, _hash = self.connection.execute(HEAD_SELECT).one()
        return position != self.start_position

    def _already_stored(self, request: Append) -> bool:
        self.flush()
        ids = [str(e.event_id) for e in request.events]
        if self._sqlite:  # driver-prepared, as the inbox's reads: no compile per command
            found: dict[str, Any] = {}
            for start, size in _marker_chunks(len(ids)):
                found.update(
                    (row[_EVENT_ID_AT], dict(zip(tables.EVENT_COLUMNS, row, strict=True)))
                    for row in self.connection.exec_driver_sql(
                        _sqlite_events_among(size), tuple(ids[start:start + size])))
        else:
            found = {row["event_id"]: row for row in self.connection.execute(
                select(tables.events).where(tables.events.c.event_id.in_(ids))).mappings()}
        return self.resent(request, ids, found)

    def flush(self) -> None:
        """Insert the staged rows, so that reads in this transaction see them."""
        if self._rows:
            if self._sqlite:
                self.connection.exec_driver_sql(SQLITE_EVENTS_INSERT, [
                    tuple(row[name] for name in tables.EVENT_COLUMNS) for row in self._rows])
            else:
                self.connection.execute(EVENTS_INSERT, self._rows)
            self._rows = []

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        self.flush()
        if self._sqlite:
            return RecordedEvent.all_from(self.connection.exec_driver_sql(
                SQLITE_STREAM_SELECT, (stream_id,)))
        return RecordedEvent.all_from(self.connection.execute(
            STREAM_SELECT, {"stream_id": stream_id}))

    def _sqlite_among(self, select: str, key: str, consumer: str, keys: Sequence[str]
                      ) -> Iterator[Any]:
        """The consumer's rows whose `key` is among `keys`, a few statements per batch."""
        for start, size in _marker_chunks(len(keys)):
            yield from self.connection.exec_driver_sql(
                _sqlite_among(select, key, size), (consumer, *keys[start:start + size]))

    def processed_among(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """Which of these events the consumer already handled."""
        if not event_ids:
            return set()
        if self._sqlite:  # driver-prepared: no SQLAlchemy compile on each batch
            return {row[0] for row in self._sqlite_among(
                "event_id FROM processed_events", "event_id", consumer, event_ids)}
        rows = self.connection.execute(select(tables.processed.c.event_id).where(
            tables.processed.c.consumer == consumer,
            tables.processed.c.event_id.in_(list(event_ids))))
        return set(rows.scalars())

    def mark_processed(self, consumer: str, event_ids: Sequence[str]) -> None:
        """Record that the consumer handled these events (in the same transaction)."""
        if event_ids and self._sqlite:
            for start, size in _marker_chunks(len(event_ids)):
                self.connection.exec_driver_sql(_sqlite_mark_processed(size), tuple(
                    value for event_id in event_ids[start:start + size]
                    for value in (consumer, event_id)))
        elif event_ids:
            self.connection.execute(insert(tables.processed), [
                {"consumer": consumer, "event_id": event_id} for event_id in event_ids])

    def positions_among(self, consumer: str, stream_ids: Sequence[str]) -> dict[str, int]:
        """How far an in-order consumer has applied these streams (absent: not begun)."""
        if not stream_ids:
            return {}
        if self._sqlite:
            return {row[0]: row[1] for row in self._sqlite_among(
                "stream_id, version FROM stream_positions", "stream_id", consumer, stream_ids)}
        positions = tables.stream_positions
        rows = self.connection.execute(select(positions.c.stream_id, positions.c.version).where(
            positions.c.consumer == consumer, positions.c.stream_id.in_(list(stream_ids))))
        return {row.stream_id: row.version for row in rows}

    def move_positions(self, consumer: str, moved: dict[str, int], known: Collection[str]) -> None:
        """Record the consumer's new positions (`known`: the streams it already had one for)."""
        if self._sqlite:
            items = list(moved.items())
            for start, size in _marker_chunks(len(items)):
                self.connection.exec_driver_sql(_sqlite_move_positions(size), tuple(
                    value for stream_id, version in items[start:start + size]
                    for value in (consumer, stream_id, version)))
            return
        positions = tables.stream_positions
        update_rows = [{"s": s, "v": v} for s, v in moved.items() if s in known]
        insert_rows = [{"consumer": consumer, "stream_id": s, "version": v}
                       for s, v in moved.items() if s not in known]
        if update_rows:
            self.connection.execute(
                update(positions).where(positions.c.consumer == consumer,
                                        positions.c.stream_id == bindparam("s"))
                .values(version=bindparam("v")), update_rows)
        if insert_rows:
            self.connection.execute(insert(positions), insert_rows)

    def finish(self) -> Written | None:
        """Move the chain head (only if nobody else did), insert the rows; what the cache learns."""
        self.flush_staged()
        if not self._versions:
            return None
        if self._sqlite:
            moved = self.connection.exec_driver_sql(
                SQLITE_HEAD_MOVE, (self.position, self.hash, self.start_position))
        else:
            moved = self.connection.execute(HEAD_MOVE, {
                "old": self.start_position, "new": self.position, "new_hash": self.hash})
        if moved.rowcount != 1:
            raise StaleHeadError("the chain head moved: another writer appended")
        self.flush()
        return Written(self.position, self.hash, dict(self._versions))
