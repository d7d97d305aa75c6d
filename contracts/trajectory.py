"""Trajectory: development plan, training, jobs, parent involvement, completion."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from contracts.base import DomainEvent, pseudonymous, public
from contracts.intake import ID


class LifeDomain(StrEnum):
    WORK = "work"
    TRAINING = "training"
    LANGUAGE = "language"
    HOUSING = "housing"
    FINANCES = "finances"
    CHILDCARE = "childcare"


class TrainingKind(StrEnum):
    LANGUAGE = "language"
    VOCATIONAL = "vocational"
    SOFT_SKILLS = "soft_skills"


class JobKind(StrEnum):
    REGULAR = "regular"
    SOCIAL_ECONOMY = "social_economy"
    TEMPORARY = "temporary"


class CompletionOutcome(StrEnum):
    JOB = "job"
    TRAINING = "training"
    CLOSER_TO_WORK = "closer_to_work"
    OTHER = "other"


class DropReason(StrEnum):
    LOST_CONTACT = "lost_contact"
    MOVED_AWAY = "moved_away"
    HEALTH = "health"
    FAMILY_CHOICE = "family_choice"
    OTHER = "other"


class _TrajectoryEvent(DomainEvent):
    trajectory_id: str = pseudonymous(**ID)
    family_id: str = pseudonymous(**ID)


class TrajectoryStarted(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    parent_id: str = pseudonymous(**ID)
    coach_id: str = pseudonymous(**ID)
    started_on: date = public()


class DevelopmentPlanAgreed(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    goals: tuple[LifeDomain, ...] = public(min_length=1, max_length=6)
    agreed_on: date = public()


class TrainingStarted(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    training_id: str = pseudonymous(**ID)
    kind: TrainingKind = public()
    started_on: date = public()


class TrainingCompleted(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    training_id: str = pseudonymous(**ID)
    completed_on: date = public()


class JobStarted(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    job_id: str = pseudonymous(**ID)
    kind: JobKind = public()
    hours_per_week: float = public(gt=0, le=60)
    started_on: date = public()


class JobEnded(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    job_id: str = pseudonymous(**ID)
    ended_on: date = public()


class ParentInvolvementDayAttended(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    attended_on: date = public()


class TrajectoryCompleted(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    outcome: CompletionOutcome = public()
    completed_on: date = public()


class TrajectoryDropped(_TrajectoryEvent):
    context = "trajectory"
    shareable = True
    reason: DropReason = public()
    dropped_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (
    TrajectoryStarted, DevelopmentPlanAgreed, TrainingStarted, TrainingCompleted, JobStarted,
    JobEnded, ParentInvolvementDayAttended, TrajectoryCompleted, TrajectoryDropped,
)
