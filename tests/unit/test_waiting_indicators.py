"""The waiting list's indicators in the fold: families_waiting (a stock), median_days_waiting."""

from __future__ import annotations

from contracts.intake import ReferralAnswered, ReferralHeld, ReferralOutcome
from tests.unit.indicator_facts import END_2020, at, d, figures_of, given, referred


def held(family: str, on: str) -> ReferralHeld:
    """As the hub sees it: no priority (a local field)."""
    return ReferralHeld(family_id=family, held_on=d(on))


def answered(family: str, on: str, outcome: ReferralOutcome) -> ReferralAnswered:
    return ReferralAnswered(family_id=family, outcome=outcome, answered_on=d(on))


ENROLLED, DECLINED, WAITING = (ReferralOutcome.ENROLLED, ReferralOutcome.DECLINED,
                               ReferralOutcome.WAITING)
WAITS = [
    *at("mechelen",
        referred("f1", "2020-01-02"), held("f1", "2020-01-06"),
        answered("f1", "2020-01-06", WAITING), answered("f1", "2020-02-05", ENROLLED),  # 30
        held("f2", "2020-01-06"), answered("f2", "2020-01-16", DECLINED),  # 10
        held("f3", "2020-03-01"),  # still waiting
        answered("f4", "2020-03-01", ENROLLED)),  # enrolled without waiting: no wait
    *at("gent",
        held("f1", "2020-01-01"), answered("f1", "2020-04-10", ENROLLED)),  # 100
]


def test_families_waiting_is_a_stock_at_the_as_of_date() -> None:
    fold = given(WAITS)

    assert figures_of(fold, d("2020-01-05")).network["families_waiting"] == 1  # gent f1
    assert figures_of(fold, d("2020-01-10")).partners["mechelen"]["families_waiting"] == 2
    assert figures_of(fold, d("2020-03-31")).partners["mechelen"]["families_waiting"] == 1
    assert figures_of(fold, END_2020).network["families_waiting"] == 1  # mechelen f3


def test_a_family_is_still_waiting_on_the_day_before_it_is_taken() -> None:
    fold = given(WAITS)

    assert figures_of(fold, d("2020-02-04")).partners["mechelen"]["families_waiting"] == 1
    assert figures_of(fold, d("2020-02-05")).partners["mechelen"]["families_waiting"] == 0


def test_median_days_waiting_pools_the_waits_of_every_partner() -> None:
    report = figures_of(given(WAITS), END_2020)

    assert report.partners["mechelen"]["median_days_waiting"] == 20.0  # 10 and 30
    assert report.partners["gent"]["median_days_waiting"] == 100.0
    assert report.countries["BE"]["median_days_waiting"] == 30.0  # 10, 30, 100
    assert report.partners["de-mussen"]["median_days_waiting"] == 0.0


def test_median_days_waiting_takes_the_waits_that_ended_in_the_period() -> None:
    fold = given(WAITS)

    assert figures_of(fold, END_2020, "2020-Q1").network["median_days_waiting"] == 20.0
    assert figures_of(fold, END_2020, "2020-Q2").network["median_days_waiting"] == 100.0
    assert fold.trend("median_days_waiting", "network", [d("2020-01-31")]) == [
        (d("2020-01-31"), 10.0)]


def test_a_decision_before_the_hold_does_not_end_the_wait() -> None:
    fold = given(at("mechelen", answered("f1", "2020-01-02", DECLINED),
                    held("f1", "2020-02-01")))

    assert figures_of(fold, END_2020).network["families_waiting"] == 1
    assert figures_of(fold, END_2020).network["median_days_waiting"] == 0.0

