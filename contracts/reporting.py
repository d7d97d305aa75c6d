"""Reporting: aggregate figures the hub publishes for the central coordinator."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictFloat, StrictInt, StringConstraints

from contracts.base import DomainEvent, public

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


EVENTS: tuple[type[DomainEvent], ...] = (PartnerFiguresPublished, NetworkFiguresPublished)
SUPERSEDED: tuple[type[DomainEvent], ...] = ()
