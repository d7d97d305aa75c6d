"""Approved quarters in a report: the approved figure stands, later changes are adjustments,
in the wire format (JSON, CSV), the terminal table and the HTML report."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from rich.console import Console

from apps.replay import current_of, differences
from apps.report_console import approvals_table, print_report
from contracts.report import report_from_dict, report_to_dict, to_csv, to_json
from contracts.reporting import FiguresApproved
from services.reporting.approval import Approval
from services.reporting.approved import with_approvals
from services.web.figures import to_html
from tests.unit.test_report import report

Q = "2020-Q1"
APPROVED = FiguresApproved(partner_id="mechelen", period=Q, approved_on=date(2020, 4, 9),
                           as_of=date(2020, 4, 9), events_counted=90,
                           figures={"families_referred": 80, "no_show_rate": 0.125})


def quarter_report(as_of: date = date(2020, 6, 30)):
    return replace(report(), period=Q, as_of=as_of)


def approved_report():
    return with_approvals(quarter_report(), {"mechelen": Approval("approved", APPROVED),
                                             "gent": Approval("submitted", None,
                                                              date(2020, 4, 2))})


def rendered(renderable: object) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_the_approved_figure_stands_and_the_change_is_an_adjustment() -> None:
    adjusted = approved_report()

    assert adjusted.partners["mechelen"]["families_referred"] == 80
    assert adjusted.adjustments == {"mechelen": {"families_referred": {
        "approved": 80, "current": 86, "difference": 6}}}  # no_show_rate did not change
    assert adjusted.approvals == {"mechelen": {"status": "approved", "on": "2020-04-09"},
                                  "gent": {"status": "submitted", "on": "2020-04-02"}}
    assert adjusted.network == quarter_report().network  # not an approved number


def test_a_quarter_asked_before_its_end_shows_the_current_figures() -> None:
    early = quarter_report(as_of=date(2020, 2, 29))

    assert with_approvals(early, {"mechelen": Approval("approved", APPROVED)}) == early


def test_other_periods_are_never_adjusted() -> None:
    to_date = report()

    assert with_approvals(to_date, {"mechelen": Approval("approved", APPROVED)}) == to_date


def test_the_wire_format_carries_approvals_and_adjustments_only_when_there_are_some() -> None:
    adjusted = approved_report()

    data = report_to_dict(adjusted)

    assert data["adjustments"]["mechelen"]["families_referred"]["difference"] == 6
    assert report_from_dict(data) == adjusted
    assert "approvals" not in report_to_dict(quarter_report())
    assert b"adjustments" not in to_json(quarter_report())


def test_the_csv_has_the_current_value_and_difference_beside_the_approved_row() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(approved_report()))))

    mine = [(r["dimension"], r["category"], r["value"]) for r in rows
            if r["scope"] == "mechelen" and r["indicator"] == "families_referred"]

    assert mine == [("", "", "80"), ("adjustment", "current", "86"),
                    ("adjustment", "difference", "6")]


def test_the_terminal_report_shows_approved_current_and_difference() -> None:
    console = Console(record=True, width=200, color_system=None)

    print_report(console, approved_report())
    text = console.export_text()

    assert "Approval of 2020-Q1" in text
    line = next(row for row in text.splitlines() if "mechelen" in row and "referred" in row)
    assert [cell.strip() for cell in line.split("│")][-4:-1] == ["80", "86", "6"]
    assert "submitted 2020-04-02" in text
    assert approvals_table(quarter_report()) is None


def test_the_html_report_shows_the_adjustment() -> None:
    page = to_html(approved_report(), None)

    assert 'data-adjustment="mechelen/families_referred"' in page
    assert "<td>80</td><td>86</td><td>6</td>" in page
    assert "Approval and adjustments" not in to_html(quarter_report(), None)


def test_replay_diff_compares_the_log_with_the_hubs_current_figures() -> None:
    hub = report_to_dict(approved_report())

    assert differences(report_to_dict(quarter_report()), current_of(hub)) == []
    assert differences(report_to_dict(quarter_report()), hub) == [
        ("mechelen", "families_referred", 86, 80)]
