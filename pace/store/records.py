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


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One stored record: its global position, its envelope and its chain hash."""

    position: int
    envelope: Envelope
    hash: str

    @classmethod
    def from_row(cls, row: Any) -> RecordedEvent:
        m = row._mapping if hasattr(row, "_mapping") else row
        envelope = Envelope(
            event_id=m["event_id"],
            event_type=m["event_type"],
            schema_version=m["schema_version"],
            partner=m["partner"],
            stream_id=m["stream_id"],
            stream_version=m["stream_version"],
            occurred_at=m["occurred_at"],
            recorded_at=m["recorded_at"],
            correlation_id=m["correlation_id"],
            causation_id=m["causation_id"],
            actor=m["actor"],
            payload=orjson.loads(m["payload"]),
        )
        return cls(position=m["position"], envelope=envelope, hash=m["hash"])

    @property
    def event_id(self) -> UUID:
        return self.envelope.event_id
