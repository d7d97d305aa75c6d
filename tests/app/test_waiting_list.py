"""The programme's waiting list over intake's handlers: in order, taken, declined, answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contracts.commands import (
    DeclineReferral,
    EnrolFamily,
    EraseFamily,
    HoldReferral,
    ParentDetails,
    RecordConsent,
    ReferFamily,
    SetReferralPriority,
)
from contracts.intake import (
    ConsentPurpose,
    DeclineReason,
    Gender,
    ReferralAnswered,
    ReferralHeld,
    ReferralOutcome,
    ReferralSource,
)
from pace.domain import RuleBrokenError
from tests.app.families import TODAY

STAFF = {"reader": "staff:admin-1", "purpose": "waiting list"}
EARLY, LATE = TODAY - timedelta(days=30), TODAY - timedelta(days=10)


def referral(n: int, source: ReferralSource = ReferralSource.SOCIAL_SERVICES) -> ReferFamily:
    return ReferFamily(
        family_id=f"fam-{n}", referral_source=source, referred_on=EARLY - timedelta(days=5),
        parents=(ParentDetails(parent_id=f"par-{n}", gender=Gender.FEMALE,
                               full_name=f"Parent {n}"),))


async def waiting(partner, n: int, held_on, priority: int) -> None:
    await partner.do("intake", referral(n))
    await partner.do("intake", HoldReferral(family_id=f"fam-{n}", held_on=held_on,
                                            priority=priority))


async def test_a_hold_puts_the_referral_on_the_list_and_answers_the_referrer(partner) -> None:
    await partner.do("intake", referral(1))

    outcome = await partner.when("intake", HoldReferral(family_id="fam-1", held_on=LATE,
                                                        priority=2))

    outcome.then(ReferralHeld(family_id="fam-1", held_on=LATE, priority=2),
                 ReferralAnswered(family_id="fam-1", outcome=ReferralOutcome.WAITING,
                                  answered_on=LATE))
    [row] = await partner.query("intake", "waiting", today=TODAY.isoformat(), **STAFF)
    assert (row["family_id"], row["parents"], row["priority"], row["days_waiting"]) == (
        "fam-1", "Parent 1", 2, 10)


async def test_the_list_is_in_order_of_priority_then_waiting_since(partner) -> None:
    await waiting(partner, 1, LATE, 3)
    await waiting(partner, 2, EARLY, 3)
    await waiting(partner, 3, LATE, 1)

    listed = await partner.query("intake", "waiting", **STAFF)

    assert [(r["place"], r["family_id"]) for r in listed] == [
        (1, "fam-3"), (2, "fam-2"), (3, "fam-1")]


async def test_a_new_priority_moves_a_referral_up_the_list(partner) -> None:
    await waiting(partner, 1, EARLY, 3)
    await waiting(partner, 2, LATE, 3)

    await partner.do("intake", SetReferralPriority(family_id="fam-2", priority=1, set_on=TODAY))

    assert [r["family_id"] for r in await partner.query("intake", "waiting", **STAFF)] == [
        "fam-2", "fam-1"]


async def test_taken_and_declined_referrals_leave_the_list(partner) -> None:
    await waiting(partner, 1, EARLY, 3)
    await waiting(partner, 2, LATE, 3)
    await waiting(partner, 3, LATE, 4)
    await partner.do("intake", RecordConsent(family_id="fam-1",
                                             purpose=ConsentPurpose.TRAJECTORY, given_on=TODAY))

    await partner.do("intake", EnrolFamily(family_id="fam-1", coach_id="coach-1",
                                           enrolled_on=TODAY))
    await partner.do("intake", DeclineReferral(family_id="fam-2",
                                               reason=DeclineReason.UNREACHABLE,
                                               declined_on=TODAY))

    assert [r["family_id"] for r in await partner.query("intake", "waiting", **STAFF)] == [
        "fam-3"]


async def test_an_erased_family_leaves_the_list_and_its_referrer_hears_a_decline(partner) -> None:
    await waiting(partner, 1, EARLY, 3)

    await partner.do("intake", EraseFamily(family_id="fam-1", erased_on=TODAY))

    assert await partner.query("intake", "waiting", **STAFF) == []
    answers = await partner.query("intake", "answers", month=TODAY.isoformat()[:7],
                                  referrer="social_services")
    assert [(a["outcome"], a["reason"]) for a in answers] == [("declined", "other")]


async def test_holding_twice_is_refused(partner) -> None:
    await waiting(partner, 1, EARLY, 3)

    outcome = await partner.when("intake", HoldReferral(family_id="fam-1", held_on=TODAY))

    outcome.then_refused(RuleBrokenError, "already on the waiting list")


async def test_a_referrer_gets_its_answers_of_a_month_with_the_days_waited(partner) -> None:
    await waiting(partner, 1, EARLY, 3)
    await partner.do("intake", referral(2, ReferralSource.PUBLIC_EMPLOYMENT_SERVICE))
    await partner.do("intake", RecordConsent(family_id="fam-1",
                                             purpose=ConsentPurpose.TRAJECTORY, given_on=TODAY))
    await partner.do("intake", EnrolFamily(family_id="fam-1", coach_id="coach-1",
                                           enrolled_on=TODAY))
    await partner.do("intake", DeclineReferral(family_id="fam-2",
                                               reason=DeclineReason.NOT_ELIGIBLE,
                                               declined_on=TODAY))
    month = TODAY.isoformat()[:7]

    social = await partner.query("intake", "answers", month=month, referrer="social_services")
    employment = await partner.query("intake", "answers", month=month,
                                     referrer="public_employment_service")

    assert [(a["family_id"], a["outcome"], a["days_waiting"]) for a in social] == [
        ("fam-1", "enrolled", 30)]
    assert [(a["family_id"], a["outcome"], a["reason"], a["days_waiting"])
            for a in employment] == [("fam-2", "declined", "not_eligible", "")]


async def test_answers_need_a_month_and_a_known_referrer(partner) -> None:
    with pytest.raises(ValueError, match="month must be YYYY-MM"):
        await partner.query("intake", "answers", month="March", referrer="social_services")
    with pytest.raises(ValueError, match="unknown referrer 'jobcentre'"):
        await partner.query("intake", "answers", month="2026-03", referrer="jobcentre")


async def test_the_hub_gets_the_hold_and_the_answer_without_priority_or_reason(partner) -> None:
    await partner.do("intake", referral(1))
    await partner.do("intake", RecordConsent(family_id="fam-1", given_on=TODAY,
                                             purpose=ConsentPurpose.CROSS_BORDER_STATISTICS))

    await partner.do("intake", HoldReferral(family_id="fam-1", held_on=LATE, priority=1))
    await partner.do("intake", DeclineReferral(family_id="fam-1", declined_on=TODAY,
                                               reason=DeclineReason.NOT_ELIGIBLE))

    copies = [e for e in partner.events("sharing")
              if isinstance(e, ReferralHeld | ReferralAnswered)]
    assert [(type(e).__name__, getattr(e, "outcome", None)) for e in copies] == [
        ("ReferralHeld", None), ("ReferralAnswered", ReferralOutcome.WAITING),
        ("ReferralAnswered", ReferralOutcome.DECLINED)]
    assert copies[0].priority is None and copies[0].held_on == LATE
    assert copies[2].reason is None and copies[2].answered_on == TODAY
    assert {e.family_id for e in copies} != {"fam-1"}
