"""The history's calendar: its dates, the days childcare is open, and windows of days."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from contracts.booking import Daypart

HISTORY_START = date(2016, 10, 3)
HISTORY_END = date(2022, 12, 31)
PROGRAMME_END = date(2021, 3, 31)  # the end of the Interreg programme
LAST_PROGRAMME_REFERRAL = date(2021, 1, 31)  # the other partners' last new families
DENSE_FROM = date(2022, 1, 1)  # from here on, children come every week (full realism)
WEEKLY_SLOTS = {(1, Daypart.MORNING): 0.95, (3, Daypart.MORNING): 0.95,
                (1, Daypart.AFTERNOON): 0.35, (3, Daypart.AFTERNOON): 0.35}
"""(weekday, day-part) -> the chance a child comes then every week (Tuesdays, Thursdays)."""
PRESCHOOL_AGE_DAYS = 900  # from about two and a half, a child moves on to a preschool class
AFTER_HISTORY = HISTORY_END + timedelta(days=1)  # the "end" of a trajectory still open

Window = tuple[date, date]
"""The first and last day (both included) a fact can fall on."""


def days(n: int) -> timedelta:
    """n days, to add to a date."""
    return timedelta(days=n)


def is_session_day(day: date) -> bool:
    """Tuesdays and Thursdays: the days flexible childcare is open in this history."""
    return day.weekday() in (1, 3)


def session_days_in(window: Window) -> Window | None:
    """The window narrowed to start and end on session days (None: it has none)."""
    return clip(window, date.min, date.max, is_session_day)


def session_days(first: date, last: date) -> list[date]:
    """Every session day from first to last (both included)."""
    day, found = first, []
    while day <= last:
        if is_session_day(day):
            found.append(day)
        day += days(1)
    return found


def clip(window: Window | None, since: date, until: date,
         allowed: Callable[[date], bool] | None = None) -> Window | None:
    """The part of the window after `since` and up to `until` (on allowed days), or None."""
    if window is None:
        return None
    lo, hi = max(window[0], since + days(1)), min(window[1], until)
    if allowed is not None:
        while lo <= hi and not allowed(lo):
            lo += days(1)
        while hi >= lo and not allowed(hi):
            hi -= days(1)
    return (lo, hi) if lo <= hi else None


def each_day(first: date, last: date, step: int = 1) -> Iterator[date]:
    """The days from first to last, forwards (step 1) or backwards (step -1)."""
    day = first
    while (day <= last) if step > 0 else (day >= last):
        yield day
        day += days(step)
