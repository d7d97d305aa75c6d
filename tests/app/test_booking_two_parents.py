"""Booking follows the family, not one parent: places stay while any parent is coached."""

from __future__ import annotations

from datetime import timedelta

from contracts.booking import SlotBooked, TrajectoryState
from contracts.commands import CompleteTrajectory, EnrolFamily
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralSource,
)
from contracts.trajectory import CompletionOutcome
from pace.domain import RuleBrokenError
from tests.app.families import TODAY, book, capacity, consented

LATER = TODAY + timedelta(weeks=10)  # after the 8 weeks of bridging that follow today
TWO_PARENTS = FamilyReferred(
    family_id="fam-1", referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=TODAY,
    parents=(ParentRef(parent_id="par-a", gender=Gender.FEMALE),
             ParentRef(parent_id="par-b", gender=Gender.MALE)),
    children=(ChildRef(child_id="chi-1", birth_month="2025-01"),))


def completed(parent_id: str) -> CompleteTrajectory:
    return CompleteTrajectory(family_id="fam-1", parent_id=parent_id,
                              outcome=CompletionOutcome.JOB, completed_on=TODAY)


async def both_coached(partner) -> None:
    await partner.given(TWO_PARENTS, *consented(1, ConsentPurpose.TRAJECTORY,
                                                 ConsentPurpose.CHILDCARE),
                        capacity(15, on=LATER))
    await partner.do("intake", EnrolFamily(family_id="fam-1", coach_id="coach-1",
                                           enrolled_on=TODAY, parent_ids=("par-a", "par-b")))


async def test_one_parent_done_leaves_the_family_booking_as_active(partner) -> None:
    await both_coached(partner)
    await partner.do("trajectory", completed("par-a"))

    later = await partner.when("booking", book(1, on=LATER, booking="b-later"))

    assert isinstance(later.events[0], SlotBooked)
    assert later.events[0].trajectory_state is TrajectoryState.ACTIVE
    assert later.events[0].bridging_ends_on is None


async def test_the_bridge_starts_when_the_last_parent_is_done(partner) -> None:
    await both_coached(partner)
    await partner.do("trajectory", completed("par-a"))
    await partner.do("trajectory", completed("par-b"))

    later = await partner.when("booking", book(1, on=LATER, booking="b-later"))

    later.then_refused(RuleBrokenError, "no places from that day on")
