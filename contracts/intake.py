"""Intake: referral, consent, enrolment and erasure. Events carry pseudonymous ids only."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


from contracts.base import DomainEvent, Frozen, pseudonymous, public

ID = {"min_length": 1, "max_length": 64, "pattern": r"^[A-Za-z0-9_.:-]+$"}
BIRTH_MONTH = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"


class ReferralSource(StrEnum):
    PUBLIC_EMPLOYMENT_SERVICE = "public_employment_service"  # VDAB, UWV, France Travail, JCP
    SOCIAL_SERVICES = "social_services"  # OCMW / CPAS, municipal social services
    CHILD_AND_FAMILY_AGENCY = "child_and_family_agency"  # Kind en Gezin, PMI, health visitors
    SELF = "self"
    OTHER = "other"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ConsentPurpose(StrEnum):
    CHILDCARE = "childcare"
    TRAJECTORY = "trajectory"
    CROSS_BORDER_STATISTICS = "cross_border_statistics"


class DeclineReason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    NO_CAPACITY = "no_capacity"
    FAMILY_DECLINED = "family_declined"
    UNREACHABLE = "unreachable"
    OTHER = "other"


class ParentRef(Frozen):
    """A parent as events know them: an id and the gender programme reporting needs."""

    parent_id: str = pseudonymous(**ID)
    gender: Gender = public()


class ChildRef(Frozen):
    """A child as events know them: an id and the birth month (age checks, reporting)."""

    child_id: str = pseudonymous(**ID)
    birth_month: str = public(pattern=BIRTH_MONTH)


class FamilyReferred(DomainEvent):
    context = "intake"
    shareable = True
    family_id: str = pseudonymous(**ID)
    referral_source: ReferralSource = public()
    referred_on: date = public()
    parents: tuple[ParentRef, ...] = pseudonymous(min_length=1, max_length=4)
    children: tuple[ChildRef, ...] = pseudonymous(min_length=0, max_length=12)


class ConsentRecorded(DomainEvent):
    context = "intake"
    family_id: str = pseudonymous(**ID)
    purpose: ConsentPurpose = public()
    given_on: date = public()


class ConsentWithdrawn(DomainEvent):
    context = "intake"
    family_id: str = pseudonymous(**ID)
    purpose: ConsentPurpose = public()
    withdrawn_on: date = public()


class FamilyEnrolled(DomainEvent):
    """The family is taken into an activation trajectory with a family coach."""

    context = "intake"
    shareable = True
    family_id: str = pseudonymous(**ID)
    coach_id: str = pseudonymous(**ID)
    enrolled_on: date = public()


class ReferralDeclined(DomainEvent):
    context = "intake"
    shareable = True
    family_id: str = pseudonymous(**ID)
    reason: DeclineReason = public()
    declined_on: date = public()


class FamilyErased(DomainEvent):
    """The family's vault key was destroyed: its personal data is unreadable everywhere."""

    context = "intake"
    family_id: str = pseudonymous(**ID)
    erased_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (
    FamilyReferred, ConsentRecorded, ConsentWithdrawn, FamilyEnrolled, ReferralDeclined,
    FamilyErased,
)

