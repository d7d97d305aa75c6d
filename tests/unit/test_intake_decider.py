"""Intake's decider: referral, consent, enrolment, decline and erasure, given/when/then."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.commands import (
    ChildDetails,
    DeclineReferral,
    EnrolFamily,
    EraseFamily,
    ParentDetails,
    RecordConsent,
    ReferFamily,
    WithdrawConsent,
)
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    ConsentRecorded,
    ConsentWithdrawn,
    DeclineReason,
    FamilyEnrolled,
    FamilyErased,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralAnswered,
    ReferralDeclined,
    ReferralOutcome,
    ReferralSource,
)
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.intake.domain import decider, stream_id
from tests.unit.deciders import given

FAMILY = "fam-1"
DAY = date(2020, 3, 2)
LATER = date(2020, 3, 9)
TRAJECTORY = ConsentPurpose.TRAJECTORY
CHILDCARE = ConsentPurpose.CHILDCARE


def refer_family(**overrides: object) -> ReferFamily:
    fields: dict[str, object] = dict(
        family_id=FAMILY, referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=DAY,
        parents=(ParentDetails(parent_id="par-1", gender=Gender.FEMALE, full_name="An Peeters",
                               phone="+32 470 00 00 00", national_number="85.01.01-123.45"),
                 ParentDetails(parent_id="par-2", gender=Gender.MALE, full_name="Bart Peeters")),
        children=(ChildDetails(child_id="chi-1", first_name="Lotte", birth_month="2018-07"),),
        notes="prefers calls after 18:00",
    )
    return ReferFamily(**{**fields, **overrides})


REFERRED = FamilyReferred(
    family_id=FAMILY, referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=DAY,
    parents=(ParentRef(parent_id="par-1", gender=Gender.FEMALE),
             ParentRef(parent_id="par-2", gender=Gender.MALE)),
    children=(ChildRef(child_id="chi-1", birth_month="2018-07"),),
)


def consented(purpose: ConsentPurpose, on: date = DAY) -> ConsentRecorded:
    return ConsentRecorded(family_id=FAMILY, purpose=purpose, given_on=on)


def withdrawn(purpose: ConsentPurpose, on: date = LATER) -> ConsentWithdrawn:
    return ConsentWithdrawn(family_id=FAMILY, purpose=purpose, withdrawn_on=on)


ENROLLED = FamilyEnrolled(family_id=FAMILY, coach_id="coach-7", enrolled_on=DAY,
                          parent_ids=("par-1",))
DECLINED = ReferralDeclined(family_id=FAMILY, reason=DeclineReason.UNREACHABLE, declined_on=DAY)
ERASED = FamilyErased(family_id=FAMILY, erased_on=LATER)
ANSWERED_ENROLLED = ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.ENROLLED,
                                     answered_on=DAY)
ANSWERED_DECLINED = ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.DECLINED,
                                     answered_on=DAY, reason=DeclineReason.UNREACHABLE)

RECORD_TRAJECTORY_CONSENT = RecordConsent(family_id=FAMILY, purpose=TRAJECTORY, given_on=DAY)
WITHDRAW_TRAJECTORY_CONSENT = WithdrawConsent(family_id=FAMILY, purpose=TRAJECTORY,
                                              withdrawn_on=LATER)
ENROL = EnrolFamily(family_id=FAMILY, coach_id="coach-7", enrolled_on=DAY)
DECLINE = DeclineReferral(family_id=FAMILY, reason=DeclineReason.UNREACHABLE, declined_on=DAY)
ERASE = EraseFamily(family_id=FAMILY, erased_on=LATER)

EVERY_COMMAND_BUT_REFER = [RECORD_TRAJECTORY_CONSENT, WITHDRAW_TRAJECTORY_CONSENT, ENROL,
                           DECLINE, ERASE]
COMMAND_NAMES = [type(c).__name__ for c in EVERY_COMMAND_BUT_REFER]


# -- refer ---------------------------------------------------------------------------------

def test_referring_a_new_family_records_the_referral():
    given(decider).when(refer_family()).then(REFERRED)


def test_the_referral_event_keeps_ids_genders_and_birth_months_but_no_personal_details():
    event = decider.decide(refer_family(), decider.initial_state)[0]

    dumped = event.model_dump_json()
    assert "Peeters" not in dumped
    assert "Lotte" not in dumped
    assert "85.01.01" not in dumped
    assert "18:00" not in dumped


def test_a_family_referred_without_children_is_referred_with_none():
    given(decider).when(refer_family(children=())).then(REFERRED.model_copy(update={
        "children": ()}))


def test_referring_the_same_family_twice_is_refused():
    given(decider, REFERRED).when(refer_family()).then_raises(
        RuleBrokenError, match="already been referred")


def test_an_erased_family_cannot_be_referred_again_under_the_same_id():
    given(decider, REFERRED, ERASED).when(refer_family()).then_raises(
        RuleBrokenError, match="already been referred")


def test_a_referred_family_is_neither_enrolled_nor_declined():
    state = given(decider).when(refer_family()).then(REFERRED)

    assert state.referred and state.family_id == FAMILY
    assert not (state.enrolled or state.declined or state.erased)
    assert state.consents == frozenset()


def test_a_family_stream_is_named_after_the_family():
    assert stream_id(FAMILY) == "family-fam-1"


# -- consent -------------------------------------------------------------------------------

@pytest.mark.parametrize("purpose", list(ConsentPurpose))
def test_consent_is_recorded_for_each_purpose(purpose):
    given(decider, REFERRED).when(
        RecordConsent(family_id=FAMILY, purpose=purpose, given_on=DAY)
    ).then(consented(purpose))


def test_consent_given_again_for_the_same_purpose_changes_nothing():
    given(decider, REFERRED, consented(TRAJECTORY)).when(RECORD_TRAJECTORY_CONSENT).then_nothing()


def test_consent_for_one_purpose_does_not_cover_another():
    given(decider, REFERRED, consented(CHILDCARE)).when(RECORD_TRAJECTORY_CONSENT).then(
        consented(TRAJECTORY))


def test_consent_can_be_given_again_after_it_was_withdrawn():
    given(decider, REFERRED, consented(TRAJECTORY), withdrawn(TRAJECTORY)).when(
        RecordConsent(family_id=FAMILY, purpose=TRAJECTORY, given_on=LATER)
    ).then(consented(TRAJECTORY, on=LATER))


def test_consent_that_was_given_can_be_withdrawn():
    given(decider, REFERRED, consented(TRAJECTORY)).when(WITHDRAW_TRAJECTORY_CONSENT).then(
        withdrawn(TRAJECTORY))


def test_withdrawing_consent_that_was_never_given_is_refused():
    given(decider, REFERRED).when(WITHDRAW_TRAJECTORY_CONSENT).then_raises(
        RuleBrokenError, match="has not given consent for trajectory")


def test_withdrawing_consent_twice_is_refused():
    given(decider, REFERRED, consented(TRAJECTORY), withdrawn(TRAJECTORY)).when(
        WITHDRAW_TRAJECTORY_CONSENT
    ).then_raises(RuleBrokenError, match="has not given consent")


def test_withdrawing_one_purpose_leaves_the_others_given():
    state = given(decider, REFERRED, consented(TRAJECTORY), consented(CHILDCARE)).when(
        WITHDRAW_TRAJECTORY_CONSENT).then(withdrawn(TRAJECTORY))

    assert state.consents == {CHILDCARE}


# -- enrol ---------------------------------------------------------------------------------

def test_a_family_that_consented_to_a_trajectory_is_enrolled():
    given(decider, REFERRED, consented(TRAJECTORY)).when(ENROL).then(ENROLLED, ANSWERED_ENROLLED)


def test_enrolling_without_any_consent_is_refused():
    given(decider, REFERRED).when(ENROL).then_raises(
        RuleBrokenError, match="not consented to a trajectory")


def test_consent_to_childcare_alone_is_not_enough_to_enrol():
    given(decider, REFERRED, consented(CHILDCARE)).when(ENROL).then_raises(
        RuleBrokenError, match="not consented to a trajectory")


def test_enrolling_after_trajectory_consent_was_withdrawn_is_refused():
    given(decider, REFERRED, consented(TRAJECTORY), withdrawn(TRAJECTORY)).when(
        ENROL).then_raises(RuleBrokenError, match="not consented to a trajectory")


def test_enrolling_after_the_referral_was_declined_is_refused():
    given(decider, REFERRED, consented(TRAJECTORY), DECLINED).when(ENROL).then_raises(
        RuleBrokenError, match="referral was declined")


def test_enrolling_an_enrolled_family_again_changes_nothing():
    given(decider, REFERRED, consented(TRAJECTORY), ENROLLED).when(ENROL).then_nothing()


def test_enrolling_again_with_another_coach_changes_nothing_either():
    given(decider, REFERRED, consented(TRAJECTORY), ENROLLED).when(
        EnrolFamily(family_id=FAMILY, coach_id="coach-9", enrolled_on=LATER)).then_nothing()


def test_an_enrolled_family_may_withdraw_its_trajectory_consent_and_stays_enrolled():
    state = given(decider, REFERRED, consented(TRAJECTORY), ENROLLED).when(
        WITHDRAW_TRAJECTORY_CONSENT).then(withdrawn(TRAJECTORY))

    assert state.enrolled


# -- decline -------------------------------------------------------------------------------

def test_a_referral_can_be_declined():
    given(decider, REFERRED).when(DECLINE).then(DECLINED, ANSWERED_DECLINED)


@pytest.mark.parametrize("reason", list(DeclineReason))
def test_a_referral_can_be_declined_for_each_reason(reason):
    given(decider, REFERRED).when(
        DeclineReferral(family_id=FAMILY, reason=reason, declined_on=DAY)
    ).then(ReferralDeclined(family_id=FAMILY, reason=reason, declined_on=DAY),
           ANSWERED_DECLINED.model_copy(update={"reason": reason}))


def test_declining_an_enrolled_family_is_refused():
    given(decider, REFERRED, consented(TRAJECTORY), ENROLLED).when(DECLINE).then_raises(
        RuleBrokenError, match="already enrolled")


def test_declining_a_referral_twice_is_refused():
    given(decider, REFERRED, DECLINED).when(DECLINE).then_raises(
        RuleBrokenError, match="already declined")


def test_a_declined_family_may_still_give_consent():
    given(decider, REFERRED, DECLINED).when(RECORD_TRAJECTORY_CONSENT).then(consented(TRAJECTORY))


# -- erase ---------------------------------------------------------------------------------

def test_a_referred_family_can_be_erased():
    given(decider, REFERRED).when(ERASE).then(ERASED)


def test_an_enrolled_family_can_be_erased():
    given(decider, REFERRED, consented(TRAJECTORY), ENROLLED).when(ERASE).then(ERASED)


def test_a_declined_family_can_be_erased():
    given(decider, REFERRED, DECLINED).when(ERASE).then(ERASED)


@pytest.mark.parametrize("command", EVERY_COMMAND_BUT_REFER, ids=COMMAND_NAMES)
def test_an_erased_family_refuses_every_further_command(command):
    given(decider, REFERRED, consented(TRAJECTORY), ERASED).when(command).then_raises(
        RuleBrokenError, match="has been erased")


# -- unknown family ------------------------------------------------------------------------

@pytest.mark.parametrize("command", EVERY_COMMAND_BUT_REFER, ids=COMMAND_NAMES)
def test_every_command_but_refer_is_refused_for_a_family_never_referred(command):
    given(decider).when(command).then_raises(UnknownFamilyError, match="no family fam-1")


def test_a_command_that_is_not_an_intake_command_is_a_programming_error():
    given(decider, REFERRED).when(
        ConsentRecorded(family_id=FAMILY, purpose=TRAJECTORY, given_on=DAY)
    ).then_raises(TypeError, match="not an intake command")
