"""Database engines for the store: SQLite (WAL, one writer) by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def normalise_url(url: str | Path) -> str:
    """Accept a plain file path, sqlite:// or postgresql:// URLs and pick the async drivers."""
    text = str(url)
    if "://" not in text:
        Path(text).parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{text}"
    parsed = make_url(text)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    return text


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engines(url: str, sqlite_synchronous: str = "FULL") -> tuple[AsyncEngine, AsyncEngine]:
    """A (writer, reader) pair; on SQLite the writer takes the write lock at BEGIN."""
    if not is_sqlite(url):
        engine = create_async_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)
        return engine, engine
    writer = create_async_engine(url, pool_size=1, max_overflow=0)
    reader = create_async_engine(url, pool_size=4, max_overflow=4)
    _configure_sqlite(writer, sqlite_synchronous, immediate=True)
    _configure_sqlite(reader, sqlite_synchronous, immediate=False)
    return writer, reader


def _configure_sqlite(engine: AsyncEngine, synchronous: str, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
