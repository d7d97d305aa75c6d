"""Reporting: aggregate figures the hub publishes for the central coordinator."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictFloat, StrictInt, StringConstraints

from contracts.base import DomainEvent, Frozen, public

PARTNER_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
_PERIOD_POINT = r"\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?"
PERIOD_PATTERN = rf"^(to-date|{_PERIOD_POINT}(\.\.{_PERIOD_POINT})?)$"

Indicator = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Category = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Figure = StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]
Figures = dict[Indicator, Figure]
Cell = Figure | Literal["<5", "x"]
"""A breakdown cell: a figure, or suppressed ("<5"; "x" for one of 5 or more hidden with it)."""
Breakdowns = dict[Category, dict[Category, dict[Indicator, Cell]]]
"""Dimension -> category -> figures, e.g. {"country": {"BE": {"families_referred": 86}}}."""


class PartnerFiguresPublished(DomainEvent):
    """One partner's indicators for a period, as of a date (`pace.network.figures.<partner>`)."""

    context = "reporting"
    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=PERIOD_PATTERN)
    as_of: date = public()
    figures: Figures = public()
    breakdowns: Breakdowns = public(default_factory=dict)


class NetworkFiguresPublished(DomainEvent):
    """The network's indicators for a period, as of a date (`pace.network.figures.network`)."""

    context = "reporting"
    period: str = public(pattern=PERIOD_PATTERN)
    as_of: date = public()
    figures: Figures = public()
    breakdowns: Breakdowns = public(default_factory=dict)


# -- approval of a closed quarter (as DHIS2's data approval): submit, approve, reopen ---------

QUARTER_PATTERN = r"^\d{4}-Q[1-4]$"
REASON = {"min_length": 1, "max_length": 500}


class FiguresSubmitted(DomainEvent):
    """A partner admin submitted a closed quarter's figures for the coordinator's approval."""

    context = "reporting"
    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=QUARTER_PATTERN)
    submitted_on: date = public()


class FiguresApproved(DomainEvent):
    """The coordinator approved a partner's quarter: its figures, frozen as they were then.

    `events_counted` is how many of the partner's network events the hub had folded when it
    approved: replaying that many of them, as of `as_of`, gives `figures` again.
    """

    context = "reporting"
    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=QUARTER_PATTERN)
    approved_on: date = public()
    as_of: date = public()
    events_counted: StrictInt = public(ge=0)
    figures: Figures = public()


class FiguresReopened(DomainEvent):
    """The coordinator reopened an approved quarter; the partner may submit it again."""

    context = "reporting"
    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=QUARTER_PATTERN)
    reopened_on: date = public()
    reason: str = public(**REASON)


class SubmitFigures(Frozen):
    """A partner admin's request: approve my figures of this closed quarter."""

    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=QUARTER_PATTERN)


class ApproveFigures(Frozen):
    """The coordinator approves a submitted quarter (the hub freezes its figures)."""

    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=QUARTER_PATTERN)


class ReopenFigures(Frozen):
    """The coordinator reopens an approved quarter, saying why."""

    partner_id: str = public(pattern=PARTNER_PATTERN)
    period: str = public(pattern=QUARTER_PATTERN)
    reason: str = public(**REASON)


APPROVAL_EVENTS: tuple[type[DomainEvent], ...] = (FiguresSubmitted, FiguresApproved,
                                                  FiguresReopened)
EVENTS: tuple[type[DomainEvent], ...] = (PartnerFiguresPublished, NetworkFiguresPublished,
                                         *APPROVAL_EVENTS)
SUPERSEDED: tuple[type[DomainEvent], ...] = ()
