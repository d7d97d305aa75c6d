"""Event type + schema version -> model, with upcasters that bring old payloads forward."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import to_jsonable_python

from contracts import booking, intake, participants, reporting, trajectory
from contracts.base import Classification, DomainEvent

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]
"""Turns a valid payload of version N into a payload of version N + 1."""

CONTEXTS = (intake, booking, trajectory, participants, reporting)


class UnknownEventTypeError(ValueError):
    """An event type or schema version this network does not know."""


class NotShareableError(ValueError):
    """An event type that must never leave its partner."""


def _by_version(models: Iterable[type[DomainEvent]]) -> dict[tuple[str, int], type[DomainEvent]]:
    found: dict[tuple[str, int], type[DomainEvent]] = {}
    for model in models:
        key = (model.event_type, model.schema_version)
        if key in found:
            raise TypeError(f"{key[0]} v{key[1]} is defined twice")
        found[key] = model
    return found


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    model.event_type: model for module in CONTEXTS for model in module.EVENTS
}
"""The current model of every event type, by type name."""

MODELS: dict[tuple[str, int], type[DomainEvent]] = _by_version(
    [model for module in CONTEXTS for model in (*module.EVENTS, *module.SUPERSEDED)])
"""Every model, current and superseded, by (event type, schema version)."""


def _check_out_minutes_to_hours(payload: Payload) -> Payload:
    moved = {k: v for k, v in payload.items() if k != "minutes_used"}
    return {**moved, "hours_used": round(payload["minutes_used"] / 60, 2)}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ChildCheckedOut", 1): _check_out_minutes_to_hours,
}
"""Upcasters by (event type, the version they upcast from)."""


def model_for(event_type: str, schema_version: int | None = None) -> type[DomainEvent]:
    """The model of an event type at a version (the current one when none is given)."""
    current = EVENT_TYPES.get(event_type)
    if current is None:
        raise UnknownEventTypeError(f"unknown event type {event_type!r}")
    if schema_version is None:
        return current
    model = MODELS.get((event_type, schema_version))
    if model is None:
        known = sorted(v for t, v in MODELS if t == event_type)
        raise UnknownEventTypeError(
            f"{event_type} has no schema version {schema_version!r} (this network knows "
            f"{', '.join(f'v{v}' for v in known)})")
    return model


def decode(event_type: str, schema_version: int, payload: Payload) -> DomainEvent:
    """Validate a stored or received payload at its version, then upcast it to the current one."""
    event = model_for(event_type, schema_version).model_validate(payload)
    current = model_for(event_type).schema_version
    for version in range(schema_version, current):
        upcast = UPCASTERS.get((event_type, version))
        if upcast is None:
            raise UnknownEventTypeError(f"no upcaster from {event_type} v{version}")
        event = model_for(event_type, version + 1).model_validate(upcast(encode(event)))
    return event


def encode(event: DomainEvent) -> Payload:
    """The JSON-ready payload of an event."""
    return event.model_dump(mode="json")


def all_types() -> list[type[DomainEvent]]:
    """Every model, current and superseded, ordered by event type and version."""
    return [MODELS[key] for key in sorted(MODELS)]


def shareable_types() -> list[type[DomainEvent]]:
    """Current event types whose minimised copy may cross to the hub."""
    return [model for model in EVENT_TYPES.values() if model.shareable]


def classification_of(info: FieldInfo) -> Classification | None:
    """The classification a field carries, or None when it has none."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    value = extra.get("classification")
    return None if value is None else Classification(str(value))


def _nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _nested_models(arg)


def field_classifications(
    model: type[BaseModel], prefix: str = "",
) -> dict[str, Classification | None]:
    """Every field's classification by dotted path, nested models included; None if missing."""
    found: dict[str, Classification | None] = {}
    for name, info in model.model_fields.items():
        found[prefix + name] = classification_of(info)
        for nested in _nested_models(info.annotation):
            found.update(field_classifications(nested, f"{prefix}{name}."))
    return found


def _allowed(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {name: _allowed(getattr(value, name))
                for name, info in type(value).model_fields.items()
                if classification_of(info) in (Classification.PSEUDONYMOUS, Classification.PUBLIC)}
    if isinstance(value, list | tuple):
        return [_allowed(item) for item in value]
    if isinstance(value, dict):
        return {key: _allowed(item) for key, item in value.items()}
    return value


def _shared(value: Any, rekey: Callable[[str, str], str], field: str,
            classification: Classification | None) -> Any:
    if isinstance(value, BaseModel):
        return {name: _shared(getattr(value, name), rekey, name, classification_of(info))
                for name, info in type(value).model_fields.items()
                if classification_of(info) in (Classification.PSEUDONYMOUS, Classification.PUBLIC)}
    if isinstance(value, list | tuple):
        return [_shared(item, rekey, field, classification) for item in value]
    if isinstance(value, str) and classification is Classification.PSEUDONYMOUS:
        return rekey(field, value)
    return value


def share(event: DomainEvent, rekey: Callable[[str, str], str],
          adding: dict[str, Any] | None = None) -> DomainEvent:
    """The copy of an event that crosses to the hub: minimised, every id re-keyed.

    `rekey(field, value)` turns each pseudonymous string (an id, nested ones included)
    into the partner's hub-side pseudonym; personal, local and unclassified fields are
    dropped (local ones are optional: the copy leaves them out). `adding` puts public facts
    in their place (an age band for a birth month). The result is validated again as the
    same event type, so what crosses is well formed.
    """
    if not event.shareable:
        raise NotShareableError(f"{event.event_type} events never leave their partner")
    payload = to_jsonable_python(_shared(event, rekey, "", None))
    for name in adding or {}:
        if classification_of(type(event).model_fields[name]) is not Classification.PUBLIC:
            raise NotShareableError(f"{event.event_type}.{name} is not a public field")
    return type(event).model_validate({**payload, **(adding or {})})


def minimise(event: DomainEvent) -> Payload:
    """The payload that may cross to the hub: personal and unclassified fields dropped."""
    if not event.shareable:
        raise NotShareableError(f"{event.event_type} events never leave their partner")
    payload: Payload = to_jsonable_python(_allowed(event))
    return payload
