"""The report in a terminal: rich tables, indicators as rows, partners or countries as columns.

A quarter with approvals gets a table of them: each approved partner's figures in the partner
table are the approved ones, and the adjustments (approved, current, difference) follow.

Thousands separators, ratios as percentages; `print_report` fits as many partners side by
side as the terminal holds, then the country table and the network's breakdowns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from contracts.indicators import DIMENSION_LABELS, DIMENSIONS, format_value, label_of, ordered
from contracts.report import Report, Value, country_label, country_order, share_percent
from contracts.subjects import NETWORK_SCOPE


def _columns(report: Report, scope: str) -> list[tuple[str, Mapping[str, Value]]]:
    if scope == "partners":
        return sorted(report.partners.items())
    if scope == "countries":
        return [(country_label(c), report.countries[c]) for c in country_order(report)]
    raise ValueError(f"scope must be 'partners' or 'countries', not {scope!r}")


def to_table(report: Report, *, scope: str = "partners", only: Sequence[str] | None = None,
             network: bool = True, short: bool = False) -> Table:
    """Indicators as rows, one column per partner (or country) and the network total.

    `only` keeps some columns (partner ids or country codes), `network` the total column;
    `short` heads country columns with their codes (for narrow terminals).
    """
    columns = _columns(report, scope)
    if scope == "countries" and short:
        columns = [(c, report.countries[c]) for c in country_order(report)]
    if only is not None:
        keep = set(only)
        columns = [(n, f) for n, f in columns if n in keep
                   or (scope == "countries" and _code(n) in keep)]
    kind = "partner" if scope == "partners" else "country"
    table = Table(title=Text(f"PACE figures by {kind} - period {report.period}, "
                             f"as of {report.as_of.isoformat()}"),
                  title_justify="left", header_style="bold")
    table.add_column("Indicator", overflow="fold")
    for name, _figures in columns:
        table.add_column(Text(name), justify="right", no_wrap=True, overflow="fold")
    if network:
        table.add_column("Network", justify="right", style="bold", no_wrap=True,
                         overflow="fold")
    for name in ordered(report.network):
        cells = [Text(format_value(name, f.get(name, 0))) for _n, f in columns]
        if network:
            cells.append(Text(format_value(name, report.network[name])))
        table.add_row(Text(label_of(name)), *cells)
    return table


def _code(label: str) -> str:
    """The country code in a label like "Belgium (BE)"."""
    return label.rsplit("(", 1)[-1].rstrip(")") if label.endswith(")") else label


def breakdown_table(report: Report, dimension: str, scope: str = NETWORK_SCOPE) -> Table:
    """One scope's breakdown by one dimension: indicators as rows, categories as columns."""
    categories = report.breakdowns.get(scope, {}).get(dimension, {})
    table = Table(title=Text(f"{'Network' if scope == NETWORK_SCOPE else scope} by "
                             f"{DIMENSION_LABELS.get(dimension, dimension)}"),
                  title_justify="left", header_style="bold")
    table.add_column("Indicator", no_wrap=True)
    for category in categories:
        table.add_column(Text(category), justify="right")
    for name in DIMENSIONS.get(dimension, ()):
        table.add_row(Text(label_of(name)), *(Text(format_value(name, figures.get(name, 0)))
                                              for figures in categories.values()))
    return table


def approvals_table(report: Report) -> Table | None:
    """The quarter's approvals and, beside each approved figure, what later events changed."""
    if not report.approvals and not report.adjustments:
        return None
    table = Table(title=Text(f"Approval of {report.period}: approved figures stand; later "
                             "events are adjustments"), title_justify="left",
                  header_style="bold")
    for column in ("Partner", "Status", "Indicator", "Approved", "Current", "Difference"):
        table.add_column(column, justify="left" if column in ("Partner", "Status", "Indicator")
                         else "right")
    for partner in sorted({*report.approvals, *report.adjustments}):
        approval = report.approvals.get(partner, {})
        status = Text(f"{approval.get('status', 'open')} {approval.get('on', '')}".strip())
        changes = report.adjustments.get(partner, {})
        if not changes:
            table.add_row(Text(partner), status, Text("no adjustment"), "", "", "")
        for name, change in changes.items():
            table.add_row(Text(partner), status, Text(label_of(name)),
                          *(Text(format_value(name, change[part]))
                            for part in ("approved", "current", "difference")))
    return table


def targets_table(report: Report) -> Table | None:
    """Each partner's targets of the period: target, actual and the share reached."""
    if not report.targets:
        return None
    table = Table(title=Text(f"Targets of {report.period}"), title_justify="left",
                  header_style="bold")
    for column in ("Partner", "Indicator", "Target", "Actual", "Share of target"):
        table.add_column(column, justify="left" if column in ("Partner", "Indicator")
                         else "right")
    for partner, targets in sorted(report.targets.items()):
        for name, target in targets.items():
            table.add_row(Text(partner), Text(label_of(name)),
                          Text(format_value(name, target["target"])),
                          Text(format_value(name, target["actual"])),
                          Text(share_percent(target.get("share"))))
    return table


def print_report(console: Console, report: Report) -> None:
    """The partner tables (as many partners side by side as the terminal holds), the
    country table and the network's breakdowns."""
    partners = sorted(report.partners)
    per_table = max(2, (console.width - 34) // 10)
    for start in range(0, len(partners), per_table):
        group = partners[start:start + per_table]
        console.print(to_table(report, scope="partners", only=group,
                               network=start + per_table >= len(partners)))
    if (approvals := approvals_table(report)) is not None:
        console.print(approvals)
    if (targets := targets_table(report)) is not None:
        console.print(targets)
    console.print(to_table(report, scope="countries", short=console.width < 120))
    for dimension in DIMENSIONS:
        if report.breakdowns.get(NETWORK_SCOPE, {}).get(dimension):
            console.print(breakdown_table(report, dimension))


