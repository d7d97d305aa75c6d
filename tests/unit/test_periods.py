"""Reporting periods: parsing the contract's strings, windows as of a date, closed periods."""

from __future__ import annotations

import re
from datetime import date

import pytest

from contracts.periods import KINDS, TO_DATE_PERIOD, Period, month_ends, periods_between
from contracts.reporting import PERIOD_PATTERN
from services.reporting.periods import closed_periods

LEAP_DAY = date(2020, 2, 29)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2020", date(2020, 1, 1), date(2020, 12, 31)),
    ("2020-Q1", date(2020, 1, 1), date(2020, 3, 31)),
    ("2020-Q4", date(2020, 10, 1), date(2020, 12, 31)),
    ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
    ("2019-02", date(2019, 2, 1), date(2019, 2, 28)),
    ("2017..2022", date(2017, 1, 1), date(2022, 12, 31)),
    ("2020-Q1..2020-Q3", date(2020, 1, 1), date(2020, 9, 30)),
    ("2017-01..2022-12", date(2017, 1, 1), date(2022, 12, 31)),
    ("2017..2020-Q2", date(2017, 1, 1), date(2020, 6, 30)),
    ("2020-03..2020-03", date(2020, 3, 1), date(2020, 3, 31)),
])
def test_a_period_runs_from_the_first_day_of_its_first_part_to_the_last_day_of_its_last(
        text: str, start: date, end: date) -> None:
    # when
    period = Period.parse(text)
    # then
    assert (period.start, period.end) == (start, end)
    assert str(period) == text
    assert Period.parse(str(period)) == period


def test_to_date_has_no_bounds_and_its_window_ends_on_the_as_of_date() -> None:
    period = Period.parse("to-date")
    assert period is TO_DATE_PERIOD
    assert period.is_to_date
    assert period.window(LEAP_DAY) == (None, "2020-02-29")
    assert not period.is_empty(date(1990, 1, 1))


def test_the_window_is_clipped_to_the_as_of_date() -> None:
    # given a year still running on the as-of date
    period = Period.parse("2020")
    # then it counts up to the as-of date only
    assert period.window(LEAP_DAY) == ("2020-01-01", "2020-02-29")
    # and a period over by then keeps its own end
    assert Period.parse("2019-Q4").window(LEAP_DAY) == ("2019-10-01", "2019-12-31")
    assert Period.parse("2017..2022").window(date(2030, 1, 1)) == ("2017-01-01", "2022-12-31")


def test_a_period_starting_after_the_as_of_date_has_an_empty_window() -> None:
    # given
    period = Period.parse("2020-Q2")
    # when
    start, end = period.window(LEAP_DAY)
    # then: the empty window shows as start > end, and says so
    assert (start, end) == ("2020-04-01", "2020-02-29")
    assert start is not None and start > end
    assert period.is_empty(LEAP_DAY)
    assert not period.is_empty(date(2020, 4, 1))


def test_iso_date_strings_of_the_window_compare_like_dates() -> None:
    start, end = Period.parse("2020-02").window(LEAP_DAY)
    assert start is not None
    assert start <= "2020-02-15" <= end
    assert end < "2020-03-01"
    assert start > "2020-01-31"


@pytest.mark.parametrize(("text", "message"), [
    ("", "expected 'to-date', a year"),
    ("2020-Q5", "expected 'to-date', a year"),
    ("2020-13", "expected 'to-date', a year"),
    ("2020-1", "expected 'to-date', a year"),
    ("20", "expected 'to-date', a year"),
    ("to_date", "expected 'to-date', a year"),
    ("2020..", "expected 'to-date', a year"),
    ("2020...2021", "expected 'to-date', a year"),
    (" 2020", "expected 'to-date', a year"),
    ("2020\n", "expected 'to-date', a year"),
    ("2022..2017", "ends before it starts"),
    ("2020-Q3..2020-02", "ends before it starts"),
    ("0000", "year 0000 is out of range"),
])
def test_invalid_period_strings_are_refused_with_a_clear_message(text: str, message: str
                                                                  ) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Period.parse(text)


def test_non_strings_are_refused() -> None:
    with pytest.raises(ValueError, match="invalid period"):
        Period.parse(2020)  # type: ignore[arg-type]


def test_every_period_built_here_matches_the_contract_pattern() -> None:
    built = [*periods_between(date(2016, 10, 3), date(2023, 1, 1), "month"),
             *closed_periods(date(2016, 10, 3), date(2023, 1, 1), KINDS)]
    assert built
    assert all(re.fullmatch(PERIOD_PATTERN, str(period)) for period in built)


def test_closed_periods_are_the_years_and_quarters_over_before_the_date() -> None:
    # given the programme started in October 2016 and today is 2 April 2018
    since, until = date(2016, 10, 1), date(2018, 4, 2)
    # when
    closed = [str(period) for period in closed_periods(since, until)]
    # then: 2018 and 2018-Q2 are still running; periods overlapping since are included
    assert closed == ["2016", "2016-Q4", "2017", "2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4",
                      "2018-Q1"]


def test_a_period_ending_on_the_date_itself_is_not_closed_yet() -> None:
    assert [str(p) for p in closed_periods(date(2020, 1, 1), date(2020, 3, 31))] == []
    assert [str(p) for p in closed_periods(date(2020, 1, 1), date(2020, 4, 1))] == ["2020-Q1"]


def test_closed_months_on_request() -> None:
    closed = closed_periods(date(2020, 1, 15), date(2020, 4, 10), kinds=("month",))
    assert [str(p) for p in closed] == ["2020-01", "2020-02", "2020-03"]
    assert closed[1].end == LEAP_DAY


def test_all_kinds_are_ordered_by_start_longest_first() -> None:
    closed = closed_periods(date(2019, 12, 1), date(2020, 4, 1), kinds=KINDS)
    assert [str(p) for p in closed] == ["2019", "2019-Q4", "2019-12", "2020-Q1", "2020-01",
                                        "2020-02", "2020-03"]


def test_closed_periods_of_an_unknown_kind_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind of period 'week'"):
        closed_periods(date(2020, 1, 1), date(2021, 1, 1), kinds=("week",))


def test_no_periods_when_the_dates_are_backwards() -> None:
    assert closed_periods(date(2021, 1, 1), date(2020, 1, 1)) == []
    assert month_ends(date(2021, 1, 1), date(2020, 1, 1)) == []


def test_quarters_between_dates_cross_the_year() -> None:
    quarters = periods_between(date(2019, 11, 20), date(2020, 5, 1), "quarter")
    assert [str(p) for p in quarters] == ["2019-Q4", "2020-Q1", "2020-Q2"]


def test_month_ends_give_trend_points_ending_on_the_last_date() -> None:
    assert month_ends(date(2020, 1, 15), date(2020, 3, 10)) == [
        date(2020, 1, 31), LEAP_DAY, date(2020, 3, 10)]
    assert month_ends(date(2020, 1, 1), date(2020, 1, 31)) == [date(2020, 1, 31)]
