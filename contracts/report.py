"""A report's wire format: what the hub's `figures` query answers, as JSON and CSV, and back.

- `report_to_dict(report)` is the query's `report` and the JSON export; `report_from_dict`
  reads it back.
- `to_json(report)`: UTF-8 JSON bytes, keys sorted at every level, two-space indented, ending
  in a newline. Integers stay integers; each float is first rounded to its indicator's
  decimals (2 for hours, 3 for ratios) and then written by orjson in its shortest round-trip
  form (0.5, 0.333, 1234.25), so equal reports give the same bytes whatever the insertion
  order of their dicts.
- `to_csv(report)`: the long form, one row per figure, with the header
  `as_of,period,scope_kind,scope,dimension,category,indicator,value`. scope_kind is
  partner, country or network; dimension and category are empty for the plain figures and
  name the breakdown (gender / referral_source and its category) otherwise. Values are
  plain numbers (ints, or floats with their indicator's decimals). Rows come partners first
  (sorted), then countries, then the network; lines end in "\\n".
- Approved quarters: a partner's figures of an approved quarter are the approved ones;
  `approvals` says which partners' quarter is submitted or approved (and on which day), and
  `adjustments` holds, per partner and indicator, the approved value, the current one (from
  events that arrived later) and their difference. Both keys appear only when not empty, so
  a report without approvals keeps its bytes. In the CSV an adjustment is two more rows of
  the partner: dimension `adjustment`, category `current` and `difference`.
- Targets (deploy/targets.toml): `targets` holds, per partner and indicator, the target of
  the report's period, the actual figure and the share of the target reached (0.5 = half;
  null without a target or a figure); only when not empty. In the CSV a target is two more
  rows of the partner: dimension `target`, category `target` and `share`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from contracts.indicators import BY_NAME
from contracts.reporting import Breakdowns
from contracts.subjects import NETWORK_SCOPE

Figures = dict[str, int | float]
"""Indicator -> figure, as in contracts.reporting.Figures."""
Value = int | float | str
"""A figure, or a suppressed breakdown cell ("<5", "x")."""

UNKNOWN_COUNTRY = "??"
"""The country of partners missing from the countries a report was made with."""
COUNTRY_NAMES = {"BE": "Belgium", "NL": "Netherlands", "FR": "France", "UK": "United Kingdom"}
CSV_HEADER = ("as_of", "period", "scope_kind", "scope", "dimension", "category", "indicator",
              "value")


@dataclass(frozen=True)
class Report:
    """Figures of every partner, country and the network for one period as of one date."""

    as_of: date
    period: str
    partners: dict[str, Figures]
    countries: dict[str, Figures]
    network: Figures
    breakdowns: dict[str, Breakdowns]  # scope (partner, country or "network") -> breakdowns
    country_of: dict[str, str] = field(default_factory=dict)  # partner -> country
    approvals: dict[str, dict[str, str]] = field(default_factory=dict)
    """Partner -> {"status": "submitted" | "approved", "on": ISO date} for this quarter."""
    adjustments: dict[str, dict[str, dict[str, Value]]] = field(default_factory=dict)
    """Partner -> indicator -> {"approved", "current", "difference"}, where they differ."""
    targets: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """Partner -> indicator -> {"target", "actual", "share"} for the report's period."""


def country_label(country: str) -> str:
    """'Belgium (BE)'; 'Country unknown' for partners missing from the countries given."""
    if country == UNKNOWN_COUNTRY:
        return "Country unknown"
    name = COUNTRY_NAMES.get(country)
    return f"{name} ({country})" if name else country


def country_order(report: Report) -> list[str]:
    """The report's countries sorted, the unknown country ("??") last."""
    return sorted(report.countries, key=lambda country: (country == UNKNOWN_COUNTRY, country))


# -- values ------------------------------------------------------------------------------------


def normal_value(indicator: str, value: Value) -> Value:
    """An int for count indicators; a float rounded to its decimals for the others."""
    known = BY_NAME.get(indicator)
    if known is None or isinstance(value, str):  # a suppressed cell: "<5" or "x"
        return value
    return round(float(value), known.decimals) + 0.0 if known.decimals else int(value)


def plain_value(indicator: str, value: Value) -> str:
    """A machine-readable number: '1234', '1234.50', '0.333'."""
    known = BY_NAME.get(indicator)
    if isinstance(value, str):  # a suppressed cell
        return value
    if known is not None and known.decimals:
        return f"{float(value):.{known.decimals}f}"
    return str(normal_value(indicator, value))


def _normal(figures: Mapping[str, Value]) -> dict[str, Value]:
    return {name: normal_value(name, value) for name, value in figures.items()}


def _normal_change(indicator: str, change: Mapping[str, Value]) -> dict[str, Value]:
    return {part: normal_value(indicator, value) for part, value in sorted(change.items())}


# -- JSON and CSV ------------------------------------------------------------------------------


def _normal_target(indicator: str, target: Mapping[str, Any]) -> dict[str, Any]:
    share = target.get("share")
    return {"actual": normal_value(indicator, target["actual"]),
            "share": None if share is None else round(float(share), 3) + 0.0,
            "target": normal_value(indicator, target["target"])}


def share_text(share: Any) -> str:
    """A share of target for machines: '0.750'; empty when there is none."""
    return "" if share is None else f"{float(share):.3f}"


def share_percent(share: Any) -> str:
    """A share of target for people: '75.0%'; '-' when there is none."""
    return "-" if share is None else f"{float(share) * 100:.1f}%"


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data (the query reply and the JSON export)."""
    return {
        "as_of": report.as_of.isoformat(),
        "period": report.period,
        "country_of": dict(sorted(report.country_of.items())),
        "partners": {p: _normal(f) for p, f in sorted(report.partners.items())},
        "countries": {c: _normal(f) for c, f in sorted(report.countries.items())},
        "network": _normal(report.network),
        "breakdowns": {
            scope: {dimension: {category: _normal(figures)
                                for category, figures in sorted(categories.items())}
                    for dimension, categories in sorted(breakdowns.items())}
            for scope, breakdowns in sorted(report.breakdowns.items())},
        **({"approvals": {p: dict(sorted(a.items())) for p, a in sorted(report.approvals.items())}}
           if report.approvals else {}),
        **({"adjustments": {p: {name: _normal_change(name, change)
                                for name, change in sorted(a.items())}
                            for p, a in sorted(report.adjustments.items())}}
           if report.adjustments else {}),
        **({"targets": {p: {name: _normal_target(name, target)
                            for name, target in sorted(t.items())}
                        for p, t in sorted(report.targets.items())}}
           if report.targets else {}),
    }


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """The report back from `report_to_dict` data (e.g. the hub's `figures` answer)."""
    return Report(as_of=date.fromisoformat(data["as_of"]), period=data["period"],
                  partners=dict(data["partners"]), countries=dict(data["countries"]),
                  network=dict(data["network"]), breakdowns=dict(data["breakdowns"]),
                  country_of=dict(data.get("country_of", {})),
                  approvals=dict(data.get("approvals", {})),
                  adjustments=dict(data.get("adjustments", {})),
                  targets=dict(data.get("targets", {})))


def to_json(report: Report) -> bytes:
    """Deterministic JSON: the same report gives the same bytes (auditors diff them)."""
    return orjson.dumps(report_to_dict(report),
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
                        | orjson.OPT_APPEND_NEWLINE)


def _scopes(report: Report) -> list[tuple[str, str, Mapping[str, Value]]]:
    """(scope_kind, scope, figures): partners, then countries, then the network."""
    return [*(("partner", p, f) for p, f in sorted(report.partners.items())),
            *(("country", c, f) for c, f in sorted(report.countries.items())),
            ("network", NETWORK_SCOPE, report.network)]


def to_csv(report: Report) -> str:
    """The long form: one row per (scope, dimension, category, indicator) figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    head = (report.as_of.isoformat(), report.period)
    for kind, scope, figures in _scopes(report):
        for name, value in figures.items():
            writer.writerow((*head, kind, scope, "", "", name, plain_value(name, value)))
        for dimension, categories in sorted(report.breakdowns.get(scope, {}).items()):
            for category, by_category in sorted(categories.items()):
                for name, value in by_category.items():
                    writer.writerow((*head, kind, scope, dimension, category, name,
                                     plain_value(name, value)))
        adjusted = report.adjustments.get(scope, {}) if kind == "partner" else {}
        for name, change in adjusted.items():
            for part in ("current", "difference"):
                writer.writerow((*head, kind, scope, "adjustment", part, name,
                                 plain_value(name, change[part])))
        for name, target in (report.targets.get(scope, {}) if kind == "partner" else {}).items():
            writer.writerow((*head, kind, scope, "target", "target", name,
                             plain_value(name, target["target"])))
            writer.writerow((*head, kind, scope, "target", "share", name,
                             share_text(target.get("share"))))
    return out.getvalue()
