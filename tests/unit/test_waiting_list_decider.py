"""The programme's waiting list in intake's decider: hold, priority, taken or declined, answers."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from contracts.commands import (
    DeclineReferral,
    EnrolFamily,
    EraseFamily,
    HoldReferral,
    SetReferralPriority,
)
from contracts.intake import (
    ConsentPurpose,
    DeclineReason,
    FamilyEnrolled,
    FamilyErased,
    ReferralAnswered,
    ReferralDeclined,
    ReferralHeld,
    ReferralOutcome,
    ReferralPrioritySet,
)
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.intake.domain import decider
from tests.unit.deciders import given
from tests.unit.test_intake_decider import (
    DECLINED,
    ENROLLED,
    ERASED,
    FAMILY,
    REFERRED,
    consented,
)

HELD_ON = date(2020, 3, 4)
TAKEN_ON = date(2020, 4, 20)
HOLD = HoldReferral(family_id=FAMILY, held_on=HELD_ON, priority=2)
HELD = ReferralHeld(family_id=FAMILY, held_on=HELD_ON, priority=2)
ANSWERED_WAITING = ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.WAITING,
                                    answered_on=HELD_ON)
TRAJECTORY_CONSENT = consented(ConsentPurpose.TRAJECTORY)


def test_an_undecided_referral_is_put_on_the_waiting_list_and_the_referrer_told():
    state = given(decider, REFERRED).when(HOLD).then(HELD, ANSWERED_WAITING)

    assert state.waiting_since == HELD_ON and state.priority == 2
    assert not (state.enrolled or state.declined)


def test_a_hold_without_a_priority_gets_the_middle_one():
    given(decider, REFERRED).when(HoldReferral(family_id=FAMILY, held_on=HELD_ON)).then(
        HELD.model_copy(update={"priority": 3}), ANSWERED_WAITING)


@pytest.mark.parametrize("priority", [0, 6])
def test_a_priority_outside_one_to_five_is_refused_by_the_command(priority):
    with pytest.raises(ValidationError):
        HoldReferral(family_id=FAMILY, held_on=HELD_ON, priority=priority)


def test_a_referral_cannot_wait_from_before_it_was_made():
    given(decider, REFERRED).when(
        HoldReferral(family_id=FAMILY, held_on=date(2020, 3, 1))
    ).then_raises(RuleBrokenError, match="referred on 2020-03-02: it cannot wait from 2020-03-01")


def test_holding_a_referral_already_waiting_is_refused_with_its_date():
    given(decider, REFERRED, HELD).when(HOLD).then_raises(
        RuleBrokenError, match="already on the waiting list since 2020-03-04")


def test_an_enrolled_family_cannot_wait_for_a_place():
    given(decider, REFERRED, TRAJECTORY_CONSENT, ENROLLED).when(HOLD).then_raises(
        RuleBrokenError, match="already enrolled")


def test_a_declined_referral_cannot_wait_for_a_place():
    given(decider, REFERRED, DECLINED).when(HOLD).then_raises(
        RuleBrokenError, match="already declined")


def test_an_erased_family_cannot_be_put_on_the_waiting_list():
    given(decider, REFERRED, ERASED).when(HOLD).then_raises(RuleBrokenError, match="erased")


def test_a_family_never_referred_cannot_be_put_on_the_waiting_list():
    given(decider).when(HOLD).then_raises(UnknownFamilyError, match="no family fam-1")


def test_the_partner_changes_a_waiting_referrals_priority():
    state = given(decider, REFERRED, HELD).when(
        SetReferralPriority(family_id=FAMILY, priority=1, set_on=TAKEN_ON)
    ).then(ReferralPrioritySet(family_id=FAMILY, priority=1, set_on=TAKEN_ON))

    assert state.priority == 1 and state.waiting_since == HELD_ON


def test_setting_the_same_priority_again_changes_nothing():
    given(decider, REFERRED, HELD).when(
        SetReferralPriority(family_id=FAMILY, priority=2, set_on=TAKEN_ON)).then_nothing()


def test_a_referral_not_waiting_has_no_priority_to_set():
    given(decider, REFERRED).when(
        SetReferralPriority(family_id=FAMILY, priority=1, set_on=TAKEN_ON)
    ).then_raises(RuleBrokenError, match="not on the waiting list")


def test_a_waiting_family_is_taken_from_the_list_by_enrolment():
    state = given(decider, REFERRED, TRAJECTORY_CONSENT, HELD).when(
        EnrolFamily(family_id=FAMILY, coach_id="coach-7", enrolled_on=TAKEN_ON)
    ).then(FamilyEnrolled(family_id=FAMILY, coach_id="coach-7", enrolled_on=TAKEN_ON,
                          parent_ids=("par-1",)),
           ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.ENROLLED,
                            answered_on=TAKEN_ON))

    assert state.enrolled and state.waiting_since is None


def test_a_waiting_family_is_not_taken_without_trajectory_consent():
    given(decider, REFERRED, HELD).when(
        EnrolFamily(family_id=FAMILY, coach_id="coach-7", enrolled_on=TAKEN_ON)
    ).then_raises(RuleBrokenError, match="not consented to a trajectory")


def test_a_waiting_referral_is_declined_with_a_reason_the_referrer_hears():
    state = given(decider, REFERRED, HELD).when(
        DeclineReferral(family_id=FAMILY, reason=DeclineReason.FAMILY_DECLINED,
                        declined_on=TAKEN_ON)
    ).then(ReferralDeclined(family_id=FAMILY, reason=DeclineReason.FAMILY_DECLINED,
                            declined_on=TAKEN_ON),
           ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.DECLINED,
                            answered_on=TAKEN_ON, reason=DeclineReason.FAMILY_DECLINED))

    assert state.declined and state.waiting_since is None


def test_a_taken_family_has_no_priority_to_set_any_more():
    given(decider, REFERRED, TRAJECTORY_CONSENT, HELD, ENROLLED).when(
        SetReferralPriority(family_id=FAMILY, priority=1, set_on=TAKEN_ON)
    ).then_raises(RuleBrokenError, match="not on the waiting list")


def test_a_waiting_family_that_is_erased_leaves_the_list_declined_that_day():
    state = given(decider, REFERRED, HELD).when(
        EraseFamily(family_id=FAMILY, erased_on=TAKEN_ON)
    ).then(ReferralDeclined(family_id=FAMILY, reason=DeclineReason.OTHER, declined_on=TAKEN_ON),
           ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.DECLINED,
                            answered_on=TAKEN_ON, reason=DeclineReason.OTHER),
           FamilyErased(family_id=FAMILY, erased_on=TAKEN_ON))

    assert state.erased and state.declined and state.waiting_since is None


def test_the_hub_copy_of_a_hold_may_leave_out_the_priority():
    classification = ReferralHeld.field_classification()

    assert ReferralHeld.shareable and ReferralAnswered.shareable
    assert classification["priority"] == "local"
    assert ReferralAnswered.field_classification()["reason"] == "local"
    assert ReferralHeld(family_id=FAMILY, held_on=HELD_ON).priority is None
