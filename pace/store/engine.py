"""Where the store's SQL runs: SQLite on the event loop's own thread, PostgreSQL through asyncpg.

Store logic is written once as plain synchronous SQLAlchemy code over a `Connection`.
On SQLite a whole transaction runs at once on the event loop's thread: a local file's
transaction takes about a millisecond (the fsync'd commit included), and running it there
costs no thread hop and no contention for the interpreter. Transactions in threads (one
writer thread per store, as before) made every process with many stores slow: the demo's
forty stores' threads and the event loop passed the GIL back and forth, a commit's reply
waited ~40 ms (p50) for the loop to take it up, and the process spent twice the CPU per
command (py-spy and an instrumented demo, 2026-12-02: scale 0.1 drove in 40 s instead of
65-70 s). The price: while another process holds the file's write lock (two processes
sharing one SQLite store), this loop waits for it, up to the busy timeout. On PostgreSQL
the same function runs through `AsyncConnection.run_sync`. Writers in other processes are
detected by the store's conditional move of the chain head, not by locks held here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool

T = TypeVar("T")
CHECKPOINT_ATTEMPTS = 20  # a purge's checkpoint, 50 ms apart, while another reader holds the WAL


def normalise_url(url: str | Path) -> str:
    """Accept a plain file path, sqlite:// or postgresql:// URLs; pick the drivers we use."""
    text_url = str(url)
    if "://" not in text_url:
        Path(text_url).parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{text_url}"
    parsed = make_url(text_url)
    if parsed.drivername.startswith("sqlite"):
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    return text_url


class Database:
    """Runs synchronous SQLAlchemy functions in a transaction (see the module's note)."""

    def __init__(self, url: str | Path, *, sqlite_synchronous: str = "FULL") -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self._write_lock = asyncio.Lock()
        if self.is_sqlite:
            self._writer = _sqlite_engine(self.url, sqlite_synchronous, immediate=True, size=2)
            self._reader = _sqlite_engine(self.url, sqlite_synchronous, immediate=False, size=1)
            self._held_writer, self._held_reader = _Held(self._writer), _Held(self._reader)
        else:
            self._engine = create_async_engine(self.url, pool_size=5, max_overflow=5,
                                               pool_pre_ping=True)

    async def write(self, fn: Callable[..., T], *args: Any,
                    on_commit: Callable[[T], None] | None = None) -> T:
        """Run fn(connection, *args) in one write transaction; then on_commit(result), serially."""
        if self.is_sqlite:
            return _in_transaction(self._held_writer, fn, *args, on_commit=on_commit)
        async with self._write_lock:
            async with self._engine.begin() as conn:
                result = await conn.run_sync(fn, *args)
            if on_commit is not None:
                on_commit(result)
            return result

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(connection, *args) for reading."""
        if self.is_sqlite:
            result = _in_transaction(self._held_reader, fn, *args)
            await asyncio.sleep(0)  # a loop paging through a log lets the others go on
            return result
        async with self._engine.connect() as conn:
            return await conn.run_sync(fn, *args)

    async def purge(self, tables: Sequence[str]) -> bool:
        """After deleting personal data: leave no copy of it in the WAL or in free space.

        SQLite (secure_delete is on, so deleted rows are zeroed in the file) checkpoints
        the WAL into the file and truncates it; PostgreSQL rewrites the tables (VACUUM
        FULL), so no dead tuple stays in their pages. True when nothing was left behind
        (False: another process kept the SQLite WAL busy; the next purge finishes it).
        """
        if self.is_sqlite:
            for _ in range(CHECKPOINT_ATTEMPTS):
                if _checkpoint(self._writer):
                    return True
                await asyncio.sleep(0.05)  # another process's reader: the loop goes on
            return False
        async with self._write_lock, self._engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in tables:
                await auto.exec_driver_sql(f'VACUUM (FULL) "{table}"')
        return True

    async def dispose(self) -> None:
        if self.is_sqlite:
            self._held_writer.close()
            self._held_reader.close()
            self._writer.dispose()
            self._reader.dispose()
        else:
            await self._engine.dispose()


class _Held:
    """One connection of a SQLite engine, kept open between transactions.

    A transaction on it costs its BEGIN and COMMIT, not also a pool checkout, a new
    `Connection` and a rollback when it goes back to the pool (a one-row read: 48 us against
    85 us through `engine.begin()`). A connection that failed (invalidated) is replaced by
    the next transaction. The writer's engine keeps a second connection for checkpoints.
    """

    __slots__ = ("engine", "conn")

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            conn.close()


def _in_transaction(held: _Held, fn: Callable[..., T], *args: Any,
                    on_commit: Callable[[T], None] | None = None) -> T:
    conn = held.conn
    if conn is None or conn.closed or conn.invalidated:
        conn = held.conn = held.engine.connect()
    with conn.begin():
        result = fn(conn, *args)
    if on_commit is not None:
        on_commit(result)
    return result


def _checkpoint(engine: Any) -> bool:
    """Copy the WAL into the database file and truncate it to zero bytes; False if busy."""
    connection = engine.raw_connection()
    try:
        busy, _log, _done = connection.cursor().execute(
            "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy
    finally:
        connection.close()


def _sqlite_engine(url: str, synchronous: str, *, immediate: bool, size: int) -> Any:
    engine = create_engine(url, poolclass=QueuePool, pool_size=size, max_overflow=0,
                           connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
