"""Intake: referral, consent, enrolment and erasure. Events carry pseudonymous ids only."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import StringConstraints

from contracts.base import DomainEvent, Frozen, local, pseudonymous, public

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
BIRTH_MONTH_PATTERN = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"


ParentId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=ID_PATTERN)]
"""A parent's pseudonymous id inside a collection of them."""


def pseudonymous_id(**kwargs: Any) -> Any:
    """A pseudonymous id field: a short opaque token or UUID, never a name or national number."""
    return pseudonymous(min_length=1, max_length=64, pattern=ID_PATTERN, **kwargs)


class ReferralSource(StrEnum):
    """Who referred the family to the programme."""

    PUBLIC_EMPLOYMENT_SERVICE = "public_employment_service"  # VDAB, UWV, France Travail, JCP
    SOCIAL_SERVICES = "social_services"  # OCMW / CPAS, municipal social services
    CHILD_AND_FAMILY_AGENCY = "child_and_family_agency"  # Kind en Gezin, PMI, health visitors
    SELF = "self"
    OTHER = "other"


class Gender(StrEnum):
    """A parent's gender as the programme reports it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ConsentPurpose(StrEnum):
    """What a family consents to; each purpose is given and withdrawn on its own."""

    CHILDCARE = "childcare"
    TRAJECTORY = "trajectory"
    CROSS_BORDER_STATISTICS = "cross_border_statistics"


class DeclineReason(StrEnum):
    """Why a referral did not lead to enrolment."""

    NOT_ELIGIBLE = "not_eligible"
    NO_CAPACITY = "no_capacity"
    FAMILY_DECLINED = "family_declined"
    UNREACHABLE = "unreachable"
    OTHER = "other"


class ReferralOutcome(StrEnum):
    """What the referrer hears back: the family was enrolled, declined, or is waiting."""

    ENROLLED = "enrolled"
    DECLINED = "declined"
    WAITING = "waiting"


PRIORITY = {"ge": 1, "le": 5}
"""A waiting referral's priority: 1 is taken first, 5 last."""


class ParentRef(Frozen):
    """A parent as events know them: an id and the gender programme reporting needs."""

    parent_id: str = pseudonymous_id()
    gender: Gender = public()


class ChildRef(Frozen):
    """A child as events know them: an id and the birth month (age checks; never at the hub)."""

    child_id: str = pseudonymous_id()
    birth_month: str | None = local(pattern=BIRTH_MONTH_PATTERN)


class FamilyReferred(DomainEvent):
    """A family was referred; its personal details went to the vault, not into this event."""

    context = "intake"
    shareable = True
    family_id: str = pseudonymous_id()
    referral_source: ReferralSource = public()
    referred_on: date = public()
    parents: tuple[ParentRef, ...] = pseudonymous(min_length=1, max_length=4)
    children: tuple[ChildRef, ...] = pseudonymous(max_length=12)


class ConsentRecorded(DomainEvent):
    """The family gave consent for one purpose."""

    context = "intake"
    family_id: str = pseudonymous_id()
    purpose: ConsentPurpose = public()
    given_on: date = public()


class ConsentWithdrawn(DomainEvent):
    """The family withdrew consent for one purpose."""

    context = "intake"
    family_id: str = pseudonymous_id()
    purpose: ConsentPurpose = public()
    withdrawn_on: date = public()


class FamilyEnrolled(DomainEvent):
    """The family is taken in with a family coach: a trajectory for each parent taking part.

    `parent_ids` names the parents taking part (kept at the partner); events recorded before
    it existed have None, which means the first parent referred.
    """

    context = "intake"
    shareable = True
    family_id: str = pseudonymous_id()
    coach_id: str = pseudonymous_id()
    enrolled_on: date = public()
    parent_ids: tuple[ParentId, ...] | None = local(min_length=1, max_length=4)


class ReferralDeclined(DomainEvent):
    """The referral ended without enrolment, for a categorised reason."""

    context = "intake"
    shareable = True
    family_id: str = pseudonymous_id()
    reason: DeclineReason = public()
    declined_on: date = public()


class ReferralHeld(DomainEvent):
    """The referral waits for a place in the programme (the waiting list), with a priority."""

    context = "intake"
    shareable = True
    family_id: str = pseudonymous_id()
    held_on: date = public()
    priority: int | None = local(**PRIORITY)


class ReferralPrioritySet(DomainEvent):
    """The partner changed a waiting referral's priority."""

    context = "intake"
    family_id: str = pseudonymous_id()
    priority: int = public(**PRIORITY)
    set_on: date = public()


class ReferralAnswered(DomainEvent):
    """What the referrer is told of its referral: enrolled, declined or waiting, and when."""

    context = "intake"
    shareable = True
    family_id: str = pseudonymous_id()
    outcome: ReferralOutcome = public()
    answered_on: date = public()
    reason: DeclineReason | None = local()


class FamilyErased(DomainEvent):
    """The family's vault key was destroyed: its personal data is unreadable everywhere."""

    context = "intake"
    family_id: str = pseudonymous_id()
    erased_on: date = public()


class UnsharedFamiliesCounted(DomainEvent):
    """How many families referred in a month the partner does not share (no statistics consent).

    Made by the partner's sharing service whenever the count changes; the latest count of a
    month (on or before an as-of date) is the one that holds. It keeps network totals
    honest without saying anything about any one family.
    """

    context = "intake"
    shareable = True
    referred_in: str = public(pattern=BIRTH_MONTH_PATTERN)  # a month: YYYY-MM
    families: int = public(ge=0)
    counted_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (
    FamilyReferred, ConsentRecorded, ConsentWithdrawn, FamilyEnrolled, ReferralDeclined,
    FamilyErased, UnsharedFamiliesCounted, ReferralHeld, ReferralPrioritySet, ReferralAnswered,
)
SUPERSEDED: tuple[type[DomainEvent], ...] = ()
