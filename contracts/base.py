"""Base classes of the shared language: data classification and the domain event base."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Classification(StrEnum):
    """How sensitive a field is; decides where it may travel."""

    PERSONAL = "personal"  # names, contact details, national ids, free text: vault only
    PSEUDONYMOUS = "pseudonymous"  # ids that point at a person without naming them
    PUBLIC = "public"  # counts, dates, categories: safe anywhere
    LOCAL = "local"  # precise but not naming: timestamps, birth months; never at the hub


def classified(classification: Classification, **kwargs: Any) -> Any:
    """A pydantic Field carrying its data classification in the JSON Schema."""
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra["classification"] = classification.value
    return Field(json_schema_extra=extra, **kwargs)


def personal(**kwargs: Any) -> Any:
    return classified(Classification.PERSONAL, **kwargs)


def pseudonymous(**kwargs: Any) -> Any:
    return classified(Classification.PSEUDONYMOUS, **kwargs)


def public(**kwargs: Any) -> Any:
    return classified(Classification.PUBLIC, **kwargs)


def local(**kwargs: Any) -> Any:
    """A field the partner keeps and the hub never sees: optional, so the hub's copy omits it."""
    return classified(Classification.LOCAL, default=None, **kwargs)


class Frozen(BaseModel):
    """An immutable, strict-shaped model: unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DomainEvent(Frozen):
    """Something that happened, in the past tense. Subclasses set the class variables."""

    event_type: ClassVar[str]
    context: ClassVar[str]
    schema_version: ClassVar[int] = 1
    shareable: ClassVar[bool] = False  # may a minimised copy cross to the hub?

    @classmethod
    def field_classification(cls) -> dict[str, Classification]:
        """The classification of every field, by name."""
        found: dict[str, Classification] = {}
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            value = extra.get("classification")
            if value is not None:
                found[name] = Classification(str(value))
        return found

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__
