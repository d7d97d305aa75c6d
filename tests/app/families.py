"""Families and sessions the application tests arrange, as the services' events say them."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.booking import Daypart, DaypartCapacitySet, session_id
from contracts.commands import BookSlot
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    ConsentRecorded,
    FamilyEnrolled,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralSource,
)
from tests.app.harness import NOW

TODAY = NOW.date()
SOON = TODAY + timedelta(days=7)
LOCATION = "noord"


def referred(n: int, on: date = TODAY, birth_month: str = "2025-01") -> FamilyReferred:
    return FamilyReferred(
        family_id=f"fam-{n}", referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=on,
        parents=(ParentRef(parent_id=f"par-{n}", gender=Gender.FEMALE),),
        children=(ChildRef(child_id=f"chi-{n}", birth_month=birth_month),))


def consented(n: int, *purposes: ConsentPurpose) -> list[ConsentRecorded]:
    return [ConsentRecorded(family_id=f"fam-{n}", purpose=p, given_on=TODAY) for p in purposes]


def enrolled(n: int) -> list:
    """A referred family with trajectory and childcare consent, taken into a trajectory."""
    return [referred(n), *consented(n, ConsentPurpose.TRAJECTORY, ConsentPurpose.CHILDCARE),
            FamilyEnrolled(family_id=f"fam-{n}", coach_id="coach-1", enrolled_on=TODAY)]


def capacity(places: int, on: date = SOON, daypart: Daypart = Daypart.MORNING
             ) -> DaypartCapacitySet:
    return DaypartCapacitySet(session_id=session_id(LOCATION, on, daypart), location_id=LOCATION,
                              session_date=on, daypart=daypart, capacity=places)


def book(n: int, on: date = SOON, booking: str | None = None) -> BookSlot:
    return BookSlot(location_id=LOCATION, session_date=on, daypart=Daypart.MORNING,
                    booking_id=booking or f"b-{n}", family_id=f"fam-{n}", child_id=f"chi-{n}")


def session_of(on: date = SOON) -> str:
    return session_id(LOCATION, on, Daypart.MORNING)
