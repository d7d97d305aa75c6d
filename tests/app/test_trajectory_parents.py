"""Trajectory for each parent: enrolment names them, a parent re-enters, a coach is replaced."""

from __future__ import annotations

from datetime import timedelta

from contracts.commands import (
    AgreePlan,
    CompleteTrajectory,
    EnrolFamily,
    ReassignCoach,
    ReenterTrajectory,
)
from contracts.intake import ConsentPurpose, FamilyReferred, Gender, ParentRef, ReferralSource
from contracts.trajectory import (
    CoachReassigned,
    CompletionOutcome,
    DevelopmentPlanAgreed,
    LifeDomain,
    TrajectoryStarted,
)
from pace.domain import RuleBrokenError
from tests.app.families import TODAY, consented

LATER = TODAY + timedelta(days=90)
TWO_PARENTS = FamilyReferred(
    family_id="fam-1", referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=TODAY,
    parents=(ParentRef(parent_id="par-a", gender=Gender.FEMALE),
             ParentRef(parent_id="par-b", gender=Gender.MALE)), children=())


def enrol(*parent_ids: str) -> EnrolFamily:
    return EnrolFamily(family_id="fam-1", coach_id="coach-1", enrolled_on=TODAY,
                       parent_ids=parent_ids)


def started(trajectory_id: str, parent_id: str, coach_id: str = "coach-1",
            on: object = TODAY) -> TrajectoryStarted:
    return TrajectoryStarted(trajectory_id=trajectory_id, family_id="fam-1", parent_id=parent_id,
                             coach_id=coach_id, started_on=on)


async def both_enrolled(partner) -> None:
    await partner.given(TWO_PARENTS, *consented(1, ConsentPurpose.TRAJECTORY))
    await partner.do("intake", enrol("par-a", "par-b"))


async def test_enrolling_both_parents_opens_a_trajectory_for_each(partner) -> None:
    await partner.given(TWO_PARENTS, *consented(1, ConsentPurpose.TRAJECTORY))

    outcome = await partner.when("intake", enrol("par-a", "par-b"))

    assert outcome.reactions == [started("traj-fam-1", "par-a"),
                                 started("traj-fam-1.2", "par-b")]
    listed = await partner.query("trajectory", "trajectories", family_id="fam-1")
    assert [(t["trajectory_id"], t["parent_id"], t["status"]) for t in listed] == [
        ("traj-fam-1", "par-a", "ongoing"), ("traj-fam-1.2", "par-b", "ongoing")]


async def test_enrolling_the_second_parent_alone_opens_only_theirs(partner) -> None:
    await partner.given(TWO_PARENTS, *consented(1, ConsentPurpose.TRAJECTORY))

    outcome = await partner.when("intake", enrol("par-b"))

    assert outcome.reactions == [started("traj-fam-1", "par-b")]


async def test_an_enrolment_naming_a_stranger_is_refused(partner) -> None:
    await partner.given(TWO_PARENTS, *consented(1, ConsentPurpose.TRAJECTORY))

    outcome = await partner.when("intake", enrol("par-z"))

    outcome.then_refused(RuleBrokenError, "par-z is not a parent of family fam-1")
    assert partner.events("trajectory") == []


async def test_the_coach_names_the_parent_a_plan_is_for(partner) -> None:
    await both_enrolled(partner)

    outcome = await partner.when("trajectory", AgreePlan(
        family_id="fam-1", parent_id="par-b", goals=(LifeDomain.WORK,), agreed_on=TODAY))

    outcome.then(DevelopmentPlanAgreed(trajectory_id="traj-fam-1.2", family_id="fam-1",
                                       goals=(LifeDomain.WORK,), agreed_on=TODAY))


async def test_a_parent_re_enters_after_completing_and_the_list_keeps_both(partner) -> None:
    await both_enrolled(partner)
    await partner.do("trajectory", CompleteTrajectory(
        family_id="fam-1", parent_id="par-a", outcome=CompletionOutcome.TRAINING,
        completed_on=TODAY))

    outcome = await partner.when("trajectory", ReenterTrajectory(
        family_id="fam-1", parent_id="par-a", coach_id="coach-2", started_on=LATER))

    outcome.then(started("traj-fam-1.3", "par-a", "coach-2", LATER))
    listed = await partner.query("trajectory", "trajectories", family_id="fam-1")
    assert [(t["trajectory_id"], t["parent_id"], t["status"]) for t in listed] == [
        ("traj-fam-1", "par-a", "completed"), ("traj-fam-1.2", "par-b", "ongoing"),
        ("traj-fam-1.3", "par-a", "ongoing")]


async def test_a_reassigned_coach_shows_in_the_list(partner) -> None:
    await both_enrolled(partner)

    outcome = await partner.when("trajectory", ReassignCoach(
        family_id="fam-1", coach_id="coach-2", reassigned_on=LATER))

    outcome.then(*(CoachReassigned(trajectory_id=t, family_id="fam-1", coach_id="coach-2",
                                   previous_coach_id="coach-1", reassigned_on=LATER)
                   for t in ("traj-fam-1", "traj-fam-1.2")))
    listed = await partner.query("trajectory", "trajectories", coach_id="coach-2")
    assert [t["trajectory_id"] for t in listed] == ["traj-fam-1", "traj-fam-1.2"]
