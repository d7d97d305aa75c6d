"""The periods the hub publishes once each: calendar periods over before today.

`closed_periods(since, until)` lists the calendar years / quarters / months that overlap
`[since, until]` and ended before `until`: the periods whose figures can no longer change
(as long as no event is recorded late). The period vocabulary is in contracts/periods.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from contracts.periods import KINDS, Period, periods_between


def closed_periods(since: date, until: date, kinds: Iterable[str] = ("year", "quarter")
                   ) -> list[Period]:
    """Calendar periods overlapping [since, until] whose last day is before `until`.

    Ordered by start, longer periods first on the same start: 2017, 2017-Q1, 2017-Q2, ...
    Pass `kinds=KINDS` for months too. Periods that start before `since` but reach into it
    are included (the programme's first year is closed once it is over).
    """
    rank = {kind: KINDS.index(kind) if kind in KINDS else len(KINDS) for kind in kinds}
    closed = [(period.start, rank[kind], period)
              for kind in sorted(rank, key=rank.__getitem__)
              for period in periods_between(since, until, kind)
              if period.end is not None and period.end < until]
    return [period for _start, _rank, period in sorted(closed, key=lambda c: (c[0], c[1]))]

