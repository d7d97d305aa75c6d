"""Trajectory: development plan, training, jobs, parent involvement, completion."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

from contracts.base import DomainEvent, public
from contracts.intake import pseudonymous_id


class LifeDomain(StrEnum):
    """An area of life a personal development plan sets goals in."""

    WORK = "work"
    TRAINING = "training"
    LANGUAGE = "language"
    HOUSING = "housing"
    FINANCES = "finances"
    CHILDCARE = "childcare"


class TrainingKind(StrEnum):
    """The kind of training a parent follows."""

    LANGUAGE = "language"
    VOCATIONAL = "vocational"
    SOFT_SKILLS = "soft_skills"


class JobKind(StrEnum):
    """The kind of job a parent starts."""

    REGULAR = "regular"
    SOCIAL_ECONOMY = "social_economy"
    TEMPORARY = "temporary"


class CompletionOutcome(StrEnum):
    """Where a completed trajectory left the parent."""

    JOB = "job"
    TRAINING = "training"
    OTHER = "other"


class DropReason(StrEnum):
    """Why a trajectory stopped before completion."""

    LOST_CONTACT = "lost_contact"
    MOVED_AWAY = "moved_away"
    HEALTH = "health"
    FAMILY_CHOICE = "family_choice"
    OTHER = "other"


def _distinct(goals: tuple[LifeDomain, ...]) -> tuple[LifeDomain, ...]:
    if len(set(goals)) != len(goals):
        raise ValueError("each life domain may appear once among the goals")
    return goals


Goals = Annotated[tuple[LifeDomain, ...], AfterValidator(_distinct)]


class _TrajectoryEvent(DomainEvent):
    """Events on one parent's trajectory, kept with the family's others (`trajectory-<family>`)."""

    context = "trajectory"
    shareable = True
    trajectory_id: str = pseudonymous_id()
    family_id: str = pseudonymous_id()


class TrajectoryStarted(_TrajectoryEvent):
    """A family coach starts an activation trajectory with one parent."""

    parent_id: str = pseudonymous_id()
    coach_id: str = pseudonymous_id()
    started_on: date = public()


class DevelopmentPlanAgreed(_TrajectoryEvent):
    """Parent and coach agreed a personal development plan with goals per life domain."""

    goals: Goals = public(min_length=1, max_length=len(LifeDomain))
    agreed_on: date = public()


class TrainingStarted(_TrajectoryEvent):
    """The parent started a training."""

    training_id: str = pseudonymous_id()
    kind: TrainingKind = public()
    started_on: date = public()


class TrainingCompleted(_TrajectoryEvent):
    """The parent completed a training."""

    training_id: str = pseudonymous_id()
    completed_on: date = public()


class JobStarted(_TrajectoryEvent):
    """The parent started working."""

    job_id: str = pseudonymous_id()
    kind: JobKind = public()
    hours_per_week: float = public(gt=0, le=60)
    started_on: date = public()


class JobEnded(_TrajectoryEvent):
    """A job the parent held has ended."""

    job_id: str = pseudonymous_id()
    ended_on: date = public()


class ParentInvolvementDayAttended(_TrajectoryEvent):
    """The parent took part in a parent involvement day."""

    attended_on: date = public()


class TrajectoryCompleted(_TrajectoryEvent):
    """The trajectory reached its end with an outcome."""

    outcome: CompletionOutcome = public()
    completed_on: date = public()


class TrajectoryDropped(_TrajectoryEvent):
    """The trajectory stopped early; booking flags the family's places for handover."""

    reason: DropReason = public()
    dropped_on: date = public()


class CoachReassigned(_TrajectoryEvent):
    """Another family coach takes over the trajectory; the hub does not need to know."""

    shareable = False
    coach_id: str = pseudonymous_id()
    previous_coach_id: str = pseudonymous_id()
    reassigned_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (
    TrajectoryStarted, DevelopmentPlanAgreed, TrainingStarted, TrainingCompleted, JobStarted,
    JobEnded, ParentInvolvementDayAttended, TrajectoryCompleted, TrajectoryDropped,
    CoachReassigned,
)
SUPERSEDED: tuple[type[DomainEvent], ...] = ()


# -- part 2: the coach's daily work (contacts and plan actions; never shared with the hub) --

class ContactKind(StrEnum):
    """What kind of contact a coach had, or tried to have, with a parent or family."""

    HOME_VISIT = "home_visit"
    MEETING = "meeting"
    PHONE_CALL = "phone_call"
    MESSAGE = "message"
    NO_ANSWER = "no_answer"  # an outreach attempt that got no answer


class ContactChannel(StrEnum):
    """How the contact took place."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    EMAIL = "email"
    TEXT_MESSAGE = "text_message"
    LETTER = "letter"


class ActionOwner(StrEnum):
    """Who carries out an action of the plan."""

    COACH = "coach"
    PARENT = "parent"
    PARTNER_ORGANISATION = "partner_organisation"


class ContactRecorded(_TrajectoryEvent):
    """The coach had (or tried) a contact; its note, if any, is in intake's vault."""

    shareable = False
    contact_id: str = pseudonymous_id()
    kind: ContactKind = public()
    channel: ContactChannel = public()
    contacted_on: date = public()


class PlanActionAdded(_TrajectoryEvent):
    """An action on the plan, with who does it and by when (optionally for one life domain)."""

    shareable = False
    action_id: str = pseudonymous_id()
    owner: ActionOwner = public()
    due_on: date = public()
    life_domain: LifeDomain | None = public(default=None)
    added_on: date = public()


class PlanActionCompleted(_TrajectoryEvent):
    """An action of the plan was done."""

    shareable = False
    action_id: str = pseudonymous_id()
    completed_on: date = public()


class PlanActionDropped(_TrajectoryEvent):
    """An action of the plan will not be done."""

    shareable = False
    action_id: str = pseudonymous_id()
    dropped_on: date = public()


class PlanActionRedated(_TrajectoryEvent):
    """An open action of the plan got a new due date."""

    shareable = False
    action_id: str = pseudonymous_id()
    due_on: date = public()
    redated_on: date = public()


CASEWORK_EVENTS: tuple[type[DomainEvent], ...] = (
    ContactRecorded, PlanActionAdded, PlanActionCompleted, PlanActionDropped, PlanActionRedated,
)
EVENTS = (*EVENTS, *CASEWORK_EVENTS)
