"""ESF participant data: a parent's situation at entry, at exit and six months after exit.

The exact values (age in years, ISCED level, months unemployed) stay with the partner
(`local`); only their bands (`public`) may reach the hub, as Regulation (EU) No 1304/2013,
Annex I counts them. The events belong to trajectory (`trajectory-<family>` streams).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from contracts.base import Classification, DomainEvent, Frozen, classified, local, public
from contracts.intake import pseudonymous_id


class Moment(StrEnum):
    """When participant data describes the parent."""

    ENTRY = "entry"
    EXIT = "exit"
    SIX_MONTHS = "six_months"


class LabourStatus(StrEnum):
    """Labour market status (ESF): employed, self-employed, unemployed or inactive."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"  # without work, available and searching for it
    INACTIVE = "inactive"  # not in the labour force


class ParticipantAgeBand(StrEnum):
    """The ESF age bands of a participant."""

    UNDER_25 = "under_25"
    FROM_25_TO_54 = "25_to_54"
    OVER_54 = "over_54"


class EducationBand(StrEnum):
    """The highest education attained, as an ISCED 2011 band."""

    ISCED_0_2 = "isced_0_2"
    ISCED_3_4 = "isced_3_4"
    ISCED_5_8 = "isced_5_8"


FOLLOW_UP_MONTHS = 6
"""A follow-up of the participant's situation falls due this many months after exit."""


class RecordParticipantData(Frozen):
    """The coach records a parent's situation at a moment; exact values stay with the partner."""

    family_id: str = pseudonymous_id()
    parent_id: str | None = pseudonymous_id(default=None)
    trajectory_id: str | None = pseudonymous_id(default=None)  # None: the parent's latest
    moment: Moment = public()
    recorded_on: date = public()
    labour_status: LabourStatus = public()
    in_education_or_training: bool | None = public(default=None)  # for inactive parents
    months_unemployed: int | None = classified(Classification.LOCAL, default=None, ge=0,
                                               le=600)  # for unemployed parents
    age: int = classified(Classification.LOCAL, ge=15, le=99)
    isced_level: int = classified(Classification.LOCAL, ge=0, le=8)
    single_parent_household: bool = public()
    qualification_gained: bool | None = public(default=None)  # at exit; None: from trainings


class MarkFollowUpsDue(Frozen):
    """Issued by the follow-up schedule: the family's six-month follow-ups due by `today`."""

    family_id: str = pseudonymous_id()
    today: date = public()


class ParticipantDataRecorded(DomainEvent):
    """A parent's situation at entry, exit or six months after exit, in ESF bands."""

    context = "trajectory"
    shareable = True
    trajectory_id: str = pseudonymous_id()
    family_id: str = pseudonymous_id()
    moment: Moment = public()
    situation_on: date = public()  # the trajectory's start, its end, or the follow-up's date
    recorded_on: date = public()
    labour_status: LabourStatus = public()
    in_education_or_training: bool | None = public(default=None)
    long_term_unemployed: bool | None = public(default=None)
    age_band: ParticipantAgeBand = public()
    education: EducationBand = public()
    single_parent_household: bool = public()
    qualification_gained: bool | None = public(default=None)
    age: int | None = local(ge=15, le=99)
    isced_level: int | None = local(ge=0, le=8)
    months_unemployed: int | None = local(ge=0, le=600)


class FollowUpFellDue(DomainEvent):
    """Six months after exit: the coach now has a follow-up to record; stays with the partner."""

    context = "trajectory"
    shareable = False
    trajectory_id: str = pseudonymous_id()
    family_id: str = pseudonymous_id()
    due_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (ParticipantDataRecorded, FollowUpFellDue)
SUPERSEDED: tuple[type[DomainEvent], ...] = ()
