"""The report in a terminal: rich tables (apps.report_console)."""

from __future__ import annotations

import csv
import io
import re

import orjson
from rich.console import Console

from apps.report_console import print_report, to_table
from contracts.report import Report, to_csv, to_json
from tests.unit.test_report import AS_OF, EVIL, figures, report


def rendered(renderable: object, width: int = 220) -> str:
    console = Console(record=True, width=width, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_the_partner_table_has_an_indicator_row_each_and_a_network_column() -> None:
    text = rendered(to_table(report()))
    assert "PACE figures by partner - period to-date, as of 2020-02-29" in text
    header = next(line for line in text.splitlines() if "Indicator" in line)
    assert re.search(r"gent .* mechelen .* Network", header)
    row = next(line for line in text.splitlines() if "Families referred" in line)
    assert re.search(r"1,200 .* 86 .* 1,289", row)  # thousands separators
    assert "12,345.50" in text and "12.5%" in text and "80.0%" in text
    assert "Parents taken into a trajectory" in text
    assert EVIL in text  # shown as it is, not read as rich markup


def test_the_country_table_names_the_countries() -> None:
    text = rendered(to_table(report(), scope="countries"))
    assert "Belgium (BE)" in text and "Country unknown" in text
    assert re.search(r"Families referred .* 1,286 .* 1,289", text)


def test_print_report_prints_both_tables_and_the_breakdowns() -> None:
    console = Console(record=True, width=220, color_system=None)
    print_report(console, report())
    text = console.export_text()
    assert "by partner" in text and "by country" in text
    assert "Network by gender" in text and "Network by referral source" in text
    assert re.search(r"Parents working \(at end\) .* 20 .* 7", text)


def test_the_terminal_table_and_csv_carry_the_after_coaching_indicators() -> None:
    numbers = figures(places_after_trajectory_end=12, families_bridging=3,
                      median_days_to_handover=20.0)
    plain = Report(as_of=AS_OF, period="to-date", partners={"mechelen": numbers},
                   countries={"BE": numbers}, network=numbers, breakdowns={},
                   country_of={"mechelen": "BE"})
    text = rendered(to_table(plain))
    assert re.search(r"Places after the trajectory ended .* 12 .* 12", text)
    assert re.search(r"Median days from trajectory end to handover .* 20\.0", text)
    rows = list(csv.reader(io.StringIO(to_csv(plain))))
    assert ["2020-02-29", "to-date", "network", "network", "", "", "families_bridging", "3"] \
        in rows
    assert orjson.loads(to_json(plain))["network"]["median_days_to_handover"] == 20.0
