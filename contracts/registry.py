"""Event type + schema version -> model, with upcasters that bring old payloads forward."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from contracts import booking, intake, reporting, trajectory
from contracts.base import Classification, DomainEvent

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


class UnknownEventTypeError(ValueError):
    """An event type or schema version this network does not know."""


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    model.event_type: model
    for module in (intake, booking, trajectory, reporting)
    for model in module.EVENTS
}

UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ChildCheckedOut", 1): lambda p: {
        **{k: v for k, v in p.items() if k != "minutes_used"},
        "hours_used": round(p["minutes_used"] / 60, 2),
    },
}


def model_for(event_type: str) -> type[DomainEvent]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventTypeError(f"unknown event type {event_type!r}") from None


def decode(event_type: str, schema_version: int, payload: Payload) -> DomainEvent:
    """Validate a stored or received payload, upcasting older versions first."""
    model = model_for(event_type)
    if not 1 <= schema_version <= model.schema_version:
        raise UnknownEventTypeError(
            f"{event_type} has no schema version {schema_version} "
            f"(this network knows 1..{model.schema_version})")
    for version in range(schema_version, model.schema_version):
        upcast = UPCASTERS.get((event_type, version))
        if upcast is None:
            raise UnknownEventTypeError(f"no upcaster for {event_type} v{version}")
        payload = upcast(payload)
    return model.model_validate(payload)


def encode(event: DomainEvent) -> Payload:
    """The JSON-ready payload of an event."""
    return event.model_dump(mode="json")


def shareable_types() -> list[type[DomainEvent]]:
    """Event types whose minimised copy may cross to the hub."""
    return [model for model in EVENT_TYPES.values() if model.shareable]


def minimise(event: DomainEvent) -> Payload:
    """The payload without any personal field: what may leave the partner."""
    keep = {name for name, c in event.field_classification().items()
            if c is not Classification.PERSONAL}
    return {k: v for k, v in encode(event).items() if k in keep}


def all_types() -> Iterable[type[DomainEvent]]:
    return EVENT_TYPES.values()
