"""Reporting periods: "to-date", a year, a quarter, a month, or a range of them.

The strings are those `contracts.reporting.PERIOD_PATTERN` allows:

    to-date                      everything up to the as-of date
    2020  2020-Q1  2020-02       a calendar year, quarter (Q1 = January to March) or month
    2017..2022  2020-Q1..2020-Q3  2017-01..2022-12
                                 from the first day of the first to the last day of the last
                                 (the two ends may even differ in kind: "2017..2020-Q2")

`Period.window(as_of)` gives the ISO dates `(start, end)` an indicator counts in: the period
clipped so that `end = min(period end, as_of)`; `start` is None for to-date. A period that
starts after the as-of date has an EMPTY window: `start > end` (start is the period's first
day, end the as-of date); `Period.is_empty(as_of)` says so and the fold reports zeros.

`PROGRAMME_START` is the day the programme began; `quarter_ends` and `month_ends` give the
points of a trend chart. The hub's choice of closed periods to publish is its own
(services/reporting/periods.py).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from contracts.reporting import PERIOD_PATTERN

PROGRAMME_START = date(2016, 10, 1)
"""The first day of the programme (Oct 2016): where trends and closed periods begin."""
TO_DATE = "to-date"
KINDS = ("year", "quarter", "month")
"""The kinds of calendar period, longest first."""

_PERIOD = re.compile(PERIOD_PATTERN)
_POINT = re.compile(r"(?P<year>\d{4})(-(Q(?P<quarter>[1-4])|(?P<month>\d\d)))?")


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: its text and its first and last day (both None for to-date)."""

    text: str
    start: date | None = None
    end: date | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period from its text; ValueError (saying what is allowed) for anything else."""
        if not isinstance(text, str) or not _PERIOD.fullmatch(text):
            raise ValueError(
                f"invalid period {text!r}: expected 'to-date', a year ('2020'), a quarter "
                f"('2020-Q1'), a month ('2020-02') or a range of them ('2017..2022', "
                f"'2020-Q1..2020-Q3', '2017-01..2022-12')")
        if text == TO_DATE:
            return TO_DATE_PERIOD
        first, _, last = text.partition("..")
        start = _bounds(first, text)[0]
        end = _bounds(last or first, text)[1]
        if end < start:
            raise ValueError(f"invalid period {text!r}: the range ends before it starts")
        return cls(text, start, end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(f"{year:04d}", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * quarter - 2
        return cls(f"{year:04d}-Q{quarter}", date(year, first_month, 1),
                   _month_end(year, first_month + 2))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(f"{year:04d}-{month:02d}", date(year, month, 1), _month_end(year, month))

    @property
    def is_to_date(self) -> bool:
        return self.start is None

    def window(self, as_of: date) -> tuple[str | None, str]:
        """(start, end) as ISO dates: the period clipped to the as-of date.

        `start` is None for to-date. When the period starts after `as_of` the window is
        empty and shows it as `start > end` (`end` is then the as-of date).
        """
        end = as_of if self.end is None else min(self.end, as_of)
        return (None if self.start is None else self.start.isoformat()), end.isoformat()

    def is_empty(self, as_of: date) -> bool:
        """True when the period has not started by the as-of date."""
        return self.start is not None and self.start > as_of

    def __str__(self) -> str:
        return self.text


TO_DATE_PERIOD = Period(TO_DATE)


def _bounds(point: str, text: str) -> tuple[date, date]:
    """The first and last day of one year, quarter or month."""
    match = _POINT.fullmatch(point)
    if match is None:  # the pattern already checked it; kept for a clear message anyway
        raise ValueError(f"invalid period {text!r}: cannot read {point!r}")
    year = int(match["year"])
    if not 1 <= year <= 9999:
        raise ValueError(f"invalid period {text!r}: year {match['year']} is out of range")
    if match["quarter"]:
        found = Period.quarter(year, int(match["quarter"]))
    elif match["month"]:
        found = Period.month(year, int(match["month"]))
    else:
        found = Period.year(year)
    assert found.start is not None and found.end is not None
    return found.start, found.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def periods_between(since: date, until: date, kind: str) -> list[Period]:
    """Every calendar period of one kind overlapping [since, until], in date order."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of period {kind!r}; expected one of {', '.join(KINDS)}")
    if until < since:
        return []
    if kind == "year":
        return [Period.year(year) for year in range(since.year, until.year + 1)]
    step = 3 if kind == "quarter" else 1
    found = []
    year, month = since.year, since.month - (since.month - 1) % step
    while (year, month) <= (until.year, until.month):
        found.append(Period.quarter(year, (month + 2) // 3) if kind == "quarter"
                     else Period.month(year, month))
        year, month = (year + 1, 1) if month + step > 12 else (year, month + step)
    return found


def month_ends(since: date, until: date) -> list[date]:
    """The last day of each month from since's month on, then `until` itself: trend points."""
    points = [period.end for period in periods_between(since, until, "month")
              if period.end is not None and period.end < until]
    return [*points, until] if until >= since else []


def quarter_ends(first: date, last: date) -> list[date]:
    """The last day of every quarter from first to last (for trend charts)."""
    points: list[date] = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while True:
        month = quarter * 3
        end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
        point = date.fromordinal(end)
        if point > last:
            return points
        points.append(point)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
