"""A family's activation trajectories, one per parent, as a pure decider (`trajectory-<family>`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from contracts import trajectory as ev
from contracts.commands import (
    AddPlanAction,
    AgreePlan,
    CompleteTraining,
    CompleteTrajectory,
    DropTrajectory,
    EndJob,
    ReassignCoach,
    RecordContact,
    RecordInvolvementDay,
    ReenterTrajectory,
    StartJob,
    StartTraining,
)
from pace.domain import Decider, RuleBrokenError, UnknownFamilyError
from services.trajectory import casework as work


@dataclass(frozen=True)
class StartTrajectories:
    """Issued by trajectory itself when intake enrols the family: one per parent taking part."""

    family_id: str
    parent_ids: tuple[str, ...]
    coach_id: str
    started_on: date


@dataclass(frozen=True)
class Trajectory:
    """One parent's trajectory."""

    trajectory_id: str
    parent_id: str
    coach_id: str
    closed: bool = False
    trainings: frozenset[str] = frozenset()
    trainings_done: frozenset[str] = frozenset()
    jobs: frozenset[str] = frozenset()
    jobs_ended: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FamilyTrajectories:
    """Every trajectory of one family, in the order they started."""

    trajectories: tuple[Trajectory, ...] = ()
    casework: work.Casework = work.Casework()

    def latest_of(self, parent_id: str) -> Trajectory | None:
        """The parent's latest trajectory (a parent has at most one open)."""
        mine = [t for t in self.trajectories if t.parent_id == parent_id]
        return mine[-1] if mine else None

    def open(self) -> list[Trajectory]:
        return [t for t in self.trajectories if not t.closed]

    def parents(self) -> list[str]:
        return list(dict.fromkeys(t.parent_id for t in self.trajectories))


def stream_id(family_id: str) -> str:
    return f"trajectory-{family_id}"


def trajectory_id(family_id: str, number: int = 1) -> str:
    """`traj-<family>`, then `traj-<family>.<n>`; a digest when that would not fit an id."""
    suffix = "" if number == 1 else f".{number}"
    readable = f"traj-{family_id}{suffix}"
    if len(readable) <= 64:
        return readable
    return "traj-" + hashlib.sha256(f"{family_id}{suffix}".encode()).hexdigest()[:40]


def _changed(trajectory: Trajectory, event: Any) -> Trajectory:
    match event:
        case ev.TrainingStarted():
            return replace(trajectory, trainings=trajectory.trainings | {event.training_id})
        case ev.TrainingCompleted():
            return replace(trajectory,
                           trainings_done=trajectory.trainings_done | {event.training_id})
        case ev.JobStarted():
            return replace(trajectory, jobs=trajectory.jobs | {event.job_id})
        case ev.JobEnded():
            return replace(trajectory, jobs_ended=trajectory.jobs_ended | {event.job_id})
        case ev.CoachReassigned():
            return replace(trajectory, coach_id=event.coach_id)
        case ev.TrajectoryCompleted() | ev.TrajectoryDropped():
            return replace(trajectory, closed=True)
    return trajectory


def evolve(state: FamilyTrajectories, event: Any) -> FamilyTrajectories:
    if isinstance(event, ev.CASEWORK_EVENTS):
        return replace(state, casework=work.evolve(state.casework, event))
    if isinstance(event, ev.TrajectoryStarted):
        started = Trajectory(event.trajectory_id, event.parent_id, event.coach_id)
        return replace(state, trajectories=(*state.trajectories, started))
    return replace(state, trajectories=tuple(
        _changed(t, event) if t.trajectory_id == getattr(event, "trajectory_id", None) else t
        for t in state.trajectories))


def decide(command: Any, state: FamilyTrajectories) -> list[Any]:
    match command:
        case StartTrajectories():
            return start(command, state)
        case ReenterTrajectory():
            return reenter(command, state)
        case ReassignCoach():
            return reassign(command, state)
    if isinstance(command, work.COMMANDS):
        return work.decide(command, state.casework,
                           [t.trajectory_id for t in casework_targets(command, state)],
                           frozenset(t.trajectory_id for t in state.open()))
    if not isinstance(command, AgreePlan | StartTraining | CompleteTraining | StartJob | EndJob
                      | RecordInvolvementDay | CompleteTrajectory | DropTrajectory):
        raise TypeError(f"not a trajectory command: {type(command).__name__}")
    return record(command, target(command, state), state)


def start(command: StartTrajectories, state: FamilyTrajectories) -> list[Any]:
    """A trajectory for each parent named who has none yet (so a redelivery changes nothing)."""
    had = set(state.parents())
    new = [parent for parent in dict.fromkeys(command.parent_ids) if parent not in had]
    return [ev.TrajectoryStarted(
        trajectory_id=trajectory_id(command.family_id, len(state.trajectories) + number),
        family_id=command.family_id, parent_id=parent, coach_id=command.coach_id,
        started_on=command.started_on) for number, parent in enumerate(new, start=1)]


def reenter(command: ReenterTrajectory, state: FamilyTrajectories) -> list[Any]:
    """A new trajectory for a parent whose latest one was completed or dropped."""
    family = command.family_id
    if not state.trajectories:
        raise UnknownFamilyError(f"family {family} has no trajectory to re-enter: enrol it first")
    parent = command.parent_id or _only_parent(family, state)
    latest = state.latest_of(parent)
    if latest is None:
        raise RuleBrokenError(f"parent {parent} has had no trajectory in family {family}")
    if not latest.closed:
        raise RuleBrokenError(f"parent {parent}'s trajectory {latest.trajectory_id} is still "
                              "open: complete or drop it before re-entering")
    return [ev.TrajectoryStarted(
        trajectory_id=trajectory_id(family, len(state.trajectories) + 1), family_id=family,
        parent_id=parent, coach_id=command.coach_id, started_on=command.started_on)]


def reassign(command: ReassignCoach, state: FamilyTrajectories) -> list[Any]:
    """The named parent's open trajectory, or every open one of the family, to a new coach."""
    chosen = [target(command, state)] if command.parent_id else _all_open(command, state)
    return [ev.CoachReassigned(
        trajectory_id=t.trajectory_id, family_id=command.family_id, coach_id=command.coach_id,
        previous_coach_id=t.coach_id, reassigned_on=command.reassigned_on)
        for t in chosen if t.coach_id != command.coach_id]


def casework_targets(command: Any, state: FamilyTrajectories) -> list[Trajectory]:
    """A contact's trajectories (no parent named: every open one), a new action's one."""
    match command:
        case RecordContact() if command.parent_id is None:
            return _all_open(command, state)
        case RecordContact() | AddPlanAction():
            return [target(command, state)]
    if not state.trajectories:
        raise UnknownFamilyError(f"family {command.family_id} has no trajectory")
    return []


def target(command: Any, state: FamilyTrajectories) -> Trajectory:
    """The open trajectory a command is for: its parent's, else the only open one."""
    family = command.family_id
    if command.parent_id is not None:
        latest = state.latest_of(command.parent_id)
        if not state.trajectories:
            raise UnknownFamilyError(f"family {family} has no trajectory")
        if latest is None:
            raise RuleBrokenError(f"parent {command.parent_id} has no trajectory in family "
                                  f"{family}")
        if latest.closed:
            raise RuleBrokenError(f"parent {command.parent_id}'s trajectory has ended")
        return latest
    candidates = _all_open(command, state)
    if len(candidates) > 1:  # a training or job already under way tells whose it is
        holding = [t for t in candidates
                   if getattr(command, "training_id", None) in t.trainings
                   or getattr(command, "job_id", None) in t.jobs]
        candidates = holding or candidates
    if len(candidates) > 1:
        parents = ", ".join(t.parent_id for t in candidates)
        raise RuleBrokenError(f"family {family} has {len(candidates)} open trajectories "
                              f"(parents {parents}): name the parent")
    return candidates[0]


def _all_open(command: Any, state: FamilyTrajectories) -> list[Trajectory]:
    if not state.trajectories:
        raise UnknownFamilyError(f"family {command.family_id} has no trajectory")
    found = state.open()
    if not found:
        raise RuleBrokenError(f"family {command.family_id}'s trajectory has ended")
    return found


def _only_parent(family: str, state: FamilyTrajectories) -> str:
    parents = state.parents()
    if len(parents) > 1:
        raise RuleBrokenError(f"family {family} has trajectories for parents "
                              f"{', '.join(parents)}: name the parent")
    return parents[0]


def record(command: Any, t: Trajectory, state: FamilyTrajectories) -> list[Any]:
    """The event a command on one open trajectory records, or a refusal."""
    ids = {"trajectory_id": t.trajectory_id, "family_id": command.family_id}
    match command:
        case AgreePlan():
            return [ev.DevelopmentPlanAgreed(**ids, goals=command.goals,
                                             agreed_on=command.agreed_on)]
        case StartTraining():
            if any(command.training_id in other.trainings for other in state.trajectories):
                raise RuleBrokenError(f"training {command.training_id} already started")
            return [ev.TrainingStarted(**ids, training_id=command.training_id,
                                       kind=command.kind, started_on=command.started_on)]
        case CompleteTraining():
            if command.training_id not in t.trainings - t.trainings_done:
                raise RuleBrokenError(f"training {command.training_id} is not under way")
            return [ev.TrainingCompleted(**ids, training_id=command.training_id,
                                         completed_on=command.completed_on)]
        case StartJob():
            if any(command.job_id in other.jobs for other in state.trajectories):
                raise RuleBrokenError(f"job {command.job_id} already started")
            return [ev.JobStarted(**ids, job_id=command.job_id, kind=command.kind,
                                  hours_per_week=command.hours_per_week,
                                  started_on=command.started_on)]
        case EndJob():
            if command.job_id not in t.jobs - t.jobs_ended:
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


decider: Decider[Any, FamilyTrajectories] = Decider(FamilyTrajectories(), evolve, decide)
