"""Intake's decider: enrolment names the parents who take part (default: the first parent)."""

from __future__ import annotations

from datetime import date

from contracts.commands import EnrolFamily
from contracts.intake import (
    ConsentPurpose,
    ConsentRecorded,
    FamilyEnrolled,
    ReferralAnswered,
    ReferralOutcome,
)
from pace.domain import RuleBrokenError
from services.intake.domain import decider
from tests.unit.deciders import given
from tests.unit.test_intake_decider import FAMILY, REFERRED

DAY = date(2020, 3, 2)
CONSENTED = ConsentRecorded(family_id=FAMILY, purpose=ConsentPurpose.TRAJECTORY, given_on=DAY)


def enrol(*parent_ids: str) -> EnrolFamily:
    return EnrolFamily(family_id=FAMILY, coach_id="coach-7", enrolled_on=DAY,
                       parent_ids=parent_ids)


def enrolled(*parent_ids: str) -> list[FamilyEnrolled | ReferralAnswered]:
    """The enrolment naming these parents, and the referrer's answer that follows it."""
    return [FamilyEnrolled(family_id=FAMILY, coach_id="coach-7", enrolled_on=DAY,
                           parent_ids=parent_ids),
            ReferralAnswered(family_id=FAMILY, outcome=ReferralOutcome.ENROLLED,
                             answered_on=DAY)]


def test_an_enrolment_naming_no_parent_takes_the_first_parent_referred():
    given(decider, REFERRED, CONSENTED).when(enrol()).then(*enrolled("par-1"))


def test_an_enrolment_names_both_parents():
    given(decider, REFERRED, CONSENTED).when(enrol("par-1", "par-2")).then(
        *enrolled("par-1", "par-2"))


def test_an_enrolment_may_name_only_the_second_parent():
    given(decider, REFERRED, CONSENTED).when(enrol("par-2")).then(*enrolled("par-2"))


def test_a_parent_named_twice_is_enrolled_once():
    given(decider, REFERRED, CONSENTED).when(enrol("par-2", "par-2")).then(*enrolled("par-2"))


def test_an_enrolment_naming_someone_not_referred_as_a_parent_is_refused():
    given(decider, REFERRED, CONSENTED).when(enrol("par-1", "par-9")).then_raises(
        RuleBrokenError, match="par-9 is not a parent of family fam-1 \\(its parents: par-1, "
                               "par-2\\)")


def test_an_enrolment_recorded_before_parents_were_named_reads_as_none():
    old = FamilyEnrolled.model_validate({"family_id": FAMILY, "coach_id": "coach-7",
                                         "enrolled_on": "2020-03-02"})

    assert old.parent_ids is None
