"""The coordinator's HTML report: one self-contained page (inline CSS and SVG, no script).

`to_html(report, trends, title=...)` gives key figures, childcare after coaching, charts,
the country and partner tables, the period's targets (target, actual, share), the network's
breakdowns and the indicators' definitions.
The dashboard (hub_app) draws its charts with the same functions.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from contracts.indicators import (
    BY_NAME,
    DIMENSION_LABELS,
    DIMENSIONS,
    INDICATORS,
    format_value,
    label_of,
    ordered,
)
from contracts.periods import Period
from contracts.report import (
    UNKNOWN_COUNTRY,
    Report,
    Value,
    country_label,
    country_order,
    share_percent,
)
from contracts.subjects import NETWORK_SCOPE
from services.web.figures_charts import PALETTE, Series, bar_chart, trend_charts
from services.web.figures_charts import escape as _e

KEY_INDICATORS: tuple[str, ...] = (
    "families_referred", "families_with_childcare", "trajectories_started",
    "parents_reduced_distance_to_work", "parents_found_work", "children_cared_for",
)
"""The indicators the HTML page charts across partners, one bar chart each."""

AFTER_COACHING_INDICATORS: tuple[str, ...] = (
    "places_after_trajectory_end", "families_bridging", "median_days_to_handover",
    "waitlist_length",
)
"""Childcare after coaching ended (the partners' pain point): shown in a section of their own."""

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1d2630;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.4rem;border-bottom:2px solid #d8dee6;padding-bottom:.2rem}
.meta{color:#4a5866;margin-top:0}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #d8dee6;border-radius:6px;padding:.6rem .9rem;min-width:150px}
.card b{display:block;font-size:1.6rem}.card span{color:#4a5866;font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1rem}
figure{margin:0;border:1px solid #e3e8ee;border-radius:6px;padding:.4rem}
svg{max-width:100%;height:auto;font-size:12px}svg text{fill:#1d2630}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem;margin:.6rem 0}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #e3e8ee}td{text-align:right;white-space:nowrap}
th[scope=row]{text-align:left;font-weight:normal}thead th{border-bottom:2px solid #9aa7b4}
td.total{font-weight:600}dt{font-weight:600}dd{margin:0 0 .4rem 1rem;color:#4a5866}
"""


def _html_table(caption: str, columns: Sequence[tuple[str, Mapping[str, Value]]],
                total: Mapping[str, Value] | None, names: Sequence[str]) -> str:
    head = "".join(f'<th scope="col">{_e(name)}</th>' for name, _f in columns)
    head += '<th scope="col">Network</th>' if total is not None else ""
    rows = []
    for name in names:
        cells = "".join(f"<td>{_e(format_value(name, f.get(name, 0)))}</td>" for _n, f in columns)
        if total is not None:
            cells += f'<td class="total">{_e(format_value(name, total.get(name, 0)))}</td>'
        description = BY_NAME[name].description if name in BY_NAME else name
        rows.append(f'<tr><th scope="row" title="{_e(description)}">{_e(label_of(name))}</th>'
                    f"{cells}</tr>")
    return (f'<div class="scroll"><table><caption>{_e(caption)}</caption><thead><tr>'
            f'<th scope="col">Indicator</th>{head}</tr></thead><tbody>{"".join(rows)}'
            f"</tbody></table></div>")


def _breakdown_tables(report: Report) -> list[str]:
    tables = []
    for dimension, names in DIMENSIONS.items():
        categories = report.breakdowns.get(NETWORK_SCOPE, {}).get(dimension, {})
        if categories:
            tables.append(_html_table(
                f"Network by {DIMENSION_LABELS.get(dimension, dimension)}",
                [(category.replace("_", " "), figures)
                 for category, figures in categories.items()], report.network, names))
    return tables


def _window_text(report: Report) -> str:
    try:
        start, end = Period.parse(report.period).window(report.as_of)
    except ValueError:
        return ""
    if start is not None and start > end:
        return " (the period has not started by the as-of date)"
    return f" (events dated {'up to' if start is None else f'{start} to'} {end})"


def _long_date(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _header(report: Report, title: str) -> str:
    countries = len([c for c in report.countries if c != UNKNOWN_COUNTRY])
    return (f"<h1>{_e(title)}</h1>\n"
            f'<p class="meta">Figures as of <strong>{_e(_long_date(report.as_of))}</strong>, '
            f"period <strong>{_e(report.period)}</strong>{_e(_window_text(report))}. "
            f"{len(report.partners)} partners in {countries} countries.</p>")


def _key_figures(report: Report) -> str:
    cards = "".join(f'<div class="card"><b>{_e(format_value(n, report.network.get(n, 0)))}'
                    f"</b><span>{_e(label_of(n))}</span></div>" for n in KEY_INDICATORS)
    return f'<h2>Network key figures</h2>\n<div class="cards">{cards}</div>'


def _after_coaching(report: Report) -> str:
    """Cards and a per-partner table: places kept after coaching, bridging, handover delay."""
    names = AFTER_COACHING_INDICATORS
    cards = "".join(f'<div class="card"><b>{_e(format_value(n, report.network.get(n, 0)))}'
                    f"</b><span>{_e(label_of(n))}</span></div>" for n in names)
    return (f'<h2>Childcare after coaching</h2>\n<div class="cards">{cards}</div>\n'
            + _html_table("Childcare after coaching, by partner",
                          sorted(report.partners.items()), report.network, names))


def _charts(heading: str, note: str, charts: Iterable[str]) -> str:
    figures = "\n".join(f"<figure>{chart}</figure>" for chart in charts)
    return (f'<h2>{_e(heading)}</h2>\n<p class="meta">{_e(note)}</p>\n'
            f'<div class="charts">\n{figures}\n</div>') if figures else ""


def _approvals(report: Report) -> str:
    """The quarter's approvals and adjustments: approved, current, difference."""
    if not report.approvals and not report.adjustments:
        return ""
    rows = []
    for partner in sorted({*report.approvals, *report.adjustments}):
        approval = report.approvals.get(partner, {})
        status = f"{approval.get('status', 'open')} {approval.get('on', '')}".strip()
        changes = report.adjustments.get(partner, {})
        if not changes:
            rows.append(f'<tr><th scope="row">{_e(partner)}</th><td>{_e(status)}</td>'
                        '<td>no adjustment</td><td></td><td></td><td></td></tr>')
        for name, change in changes.items():
            cells = "".join(f"<td>{_e(format_value(name, change[part]))}</td>"
                            for part in ("approved", "current", "difference"))
            rows.append(f'<tr data-adjustment="{_e(partner)}/{_e(name)}"><th scope="row">'
                        f"{_e(partner)}</th><td>{_e(status)}</td><td>{_e(label_of(name))}</td>"
                        f"{cells}</tr>")
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Partner", "Status", "Indicator", "Approved", "Current", "Difference"))
    return ("<h2>Approval and adjustments</h2>\n"
            '<p class="meta">An approved partner\'s figures above are the approved ones; '
            "events that arrived later show here as adjustments.</p>\n"
            f'<div class="scroll"><table id="adjustments"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _targets(report: Report) -> str:
    """Each partner's targets of the period: target, actual, share of target."""
    rows = [f'<tr data-target="{_e(partner)}/{_e(name)}"><th scope="row">{_e(partner)}</th>'
            f"<td>{_e(label_of(name))}</td><td>{_e(format_value(name, target['target']))}</td>"
            f"<td>{_e(format_value(name, target['actual']))}</td>"
            f"<td>{_e(share_percent(target.get('share')))}</td></tr>"
            for partner, targets in sorted(report.targets.items())
            for name, target in targets.items()]
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Partner", "Indicator", "Target", "Actual", "Share of target"))
    return (f"<h2>Targets of {_e(report.period)}</h2>\n"
            f'<div class="scroll"><table id="targets"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _definitions() -> str:
    items = "".join(f"<dt>{_e(i.label)}</dt><dd>{_e(i.description)} "
                    f"(<code>{_e(i.name)}</code>)</dd>" for i in INDICATORS)
    return f"<h2>Definitions</h2>\n<dl>{items}</dl>"


def to_html(report: Report, trends: Mapping[str, Series] | None = None, *,
            title: str = "PACE network figures") -> str:
    """One self-contained page: key figures, charts, country and partner tables, definitions.

    `trends` maps indicator -> [(date, network value to date)], e.g. from `Fold.trend`.
    Every string is escaped; there is no script and no external reference.
    """
    colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(country_order(report))}
    names = ordered(report.network)
    countries = [(country_label(c), report.countries[c]) for c in country_order(report)]
    sections = [
        _header(report, title),
        _key_figures(report),
        _after_coaching(report),
        _charts("Key indicators by partner", "Bars are coloured by the partner's country.",
                (bar_chart(name, report, colours) for name in KEY_INDICATORS)),
        _charts("Network over time", "Each point is the whole network's figure to that date.",
                trend_charts(trends or {})),
        "<h2>By country</h2>",
        _html_table("Figures by country", countries, report.network, names),
        "<h2>By partner</h2>",
        _html_table("Figures by partner", sorted(report.partners.items()), report.network,
                    names),
        _approvals(report),
        _targets(report),
        "<h2>Network breakdowns</h2>", *_breakdown_tables(report),
        _definitions(),
    ]
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style></head>\n<body>",
        *(section for section in sections if section),
        "</body>\n</html>\n"])
