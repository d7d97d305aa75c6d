"""The indicators' fold: small hand-made histories of two or three partners in two countries.

Every event is built with the contract's own model and fed as `model_dump(mode="json")`, the
shape the hub decodes; ids and dates are chosen so that each figure below can be checked by
hand (the comments say how).
"""

from __future__ import annotations

import pytest

from contracts.base import DomainEvent
from contracts.booking import HandoverDestination
from contracts.registry import encode
from services.reporting import rows
from tests.unit.indicator_facts import (
    ACTIVATION,
    CHILDCARE,
    COUNTRIES,
    END_2020,
    INTAKE,
    S4,
    TRAJECTORIES,
    at,
    attended,
    booked,
    cancelled,
    completed,
    d,
    dropped,
    figures_of,
    given,
    handed_over,
    no_show,
    promoted,
    released,
    started,
    waitlisted,
)

# -- intake -----------------------------------------------------------------------------------

def test_intake_counts_referrals_enrolments_and_declines_dated_in_the_window() -> None:
    fold = given(INTAKE)
    # when the whole first quarter is over
    quarter = figures_of(fold, END_2020, "2020-Q1").partners["mechelen"]
    # then every intake event of the quarter counts
    assert (quarter["families_referred"], quarter["families_enrolled"],
            quarter["referrals_declined"]) == (3, 2, 1)
    # and a month counts only its own
    february = figures_of(fold, END_2020, "2020-02").partners["mechelen"]
    assert (february["families_referred"], february["families_enrolled"],
            february["referrals_declined"]) == (1, 0, 0)
    march = figures_of(fold, END_2020, "2020-03").partners["mechelen"]
    assert (march["families_referred"], march["families_enrolled"],
            march["referrals_declined"]) == (1, 1, 1)


def test_events_dated_after_the_as_of_date_do_not_count() -> None:
    fold = given(INTAKE)
    # when asked as of the end of February (the March events are already in the fold)
    figures = figures_of(fold, d("2020-02-29")).partners["mechelen"]
    # then only what was dated by then counts
    assert (figures["families_referred"], figures["families_enrolled"],
            figures["referrals_declined"]) == (2, 1, 0)
    # and the as-of date itself is included
    assert figures_of(fold, d("2020-02-20")).partners["mechelen"]["families_referred"] == 2
    assert figures_of(fold, d("2020-02-19")).partners["mechelen"]["families_referred"] == 1


def test_a_year_asked_before_it_ends_is_clipped_to_the_as_of_date() -> None:
    figures = figures_of(given(INTAKE), d("2020-03-04"), "2020").partners["mechelen"]
    assert figures["families_referred"] == 2
    assert figures["families_enrolled"] == 2


# -- trajectories: flows and the ongoing stock ------------------------------------------------

@pytest.mark.parametrize(("as_of", "period", "flows", "ongoing"), [
    # (started, completed, dropped) in the window; ongoing at its end
    ("2020-02-15", "to-date", (2, 0, 0), 2),
    ("2020-02-29", "to-date", (2, 0, 1), 1),  # t2 dropped on 20 February
    ("2020-03-09", "to-date", (2, 0, 1), 1),
    ("2020-03-10", "to-date", (2, 1, 1), 0),  # completed on the end date: no longer ongoing
    ("2020-12-31", "2020-Q1", (2, 1, 1), 0),
    ("2020-12-31", "2020-Q2", (1, 0, 0), 1),  # t3 started in April, still going on 30 June
    ("2020-02-15", "2020-02", (1, 0, 0), 2),  # a stock counts trajectories started earlier
])
def test_trajectory_flows_count_in_the_window_and_ongoing_is_the_stock_at_its_end(
        as_of: str, period: str, flows: tuple[int, int, int], ongoing: int) -> None:
    figures = figures_of(given(TRAJECTORIES), d(as_of), period).partners["mechelen"]
    assert (figures["trajectories_started"], figures["trajectories_completed"],
            figures["trajectories_dropped"]) == flows
    assert figures["trajectories_ongoing"] == ongoing


# -- plans, training, work, involvement --------------------------------------------------------

def activation(as_of: str, period: str) -> tuple[int, ...]:
    figures = figures_of(given(ACTIVATION), d(as_of), period).partners["mechelen"]
    return tuple(figures[name] for name in (
        "development_plans_agreed", "parents_trained", "trainings_completed",
        "parents_found_work", "parents_working", "parents_reduced_distance_to_work",
        "parent_involvement_days"))


def test_activation_in_the_first_quarter() -> None:
    # plans: t1 only (twice); trained: f1-p (two trainings); found work: f2-p (j3) and f1-p
    # (j1); working on 31 March: f1-p (j3 ended in February); reduced distance: f1-p, f2-p
    assert activation("2020-12-31", "2020-Q1") == (1, 1, 1, 2, 1, 2, 2)


def test_activation_in_the_second_quarter() -> None:
    # found work: f1-p (j2 in April); working on 30 June: f1-p (j2)
    assert activation("2020-12-31", "2020-Q2") == (0, 0, 0, 1, 1, 1, 1)


def test_a_job_ended_on_the_end_date_no_longer_counts_as_working() -> None:
    # on 30 April j1 ends, j2 still runs: f1-p is working; as of 29 February j3 has ended
    assert activation("2020-04-30", "2020-04")[3:5] == (1, 1)
    assert activation("2020-02-29", "to-date")[3:5] == (1, 0)


def test_a_parent_holding_two_jobs_is_one_parent_working() -> None:
    assert activation("2020-04-20", "to-date")[4] == 1


# -- childcare ---------------------------------------------------------------------------------

def test_childcare_in_february_counts_by_session_date() -> None:
    figures = figures_of(given(CHILDCARE), END_2020, "2020-02").partners["mechelen"]
    # places: f1 (b1 booked in January for a February session), f2, f3 (promoted), f1, f4,
    # f5 and f6 (cancelled later, but they had a place) -> 6 families
    assert figures["families_with_childcare"] == 6
    # checked in: f1-c twice, f2-c, f4-c
    assert figures["children_cared_for"] == 3
    assert figures["childcare_sessions"] == 4
    assert figures["childcare_hours"] == 12.75
    assert figures["no_shows"] == 1
    assert figures["no_show_rate"] == 0.2  # 1 / (1 + 4)
    assert figures["late_cancellations"] == 1
    # mornings: S1 (2 attended / 2 places) and S3 (1 attended / the default 15 places)
    assert figures["occupancy_morning"] == 0.176
    assert figures["occupancy_afternoon"] == 0.25  # S2: 1 attended / 4 places
    # on 29 February only b9 waits (b3 was promoted, b10 cancelled)
    assert figures["waitlist_length"] == 1


def test_childcare_in_march() -> None:
    figures = figures_of(given(CHILDCARE), END_2020, "2020-03").partners["mechelen"]
    assert (figures["families_with_childcare"], figures["children_cared_for"],
            figures["childcare_sessions"], figures["childcare_hours"]) == (1, 1, 1, 3.0)
    assert figures["occupancy_morning"] == 0.333  # 1 / 3
    assert figures["occupancy_afternoon"] == 0.0  # no afternoon capacity in March
    assert figures["no_show_rate"] == 0.0
    assert figures["waitlist_length"] == 0  # b9's session (2 March) is over on 31 March


@pytest.mark.parametrize(("as_of", "waiting"), [
    ("2020-01-24", 0),  # nobody waits yet
    ("2020-01-31", 1),  # b3 waits for 3 February
    ("2020-02-01", 0),  # b3 promoted that day
    ("2020-02-24", 1),  # b10
    ("2020-02-26", 2),  # b10 and b9
    ("2020-02-27", 1),  # b10 cancelled that day
    ("2020-03-02", 1),  # b9, on the day of its session
    ("2020-03-03", 0),  # the session is over
])
def test_the_waitlist_is_a_stock_at_the_end_of_the_window(as_of: str, waiting: int) -> None:
    assert figures_of(given(CHILDCARE), d(as_of)).partners["mechelen"]["waitlist_length"] \
        == waiting


def test_a_released_waitlist_entry_stops_waiting() -> None:
    fold = given(at("mechelen", waitlisted("b1", "f1", *S4, on="2020-02-01"),
                    released("b1", "f1", *S4, on="2020-02-10")))
    assert figures_of(fold, d("2020-02-09")).partners["mechelen"]["waitlist_length"] == 1
    assert figures_of(fold, d("2020-02-10")).partners["mechelen"]["waitlist_length"] == 0


def cared_for(*families: str, day: str = "2020-05-05") -> list[DomainEvent]:
    """Each family's child checked in (and out) once, on `day`."""
    return [event for n, family in enumerate(families)
            for event in [booked(f"care-{n}", family, day),
                          *attended(f"care-{n}", family, day, hours=3.0)]]


def test_children_handed_over_by_destination() -> None:
    fold = given(at("mechelen", *cared_for("f1", "f2", "f4"),
                    handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-01"),
                    handed_over("f2", HandoverDestination.PRESCHOOL, "2020-06-15"),
                    handed_over("f4", HandoverDestination.PRESCHOOL, "2020-07-01")))
    quarter = figures_of(fold, END_2020, "2020-Q2").partners["mechelen"]
    assert (quarter["children_handed_over_regular"],
            quarter["children_handed_over_preschool"]) == (1, 1)
    year = figures_of(fold, END_2020).partners["mechelen"]
    assert (year["children_handed_over_regular"], year["children_handed_over_preschool"]) == (1, 2)


def test_only_children_cared_for_count_as_handed_over() -> None:
    """f2's child was never checked in: its handover is not one of the children in care."""
    fold = given(at("mechelen", *cared_for("f1"), booked("b2", "f2", "2020-05-05"),
                    no_show("b2", "f2", "2020-05-05"),
                    handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-01"),
                    handed_over("f2", HandoverDestination.REGULAR_CHILDCARE, "2020-06-02")))
    figures = figures_of(fold, END_2020).partners["mechelen"]
    assert figures["children_handed_over_regular"] == 1


def test_a_child_cared_for_only_after_the_window_does_not_count_in_it() -> None:
    fold = given(at("mechelen",
                    handed_over("f1", HandoverDestination.PRESCHOOL, "2020-06-01"),
                    *cared_for("f1", day="2020-09-01")))
    assert figures_of(fold, d("2020-06-30")).partners["mechelen"][
        "children_handed_over_preschool"] == 0
    assert figures_of(fold, END_2020).partners["mechelen"][
        "children_handed_over_preschool"] == 1


# -- childcare after coaching ------------------------------------------------------------------

AFTER_COACHING = at(
    "mechelen",
    started("t1", "f1", "2020-01-06"), started("t2", "f2", "2020-01-06"),
    started("t3", "f3", "2020-01-06"),
    booked("b1", "f1", "2020-02-27"),  # before f1's end: not after it
    booked("b2", "f1", "2020-03-03"),  # after it
    booked("b3", "f1", "2020-03-05"), cancelled("b3", "f1", "2020-03-05", on="2020-03-04"),
    booked("b4", "f1", "2020-03-10"), no_show("b4", "f1", "2020-03-10"),  # held the place
    waitlisted("b5", "f1", "2020-03-12", on="2020-03-01"),
    promoted("b5", "f1", "2020-03-12", on="2020-03-02"),
    booked("b6", "f2", "2020-03-03"),  # f2 dropped out on 2020-03-09: before it
    booked("b7", "f2", "2020-03-12"), released("b7", "f2", "2020-03-12", on="2020-03-11"),
    booked("b8", "f3", "2020-04-02"),  # f3's trajectory is still open
    completed("t1", "2020-03-02"), dropped("t2", "2020-03-09"),
)


@pytest.mark.parametrize(("as_of", "places"), [
    ("2020-03-02", 0),  # the trajectory ended that day: its session of the day is not after
    ("2020-03-04", 1),  # b2
    ("2020-03-05", 1),  # b2 (b3 was cancelled the day before)
    ("2020-03-11", 2),  # b2, b4 (a no-show held the place); b7 released
    ("2020-03-31", 3),  # b2, b4, b5 (promoted from the waitlist)
])
def test_places_after_the_trajectory_ended(as_of: str, places: int) -> None:
    figures = figures_of(given(AFTER_COACHING), d(as_of)).partners["mechelen"]
    assert figures["places_after_trajectory_end"] == places


def test_places_after_the_trajectory_ended_count_by_session_date_in_the_window() -> None:
    report = figures_of(given(AFTER_COACHING), END_2020, "2020-03")
    assert report.partners["mechelen"]["places_after_trajectory_end"] == 3
    assert figures_of(given(AFTER_COACHING), END_2020, "2020-04").network[
        "places_after_trajectory_end"] == 0


BRIDGING = at(
    "mechelen",
    started("t1", "f1", "2020-01-06"), started("t2", "f2", "2020-01-06"),
    started("t3", "f3", "2020-01-06"), started("t4", "f4", "2020-01-06"),
    booked("b1", "f1", "2020-02-04"), booked("b2", "f2", "2020-02-04"),
    booked("b3", "f3", "2020-02-04"),  # f4 never had childcare
    completed("t1", "2020-03-02"),  # bridging from 2020-03-02 to 2020-04-26
    completed("t2", "2020-03-02"),
    handed_over("f2", HandoverDestination.REGULAR_CHILDCARE, "2020-03-20"),
    dropped("t3", "2020-03-02"),  # a drop has no bridging period
    completed("t4", "2020-03-02"),
)


@pytest.mark.parametrize(("as_of", "bridging"), [
    ("2020-03-01", 0),  # not completed yet
    ("2020-03-02", 2),  # f1 and f2, completed that day
    ("2020-03-19", 2),
    ("2020-03-20", 1),  # f2's child handed over
    ("2020-04-26", 1),  # the last day of f1's 8 weeks
    ("2020-04-27", 0),  # the bridge has ended
])
def test_families_bridging_is_a_stock_at_the_end_of_the_window(as_of: str, bridging: int
                                                                ) -> None:
    figures = figures_of(given(BRIDGING), d(as_of)).partners["mechelen"]
    assert figures["families_bridging"] == bridging
    assert rows.BRIDGING_WEEKS == 8


def test_the_bridging_period_booking_recorded_wins_over_the_networks_default() -> None:
    """A partner with 4 weeks of bridging: its booking events say when f1's bridge ends."""
    fold = given(BRIDGING)
    place = encode(booked("b9", "f1", "2020-03-10", on="2020-03-03"))
    fold.apply("mechelen", "SlotBooked", {**place, "bridging_ends_on": "2020-03-30"})
    assert figures_of(fold, d("2020-03-29")).partners["mechelen"]["families_bridging"] == 1
    assert figures_of(fold, d("2020-03-30")).partners["mechelen"]["families_bridging"] == 0
    assert figures_of(given(BRIDGING), d("2020-03-30")).partners["mechelen"][
        "families_bridging"] == 1  # 8 weeks without it


def test_a_handover_before_the_completion_does_not_end_the_bridge() -> None:
    fold = given(BRIDGING, at("mechelen", handed_over("f1", HandoverDestination.PRESCHOOL,
                                                      "2020-02-20")))
    assert figures_of(fold, d("2020-03-19")).partners["mechelen"]["families_bridging"] == 2


HANDOVERS = [
    *at("mechelen",
        *(started(f"t{n}", f"f{n}", "2020-01-06") for n in (1, 2, 3, 4)),
        *cared_for("f1", "f2", "f3", "f4", "f5"),
        completed("t1", "2020-06-01"), dropped("t2", "2020-06-01"),
        completed("t3", "2020-06-01"), completed("t4", "2020-09-01"),
        handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-11"),  # 10 days
        handed_over("f2", HandoverDestination.PRESCHOOL, "2020-07-01"),  # 30 days
        handed_over("f3", HandoverDestination.REGULAR_CHILDCARE, "2020-08-10"),  # 70 days
        handed_over("f4", HandoverDestination.PRESCHOOL, "2020-08-01"),  # before the end
        handed_over("f5", HandoverDestination.PRESCHOOL, "2020-08-01")),  # no trajectory
    *at("gent",
        started("t1", "f1", "2020-01-06"), *cared_for("f1"),
        completed("t1", "2020-06-01"),
        handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-16")),  # 15 days
]


def test_median_days_from_the_trajectory_end_to_the_handover() -> None:
    report = figures_of(given(HANDOVERS), END_2020)
    assert report.partners["mechelen"]["median_days_to_handover"] == 30.0  # 10, 30, 70
    assert report.partners["gent"]["median_days_to_handover"] == 15.0
    # the pooled handovers, not a mean of medians: 10, 15, 30, 70
    assert report.countries["BE"]["median_days_to_handover"] == 22.5
    assert report.network["median_days_to_handover"] == 22.5
    assert report.partners["de-mussen"]["median_days_to_handover"] == 0.0


def test_the_median_days_to_handover_takes_the_handovers_in_the_window() -> None:
    fold = given(HANDOVERS)
    assert figures_of(fold, END_2020, "2020-Q2").partners["mechelen"][
        "median_days_to_handover"] == 10.0
    assert fold.trend("median_days_to_handover", "network", [d("2020-06-30")], COUNTRIES) \
        == [(d("2020-06-30"), 12.5)]  # 10 and 15
