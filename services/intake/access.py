"""Who read which family's personal record, when and why: kept by intake, never shared."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert, select

metadata = MetaData()

access_records = Table(
    "intake_access_records",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("read_at", String(32), nullable=False),
    Column("reader", String(200), nullable=False),
    Column("purpose", String(200), nullable=False),
)


def who_and_why(params: dict[str, Any]) -> tuple[str, str]:
    """The reader and the reason a query names (`reader`, `purpose`); 'unknown' if unsaid."""
    return (
        str(params.get("reader") or "unknown")[:200],
        str(params.get("purpose") or "unknown")[:200],
    )


def record(
    conn: Connection, family_ids: Iterable[str], reader: str, purpose: str, at: datetime
) -> None:
    """Append one access record per family whose personal record was read."""
    rows = [
        {
            "family_id": f,
            "read_at": at.isoformat(timespec="seconds"),
            "reader": reader,
            "purpose": purpose,
        }
        for f in family_ids
    ]
    if rows:
        conn.execute(insert(access_records), rows)


def listed(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every access record of one family, oldest first (for the partner's admin)."""
    family_id = str(params.get("family_id", ""))
    rows = conn.execute(
        select(access_records)
        .where(access_records.c.family_id == family_id)
        .order_by(access_records.c.position)
    ).all()
    return [{k: v for k, v in row._asdict().items() if k != "position"} for row in rows]
