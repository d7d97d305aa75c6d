"""The envelope every stored and published event travels in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.base import Frozen


def utc_iso(moment: datetime) -> str:
    """A canonical, sortable UTC timestamp with microseconds: 2020-02-29T10:00:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Envelope(Frozen):
    """Metadata around one event's payload; the unit stored, published and exported."""

    event_id: UUID
    event_type: str = Field(min_length=1, max_length=100)
    schema_version: int = Field(ge=1)
    partner: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    stream_id: str = Field(min_length=1, max_length=200)
    stream_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime
    correlation_id: UUID
    causation_id: UUID | None = None
    actor: str = Field(default="system", max_length=200)
    payload: dict[str, Any]
