"""Reporting: aggregate figures the hub publishes for the central coordinator."""

from __future__ import annotations

from datetime import date

from contracts.base import DomainEvent, public

Figures = dict[str, float]


class PartnerFiguresPublished(DomainEvent):
    context = "reporting"
    partner_id: str = public(max_length=40)
    period: str = public(max_length=20)  # "2020", "2020-Q1", "2020-02" or "to-date"
    as_of: date = public()
    figures: Figures = public()
    breakdowns: dict[str, Figures] = public(default_factory=dict)


class NetworkFiguresPublished(DomainEvent):
    context = "reporting"
    period: str = public(max_length=20)
    as_of: date = public()
    figures: Figures = public()
    per_country: dict[str, Figures] = public(default_factory=dict)


EVENTS: tuple[type[DomainEvent], ...] = (PartnerFiguresPublished, NetworkFiguresPublished)
