"""Reports out: JSON for auditors, CSV for spreadsheets, rich tables for terminals, one HTML page.

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
- `to_table(report, scope="partners"|"countries")` and `print_report(console, report)`: rich
  tables for the terminal, indicators as rows, one column per partner or country and a
  network total; thousands separators, ratios as percentages.
- `to_html(report, trends, title=...)`: one self-contained HTML page (inline CSS and SVG, no
  script, no external reference) for a coordinator.
"""

from __future__ import annotations

import calendar
import csv
import html
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from contracts.subjects import NETWORK_SCOPE
from services.reporting.indicators import (
    BY_NAME,
    DIMENSIONS,
    INDICATORS,
    UNKNOWN_COUNTRY,
    Report,
)
from services.reporting.periods import Period

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

COUNTRY_NAMES = {"BE": "Belgium", "NL": "Netherlands", "FR": "France", "UK": "United Kingdom"}
DIMENSION_LABELS = {"gender": "gender", "referral_source": "referral source"}
CSV_HEADER = ("as_of", "period", "scope_kind", "scope", "dimension", "category", "indicator",
              "value")
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#8c6d1f",
           "#000000")  # Okabe-Ito, readable for colour-blind readers

Series = Sequence[tuple[date, int | float]]
"""Points of one trend line: (date, value), in date order."""

_LEGEND_ROW = 18  # px between rows of a chart's legend
_BAR_LEFT, _BAR_PLOT, _BAR_TOP, _BAR_ROW = 190, 450, 58, 24  # px: bar charts' layout


# -- values ------------------------------------------------------------------------------------


def normal_value(indicator: str, value: int | float) -> int | float:
    """An int for count indicators; a float rounded to its decimals for the others."""
    known = BY_NAME.get(indicator)
    if known is None or isinstance(value, str):  # a suppressed cell: "<5" or "x"
        return value
    return round(float(value), known.decimals) + 0.0 if known.decimals else int(value)


def plain_value(indicator: str, value: int | float) -> str:
    """A machine-readable number: '1234', '1234.50', '0.333'."""
    known = BY_NAME.get(indicator)
    if isinstance(value, str):  # a suppressed cell
        return value
    if known is not None and known.decimals:
        return f"{float(value):.{known.decimals}f}"
    return str(normal_value(indicator, value))


def format_value(indicator: str, value: int | float) -> str:
    """A number for people: '1,234', '1,234.50' (hours), '33.3%' (ratios)."""
    known = BY_NAME.get(indicator)
    if isinstance(value, str):  # a suppressed cell
        return value
    if known is not None and known.is_ratio:
        return f"{float(value) * 100:.1f}%"
    if known is not None and known.decimals:
        return f"{float(value):,.{known.decimals}f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def unit_of(indicator: str) -> str:
    """What an indicator counts (families, parents, ..., ratio), for axis labels."""
    known = BY_NAME.get(indicator)
    return known.unit if known is not None else "value"


def axis_unit(indicator: str) -> str:
    """An axis label: the unit, or 'share (%)' for ratios."""
    unit = unit_of(indicator)
    return "share (%)" if unit == "ratio" else unit


def label_of(indicator: str) -> str:
    known = BY_NAME.get(indicator)
    return known.label if known is not None else indicator.replace("_", " ").capitalize()


def country_label(country: str) -> str:
    """'Belgium (BE)'; 'Country unknown' for partners missing from the countries given."""
    if country == UNKNOWN_COUNTRY:
        return "Country unknown"
    name = COUNTRY_NAMES.get(country)
    return f"{name} ({country})" if name else country


def country_order(report: Report) -> list[str]:
    """The report's countries sorted, the unknown country ("??") last."""
    return sorted(report.countries, key=lambda country: (country == UNKNOWN_COUNTRY, country))


def _normal(figures: Mapping[str, int | float]) -> dict[str, int | float]:
    return {name: normal_value(name, value) for name, value in figures.items()}


# -- JSON and CSV ------------------------------------------------------------------------------


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
    }


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """The report back from `report_to_dict` data (e.g. the hub's `figures` answer)."""
    return Report(as_of=date.fromisoformat(data["as_of"]), period=data["period"],
                  partners=dict(data["partners"]), countries=dict(data["countries"]),
                  network=dict(data["network"]), breakdowns=dict(data["breakdowns"]),
                  country_of=dict(data.get("country_of", {})))


def to_json(report: Report) -> bytes:
    """Deterministic JSON: the same report gives the same bytes (auditors diff them)."""
    return orjson.dumps(report_to_dict(report),
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
                        | orjson.OPT_APPEND_NEWLINE)


def _scopes(report: Report) -> list[tuple[str, str, Mapping[str, int | float]]]:
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
    return out.getvalue()


# -- terminal ----------------------------------------------------------------------------------


def _ordered(figures: Iterable[str]) -> list[str]:
    """Indicator names in INDICATORS order, unknown ones after (sorted)."""
    names = set(figures)
    return ([i.name for i in INDICATORS if i.name in names]
            + sorted(names - set(BY_NAME)))


def _columns(report: Report, scope: str) -> list[tuple[str, Mapping[str, int | float]]]:
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
    for name in _ordered(report.network):
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


def print_report(console: Console, report: Report) -> None:
    """The partner tables (as many partners side by side as the terminal holds), the
    country table and the network's breakdowns."""
    partners = sorted(report.partners)
    per_table = max(2, (console.width - 34) // 10)
    for start in range(0, len(partners), per_table):
        group = partners[start:start + per_table]
        console.print(to_table(report, scope="partners", only=group,
                               network=start + per_table >= len(partners)))
    console.print(to_table(report, scope="countries", short=console.width < 120))
    for dimension in DIMENSIONS:
        if report.breakdowns.get(NETWORK_SCOPE, {}).get(dimension):
            console.print(breakdown_table(report, dimension))


# -- HTML --------------------------------------------------------------------------------------

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


def _e(text: object) -> str:
    """Escaped for HTML text and attribute values (SVG included)."""
    return html.escape(str(text), quote=True)


def _nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def _axis_number(value: float, ratio: bool) -> str:
    """A tick or point label: '1,500', '2.5', '20%'."""
    if ratio:
        return f"{value * 100:.3g}%"
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}"


def _svg_open(width: int, height: int, title: str) -> str:
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>'
            f'<text x="8" y="20" font-size="15" font-weight="600">{_e(title)}</text>')


def _legend(items: Sequence[tuple[str, str]], left: float, top: float, right: float
            ) -> tuple[str, int]:
    """Colour swatches with labels, wrapped onto more rows as needed: (svg, rows used)."""
    parts, x, y = [], left, top
    for label, colour in items:
        width = 28 + 7 * len(label)  # about 7 px per character at 12 px
        if x > left and x + width > right:
            x, y = left, y + _LEGEND_ROW
        parts.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{x + 16:.0f}" y="{y:.0f}">{_e(label)}</text>')
        x += width
    return "".join(parts), round((y - top) / _LEGEND_ROW) + 1


def _bar(partner: str, value: int | float, indicator: str, y: float, scale: float,
         colour: str) -> str:
    """One partner's bar: its name on the left, the bar, its value at the bar's end."""
    length, text = float(value) * scale, _e(format_value(indicator, value))
    shown = partner if len(partner) <= 24 else partner[:23] + "\u2026"
    return (f'<text x="{_BAR_LEFT - 8}" y="{y + 15}" text-anchor="end">{_e(shown)}</text>'
            f'<rect x="{_BAR_LEFT}" y="{y + 3}" width="{length:.1f}" height="16" '
            f'fill="{colour}"><title>{_e(partner)}: {text}</title></rect>'
            f'<text x="{_BAR_LEFT + length + 6:.1f}" y="{y + 15}">{text}</text>')


def bar_chart(indicator: str, report: Report, colours: Mapping[str, str]) -> str:
    """One indicator across partners: a horizontal bar each, coloured by country."""
    bars = sorted(report.partners.items())
    width = _BAR_LEFT + _BAR_PLOT + 80
    legend, rows = _legend([(country_label(c), colours[c]) for c in country_order(report)],
                           _BAR_LEFT, 42, width - 8)
    top = _BAR_TOP + (rows - 1) * _LEGEND_ROW
    bottom = top + _BAR_ROW * len(bars)
    ticks = _nice_ticks(max((float(f.get(indicator, 0)) for _p, f in bars), default=0))
    scale, ratio = _BAR_PLOT / ticks[-1], unit_of(indicator) == "ratio"
    axis_label = f"{axis_unit(indicator)} (period {report.period})"
    return "".join([
        _svg_open(width, bottom + 52, f"{label_of(indicator)} by partner"), legend,
        *(f'<line x1="{_BAR_LEFT + t * scale:.1f}" y1="{top - 4}" '
          f'x2="{_BAR_LEFT + t * scale:.1f}" y2="{bottom}" stroke="#e3e8ee"/>'
          f'<text x="{_BAR_LEFT + t * scale:.1f}" y="{bottom + 16}" text-anchor="middle">'
          f"{_e(_axis_number(t, ratio))}</text>" for t in ticks),
        *(_bar(partner, figures.get(indicator, 0), indicator, top + i * _BAR_ROW, scale,
               colours.get(report.country_of.get(partner, UNKNOWN_COUNTRY), "#777777"))
          for i, (partner, figures) in enumerate(bars)),
        f'<line x1="{_BAR_LEFT}" y1="{bottom}" x2="{_BAR_LEFT + _BAR_PLOT}" y2="{bottom}" '
        f'stroke="#1d2630"/><text x="{_BAR_LEFT + _BAR_PLOT / 2:.0f}" y="{bottom + 38}" '
        f'text-anchor="middle">{_e(axis_label)}</text></svg>'])


class _TimeAxes:
    """Scales dates to x and values to y inside a chart's plot area."""

    def __init__(self, lines: Sequence[tuple[str, Series]], box: tuple[int, int, int, int]
                 ) -> None:
        self.left, self.top, self.width, self.height = box
        days = [day.toordinal() for _label, points in lines for day, _value in points]
        self.first, self.last = (min(days), max(days)) if days else (0, 0)
        self.ticks = _nice_ticks(max((float(v) for _l, pts in lines for _d, v in pts),
                                     default=0))
        self.bottom = self.top + self.height

    def x(self, day: date) -> float:
        if self.last == self.first:
            return self.left + self.width / 2
        return self.left + (day.toordinal() - self.first) / (self.last - self.first) * self.width

    def y(self, value: float) -> float:
        return self.bottom - float(value) / self.ticks[-1] * self.height


def _time_axes(axes: _TimeAxes, dates: Sequence[date], unit: str, ratio: bool) -> str:
    """Grid lines and value ticks, date ticks, both axis lines and their labels."""
    right = axes.left + axes.width
    parts = [f'<line x1="{axes.left}" y1="{axes.y(t):.1f}" x2="{right}" y2="{axes.y(t):.1f}" '
             f'stroke="#e3e8ee"/><text x="{axes.left - 6}" y="{axes.y(t) + 4:.1f}" '
             f'text-anchor="end">{_e(_axis_number(t, ratio))}</text>' for t in axes.ticks]
    parts += [f'<line x1="{axes.x(day):.1f}" y1="{axes.bottom}" x2="{axes.x(day):.1f}" '
              f'y2="{axes.bottom + 4}" stroke="#1d2630"/><text x="{axes.x(day):.1f}" '
              f'y="{axes.bottom + 18}" text-anchor="middle">{_e(label)}</text>'
              for day, label in _date_ticks(dates)]
    parts.append(
        f'<line x1="{axes.left}" y1="{axes.bottom}" x2="{right}" y2="{axes.bottom}" '
        f'stroke="#1d2630"/><line x1="{axes.left}" y1="{axes.top}" x2="{axes.left}" '
        f'y2="{axes.bottom}" stroke="#1d2630"/>'
        f'<text x="{axes.left + axes.width / 2:.0f}" y="{axes.bottom + 44}" '
        f'text-anchor="middle">date (figures to date)</text>'
        f'<text transform="translate(16 {axes.top + axes.height / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{_e(unit)}</text>')
    return "".join(parts)


def _line(axes: _TimeAxes, label: str, points: Series, colour: str, ratio: bool) -> str:
    """A polyline, with a dot (and a hover title) per point when there are few points."""
    coordinates = " ".join(f"{axes.x(d):.1f},{axes.y(v):.1f}" for d, v in points)
    dots = "".join(f'<circle cx="{axes.x(d):.1f}" cy="{axes.y(v):.1f}" r="2.5" fill="{colour}">'
                   f"<title>{_e(label)}, {d.isoformat()}: {_e(_axis_number(v, ratio))}"
                   f"</title></circle>" for d, v in points) if len(points) <= 60 else ""
    return (f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
            f'stroke-width="2"/>{dots}')


def line_chart(title: str, unit: str, lines: Sequence[tuple[str, Series]], *,
               ratio: bool = False) -> str:
    """Lines over time sharing one y axis (`unit`); a legend names each line."""
    width, height = 720, 330
    axes = _TimeAxes(lines, (78, 62, width - 78 - 40, height - 62 - 56))
    colours = [PALETTE[index % len(PALETTE)] for index in range(len(lines))]
    dates = sorted({day for _label, points in lines for day, _value in points})
    legend, _rows = _legend([(label, colours[i]) for i, (label, _points) in enumerate(lines)],
                            78, 44, width - 8)
    return "".join([
        _svg_open(width, height, title), legend,
        _time_axes(axes, dates, unit, ratio),
        *(_line(axes, label, points, colours[i], ratio)
          for i, (label, points) in enumerate(lines)),
        "</svg>"])


def _date_ticks(dates: Sequence[date], most: int = 8) -> list[tuple[date, str]]:
    """Round dates to mark on a time axis: year starts ('2018'), else month starts."""
    if not dates:
        return []
    first, last = dates[0], dates[-1]
    for years in (1, 2, 5, 10, 20):
        ticks = [(date(y, 1, 1), str(y)) for y in range(first.year, last.year + 1)
                 if y % years == 0 and first <= date(y, 1, 1) <= last]
        if 2 <= len(ticks) <= most:
            return ticks
    months = [(first.year, first.month)]
    while months[-1] < (last.year, last.month):
        year, month = months[-1]
        months.append((year + month // 12, month % 12 + 1))
    for step in (1, 2, 3, 6):
        ticks = [(date(y, m, 1), f"{y}-{m:02d}") for y, m in months
                 if (m - 1) % step == 0 and first <= date(y, m, 1) <= last]
        if 2 <= len(ticks) <= most:
            return ticks
    return [(day, day.isoformat()) for day in sorted({first, last})]


def trend_charts(trends: Mapping[str, Series]) -> list[str]:
    """One line chart per unit (families, parents, ...), a line per indicator."""
    by_unit: dict[str, list[tuple[str, Series]]] = {}
    for name in _ordered(trends):
        unit = unit_of(name)
        by_unit.setdefault(unit, []).append((label_of(name), trends[name]))
    return [line_chart(f"Network over time: {unit}" if len(series) > 1
                       else f"Network over time: {series[0][0]}",
                       "share (%)" if unit == "ratio" else unit, series, ratio=unit == "ratio")
            for unit, series in by_unit.items()]


def _html_table(caption: str, columns: Sequence[tuple[str, Mapping[str, int | float]]],
                total: Mapping[str, int | float] | None, names: Sequence[str]) -> str:
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
    names = _ordered(report.network)
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
        "<h2>Network breakdowns</h2>", *_breakdown_tables(report),
        _definitions(),
    ]
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style></head>\n<body>",
        *(section for section in sections if section),
        "</body>\n</html>\n"])
