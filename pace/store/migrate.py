"""Schema migrations (Alembic) for the PostgreSQL stores, usable from code and the shell.

Every store has the event store's tables (branch `store`); intake, booking, trajectory and
the hub's reporting store add their own (a branch each, depending on `store`), and so does
sharing (consent, withheld events). Each store is its own database, so each has its own
alembic_version.
The services still create missing tables on start (`create_all`), so SQLite and tests need
no migrations; a database that already has the current schema but no alembic_version (made
by a service before migrations existed) is stamped instead of created again.

Usage: python -m pace.store.migrate upgrade|downgrade|current [STORE URL]

Without STORE and URL: every store this process's settings name (PACE_ROLE, PACE_ONLY,
PACE_DATABASE_URL and its password, see pace.settings).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, create_engine, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from pace.store import tables
from pace.store.engine import normalise_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
SCHEMAS: dict[str, tuple[str, ...]] = {
    "intake": ("services.intake.vault", "services.intake.views", "services.intake.access"),
    "booking": ("services.booking.views",),
    "trajectory": ("services.trajectory.views",),
    "sharing": ("services.sharing.consent", "services.sharing.minimise"),
    "reporting": ("services.reporting.network_log",),
}


class MigrationError(RuntimeError):
    """A database whose schema the migrations cannot take over, with the differences."""


def target_metadata(store: str) -> MetaData:
    """The store's current schema: the event store's tables and the service's own."""
    if store not in SCHEMAS:
        raise ValueError(f"unknown store {store!r}; stores: {', '.join(SCHEMAS)}")
    combined = MetaData()
    for source in (tables.metadata, *(importlib.import_module(m).metadata
                                      for m in SCHEMAS[store])):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


def heads(store: str) -> list[str]:
    """The branch heads a store's database is upgraded to."""
    return ["store@head", f"{store}@head"]


def _config(connection: Connection, store: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = target_metadata(store)
    return config


def differences(connection: Connection, store: str) -> list[Any]:
    """What differs between the database and the store's current schema (empty: the same)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, target_metadata(store))
    return [d for d in diffs if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]


def _upgrade(connection: Connection, store: str) -> None:
    config = _config(connection, store)
    existing = set(inspect(connection).get_table_names())
    if VERSION_TABLE not in existing and existing & set(target_metadata(store).tables):
        found = differences(connection, store)
        if found:
            raise MigrationError(f"{store}: tables exist without migration history and "
                                 f"differ from the current schema: {found}")
        for head in heads(store):
            command.stamp(config, head)
        return
    for head in heads(store):
        command.upgrade(config, head)


def _downgrade(connection: Connection, store: str, revision: str) -> None:
    command.downgrade(_config(connection, store), revision)


def _current(connection: Connection, store: str) -> list[str]:
    del store
    return sorted(MigrationContext.configure(connection).get_current_heads())


def run(url: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Run fn(connection, *args) in one transaction on the store's database."""
    normal = normalise_url(url)
    if normal.startswith("sqlite"):
        engine = create_engine(normal)
        try:
            with engine.begin() as connection:
                return fn(connection, *args)
        finally:
            engine.dispose()

    async def on_postgres() -> Any:
        engine = create_async_engine(normal)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(fn, *args)
        finally:
            await engine.dispose()

    return asyncio.run(on_postgres())


def upgrade(url: str, store: str) -> None:
    """Bring a store's database to the current schema."""
    run(url, _upgrade, store)


def downgrade(url: str, store: str, revision: str = "base") -> None:
    """Take a store's database back to a revision; `base` removes every table."""
    run(url, _downgrade, store, revision)


def current(url: str, store: str) -> list[str]:
    """The revisions a store's database is at."""
    return run(url, _current, store)


def arguments() -> argparse.ArgumentParser:
    """The command line of `python -m pace.store.migrate`."""
    parser = argparse.ArgumentParser(prog="python -m pace.store.migrate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("upgrade", "downgrade", "current"))
    parser.add_argument("store", nargs="?", choices=tuple(SCHEMAS))
    parser.add_argument("url", nargs="?", help="the store's database URL")
    parser.add_argument("--to", default="base", help="downgrade: the revision (default base)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = arguments()
    args = parser.parse_args(argv)
    if (args.store is None) != (args.url is None):
        parser.error("give both STORE and URL, or neither (then PACE_* settings say)")
    if args.store is None:
        from pace.settings import Settings

        settings = Settings()
        targets = [(s, settings.database_url_for(s)) for s in settings.stores]
    else:
        targets = [(args.store, args.url)]
    try:
        for store, url in targets:
            if args.action == "upgrade":
                upgrade(url, store)
            elif args.action == "downgrade":
                downgrade(url, store, args.to)
            print(f"{store}: at {', '.join(current(url, store)) or 'base'}")
    except MigrationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
