"""Targets per partner and indicator: checked on load, set beside the actual figures."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from rich.console import Console

from apps.report_console import print_report
from contracts.report import Report, report_from_dict, report_to_dict, to_csv
from services.reporting.targets import (
    Target,
    TargetsError,
    load_targets,
    parse_targets,
    with_targets,
)
from services.web.figures import to_html

PARTNERS = ("mechelen", "gent")
TARGETS = """
[mechelen.families_enrolled]
programme = 160
"2020" = 40

[gent.families_referred]
"2020" = 0
"""


def report(period: str = "2020") -> Report:
    figures = {"mechelen": {"families_enrolled": 30, "families_referred": 41},
               "gent": {"families_enrolled": 5, "families_referred": 9}}
    total = {"families_enrolled": 35, "families_referred": 50}
    return Report(as_of=date(2020, 12, 31), period=period, partners=figures,
                  countries={"BE": total}, network=total, breakdowns={},
                  country_of={"mechelen": "BE", "gent": "BE"})


def test_a_target_stands_beside_the_actual_figure_with_the_share_reached():
    shown = with_targets(report("2020"), parse_targets(TARGETS, PARTNERS))

    assert shown.targets == {
        "gent": {"families_referred": {"target": 0, "actual": 9, "share": None}},
        "mechelen": {"families_enrolled": {"target": 40, "actual": 30, "share": 0.75}}}


def test_the_programme_target_goes_with_the_to_date_figures_only():
    targets = parse_targets(TARGETS, PARTNERS)

    assert with_targets(report("to-date"), targets).targets == {
        "mechelen": {"families_enrolled": {"target": 160, "actual": 30, "share": 0.188}}}
    assert with_targets(report("2021"), targets).targets == {}


@pytest.mark.parametrize(("change", "message"), [
    (("[gent.", "[ghent."), "unknown partner 'ghent'"),
    (("families_enrolled]", "families_enroled]"), "unknown indicator 'families_enroled'"),
    (('"2020" = 40', '"2020-Q5" = 40'), "invalid period '2020-Q5'"),
    (('"2020" = 40', '"to-date" = 40'), "for the whole programme use 'programme'"),
    (('"2020" = 40', '"2020" = "forty"'), "the target must be a number"),
    (('"2020" = 40', '"2020" = -1'), "the target must be a number >= 0"),
])
def test_a_wrong_targets_file_fails_on_load_naming_what_is_wrong(change, message):
    with pytest.raises(TargetsError, match=message):
        parse_targets(TARGETS.replace(*change), PARTNERS)


def test_the_shipped_targets_load_against_the_registry():
    assert Target("mechelen", "parents_found_work", "programme", 58) in load_targets()


def test_no_targets_file_means_no_targets(tmp_path):
    assert load_targets(tmp_path / "targets.toml") == []


def test_targets_travel_in_json_and_csv_and_keep_old_bytes_without_them():
    shown = with_targets(report("2020"), parse_targets(TARGETS, PARTNERS))

    assert report_from_dict(report_to_dict(shown)) == replace(shown)
    assert "targets" not in report_to_dict(report("2020"))
    rows = [line for line in to_csv(shown).splitlines() if ",target," in line]
    assert rows == ["2020-12-31,2020,partner,gent,target,target,families_referred,0",
                    "2020-12-31,2020,partner,gent,target,share,families_referred,",
                    "2020-12-31,2020,partner,mechelen,target,target,families_enrolled,40",
                    "2020-12-31,2020,partner,mechelen,target,share,families_enrolled,0.750"]


def test_the_terminal_and_the_html_report_show_target_actual_and_share():
    shown = with_targets(report("2020"), parse_targets(TARGETS, PARTNERS))
    console = Console(file=io.StringIO(), width=160)

    print_report(console, shown)
    page = to_html(shown)

    text = console.file.getvalue()
    assert "Targets of 2020" in text
    assert "75.0%" in text
    assert '<tr data-target="mechelen/families_enrolled">' in page
    assert "<td>40</td><td>30</td><td>75.0%</td>" in page
