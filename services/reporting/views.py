"""The hub's copy of the network stream: every shared envelope, once, in arrival order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
)

from pace.store.rows import insert_rows

metadata = MetaData()

network_events = Table(
    "network_events", metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("partner", String(40), nullable=False, index=True),
    Column("event_type", String(100), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("envelope", Text, nullable=False),  # the envelope as received, compact JSON
)


def record(target: Any, envelope: Any) -> None:
    """Keep one received envelope: staged on a store transaction (one insert per batch), or now."""
    if isinstance(target, Connection):
        insert_rows(target, network_events, [row_of(envelope)])
    else:  # the consumer's inbox already made this exactly once
        target.insert_later(network_events, row_of(envelope))


def row_of(envelope: Any) -> dict[str, Any]:
    """The network log's row for an envelope."""
    return {"event_id": str(envelope.event_id), "partner": envelope.partner,
            "event_type": envelope.event_type, "schema_version": envelope.schema_version,
            "envelope": orjson.dumps(envelope.model_dump(mode="json")).decode()}


_AFTER = (select(network_events.c.position, network_events.c.envelope)
          .where(network_events.c.position > bindparam("position"))
          .order_by(network_events.c.position).limit(bindparam("limit")))


def after(connection: Connection, position: int, limit: int = 5000) -> list[tuple[int, str]]:
    """(position, envelope JSON) after a position, in order (the hub follows its log with it)."""
    return [(row[0], row[1]) for row in connection.execute(
        _AFTER, {"position": position, "limit": limit})]


def counts(connection: Connection) -> dict[str, int]:
    """Events received per partner."""
    rows = connection.execute(select(network_events.c.partner, func.count())
                              .group_by(network_events.c.partner))
    return {partner: count for partner, count in rows}


def envelopes(connection: Connection, batch: int = 5000) -> Iterator[str]:
    """Every envelope JSON in arrival order (for exports)."""
    position = 0
    while chunk := after(connection, position, batch):
        yield from (envelope for _, envelope in chunk)
        position = chunk[-1][0]
