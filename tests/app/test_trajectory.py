"""Trajectory: opened by intake's enrolment, then the coach's commands."""

from __future__ import annotations

import uuid

import pytest

from contracts.commands import AgreePlan, CompleteTrajectory, StartJob, StartTraining
from contracts.intake import FamilyEnrolled
from contracts.trajectory import (
    CompletionOutcome,
    DevelopmentPlanAgreed,
    JobKind,
    LifeDomain,
    TrainingKind,
    TrajectoryStarted,
)
from pace.domain import RuleBrokenError, UnknownFamilyError
from tests.app.families import TODAY, enrolled, referred

PLAN = AgreePlan(family_id="fam-1", goals=(LifeDomain.WORK, LifeDomain.LANGUAGE),
                 agreed_on=TODAY)


async def test_an_enrolment_opens_the_familys_trajectory(partner) -> None:
    await partner.given(*enrolled(1))

    assert partner.events("trajectory") == [TrajectoryStarted(
        trajectory_id="traj-fam-1", family_id="fam-1", parent_id="par-1", coach_id="coach-1",
        started_on=TODAY)]


async def test_an_enrolment_before_its_referral_is_refused_for_a_retry(partner) -> None:
    with pytest.raises(LookupError, match="enrolled before its referral"):
        await partner.given(FamilyEnrolled(family_id="fam-1", coach_id="coach-1",
                                           enrolled_on=TODAY))

    assert partner.events("trajectory") == []


async def test_the_coach_agrees_a_development_plan(partner) -> None:
    await partner.given(*enrolled(1))

    outcome = await partner.when("trajectory", PLAN)

    outcome.then(DevelopmentPlanAgreed(trajectory_id="traj-fam-1", family_id="fam-1",
                                       goals=(LifeDomain.WORK, LifeDomain.LANGUAGE),
                                       agreed_on=TODAY))


async def test_a_family_without_a_trajectory_gets_no_plan(partner) -> None:
    await partner.given(referred(1))

    outcome = await partner.when("trajectory", PLAN)

    outcome.then_refused(UnknownFamilyError, "fam-1 has no trajectory")


async def test_an_ended_trajectory_takes_no_more_commands(partner) -> None:
    await partner.given(*enrolled(1))
    await partner.do("trajectory", CompleteTrajectory(
        family_id="fam-1", outcome=CompletionOutcome.JOB, completed_on=TODAY))

    outcome = await partner.when("trajectory", StartJob(
        family_id="fam-1", job_id="j-1", kind=JobKind.REGULAR, hours_per_week=19,
        started_on=TODAY))

    outcome.then_refused(RuleBrokenError, "trajectory has ended")


async def test_a_resent_command_appends_nothing_new(partner) -> None:
    await partner.given(*enrolled(1))
    command = StartTraining(family_id="fam-1", training_id="t-1", kind=TrainingKind.LANGUAGE,
                            started_on=TODAY)
    command_id = uuid.uuid4()
    first = await partner.when("trajectory", command, command_id=command_id)

    again = await partner.when("trajectory", command, command_id=command_id)

    assert [r.event_id for r in again.records] == [r.event_id for r in first.records]
    assert len(partner.events("trajectory")) == 2


async def test_the_trajectories_view_follows_the_events(partner) -> None:
    await partner.given(*enrolled(1), *enrolled(2))
    await partner.do("trajectory", CompleteTrajectory(
        family_id="fam-2", outcome=CompletionOutcome.TRAINING, completed_on=TODAY))

    rows = await partner.query("trajectory", "trajectories")
    completed = await partner.query("trajectory", "trajectories", status="completed")

    assert sorted((r["family_id"], r["status"]) for r in rows) == [
        ("fam-1", "ongoing"), ("fam-2", "completed")]
    assert [r["family_id"] for r in completed] == ["fam-2"]
