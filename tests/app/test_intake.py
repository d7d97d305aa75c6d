"""Intake: referrals into the vault, consent, enrolment and erasure."""

from __future__ import annotations

from contracts.commands import (
    ChildDetails,
    EnrolFamily,
    EraseFamily,
    ParentDetails,
    RecordConsent,
    ReferFamily,
)
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    FamilyEnrolled,
    FamilyErased,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralAnswered,
    ReferralOutcome,
    ReferralSource,
)
from pace.domain import RuleBrokenError, UnknownFamilyError
from tests.app.families import TODAY

NAME = "Anouk Verhaegen"
REFERRAL = ReferFamily(
    family_id="fam-1", referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=TODAY,
    parents=(ParentDetails(parent_id="par-1", gender=Gender.FEMALE, full_name=NAME,
                           phone="+32 470 12 34 56"),),
    children=(ChildDetails(child_id="chi-1", first_name="Lotte", birth_month="2025-01"),),
    notes="Prefers mornings.")
STAFF = {"reader": "staff:coach-1", "purpose": "coaching"}


async def test_a_referral_keeps_the_names_in_the_vault_and_out_of_the_event(partner) -> None:
    outcome = await partner.when("intake", REFERRAL)

    outcome.then(FamilyReferred(
        family_id="fam-1", referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=TODAY,
        parents=(ParentRef(parent_id="par-1", gender=Gender.FEMALE),),
        children=(ChildRef(child_id="chi-1", birth_month="2025-01"),)))
    assert NAME not in outcome.records[0].wire_bytes().decode()
    [family] = await partner.query("intake", "family", family_id="fam-1", **STAFF)
    assert family["parents"][0]["full_name"] == NAME
    assert family["status"] == "referred"


async def test_a_family_is_referred_once(partner) -> None:
    await partner.do("intake", REFERRAL)

    outcome = await partner.when("intake", REFERRAL)

    outcome.then_refused(RuleBrokenError, "already been referred")


async def test_enrolment_needs_consent_to_a_trajectory(partner) -> None:
    await partner.do("intake", REFERRAL)
    enrol = EnrolFamily(family_id="fam-1", coach_id="coach-1", enrolled_on=TODAY)

    refused = await partner.when("intake", enrol)
    await partner.do("intake", RecordConsent(family_id="fam-1",
                                             purpose=ConsentPurpose.TRAJECTORY, given_on=TODAY))
    accepted = await partner.when("intake", enrol)

    refused.then_refused(RuleBrokenError, "has not consented to a trajectory")
    accepted.then(FamilyEnrolled(family_id="fam-1", coach_id="coach-1", enrolled_on=TODAY,
                                 parent_ids=("par-1",)),
                  ReferralAnswered(family_id="fam-1", outcome=ReferralOutcome.ENROLLED,
                                   answered_on=TODAY))


async def test_a_family_never_referred_cannot_consent(partner) -> None:
    outcome = await partner.when("intake", RecordConsent(
        family_id="fam-9", purpose=ConsentPurpose.CHILDCARE, given_on=TODAY))

    outcome.then_refused(UnknownFamilyError, "no family fam-9 has been referred here")


async def test_erasure_leaves_the_counts_and_nothing_personal(partner) -> None:
    await partner.do("intake", REFERRAL)

    outcome = await partner.when("intake", EraseFamily(family_id="fam-1", erased_on=TODAY))

    outcome.then(FamilyErased(family_id="fam-1", erased_on=TODAY))
    [family] = await partner.query("intake", "family", family_id="fam-1", **STAFF)
    assert (family["status"], family["parents"], family["notes"]) == ("erased", [], "")
    assert [f["parents"] for f in await partner.query("intake", "families", **STAFF)] == [
        "(erased)"]


async def test_reading_a_personal_record_is_itself_recorded(partner) -> None:
    await partner.do("intake", REFERRAL)

    await partner.query("intake", "family", family_id="fam-1", **STAFF)
    reads = await partner.query("intake", "access", family_id="fam-1")

    assert [(r["reader"], r["purpose"]) for r in reads] == [("staff:coach-1", "coaching")]
