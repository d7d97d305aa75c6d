"""Schema migrations (Alembic) for the stores, usable from code and the shell.

Every store has the event store's tables (branch `store`, revisions in this package); each
service's store adds its own tables, declared by the service as a `StoreSchema`: its
metadata (the one definition of its tables) and the folder of its revisions (a branch
labelled with the store's name, depending on `store`). The library names no service: the
composition root passes the schemas in. Each store is its own database, so each has its
own alembic_version.
The services still create missing tables on start (`create_all`), so SQLite and tests need
no migrations; a database that already has the current schema but no alembic_version (made
by a service before migrations existed) is stamped instead of created again.

The command line (`main`: upgrade|downgrade|current [STORE URL]) is run by the composition
root, which knows the schemas.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
STORE_VERSIONS = MIGRATIONS / "versions"
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class StoreSchema:
    """A service's store: its tables' one definition and the folder of the revisions making them."""

    name: str
    metadata: tuple[MetaData, ...]
    versions: Path

    def __post_init__(self) -> None:
        if not self.versions.is_dir():
            raise ValueError(f"{self.name}: no migrations folder at {self.versions}")


class MigrationError(RuntimeError):
    """A database whose schema the migrations cannot take over, with the differences."""


def target_metadata(schema: StoreSchema) -> MetaData:
    """The store's current schema: the event store's tables and the service's own."""
    combined = MetaData()
    for source in (tables.metadata, *schema.metadata):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


def heads(schema: StoreSchema) -> list[str]:
    """The branch heads a store's database is upgraded to."""
    return ["store@head", f"{schema.name}@head"]


def _config(connection: Connection, schema: StoreSchema) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations",
                           os.pathsep.join((str(STORE_VERSIONS), str(schema.versions))))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = target_metadata(schema)
    return config


def differences(connection: Connection, schema: StoreSchema) -> list[Any]:
    """What differs between the database and the store's current schema (empty: the same)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, target_metadata(schema))
    return [d for d in diffs if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]


def _upgrade(connection: Connection, schema: StoreSchema) -> None:
    config = _config(connection, schema)
    existing = set(inspect(connection).get_table_names())
    if VERSION_TABLE not in existing and existing & set(target_metadata(schema).tables):
        found = differences(connection, schema)
        if found:
            raise MigrationError(f"{schema.name}: tables exist without migration history and "
                                 f"differ from the current schema: {found}")
        for head in heads(schema):
            command.stamp(config, head)
        return
    for head in heads(schema):
        command.upgrade(config, head)


def _downgrade(connection: Connection, schema: StoreSchema, revision: str) -> None:
    command.downgrade(_config(connection, schema), revision)


def _current(connection: Connection) -> list[str]:
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


def upgrade(url: str, schema: StoreSchema) -> None:
    """Bring a store's database to the current schema."""
    run(url, _upgrade, schema)


def downgrade(url: str, schema: StoreSchema, revision: str = "base") -> None:
    """Take a store's database back to a revision; `base` removes every table."""
    run(url, _downgrade, schema, revision)


def current(url: str) -> list[str]:
    """The revisions a store's database is at."""
    return run(url, _current)


def arguments(stores: Sequence[str], prog: str | None = None) -> argparse.ArgumentParser:
    """The command line of the migrations, for the given store names."""
    parser = argparse.ArgumentParser(prog=prog,
                                     description="Schema migrations (Alembic) for the stores.")
    parser.add_argument("action", choices=("upgrade", "downgrade", "current"))
    parser.add_argument("store", nargs="?", choices=tuple(stores))
    parser.add_argument("url", nargs="?", help="the store's database URL")
    parser.add_argument("--to", default="base", help="downgrade: the revision (default base)")
    return parser


def main(schemas: Mapping[str, StoreSchema], argv: list[str] | None = None,
         prog: str | None = None) -> int:
    """Upgrade, downgrade or show the stores named on the command line or by PACE_* settings."""
    parser = arguments(tuple(schemas), prog)
    args = parser.parse_args(argv)
    if (args.store is None) != (args.url is None):
        parser.error("give both STORE and URL, or neither (then PACE_* settings say)")
    if args.store is None:
        from pydantic import ValidationError

        from pace.settings import Settings, SettingsError

        try:
            settings = Settings()
        except (SettingsError, ValidationError, ValueError) as error:
            print(f"error: settings refused (give STORE and URL, or PACE_* settings): {error}",
                  file=sys.stderr)
            return 2
        targets = [(s, settings.database_url_for(s)) for s in settings.stores]
    else:
        targets = [(args.store, args.url)]
    try:
        for store, url in targets:
            if store not in schemas:
                raise MigrationError(f"no schema is declared for the store {store!r}; "
                                     f"known: {', '.join(schemas)}")
            if args.action == "upgrade":
                upgrade(url, schemas[store])
            elif args.action == "downgrade":
                downgrade(url, schemas[store], args.to)
            print(f"{store}: at {', '.join(current(url)) or 'base'}")
    except MigrationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit("pace.store.migrate knows no service's tables: run the migrations through the "
             "composition root, which passes every service's schema (see deploy/README.md).")
