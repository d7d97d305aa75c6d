"""The programme's indicators: one pure fold over the network's shareable events.

The hub's reporting service and the auditors' offline replay run this same code. It does no
I/O and reads no clock: `Fold.apply(partner, event_type, payload)` takes every shareable event
(a JSON-decoded payload of the current schema version) and only records the facts it needs
(services.reporting.facts); `Fold.figures(as_of, period, countries)` joins them
(services.reporting.rows) and counts them (services.reporting.tally). Joins (a trajectory's
parent and family, a parent's gender, a family's referral source, a session's capacity) are
made at `figures()` time, so the order in which partners' streams interleave at the hub never
matters (a TrajectoryStarted that arrives before its family's FamilyReferred is still joined).

Each indicator's name, label, unit, section and definition is declared once, in
contracts/indicators.py (the README's section "Indicators" is generated from it).

Dates are business dates from the payloads (ISO strings, which compare like dates), never
arrival order or recorded time. A booking event's date is the session's date, read from its
`session_id` ("<location>:<YYYY-MM-DD>:<daypart>"). The window W = [start, end] comes from
the period clipped to the as-of date (`Period.window`); to-date has no start. Flows count
facts dated in W; stocks are taken at `end`. A period that has not started by the as-of date
gives zeros everywhere (stocks included). Every entity is keyed by (partner, id).

Joins and unknowns: a trajectory's parent and family come from its TrajectoryStarted (a
trajectory whose start the hub has not seen counts as one parent of its own, of unknown
gender, with the family its own events name). Gender comes from FamilyReferred.parents,
referral source from FamilyReferred.referral_source; parents and families whose referral the
hub has not seen are in category "unknown" (which merges with Gender "unknown"). These are
treated as timeless attributes: the referral's own date does not gate the join.

Breakdowns: by the dimensions of contracts.indicators.DIMENSIONS (parent gender, referral
source, ESF status at entry: services.reporting.esf). Only categories with a non-zero figure
are listed; every dimension is always present (maybe empty).

Countries and the network: a partner's facts are tallied into additive numerators (counts,
hours, attended places, capacities) and a country's or the network's are the sums of its
partners'. Because every entity is keyed by (partner, id), the partners' sets are disjoint,
so the summed distinct counts are the distinct counts of the union, and ratios are
recomputed from the summed numerators and denominators, never averaged. Partners missing
from `countries` are reported under country "??".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from contracts.indicators import BY_NAME
from contracts.periods import TO_DATE_PERIOD, Period
from contracts.report import UNKNOWN_COUNTRY, Report
from contracts.subjects import NETWORK_SCOPE
from services.reporting.facts import HANDLERS, Facts, record
from services.reporting.rows import Compiled
from services.reporting.tally import Tally, breakdowns_of, figures_of, tally, total


class Fold:
    """The indicators' fold: `apply` every shareable event, then ask `figures` or `trend`."""

    def __init__(self) -> None:
        self._partners: dict[str, Facts] = {}

    def apply(self, partner: str, event_type: str, payload: Mapping[str, Any]) -> None:
        """Record one event (current schema version, JSON-decoded); others are ignored."""
        if event_type not in HANDLERS:
            return
        facts = self._partners.get(partner)
        if facts is None:
            facts = self._partners[partner] = Facts()
        record(facts, event_type, payload)

    def partners(self) -> list[str]:
        """The partners seen in events, sorted."""
        return sorted(self._partners)

    def figures(self, as_of: date, period: Period | str, countries: Mapping[str, str]
                ) -> Report:
        """Every partner's, country's and the network's figures and breakdowns."""
        period = Period.parse(period) if isinstance(period, str) else period
        country_of = self._country_of(countries)
        tallies = {partner: self._tally(partner, period, as_of) for partner in country_of}
        members: dict[str, list[str]] = {}
        for partner, country in country_of.items():
            members.setdefault(country, []).append(partner)
        by_country = {country: total(tallies[p] for p in members[country])
                      for country in sorted(members)}
        network = total(tallies.values())
        scopes = {**tallies, **by_country, NETWORK_SCOPE: network}
        return Report(
            as_of=as_of, period=str(period),
            partners={partner: figures_of(one) for partner, one in tallies.items()},
            countries={country: figures_of(one) for country, one in by_country.items()},
            network=figures_of(network),
            breakdowns={scope: breakdowns_of(one) for scope, one in scopes.items()},
            country_of=country_of)

    def trend(self, indicator: str, scope: str, points: Iterable[date],
              countries: Mapping[str, str] | None = None) -> list[tuple[date, int | float]]:
        """The to-date value of one indicator at each point, for a partner, country or network.

        A country scope needs `countries` (partner -> country), as `figures` does.
        """
        if indicator not in BY_NAME:
            raise ValueError(f"unknown indicator {indicator!r}")
        partners = self._scope(scope, countries or {})
        sections = (BY_NAME[indicator].section.name,)
        return [(point, figures_of(total(self._tally(partner, TO_DATE_PERIOD, point, sections)
                                         for partner in partners))[indicator])
                for point in points]

    # -- helpers ---------------------------------------------------------------------------

    def _country_of(self, countries: Mapping[str, str]) -> dict[str, str]:
        """Every partner in `countries` or seen in events -> its country ("??" if unknown)."""
        partners = sorted({*countries, *self._partners})
        return {partner: countries.get(partner, UNKNOWN_COUNTRY) for partner in partners}

    def _scope(self, scope: str, countries: Mapping[str, str]) -> list[str]:
        country_of = self._country_of(countries)
        if scope == NETWORK_SCOPE:
            return list(country_of)
        if scope in country_of:
            return [scope]
        members = [partner for partner, country in country_of.items() if country == scope]
        if not members:
            raise ValueError(f"unknown scope {scope!r}: expected a partner, a country of "
                             f"`countries` or {NETWORK_SCOPE!r}")
        return members

    def _tally(self, partner: str, period: Period, as_of: date,
               sections: Iterable[str] | None = None) -> Tally:
        facts = self._partners.get(partner)
        if facts is None or period.is_empty(as_of):
            return Tally()
        if facts.compiled is None:
            facts.compiled = Compiled(facts)
        start, end = period.window(as_of)
        return tally(facts.compiled, start, end, sections)
