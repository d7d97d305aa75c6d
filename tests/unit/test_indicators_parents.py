"""The fold counts parents where an indicator says parents: two in one family, a re-entry."""

from __future__ import annotations

from contracts.intake import Gender
from contracts.trajectory import (
    CompletionOutcome,
    DropReason,
    TrainingKind,
    TrainingStarted,
    TrajectoryCompleted,
    TrajectoryDropped,
)
from tests.unit.indicator_facts import (
    END_2020,
    at,
    booked,
    d,
    enrolled,
    figures_of,
    given,
    referred,
    started,
)

BOTH = (("mum", Gender.FEMALE), ("dad", Gender.MALE))


def ended(trajectory: str, on: str) -> TrajectoryCompleted:
    return TrajectoryCompleted(trajectory_id=trajectory, family_id="f1",
                               outcome=CompletionOutcome.JOB, completed_on=d(on))


def stopped(trajectory: str, on: str) -> TrajectoryDropped:
    return TrajectoryDropped(trajectory_id=trajectory, family_id="f1",
                             reason=DropReason.HEALTH, dropped_on=d(on))


def trained(trajectory: str, training: str, on: str) -> TrainingStarted:
    return TrainingStarted(trajectory_id=trajectory, family_id="f1", training_id=training,
                           kind=TrainingKind.VOCATIONAL, started_on=d(on))


TWO_PARENTS = at(
    "mechelen",
    referred("f1", "2020-01-02", parents=BOTH), enrolled("f1", "2020-01-05"),
    started("t1", "f1", "2020-01-10", parent="mum"),
    started("t1.2", "f1", "2020-01-10", parent="dad"),
    trained("t1", "tr-1", "2020-02-01"), trained("t1.2", "tr-2", "2020-02-03"))
MUM_REENTERS = at(
    "mechelen",
    ended("t1", "2020-05-01"), started("t1.3", "f1", "2020-09-01", parent="mum"),
    trained("t1.3", "tr-3", "2020-09-15"))


def test_two_parents_of_one_family_are_two_parents_in_a_trajectory() -> None:
    report = figures_of(given(TWO_PARENTS), END_2020)

    mechelen = report.partners["mechelen"]
    assert (mechelen["families_enrolled"], mechelen["trajectories_started"],
            mechelen["parents_trained"], mechelen["trajectories_ongoing"]) == (1, 2, 2, 2)
    by_gender = report.breakdowns["mechelen"]["gender"]
    assert {g: by_gender[g]["trajectories_started"] for g in by_gender} == {
        "female": 1, "male": 1}


def test_a_parent_who_re_enters_counts_once_as_a_parent_and_twice_as_trajectories() -> None:
    report = figures_of(given(TWO_PARENTS, MUM_REENTERS), END_2020)

    mechelen = report.partners["mechelen"]
    assert (mechelen["trajectories_started"], mechelen["parents_trained"],
            mechelen["trajectories_completed"], mechelen["trajectories_ongoing"]) == (2, 2, 1, 2)


def test_in_the_quarter_of_the_re_entry_the_parent_is_taken_in_again() -> None:
    report = figures_of(given(TWO_PARENTS, MUM_REENTERS), END_2020, "2020-Q3")

    mechelen = report.partners["mechelen"]
    assert (mechelen["trajectories_started"], mechelen["parents_trained"]) == (1, 1)
    assert report.breakdowns["mechelen"]["gender"]["female"]["trajectories_started"] == 1


def test_a_family_has_not_ended_while_one_parent_is_still_in_a_trajectory() -> None:
    one_ended = at("mechelen", ended("t1", "2020-05-01"), booked("b1", "f1", "2020-06-01"))

    report = figures_of(given(TWO_PARENTS, one_ended), END_2020)

    assert report.partners["mechelen"]["places_after_trajectory_end"] == 0


def test_a_family_ends_when_its_last_parent_stops() -> None:
    both_ended = at("mechelen", ended("t1", "2020-05-01"), stopped("t1.2", "2020-05-20"),
                    booked("b1", "f1", "2020-06-01"))

    report = figures_of(given(TWO_PARENTS, both_ended), END_2020)

    assert report.partners["mechelen"]["places_after_trajectory_end"] == 1


def test_a_family_that_re_entered_has_not_ended() -> None:
    reentered = at("mechelen", stopped("t1.2", "2020-05-20"), booked("b1", "f1", "2020-10-01"))

    report = figures_of(given(TWO_PARENTS, MUM_REENTERS, reentered), END_2020)

    assert report.partners["mechelen"]["places_after_trajectory_end"] == 0
