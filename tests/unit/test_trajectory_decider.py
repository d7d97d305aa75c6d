"""Trajectory's decider: start, plan, trainings, jobs, involvement days, completion and drop."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import trajectory as ev
from contracts.commands import (
    AgreePlan,
    CompleteTraining,
    CompleteTrajectory,
    DropTrajectory,
    EndJob,
    RecordInvolvementDay,
    StartJob,
    StartTraining,
)
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.trajectory.domain import StartTrajectories, decider, stream_id, trajectory_id
from tests.unit.deciders import given

FAMILY = "fam-1"
TRAJ = "traj-fam-1"
IDS = {"trajectory_id": TRAJ, "family_id": FAMILY}
DAY = date(2020, 3, 2)
LATER = date(2020, 6, 1)

# -- commands --------------------------------------------------------------------------------

START = StartTrajectories(family_id=FAMILY, parent_ids=("par-1",), coach_id="coach-7",
                          started_on=DAY)
AGREE_PLAN = AgreePlan(family_id=FAMILY, goals=(LifeDomain.WORK, LifeDomain.LANGUAGE),
                       agreed_on=DAY)
START_TRAINING = StartTraining(family_id=FAMILY, training_id="tr-1",
                               kind=TrainingKind.LANGUAGE, started_on=DAY)
COMPLETE_TRAINING = CompleteTraining(family_id=FAMILY, training_id="tr-1", completed_on=LATER)
START_JOB = StartJob(family_id=FAMILY, job_id="job-1", kind=JobKind.REGULAR,
                     hours_per_week=19.5, started_on=DAY)
END_JOB = EndJob(family_id=FAMILY, job_id="job-1", ended_on=LATER)
INVOLVEMENT_DAY = RecordInvolvementDay(family_id=FAMILY, attended_on=DAY)
COMPLETE = CompleteTrajectory(family_id=FAMILY, outcome=CompletionOutcome.JOB,
                              completed_on=LATER)
DROP = DropTrajectory(family_id=FAMILY, reason=DropReason.LOST_CONTACT, dropped_on=LATER)

EVERY_COMMAND_BUT_START = [AGREE_PLAN, START_TRAINING, COMPLETE_TRAINING, START_JOB, END_JOB,
                           INVOLVEMENT_DAY, COMPLETE, DROP]
COMMAND_NAMES = [type(c).__name__ for c in EVERY_COMMAND_BUT_START]

# -- events ----------------------------------------------------------------------------------

STARTED = ev.TrajectoryStarted(**IDS, parent_id="par-1", coach_id="coach-7", started_on=DAY)
PLAN_AGREED = ev.DevelopmentPlanAgreed(**IDS, goals=(LifeDomain.WORK, LifeDomain.LANGUAGE),
                                       agreed_on=DAY)
TRAINING_STARTED = ev.TrainingStarted(**IDS, training_id="tr-1", kind=TrainingKind.LANGUAGE,
                                      started_on=DAY)
TRAINING_COMPLETED = ev.TrainingCompleted(**IDS, training_id="tr-1", completed_on=LATER)
JOB_STARTED = ev.JobStarted(**IDS, job_id="job-1", kind=JobKind.REGULAR, hours_per_week=19.5,
                            started_on=DAY)
JOB_ENDED = ev.JobEnded(**IDS, job_id="job-1", ended_on=LATER)
INVOLVEMENT_DAY_ATTENDED = ev.ParentInvolvementDayAttended(**IDS, attended_on=DAY)
COMPLETED = ev.TrajectoryCompleted(**IDS, outcome=CompletionOutcome.JOB, completed_on=LATER)
DROPPED = ev.TrajectoryDropped(**IDS, reason=DropReason.LOST_CONTACT, dropped_on=LATER)


# -- start -----------------------------------------------------------------------------------

def test_starting_a_trajectory_records_it_for_the_parent_and_coach():
    given(decider).when(START).then(STARTED)


def test_a_trajectory_is_named_after_its_family():
    assert trajectory_id(FAMILY) == TRAJ
    assert stream_id(FAMILY) == "trajectory-fam-1"


def test_starting_a_trajectory_twice_changes_nothing():
    given(decider, STARTED).when(START).then_nothing()


def test_starting_again_with_another_coach_changes_nothing_either():
    given(decider, STARTED).when(
        StartTrajectories(family_id=FAMILY, parent_ids=("par-1",), coach_id="coach-9",
                          started_on=LATER)
    ).then_nothing()


def test_starting_a_trajectory_that_has_ended_changes_nothing():
    given(decider, STARTED, COMPLETED).when(START).then_nothing()


def test_families_with_long_ids_get_distinct_trajectory_ids():
    prefix = "f" * 59
    one = StartTrajectories(family_id=prefix + "00001", parent_ids=("par-1",),
                            coach_id="coach-7", started_on=DAY)
    two = StartTrajectories(family_id=prefix + "00002", parent_ids=("par-2",),
                            coach_id="coach-7", started_on=DAY)

    [first] = decider.decide(one, decider.initial_state)
    [second] = decider.decide(two, decider.initial_state)

    assert first.trajectory_id != second.trajectory_id


# -- before the start, after the end ---------------------------------------------------------

@pytest.mark.parametrize("command", EVERY_COMMAND_BUT_START, ids=COMMAND_NAMES)
def test_every_command_is_refused_before_the_trajectory_started(command):
    given(decider).when(command).then_raises(UnknownFamilyError,
                                             match="family fam-1 has no trajectory")


@pytest.mark.parametrize("command", EVERY_COMMAND_BUT_START, ids=COMMAND_NAMES)
def test_every_command_is_refused_after_the_trajectory_was_completed(command):
    given(decider, STARTED, TRAINING_STARTED, JOB_STARTED, COMPLETED).when(command).then_raises(
        RuleBrokenError, match="trajectory has ended")


@pytest.mark.parametrize("command", EVERY_COMMAND_BUT_START, ids=COMMAND_NAMES)
def test_every_command_is_refused_after_the_trajectory_was_dropped(command):
    given(decider, STARTED, TRAINING_STARTED, JOB_STARTED, DROPPED).when(command).then_raises(
        RuleBrokenError, match="trajectory has ended")


def test_a_command_that_is_not_a_trajectory_command_is_a_programming_error():
    given(decider, STARTED).when(STARTED).then_raises(TypeError, match="not a trajectory command")


# -- plan ------------------------------------------------------------------------------------

def test_a_development_plan_is_agreed():
    given(decider, STARTED).when(AGREE_PLAN).then(PLAN_AGREED)


def test_a_development_plan_can_be_agreed_again_with_new_goals():
    revised = AgreePlan(family_id=FAMILY, goals=(LifeDomain.HOUSING,), agreed_on=LATER)
    given(decider, STARTED, PLAN_AGREED).when(revised).then(
        ev.DevelopmentPlanAgreed(**IDS, goals=(LifeDomain.HOUSING,), agreed_on=LATER))


# -- trainings -------------------------------------------------------------------------------

def test_a_training_is_started():
    given(decider, STARTED).when(START_TRAINING).then(TRAINING_STARTED)


def test_a_training_started_twice_is_refused():
    given(decider, STARTED, TRAINING_STARTED).when(START_TRAINING).then_raises(
        RuleBrokenError, match="training tr-1 already started")


def test_a_completed_training_cannot_be_started_again():
    given(decider, STARTED, TRAINING_STARTED, TRAINING_COMPLETED).when(START_TRAINING
                                                                      ).then_raises(
        RuleBrokenError, match="training tr-1 already started")


def test_a_second_training_can_run_alongside_the_first():
    second = StartTraining(family_id=FAMILY, training_id="tr-2", kind=TrainingKind.VOCATIONAL,
                           started_on=LATER)
    given(decider, STARTED, TRAINING_STARTED).when(second).then(
        ev.TrainingStarted(**IDS, training_id="tr-2", kind=TrainingKind.VOCATIONAL,
                           started_on=LATER))


def test_a_training_under_way_is_completed():
    given(decider, STARTED, TRAINING_STARTED).when(COMPLETE_TRAINING).then(TRAINING_COMPLETED)


def test_completing_a_training_never_started_is_refused():
    given(decider, STARTED).when(COMPLETE_TRAINING).then_raises(
        RuleBrokenError, match="training tr-1 is not under way")


def test_completing_a_training_twice_is_refused():
    given(decider, STARTED, TRAINING_STARTED, TRAINING_COMPLETED).when(COMPLETE_TRAINING
                                                                      ).then_raises(
        RuleBrokenError, match="training tr-1 is not under way")


# -- jobs ------------------------------------------------------------------------------------

def test_a_job_is_started():
    given(decider, STARTED).when(START_JOB).then(JOB_STARTED)


def test_a_job_started_twice_is_refused():
    given(decider, STARTED, JOB_STARTED).when(START_JOB).then_raises(
        RuleBrokenError, match="job job-1 already started")


def test_an_ended_job_cannot_be_started_again():
    given(decider, STARTED, JOB_STARTED, JOB_ENDED).when(START_JOB).then_raises(
        RuleBrokenError, match="job job-1 already started")


def test_a_job_under_way_is_ended():
    given(decider, STARTED, JOB_STARTED).when(END_JOB).then(JOB_ENDED)


def test_ending_a_job_never_started_is_refused():
    given(decider, STARTED).when(END_JOB).then_raises(
        RuleBrokenError, match="job job-1 is not under way")


def test_ending_a_job_twice_is_refused():
    given(decider, STARTED, JOB_STARTED, JOB_ENDED).when(END_JOB).then_raises(
        RuleBrokenError, match="job job-1 is not under way")


def test_a_training_id_is_not_a_job_id():
    given(decider, STARTED, TRAINING_STARTED).when(
        EndJob(family_id=FAMILY, job_id="tr-1", ended_on=LATER)
    ).then_raises(RuleBrokenError, match="job tr-1 is not under way")


# -- involvement days ------------------------------------------------------------------------

def test_a_parent_involvement_day_is_recorded():
    given(decider, STARTED).when(INVOLVEMENT_DAY).then(INVOLVEMENT_DAY_ATTENDED)


def test_every_parent_involvement_day_attended_is_recorded():
    given(decider, STARTED, INVOLVEMENT_DAY_ATTENDED).when(
        RecordInvolvementDay(family_id=FAMILY, attended_on=LATER)
    ).then(ev.ParentInvolvementDayAttended(**IDS, attended_on=LATER))


# -- complete, drop --------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", list(CompletionOutcome))
def test_a_trajectory_is_completed_with_each_outcome(outcome):
    given(decider, STARTED).when(
        CompleteTrajectory(family_id=FAMILY, outcome=outcome, completed_on=LATER)
    ).then(ev.TrajectoryCompleted(**IDS, outcome=outcome, completed_on=LATER))


def test_a_trajectory_is_completed_with_a_job_still_under_way():
    state = given(decider, STARTED, JOB_STARTED).when(COMPLETE).then(COMPLETED)

    assert state.trajectories[0].closed


@pytest.mark.parametrize("reason", list(DropReason))
def test_a_trajectory_is_dropped_for_each_reason(reason):
    given(decider, STARTED).when(
        DropTrajectory(family_id=FAMILY, reason=reason, dropped_on=LATER)
    ).then(ev.TrajectoryDropped(**IDS, reason=reason, dropped_on=LATER))


def test_a_dropped_trajectory_is_closed():
    state = given(decider, STARTED).when(DROP).then(DROPPED)

    assert state.trajectories[0].closed
