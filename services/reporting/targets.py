"""Targets per partner and indicator (deploy/targets.toml), set beside the actual figures.

The file holds one table per partner and indicator, keyed by period: a year ("2024"), a
quarter, a month, a range ("2017..2022"), or "programme" for the whole programme (shown
with the to-date figures):

    [mechelen.families_referred]
    "2024" = 40
    programme = 167

A report gets, for each target of its period and a partner it holds, the target, the actual
figure (as the report shows it: approved when approved) and the share of the target reached.
Unknown partners, indicators or periods fail on load with the name at fault.
"""

from __future__ import annotations

import tomllib
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from contracts.indicators import BY_NAME
from contracts.periods import TO_DATE, Period
from contracts.report import Report

DEFAULT_TARGETS = Path(__file__).resolve().parents[2] / "deploy" / "targets.toml"
PROGRAMME = "programme"


class TargetsError(ValueError):
    """A targets file that does not load, or names what does not exist."""


@dataclass(frozen=True)
class Target:
    """What a partner aims for on one indicator in one period."""

    partner: str
    indicator: str
    period: str  # a period's text, or "programme" (shown with the to-date figures)
    value: int | float


def _period(text: str, where: str) -> str:
    if text == PROGRAMME:
        return text
    try:
        Period.parse(text)
    except ValueError as error:
        raise TargetsError(f"{where}: {error}; or use '{PROGRAMME}'") from None
    if text == TO_DATE:
        raise TargetsError(f"{where}: a target needs a period; for the whole programme use "
                           f"'{PROGRAMME}'")
    return text


def parse_targets(text: str, partners: Container[str], where: str = "targets.toml"
                  ) -> list[Target]:
    """The targets in TOML text, checked against the partners and the indicators."""
    known = partners
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TargetsError(f"{where}: {error}") from None
    found = []
    for partner, indicators in data.items():
        if partner not in known:
            raise TargetsError(f"{where}: unknown partner {partner!r} (not in partners.toml)")
        if not isinstance(indicators, dict):
            raise TargetsError(f"{where}: [{partner}] must hold a table per indicator")
        for indicator, periods in indicators.items():
            at = f"{where}: [{partner}.{indicator}]"
            if indicator not in BY_NAME:
                raise TargetsError(f"{at}: unknown indicator {indicator!r}")
            if not isinstance(periods, dict):
                raise TargetsError(f"{at}: expected period = value lines")
            for period, value in periods.items():
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise TargetsError(f"{at} {period}: the target must be a number >= 0")
                found.append(Target(partner, indicator, _period(period, f"{at} {period!r}"),
                                    value))
    return found


def load_targets(path: Path = DEFAULT_TARGETS, partners: Container[str] | None = None
                 ) -> list[Target]:
    """The targets file (none when it does not exist), checked against the registry."""
    if not path.exists():
        return []
    if partners is None:
        from pace.network.registry import load_registry

        partners = load_registry()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TargetsError(f"cannot read the targets {path}: {error.strerror}") from None
    return parse_targets(text, partners, path.name)


def share_of(actual: int | float | str, target: int | float) -> float | None:
    """The share of the target reached (0.5 = half); None without a target or a figure."""
    if isinstance(actual, str) or not target:
        return None
    return round(actual / target, 3)


def with_targets(report: Report, targets: Iterable[Target]) -> Report:
    """The report with each of its partners' targets for its period beside the actual."""
    wanted = PROGRAMME if report.period == TO_DATE else report.period
    found: dict[str, dict[str, Mapping[str, int | float | str | None]]] = {}
    for target in targets:
        if target.period != wanted or target.partner not in report.partners:
            continue
        actual = report.partners[target.partner].get(target.indicator, 0)
        found.setdefault(target.partner, {})[target.indicator] = {
            "target": target.value, "actual": actual, "share": share_of(actual, target.value)}
    return replace(report, targets={p: dict(sorted(t.items())) for p, t in sorted(found.items())})
