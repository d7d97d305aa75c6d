"""A family's activation trajectory as a pure decider (stream `trajectory-<family_id>`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from contracts import trajectory as ev
from contracts.commands import (
    AgreePlan,
    CompleteTraining,
    CompleteTrajectory,
    DropTrajectory,
    EndJob,
    RecordInvolvementDay,
    StartJob,
    StartTraining,
)
from pace.domain import Decider, RuleBrokenError, UnknownFamilyError


@dataclass(frozen=True)
class StartTrajectory:
    """Issued by trajectory itself when intake enrols the family."""

    family_id: str
    parent_id: str
    coach_id: str
    started_on: date


@dataclass(frozen=True)
class Trajectory:
    trajectory_id: str = ""
    started: bool = False
    closed: bool = False
    trainings: frozenset[str] = frozenset()
    trainings_done: frozenset[str] = frozenset()
    jobs: frozenset[str] = frozenset()
    jobs_ended: frozenset[str] = frozenset()


def stream_id(family_id: str) -> str:
    return f"trajectory-{family_id}"


def trajectory_id(family_id: str) -> str:
    """`traj-<family id>`, or a digest of the family id when that would not fit an id."""
    readable = f"traj-{family_id}"
    if len(readable) <= 64:
        return readable
    return "traj-" + hashlib.sha256(family_id.encode()).hexdigest()[:40]


def evolve(state: Trajectory, event: Any) -> Trajectory:
    match event:
        case ev.TrajectoryStarted():
            return replace(state, trajectory_id=event.trajectory_id, started=True)
        case ev.TrainingStarted():
            return replace(state, trainings=state.trainings | {event.training_id})
        case ev.TrainingCompleted():
            return replace(state, trainings_done=state.trainings_done | {event.training_id})
        case ev.JobStarted():
            return replace(state, jobs=state.jobs | {event.job_id})
        case ev.JobEnded():
            return replace(state, jobs_ended=state.jobs_ended | {event.job_id})
        case ev.TrajectoryCompleted() | ev.TrajectoryDropped():
            return replace(state, closed=True)
    return state


def decide(command: Any, state: Trajectory) -> list[Any]:
    if isinstance(command, StartTrajectory):
        if state.started:
            return []
        return [ev.TrajectoryStarted(
            trajectory_id=trajectory_id(command.family_id), family_id=command.family_id,
            parent_id=command.parent_id, coach_id=command.coach_id,
            started_on=command.started_on)]
    if not state.started:
        raise UnknownFamilyError(f"family {command.family_id} has no trajectory")
    if state.closed:
        raise RuleBrokenError(f"family {command.family_id}'s trajectory has ended")
    ids = {"trajectory_id": state.trajectory_id, "family_id": command.family_id}
    match command:
        case AgreePlan():
            return [ev.DevelopmentPlanAgreed(**ids, goals=command.goals,
                                             agreed_on=command.agreed_on)]
        case StartTraining():
            if command.training_id in state.trainings:
                raise RuleBrokenError(f"training {command.training_id} already started")
            return [ev.TrainingStarted(**ids, training_id=command.training_id,
                                       kind=command.kind, started_on=command.started_on)]
        case CompleteTraining():
            if command.training_id not in state.trainings - state.trainings_done:
                raise RuleBrokenError(f"training {command.training_id} is not under way")
            return [ev.TrainingCompleted(**ids, training_id=command.training_id,
                                         completed_on=command.completed_on)]
        case StartJob():
            if command.job_id in state.jobs:
                raise RuleBrokenError(f"job {command.job_id} already started")
            return [ev.JobStarted(**ids, job_id=command.job_id, kind=command.kind,
                                  hours_per_week=command.hours_per_week,
                                  started_on=command.started_on)]
        case EndJob():
            if command.job_id not in state.jobs - state.jobs_ended:
                raise RuleBrokenError(f"job {command.job_id} is not under way")
            return [ev.JobEnded(**ids, job_id=command.job_id, ended_on=command.ended_on)]
        case RecordInvolvementDay():
            return [ev.ParentInvolvementDayAttended(**ids, attended_on=command.attended_on)]
        case CompleteTrajectory():
            return [ev.TrajectoryCompleted(**ids, outcome=command.outcome,
                                           completed_on=command.completed_on)]
        case DropTrajectory():
            return [ev.TrajectoryDropped(**ids, reason=command.reason,
                                         dropped_on=command.dropped_on)]
    raise TypeError(f"not a trajectory command: {type(command).__name__}")


decider: Decider[Any, Trajectory] = Decider(Trajectory(), evolve, decide)
