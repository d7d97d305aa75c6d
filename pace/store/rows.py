"""View rows staged in a transaction and inserted with one prepared statement per table."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


@functools.lru_cache(maxsize=256)
def _sqlite_insert(table: Table, columns: tuple[str, ...]) -> str:
    """The driver-level INSERT for these columns (sqlite3 keeps it prepared by its text)."""
    names = ", ".join(f'"{name}"' for name in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) with one executemany: driver-prepared on SQLite."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        columns = tuple(rows[0])
        connection.exec_driver_sql(_sqlite_insert(table, columns),
                                   [tuple(row[name] for name in columns) for row in rows])
    else:
        connection.execute(insert(table), list(rows))


class StagedRows:
    """Rows of view tables waiting for the transaction's end, in arrival order per table."""

    def __init__(self) -> None:
        self.tables: dict[Table, list[dict[str, Any]]] = {}

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    def flush(self, connection: Connection | None) -> None:
        """Insert every staged row, one statement per table, then forget them."""
        tables, self.tables = self.tables, {}
        if tables and connection is None:
            raise RuntimeError("rows were staged in a transaction without a SQL connection")
        for table, rows in tables.items():
            assert connection is not None
            insert_rows(connection, table, rows)
