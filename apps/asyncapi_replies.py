"""The replies and query parameters of the PACE services, as the AsyncAPI document shows them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, RootModel

from contracts.reporting import PERIOD_PATTERN


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordedEventRef(_Reply):
    """One event the command appended to the service's event store."""

    event_id: UUID
    event_type: str
    stream_id: str
    stream_version: int = Field(ge=1)


class Problem(_Reply):
    """One field of an invalid command and what is wrong with it."""

    field: str
    problem: str


class ErrorBody(_Reply):
    """Why a request was refused."""

    code: str = Field(description=(
        "invalid_input, conflict (too many concurrent changes: try again), unavailable "
        "(the service's database: nothing was changed), internal_error, or the code of a "
        "refusal by the rules (a DomainError)"))
    message: str
    details: list[Problem] | None = Field(
        default=None, description="The fields of an invalid command (absent otherwise)")


class Refused(_Reply):
    """The request was refused or failed; nothing was changed."""

    ok: Literal[False]
    error: ErrorBody


class CommandAccepted(_Reply):
    """The command was carried out: the events it appended, in order (possibly none)."""

    ok: Literal[True]
    events: list[RecordedEventRef]


class QueryRows(_Reply):
    """The rows of a partner service's read model that match the query."""

    ok: Literal[True]
    rows: list[dict[str, Any]]


class FiguresAnswer(_Reply):
    """A whole report (contracts.report.report_to_dict) for an as-of date and period."""

    ok: Literal[True]
    report: dict[str, Any]


class StatusAnswer(_Reply):
    """Envelopes received per partner, and the network log position folded so far."""

    ok: Literal[True]
    received: dict[str, int]
    position: int = Field(ge=0)


class TrendsAnswer(_Reply):
    """Per indicator, [date, value] pairs: the to-date value at each point asked for."""

    ok: Literal[True]
    trends: dict[str, list[tuple[date, int | float]]]


class TrendsQuery(BaseModel):
    """Parameters of `trends`: indicators (default the key four), points, scope."""

    indicators: list[str] | None = Field(default=None, max_length=20)
    points: list[date] = Field(default_factory=list, max_length=200)
    scope: str | None = Field(default=None, description="A partner, a country or network")


class QueryParameters(RootModel[dict[str, Any]]):
    """A JSON object of query parameters; an empty body counts as {}."""


class FiguresQuery(BaseModel):
    """Parameters of `figures`: both optional; other keys are ignored."""

    as_of: date | None = Field(default=None, description="Defaults to today (hub clock)")
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN,
                               description="to-date (default), a year, quarter, month or range")


CommandReply = Annotated[CommandAccepted | Refused, Field(discriminator="ok")]
QueryReply = Annotated[QueryRows | Refused, Field(discriminator="ok")]
NetworkQueryReply = FiguresAnswer | StatusAnswer | TrendsAnswer | Refused
