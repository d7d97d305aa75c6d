"""The report's charts as inline SVG: bars across partners, lines over time (no script)."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from contracts.indicators import format_value, label_of, ordered, unit_of
from contracts.report import UNKNOWN_COUNTRY, Report, country_label, country_order

PALETTE = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#8c6d1f",
           "#000000")  # Okabe-Ito, readable for colour-blind readers

Series = Sequence[tuple[date, int | float]]
"""Points of one trend line: (date, value), in date order."""



def _as_is(text: str) -> str:
    return text


@dataclass(frozen=True)
class ChartWords:
    """The words the charts print: English by default; the web apps pass their language's."""

    by_partner: str = "{label} by partner"
    by_country: str = "{label} by country"
    axis: str = "{unit} (period {period})"
    share: str = "share (%)"
    over_time: str = "{scope} over time: {what}"
    network: str = "Network"
    date_axis: str = "date (figures to date)"
    label: Callable[[str], str] = label_of
    unit: Callable[[str], str] = _as_is
    country: Callable[[str], str] = country_label


ENGLISH = ChartWords()

_LEGEND_ROW = 18  # px between rows of a chart's legend
_BAR_LEFT, _BAR_PLOT, _BAR_TOP, _BAR_ROW = 190, 450, 58, 24  # px: bar charts' layout


def axis_unit(indicator: str, words: ChartWords = ENGLISH) -> str:
    """An axis label: the unit, or 'share (%)' for ratios."""
    unit = unit_of(indicator)
    return words.share if unit == "ratio" else words.unit(unit)


def escape(text: object) -> str:
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
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<text x="8" y="20" font-size="15" font-weight="600">{escape(title)}</text>')


def _legend(items: Sequence[tuple[str, str]], left: float, top: float, right: float
            ) -> tuple[str, int]:
    """Colour swatches with labels, wrapped onto more rows as needed: (svg, rows used)."""
    parts, x, y = [], left, top
    for label, colour in items:
        width = 28 + 7 * len(label)  # about 7 px per character at 12 px
        if x > left and x + width > right:
            x, y = left, y + _LEGEND_ROW
        parts.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{x + 16:.0f}" y="{y:.0f}">{escape(label)}</text>')
        x += width
    return "".join(parts), round((y - top) / _LEGEND_ROW) + 1


def _bar(partner: str, value: int | float, indicator: str, y: float, scale: float,
         colour: str) -> str:
    """One partner's bar: its name on the left, the bar, its value at the bar's end."""
    length, text = float(value) * scale, escape(format_value(indicator, value))
    shown = partner if len(partner) <= 24 else partner[:23] + "\u2026"
    return (f'<text x="{_BAR_LEFT - 8}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{_BAR_LEFT}" y="{y + 3}" width="{length:.1f}" height="16" '
            f'fill="{colour}"><title>{escape(partner)}: {text}</title></rect>'
            f'<text x="{_BAR_LEFT + length + 6:.1f}" y="{y + 15}">{text}</text>')


def bar_chart(indicator: str, report: Report, colours: Mapping[str, str],
              words: ChartWords = ENGLISH, *, by_country: bool = False) -> str:
    """One indicator across partners (or countries): a horizontal bar each, coloured by
    country."""
    bars = sorted(report.partners.items())
    width = _BAR_LEFT + _BAR_PLOT + 80
    legend, rows = _legend([(words.country(c), colours[c]) for c in country_order(report)],
                           _BAR_LEFT, 42, width - 8)
    top = _BAR_TOP + (rows - 1) * _LEGEND_ROW
    bottom = top + _BAR_ROW * len(bars)
    ticks = _nice_ticks(max((float(f.get(indicator, 0)) for _p, f in bars), default=0))
    scale, ratio = _BAR_PLOT / ticks[-1], unit_of(indicator) == "ratio"
    axis_label = words.axis.format(unit=axis_unit(indicator, words), period=report.period)
    title = (words.by_country if by_country else words.by_partner).format(
        label=words.label(indicator))
    return "".join([
        _svg_open(width, bottom + 52, title), legend,
        *(f'<line x1="{_BAR_LEFT + t * scale:.1f}" y1="{top - 4}" '
          f'x2="{_BAR_LEFT + t * scale:.1f}" y2="{bottom}" stroke="#e3e8ee"/>'
          f'<text x="{_BAR_LEFT + t * scale:.1f}" y="{bottom + 16}" text-anchor="middle">'
          f"{escape(_axis_number(t, ratio))}</text>" for t in ticks),
        *(_bar(partner, figures.get(indicator, 0), indicator, top + i * _BAR_ROW, scale,
               colours.get(report.country_of.get(partner, UNKNOWN_COUNTRY), "#777777"))
          for i, (partner, figures) in enumerate(bars)),
        f'<line x1="{_BAR_LEFT}" y1="{bottom}" x2="{_BAR_LEFT + _BAR_PLOT}" y2="{bottom}" '
        f'stroke="#1d2630"/><text x="{_BAR_LEFT + _BAR_PLOT / 2:.0f}" y="{bottom + 38}" '
        f'text-anchor="middle">{escape(axis_label)}</text></svg>'])


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


def _time_axes(axes: _TimeAxes, dates: Sequence[date], unit: str, ratio: bool,
               words: ChartWords = ENGLISH) -> str:
    """Grid lines and value ticks, date ticks, both axis lines and their labels."""
    right = axes.left + axes.width
    parts = [f'<line x1="{axes.left}" y1="{axes.y(t):.1f}" x2="{right}" y2="{axes.y(t):.1f}" '
             f'stroke="#e3e8ee"/><text x="{axes.left - 6}" y="{axes.y(t) + 4:.1f}" '
             f'text-anchor="end">{escape(_axis_number(t, ratio))}</text>' for t in axes.ticks]
    parts += [f'<line x1="{axes.x(day):.1f}" y1="{axes.bottom}" x2="{axes.x(day):.1f}" '
              f'y2="{axes.bottom + 4}" stroke="#1d2630"/><text x="{axes.x(day):.1f}" '
              f'y="{axes.bottom + 18}" text-anchor="middle">{escape(label)}</text>'
              for day, label in _date_ticks(dates)]
    parts.append(
        f'<line x1="{axes.left}" y1="{axes.bottom}" x2="{right}" y2="{axes.bottom}" '
        f'stroke="#1d2630"/><line x1="{axes.left}" y1="{axes.top}" x2="{axes.left}" '
        f'y2="{axes.bottom}" stroke="#1d2630"/>'
        f'<text x="{axes.left + axes.width / 2:.0f}" y="{axes.bottom + 44}" '
        f'text-anchor="middle">{escape(words.date_axis)}</text>'
        f'<text transform="translate(16 {axes.top + axes.height / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(unit)}</text>')
    return "".join(parts)


def _line(axes: _TimeAxes, label: str, points: Series, colour: str, ratio: bool) -> str:
    """A polyline, with a dot (and a hover title) per point when there are few points."""
    coordinates = " ".join(f"{axes.x(d):.1f},{axes.y(v):.1f}" for d, v in points)
    dots = "".join(f'<circle cx="{axes.x(d):.1f}" cy="{axes.y(v):.1f}" r="2.5" fill="{colour}">'
                   f"<title>{escape(label)}, {d.isoformat()}: {escape(_axis_number(v, ratio))}"
                   f"</title></circle>" for d, v in points) if len(points) <= 60 else ""
    return (f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
            f'stroke-width="2"/>{dots}')


def line_chart(title: str, unit: str, lines: Sequence[tuple[str, Series]], *,
               ratio: bool = False, words: ChartWords = ENGLISH) -> str:
    """Lines over time sharing one y axis (`unit`); a legend names each line."""
    width, height = 720, 330
    axes = _TimeAxes(lines, (78, 62, width - 78 - 40, height - 62 - 56))
    colours = [PALETTE[index % len(PALETTE)] for index in range(len(lines))]
    dates = sorted({day for _label, points in lines for day, _value in points})
    legend, _rows = _legend([(label, colours[i]) for i, (label, _points) in enumerate(lines)],
                            78, 44, width - 8)
    return "".join([
        _svg_open(width, height, title), legend,
        _time_axes(axes, dates, unit, ratio, words),
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


def trend_charts(trends: Mapping[str, Series], scope: str | None = None,
                 words: ChartWords = ENGLISH) -> list[str]:
    """One line chart per unit (families, parents, ...), a line per indicator, of a scope
    (the network unless named)."""
    by_unit: dict[str, list[tuple[str, Series]]] = {}
    for name in ordered(trends):
        unit = unit_of(name)
        by_unit.setdefault(unit, []).append((words.label(name), trends[name]))
    return [line_chart(words.over_time.format(
                           scope=words.network if scope is None else scope,
                           what=words.unit(unit) if len(series) > 1 else series[0][0]),
                       words.share if unit == "ratio" else words.unit(unit), series,
                       ratio=unit == "ratio", words=words)
            for unit, series in by_unit.items()]


