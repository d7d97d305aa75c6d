"""Sharing: only families consenting to cross-border statistics reach the hub, minimised."""

from __future__ import annotations

from contracts.booking import SlotBooked
from contracts.commands import WithdrawConsent
from contracts.intake import (
    ConsentPurpose,
    FamilyEnrolled,
    FamilyReferred,
    UnsharedFamiliesCounted,
)
from contracts.trajectory import TrajectoryStarted
from tests.app.families import TODAY, book, capacity, consented, enrolled, referred

STATISTICS = ConsentPurpose.CROSS_BORDER_STATISTICS
MONTH = TODAY.strftime("%Y-%m")


def shared(partner) -> list:
    return partner.events("sharing")


async def test_a_family_without_statistics_consent_is_only_counted(partner) -> None:
    await partner.given(*enrolled(1))

    assert shared(partner) == [UnsharedFamiliesCounted(referred_in=MONTH, families=1,
                                                       counted_on=TODAY)]


async def test_consent_given_later_releases_the_withheld_events_under_pseudonyms(partner) -> None:
    await partner.given(*enrolled(1))

    await partner.given(*consented(1, STATISTICS))

    copies = shared(partner)[1:]
    assert [type(e) for e in copies] == [FamilyReferred, FamilyEnrolled, TrajectoryStarted,
                                         UnsharedFamiliesCounted]
    referral, enrolment, _started, count = copies
    assert referral.family_id == enrolment.family_id != "fam-1"
    assert referral.family_id.startswith("family-")
    assert "par-1" not in referral.model_dump_json()
    assert count.families == 0


async def test_a_consenting_familys_events_are_shared_as_they_happen(partner) -> None:
    await partner.given(referred(1), *consented(1, STATISTICS))
    before = len(shared(partner))

    await partner.given(*enrolled(1)[1:], capacity(15))
    await partner.do("booking", book(1))

    new = shared(partner)[before:]
    assert [type(e).__name__ for e in new] == ["FamilyEnrolled", "DaypartCapacitySet",
                                               "TrajectoryStarted", "SlotBooked"]
    assert isinstance(new[-1], SlotBooked) and new[-1].child_id != "chi-1"


async def test_after_a_withdrawal_new_events_wait_again(partner) -> None:
    await partner.given(referred(1), *consented(1, STATISTICS, ConsentPurpose.TRAJECTORY))
    before = len(shared(partner))

    await partner.do("intake", WithdrawConsent(family_id="fam-1", purpose=STATISTICS,
                                               withdrawn_on=TODAY))
    await partner.given(FamilyEnrolled(family_id="fam-1", coach_id="coach-1",
                                       enrolled_on=TODAY))

    assert shared(partner)[before:] == []
