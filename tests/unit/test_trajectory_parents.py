"""Trajectory's decider for families: a trajectory per parent, re-entry, coach reassignment."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import trajectory as ev
from contracts.commands import (
    AgreePlan,
    CompleteTrajectory,
    DropTrajectory,
    EndJob,
    ReassignCoach,
    ReenterTrajectory,
    StartJob,
    StartTraining,
)
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.trajectory.domain import StartTrajectories, decider, trajectory_id
from tests.unit.deciders import given

FAMILY = "fam-1"
DAY = date(2020, 3, 2)
LATER = date(2020, 6, 1)
AGAIN = date(2021, 1, 4)
FIRST = {"trajectory_id": "traj-fam-1", "family_id": FAMILY}
SECOND = {"trajectory_id": "traj-fam-1.2", "family_id": FAMILY}
THIRD = {"trajectory_id": "traj-fam-1.3", "family_id": FAMILY}

BOTH = StartTrajectories(family_id=FAMILY, parent_ids=("mum", "dad"), coach_id="coach-7",
                         started_on=DAY)
MUM_STARTED = ev.TrajectoryStarted(**FIRST, parent_id="mum", coach_id="coach-7", started_on=DAY)
DAD_STARTED = ev.TrajectoryStarted(**SECOND, parent_id="dad", coach_id="coach-7",
                                   started_on=DAY)
MUM_COMPLETED = ev.TrajectoryCompleted(**FIRST, outcome=CompletionOutcome.JOB,
                                       completed_on=LATER)
MUM_DROPPED = ev.TrajectoryDropped(**FIRST, reason=DropReason.HEALTH, dropped_on=LATER)
REENTER_MUM = ReenterTrajectory(family_id=FAMILY, parent_id="mum", coach_id="coach-9",
                                started_on=AGAIN)


# -- a trajectory per parent -------------------------------------------------------------------

def test_enrolling_two_parents_starts_a_trajectory_for_each():
    given(decider).when(BOTH).then(MUM_STARTED, DAD_STARTED)


def test_a_parent_named_twice_gets_one_trajectory():
    given(decider).when(
        StartTrajectories(family_id=FAMILY, parent_ids=("mum", "mum"), coach_id="coach-7",
                          started_on=DAY)
    ).then(MUM_STARTED)


def test_the_enrolment_delivered_again_changes_nothing():
    given(decider, MUM_STARTED, DAD_STARTED).when(BOTH).then_nothing()


def test_a_parent_named_later_gets_the_next_trajectory_id():
    given(decider, MUM_STARTED).when(BOTH).then(DAD_STARTED)


def test_later_trajectory_ids_are_numbered_and_fit_an_id():
    assert trajectory_id(FAMILY, 2) == "traj-fam-1.2"
    long = "f" * 64
    assert len(trajectory_id(long, 2)) <= 64
    assert trajectory_id(long, 2) != trajectory_id(long, 3) != trajectory_id(long)


def test_a_command_naming_the_parent_goes_to_that_parents_trajectory():
    given(decider, MUM_STARTED, DAD_STARTED).when(
        AgreePlan(family_id=FAMILY, parent_id="dad", goals=(LifeDomain.WORK,), agreed_on=DAY)
    ).then(ev.DevelopmentPlanAgreed(**SECOND, goals=(LifeDomain.WORK,), agreed_on=DAY))


def test_a_command_without_a_parent_is_refused_when_two_trajectories_are_open():
    given(decider, MUM_STARTED, DAD_STARTED).when(
        AgreePlan(family_id=FAMILY, goals=(LifeDomain.WORK,), agreed_on=DAY)
    ).then_raises(RuleBrokenError, match="2 open trajectories \\(parents mum, dad\\): name")


def test_a_command_without_a_parent_goes_to_the_only_open_trajectory():
    given(decider, MUM_STARTED, DAD_STARTED, MUM_COMPLETED).when(
        AgreePlan(family_id=FAMILY, goals=(LifeDomain.WORK,), agreed_on=LATER)
    ).then(ev.DevelopmentPlanAgreed(**SECOND, goals=(LifeDomain.WORK,), agreed_on=LATER))


def test_ending_a_job_without_a_parent_finds_the_trajectory_that_holds_it():
    dads_job = ev.JobStarted(**SECOND, job_id="job-1", kind=JobKind.REGULAR,
                             hours_per_week=20, started_on=DAY)
    given(decider, MUM_STARTED, DAD_STARTED, dads_job).when(
        EndJob(family_id=FAMILY, job_id="job-1", ended_on=LATER)
    ).then(ev.JobEnded(**SECOND, job_id="job-1", ended_on=LATER))


def test_a_job_id_used_by_one_parent_is_refused_for_the_other():
    mums_job = ev.JobStarted(**FIRST, job_id="job-1", kind=JobKind.REGULAR,
                             hours_per_week=20, started_on=DAY)
    given(decider, MUM_STARTED, DAD_STARTED, mums_job).when(
        StartJob(family_id=FAMILY, parent_id="dad", job_id="job-1", kind=JobKind.TEMPORARY,
                 hours_per_week=10, started_on=LATER)
    ).then_raises(RuleBrokenError, match="job job-1 already started")


def test_a_training_id_used_by_one_parent_is_refused_for_the_other():
    mums_training = ev.TrainingStarted(**FIRST, training_id="tr-1", kind=TrainingKind.LANGUAGE,
                                       started_on=DAY)
    given(decider, MUM_STARTED, DAD_STARTED, mums_training).when(
        StartTraining(family_id=FAMILY, parent_id="dad", training_id="tr-1",
                      kind=TrainingKind.LANGUAGE, started_on=LATER)
    ).then_raises(RuleBrokenError, match="training tr-1 already started")


def test_a_command_for_a_parent_without_a_trajectory_is_refused():
    given(decider, MUM_STARTED).when(
        AgreePlan(family_id=FAMILY, parent_id="gran", goals=(LifeDomain.WORK,), agreed_on=DAY)
    ).then_raises(RuleBrokenError, match="parent gran has no trajectory in family fam-1")


def test_a_command_for_a_parent_whose_trajectory_ended_is_refused_while_the_other_runs():
    given(decider, MUM_STARTED, DAD_STARTED, MUM_COMPLETED).when(
        CompleteTrajectory(family_id=FAMILY, parent_id="mum", outcome=CompletionOutcome.OTHER,
                           completed_on=AGAIN)
    ).then_raises(RuleBrokenError, match="parent mum's trajectory has ended")


def test_one_parent_completing_leaves_the_other_open():
    state = given(decider, MUM_STARTED, DAD_STARTED).when(
        CompleteTrajectory(family_id=FAMILY, parent_id="mum", outcome=CompletionOutcome.JOB,
                           completed_on=LATER)
    ).then(MUM_COMPLETED)

    assert [t.parent_id for t in state.open()] == ["dad"]


# -- re-entry ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ended", [MUM_COMPLETED, MUM_DROPPED], ids=["completed", "dropped"])
def test_a_parent_whose_trajectory_ended_re_enters_with_a_new_trajectory(ended):
    state = given(decider, MUM_STARTED, ended).when(REENTER_MUM).then(
        ev.TrajectoryStarted(**SECOND, parent_id="mum", coach_id="coach-9", started_on=AGAIN))

    assert [(t.trajectory_id, t.closed) for t in state.trajectories] == [
        ("traj-fam-1", True), ("traj-fam-1.2", False)]


def test_re_entry_numbers_after_every_trajectory_of_the_family():
    given(decider, MUM_STARTED, DAD_STARTED, MUM_COMPLETED).when(REENTER_MUM).then(
        ev.TrajectoryStarted(**THIRD, parent_id="mum", coach_id="coach-9", started_on=AGAIN))


def test_re_entry_without_a_parent_takes_the_familys_only_parent():
    given(decider, MUM_STARTED, MUM_COMPLETED).when(
        ReenterTrajectory(family_id=FAMILY, coach_id="coach-9", started_on=AGAIN)
    ).then(ev.TrajectoryStarted(**SECOND, parent_id="mum", coach_id="coach-9",
                                started_on=AGAIN))


def test_re_entry_without_a_parent_is_refused_when_two_parents_had_trajectories():
    given(decider, MUM_STARTED, DAD_STARTED, MUM_COMPLETED).when(
        ReenterTrajectory(family_id=FAMILY, coach_id="coach-9", started_on=AGAIN)
    ).then_raises(RuleBrokenError, match="parents mum, dad: name the parent")


def test_re_entry_is_refused_while_the_parents_trajectory_is_open():
    given(decider, MUM_STARTED).when(REENTER_MUM).then_raises(
        RuleBrokenError, match="trajectory traj-fam-1 is still open")


def test_re_entry_is_refused_for_a_family_never_enrolled():
    given(decider).when(REENTER_MUM).then_raises(UnknownFamilyError, match="enrol it first")


def test_re_entry_is_refused_for_a_parent_who_never_had_a_trajectory():
    given(decider, MUM_STARTED, MUM_COMPLETED).when(
        ReenterTrajectory(family_id=FAMILY, parent_id="dad", coach_id="coach-9",
                          started_on=AGAIN)
    ).then_raises(RuleBrokenError, match="parent dad has had no trajectory in family fam-1")


def test_commands_after_re_entry_go_to_the_new_trajectory():
    reentered = ev.TrajectoryStarted(**SECOND, parent_id="mum", coach_id="coach-9",
                                     started_on=AGAIN)
    given(decider, MUM_STARTED, MUM_DROPPED, reentered).when(
        DropTrajectory(family_id=FAMILY, reason=DropReason.MOVED_AWAY, dropped_on=AGAIN)
    ).then(ev.TrajectoryDropped(**SECOND, reason=DropReason.MOVED_AWAY, dropped_on=AGAIN))


# -- coach reassignment ------------------------------------------------------------------------

def test_a_coach_is_reassigned_on_the_parents_trajectory():
    state = given(decider, MUM_STARTED, DAD_STARTED).when(
        ReassignCoach(family_id=FAMILY, parent_id="dad", coach_id="coach-9",
                      reassigned_on=LATER)
    ).then(ev.CoachReassigned(**SECOND, coach_id="coach-9", previous_coach_id="coach-7",
                              reassigned_on=LATER))

    assert [t.coach_id for t in state.trajectories] == ["coach-7", "coach-9"]


def test_without_a_parent_every_open_trajectory_of_the_family_gets_the_new_coach():
    given(decider, MUM_STARTED, DAD_STARTED).when(
        ReassignCoach(family_id=FAMILY, coach_id="coach-9", reassigned_on=LATER)
    ).then(
        ev.CoachReassigned(**FIRST, coach_id="coach-9", previous_coach_id="coach-7",
                           reassigned_on=LATER),
        ev.CoachReassigned(**SECOND, coach_id="coach-9", previous_coach_id="coach-7",
                           reassigned_on=LATER))


def test_reassigning_to_the_same_coach_changes_nothing():
    given(decider, MUM_STARTED).when(
        ReassignCoach(family_id=FAMILY, coach_id="coach-7", reassigned_on=LATER)
    ).then_nothing()


def test_a_coach_cannot_be_reassigned_on_an_ended_trajectory():
    given(decider, MUM_STARTED, MUM_COMPLETED).when(
        ReassignCoach(family_id=FAMILY, coach_id="coach-9", reassigned_on=AGAIN)
    ).then_raises(RuleBrokenError, match="trajectory has ended")


def test_a_coach_cannot_be_reassigned_before_enrolment():
    given(decider).when(
        ReassignCoach(family_id=FAMILY, coach_id="coach-9", reassigned_on=AGAIN)
    ).then_raises(UnknownFamilyError, match="family fam-1 has no trajectory")


def test_a_reassigned_coach_is_the_one_the_next_reassignment_replaces():
    reassigned = ev.CoachReassigned(**FIRST, coach_id="coach-9", previous_coach_id="coach-7",
                                    reassigned_on=LATER)
    given(decider, MUM_STARTED, reassigned).when(
        ReassignCoach(family_id=FAMILY, coach_id="coach-3", reassigned_on=AGAIN)
    ).then(ev.CoachReassigned(**FIRST, coach_id="coach-3", previous_coach_id="coach-9",
                              reassigned_on=AGAIN))
