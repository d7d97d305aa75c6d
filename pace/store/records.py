"""What goes into the store and what comes out of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from contracts.base import DomainEvent
from contracts.envelope import Envelope, utc_iso


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event decided by a service, with the metadata only the shell knows."""

    event: DomainEvent
    event_id: UUID
    occurred_at: datetime
    correlation_id: UUID
    causation_id: UUID | None = None
    actor: str = "system"

    def row(self, partner: str, stream_id: str, version: int, recorded_at: str) -> dict[str, Any]:
        """The stored columns, minus position and hashes."""
        return {
            "event_id": str(self.event_id),
            "stream_id": stream_id,
            "stream_version": version,
            "event_type": self.event.event_type,
            "schema_version": self.event.schema_version,
            "partner": partner,
            "occurred_at": utc_iso(self.occurred_at),
            "recorded_at": recorded_at,
            "correlation_id": str(self.correlation_id),
            "causation_id": str(self.causation_id) if self.causation_id else None,
            "actor": self.actor,
            "payload": orjson.dumps(
                self.event.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS
            ).decode(),
        }


ENVELOPE_COLUMNS = (
    "event_id", "event_type", "schema_version", "partner", "stream_id", "stream_version",
    "occurred_at", "recorded_at", "correlation_id", "causation_id", "actor",
)


class RecordedEvent:
    """One stored record: its global position, its chain hash and (built on demand) its envelope."""

    __slots__ = ("_envelope", "hash", "position", "row")

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.position: int = row["position"]
        self.hash: str = row["hash"]
        self._envelope: Envelope | None = None

    @classmethod
    def from_row(cls, row: Any) -> RecordedEvent:
        return cls(dict(row))

    @classmethod
    def all_from(cls, result: Any) -> list[RecordedEvent]:
        """The rows of an events query (a SQLAlchemy result) as records, the column names
        looked up once: dict() of each row's mapping built a key view per row, a sixth of
        the relay's time when it reads the store (py-spy)."""
        keys = tuple(result.keys())
        return [cls(dict(zip(keys, row, strict=True))) for row in result]

    @property
    def envelope(self) -> Envelope:
        if self._envelope is None:
            fields = {name: self.row[name] for name in ENVELOPE_COLUMNS}
            self._envelope = Envelope(**fields, payload=orjson.loads(self.row["payload"]))
        return self._envelope

    @property
    def event_id(self) -> str:
        return self.row["event_id"]

    @property
    def event_type(self) -> str:
        return self.row["event_type"]

    @property
    def partner(self) -> str:
        return self.row["partner"]

    def wire_bytes(self) -> bytes:
        """The envelope as compact JSON, straight from the stored columns (no re-validation)."""
        fields: dict[str, Any] = {name: self.row[name] for name in ENVELOPE_COLUMNS}
        fields["payload"] = orjson.Fragment(self.row["payload"])
        return orjson.dumps(fields)

    def __repr__(self) -> str:
        return f"RecordedEvent(position={self.position}, {self.event_type} {self.event_id})"
