"""Statistical disclosure control on what the coordinator sees: small cells and as-of dates.

The rule (the ESS practice of a minimum cell size): in the breakdowns of a figure set, a
partner's cell of 1 to 4 is shown as "<5" (primary suppression). Then, so that no
suppressed cell can be worked out from what is shown (a row adds up to the partner's
total; a country's cell is the sum of its partners', the network's the sum of every
partner's and of every country's), each such sum with exactly one suppressed cell gets a
second one (secondary suppression: the smallest other cell, zeros first), until none is
left alone. A secondary cell of 5 or more is shown as "x". Totals are never suppressed.

The coordinator sees figures as of period ends (the last day of a month, so also of a
quarter or a year) or as of today, so two figure sets a day apart cannot be differenced
into one family's events. The auditor's offline replay of the exported log is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from contracts.indicators import DIMENSIONS
from contracts.intake import Gender, ReferralSource
from contracts.report import Report
from contracts.subjects import NETWORK_SCOPE
from services.reporting.esf import ENTRY_STATUSES
from services.reporting.rows import UNKNOWN

THRESHOLD = 5
SMALL = "<5"  # a suppressed cell of fewer than five
HIDDEN = "x"  # a cell of five or more, suppressed so that a small one cannot be worked out

Cell = tuple[str, str, str, str]  # (scope, dimension, category, indicator)
DOMAINS: dict[str, tuple[str, ...]] = {
    "gender": tuple(g.value for g in Gender),
    "referral_source": (*(s.value for s in ReferralSource), UNKNOWN),
    "entry_status": (*ENTRY_STATUSES, UNKNOWN),
}
"""Every category of a dimension, seen or not: a zero cell can protect a small one."""


class AsOfRefusedError(ValueError):
    """An as-of date the coordinator may not ask for: only period ends and today."""


def check_as_of(as_of: date, today: date) -> date:
    """The as-of date when the coordinator may see it; else AsOfRefusedError."""
    if as_of == today or (as_of < today and (as_of + timedelta(days=1)).day == 1):
        return as_of
    raise AsOfRefusedError(
        f"figures as of {as_of} are not shown: ask for the end of a month, quarter or year, "
        f"or for today ({today}); day-by-day figures could be compared to single out a family"
    )


def suppressed_cells(report: Report, values: dict[Cell, int] | None = None) -> set[Cell]:
    """Every breakdown cell to hide: small partner cells and what protects them (`values`:
    the report's cells, when the caller has them already)."""
    values = _cells(report) if values is None else values
    hidden = {
        cell
        for cell, value in values.items()
        if cell[0] in report.partners and 0 < value < THRESHOLD
    }
    sums = list(_sums(report, values))
    changed = True
    while changed:
        changed = False
        for total_shown, parts in sums:
            alone = [cell for cell in parts if cell in hidden]
            if len(alone) != 1 or (not total_shown and len(parts) <= 1):
                continue
            others = [cell for cell in parts if cell not in hidden]
            if others:
                hidden.add(min(others, key=lambda c: (values[c], c)))
                changed = True
    return hidden


def protect(report: Report) -> Report:
    """The report with its breakdowns' small cells suppressed: what the coordinator sees."""
    values = _cells(report)
    hidden = suppressed_cells(report, values)
    breakdowns: dict[str, Any] = {}
    for (scope, dimension, category, indicator), value in values.items():
        if value == 0 and (scope, dimension, category, indicator) not in hidden:
            continue
        shown: Any = value
        if (scope, dimension, category, indicator) in hidden:
            shown = SMALL if value < THRESHOLD else HIDDEN
        figures = (
            breakdowns.setdefault(scope, {})
            .setdefault(dimension, {})
            .setdefault(category, dict.fromkeys(DIMENSIONS[dimension], 0))
        )
        figures[indicator] = shown
    for scope in report.breakdowns:  # every dimension stays present, maybe empty
        for dimension in DIMENSIONS:
            breakdowns.setdefault(scope, {}).setdefault(dimension, {})
    return replace(report, breakdowns=breakdowns)


def _cells(report: Report) -> dict[Cell, int]:
    """Every cell of every scope, zeros included, over every category a dimension has."""
    categories = {
        dimension: sorted(
            {
                *DOMAINS.get(dimension, ()),
                *(c for b in report.breakdowns.values() for c in b.get(dimension, {})),
            }
        )
        for dimension in DIMENSIONS
    }
    return {
        (scope, dimension, category, indicator): int(
            breakdowns.get(dimension, {}).get(category, {}).get(indicator, 0)
        )
        for scope, breakdowns in report.breakdowns.items()
        for dimension, names in DIMENSIONS.items()
        for category in categories[dimension]
        for indicator in names
    }


def _sums(report: Report, values: dict[Cell, int]) -> Iterable[tuple[bool, list[Cell]]]:
    """(is the sum's total shown, the cells that add up to it): rows and columns."""
    rows: dict[tuple[str, str, str], list[Cell]] = {}
    for cell in values:  # one pass, in the cells' order
        rows.setdefault((cell[0], cell[1], cell[3]), []).append(cell)
    for scope in sorted(report.breakdowns):  # a row adds up to the scope's total, always shown
        for dimension, names in DIMENSIONS.items():
            for indicator in names:
                yield True, rows.get((scope, dimension, indicator), [])
    members: dict[str, list[str]] = {}
    for partner, country in report.country_of.items():
        members.setdefault(country, []).append(partner)
    groups = [(country, partners) for country, partners in members.items()]
    groups.append((NETWORK_SCOPE, list(report.partners)))
    groups.append((NETWORK_SCOPE, list(report.countries)))
    keys = {c[1:] for c in values}
    for aggregate, parts in groups:
        for key in keys:  # an aggregate's cell is the sum of its parts' cells
            cells = [(p, *key) for p in parts if (p, *key) in values]
            if (aggregate, *key) in values:
                cells.append((aggregate, *key))
            yield False, cells
