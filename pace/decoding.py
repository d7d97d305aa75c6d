"""A received envelope and its event, validated in one pass over one parse of the bytes."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from pydantic import BaseModel, create_model

from contracts.base import DomainEvent
from contracts.envelope import Envelope
from contracts.registry import EVENT_TYPES, decode

ENVELOPE_FIELDS = tuple(name for name in Envelope.model_fields if name != "payload")


@functools.lru_cache(maxsize=512)
def typed_envelope(event_type: str) -> type[BaseModel] | None:
    """The envelope with its payload typed as the event's current model (None when unknown)."""
    model = EVENT_TYPES.get(event_type)
    if model is None:
        return None
    return create_model(f"{model.__name__}Envelope", __base__=Envelope,
                        payload=(model, ...))  # type: ignore[call-overload]


def decode_message(data: bytes) -> tuple[Envelope, DomainEvent]:
    """Envelope and event from the wire; raises what pydantic or the registry raise.

    An event at its current schema version is validated once, envelope and payload together;
    an older version, an unknown type or anything unusual takes the two-step path, whose
    errors are the ones reported.
    """
    try:
        raw = orjson.loads(data)
        event_type, version = raw["event_type"], raw["schema_version"]
        typed = typed_envelope(event_type) if isinstance(event_type, str) else None
    except (orjson.JSONDecodeError, TypeError, KeyError):
        typed = None
    if typed is None or version != EVENT_TYPES[event_type].schema_version or type(version) is not int:
        return _two_step(data)
    try:
        checked: Any = typed.model_validate(raw)
    except ValueError:
        return _two_step(data)
    values = {name: getattr(checked, name) for name in ENVELOPE_FIELDS}
    envelope = Envelope.model_construct(checked.model_fields_set, payload=raw["payload"], **values)
    return envelope, checked.payload


def _two_step(data: bytes) -> tuple[Envelope, DomainEvent]:
    envelope = Envelope.model_validate_json(data)
    return envelope, decode(envelope.event_type, envelope.schema_version, envelope.payload)
