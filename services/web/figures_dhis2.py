"""The report as a DHIS2 `dataValueSets` import (JSON), through a mapping in deploy/dhis2.toml.

DHIS2's Web API imports `{"dataValues": [{"dataElement", "period", "orgUnit",
"categoryOptionCombo"?, "value"}]}` (POST /api/dataValueSets). The mapping names each
exported indicator's data element and each partner's organisation unit (DHIS2 uids: 11
letters or digits, the first a letter); breakdowns go out only for the categories mapped to
a category option combo. Periods are DHIS2's: 2024, 2024Q1, 202402. Values are the report's
figures as they are (an approved quarter's approved figures); a suppressed cell ("<5", "x")
is left out, never sent as 0.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from contracts.indicators import BY_NAME, DIMENSIONS
from contracts.periods import Period
from contracts.report import Report, plain_value

DEFAULT_MAPPING = Path(__file__).resolve().parents[2] / "deploy" / "dhis2.toml"
UID = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")


class MappingError(ValueError):
    """A DHIS2 mapping that does not load, or does not cover what is exported."""


@dataclass(frozen=True)
class Dhis2Mapping:
    """Indicator -> data element, partner -> org unit, dimension -> category -> combo."""

    data_elements: dict[str, str]
    org_units: dict[str, str]
    category_option_combos: dict[str, dict[str, str]] = field(default_factory=dict)


def _uids(where: str, table: Any, known: Mapping[str, object] | None, what: str
          ) -> dict[str, str]:
    if not isinstance(table, dict):
        raise MappingError(f"{where}: expected a table of {what} = \"<uid>\"")
    for name, uid in table.items():
        if known is not None and name not in known:
            raise MappingError(f"{where}: unknown {what} {name!r}")
        if not isinstance(uid, str) or not UID.fullmatch(uid):
            raise MappingError(f"{where}.{name}: {uid!r} is not a DHIS2 uid "
                               "(11 letters or digits, the first a letter)")
    return dict(table)


def parse_mapping(text: str, partners: Mapping[str, object], where: str = "dhis2.toml"
                  ) -> Dhis2Mapping:
    """The mapping from TOML text, checked against the indicators and the partners given."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{where}: {error}") from None
    unknown = set(data) - {"data_elements", "org_units", "category_option_combos"}
    if unknown:
        raise MappingError(f"{where}: unknown table(s) {', '.join(sorted(unknown))}")
    combos_table = data.get("category_option_combos", {})
    if not isinstance(combos_table, dict):
        raise MappingError(f"{where}: category_option_combos must be a table per dimension")
    combos = {}
    for dimension, categories in combos_table.items():
        if dimension not in DIMENSIONS:
            raise MappingError(f"{where}: unknown breakdown {dimension!r}; "
                               f"known: {', '.join(DIMENSIONS)}")
        combos[dimension] = _uids(f"{where}: category_option_combos.{dimension}", categories,
                                  None, "category")
    return Dhis2Mapping(
        _uids(f"{where}: data_elements", data.get("data_elements", {}), BY_NAME, "indicator"),
        _uids(f"{where}: org_units", data.get("org_units", {}), partners, "partner"),
        combos)


def load_mapping(path: Path = DEFAULT_MAPPING, partners: Mapping[str, object] | None = None
                 ) -> Dhis2Mapping:
    """The mapping file, checked against the registry's partners unless others are given."""
    if partners is None:
        from pace.network.registry import load_registry

        partners = load_registry()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(f"cannot read the DHIS2 mapping {path}: {error.strerror}") from None
    return parse_mapping(text, partners, path.name)


def dhis2_period(period: str) -> str:
    """DHIS2's period id: 2024, 2024Q1 or 202402; other periods cannot be imported."""
    Period.parse(period)
    if re.fullmatch(r"\d{4}", period):
        return period
    if re.fullmatch(r"\d{4}-(Q[1-4]|\d\d)", period):
        return period.replace("-", "")
    raise MappingError(f"DHIS2 takes a year, quarter or month, not {period!r}: "
                       "ask for a period like 2024, 2024-Q1 or 2024-02")


def data_values(report: Report, mapping: Dhis2Mapping) -> list[dict[str, str]]:
    """One data value per mapped figure of each partner; suppressed cells left out."""
    period = dhis2_period(report.period)
    missing = sorted(set(report.partners) - set(mapping.org_units))
    if missing:
        raise MappingError(f"no DHIS2 org unit for partner(s) {', '.join(missing)}: "
                           "add them under [org_units] in the mapping")
    values = []
    for partner, figures in sorted(report.partners.items()):
        unit = mapping.org_units[partner]
        for indicator, element in mapping.data_elements.items():
            if indicator in figures:
                values.append({"dataElement": element, "period": period, "orgUnit": unit,
                               "value": plain_value(indicator, figures[indicator])})
        breakdowns = report.breakdowns.get(partner, {})
        for dimension, combos in sorted(mapping.category_option_combos.items()):
            for category, combo in combos.items():
                cell = breakdowns.get(dimension, {}).get(category, {})
                for indicator, element in mapping.data_elements.items():
                    value = cell.get(indicator)
                    if value is None or isinstance(value, str):  # absent or suppressed
                        continue
                    values.append({"dataElement": element, "period": period, "orgUnit": unit,
                                   "categoryOptionCombo": combo,
                                   "value": plain_value(indicator, value)})
    return values


def to_dhis2(report: Report, mapping: Dhis2Mapping) -> bytes:
    """The `dataValueSets` JSON document, two-space indented, ending in a newline."""
    return orjson.dumps({"dataValues": data_values(report, mapping)},
                        option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
