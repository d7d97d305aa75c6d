"""ESF participant data on a parent's trajectory, and its six-month follow-up: a pure decider.

It folds the same `trajectory-<family>` stream as the trajectory decider and keeps only what
its rules need: when each trajectory started and ended, its vocational trainings, the
moments recorded and the follow-ups flagged.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from contracts import participants as pd
from contracts import trajectory as ev
from contracts.participants import (
    FOLLOW_UP_MONTHS,
    EducationBand,
    LabourStatus,
    MarkFollowUpsDue,
    Moment,
    ParticipantAgeBand,
    RecordParticipantData,
)
from contracts.trajectory import TrainingKind
from pace.domain import Decider, RuleBrokenError, UnknownFamilyError

LONG_TERM_MONTHS = {ParticipantAgeBand.UNDER_25: 6}
"""Months unemployed above which a participant is long-term unemployed (ESF); else 12."""
ADULT_LONG_TERM_MONTHS = 12


@dataclass(frozen=True)
class Participant:
    """What the participant-data rules know of one trajectory."""

    trajectory_id: str
    parent_id: str
    started_on: date
    ended_on: date | None = None
    vocational: frozenset[str] = frozenset()
    qualified: bool = False  # a vocational training completed
    recorded: frozenset[Moment] = frozenset()
    follow_up_flagged: bool = False

    @property
    def follow_up_due_on(self) -> date | None:
        return None if self.ended_on is None else months_after(self.ended_on, FOLLOW_UP_MONTHS)


@dataclass(frozen=True)
class Participants:
    """Every trajectory of one family, in the order they started."""

    trajectories: tuple[Participant, ...] = ()


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_band(age: int) -> ParticipantAgeBand:
    if age < 25:
        return ParticipantAgeBand.UNDER_25
    return ParticipantAgeBand.FROM_25_TO_54 if age <= 54 else ParticipantAgeBand.OVER_54


def education_band(isced_level: int) -> EducationBand:
    if isced_level <= 2:
        return EducationBand.ISCED_0_2
    return EducationBand.ISCED_3_4 if isced_level <= 4 else EducationBand.ISCED_5_8


def long_term_unemployed(months: int, band: ParticipantAgeBand) -> bool:
    """More than 6 months unemployed under 25, more than 12 months from 25 (ESF)."""
    return months > LONG_TERM_MONTHS.get(band, ADULT_LONG_TERM_MONTHS)


def _changed(p: Participant, event: Any) -> Participant:
    match event:
        case ev.TrainingStarted() if event.kind is TrainingKind.VOCATIONAL:
            return replace(p, vocational=p.vocational | {event.training_id})
        case ev.TrainingCompleted() if event.training_id in p.vocational:
            return replace(p, qualified=True)
        case ev.TrajectoryCompleted():
            return replace(p, ended_on=event.completed_on)
        case ev.TrajectoryDropped():
            return replace(p, ended_on=event.dropped_on)
        case pd.ParticipantDataRecorded():
            return replace(p, recorded=p.recorded | {event.moment})
        case pd.FollowUpFellDue():
            return replace(p, follow_up_flagged=True)
    return p


def evolve(state: Participants, event: Any) -> Participants:
    if isinstance(event, ev.TrajectoryStarted):
        started = Participant(event.trajectory_id, event.parent_id, event.started_on)
        return replace(state, trajectories=(*state.trajectories, started))
    wanted = getattr(event, "trajectory_id", None)
    return replace(state, trajectories=tuple(
        _changed(p, event) if p.trajectory_id == wanted else p for p in state.trajectories))


def decide(command: Any, state: Participants) -> list[Any]:
    match command:
        case RecordParticipantData():
            return record(command, state)
        case MarkFollowUpsDue():
            return [pd.FollowUpFellDue(trajectory_id=p.trajectory_id, family_id=command.family_id,
                                       due_on=due)
                    for p in state.trajectories
                    if (due := p.follow_up_due_on) is not None and due <= command.today
                    and not p.follow_up_flagged and Moment.SIX_MONTHS not in p.recorded]
    raise TypeError(f"not a participant-data command: {type(command).__name__}")


def record(command: RecordParticipantData, state: Participants) -> list[Any]:
    """The parent's situation at a moment, in bands; exact values kept as local fields."""
    p = _latest(command, state)
    _check_status_details(command)
    situation_on = _situation_on(command, p)
    band = age_band(command.age)
    months = command.months_unemployed
    qualification = command.qualification_gained
    if command.moment is Moment.EXIT and qualification is None:
        qualification = p.qualified
    elif command.moment is not Moment.EXIT and qualification is not None:
        raise RuleBrokenError("a qualification gained is recorded at exit only")
    return [pd.ParticipantDataRecorded(
        trajectory_id=p.trajectory_id, family_id=command.family_id, moment=command.moment,
        situation_on=situation_on, recorded_on=command.recorded_on,
        labour_status=command.labour_status,
        in_education_or_training=command.in_education_or_training,
        long_term_unemployed=None if months is None else long_term_unemployed(months, band),
        age_band=band, education=education_band(command.isced_level),
        single_parent_household=command.single_parent_household,
        qualification_gained=qualification, age=command.age, isced_level=command.isced_level,
        months_unemployed=months)]


def _latest(command: RecordParticipantData, state: Participants) -> Participant:
    """The trajectory named, else the parent's latest (the only parent's when none is named)."""
    family = command.family_id
    if not state.trajectories:
        raise UnknownFamilyError(f"family {family} has no trajectory")
    if command.trajectory_id is not None:
        named = [p for p in state.trajectories if p.trajectory_id == command.trajectory_id]
        if not named or command.parent_id not in (None, named[0].parent_id):
            raise RuleBrokenError(f"family {family} has no trajectory {command.trajectory_id}"
                                  + (f" of parent {command.parent_id}"
                                     if command.parent_id else ""))
        return named[0]
    parents = list(dict.fromkeys(p.parent_id for p in state.trajectories))
    parent = command.parent_id
    if parent is None:
        if len(parents) > 1:
            raise RuleBrokenError(f"family {family} has trajectories for parents "
                                  f"{', '.join(parents)}: name the parent")
        parent = parents[0]
    mine = [p for p in state.trajectories if p.parent_id == parent]
    if not mine:
        raise RuleBrokenError(f"parent {parent} has no trajectory in family {family}")
    return mine[-1]


def _check_status_details(command: RecordParticipantData) -> None:
    status = command.labour_status
    if status is LabourStatus.INACTIVE and command.in_education_or_training is None:
        raise RuleBrokenError("an inactive parent: say whether they are in education or "
                              "training (in_education_or_training)")
    if status is not LabourStatus.INACTIVE and command.in_education_or_training is not None:
        raise RuleBrokenError(f"in_education_or_training is for inactive parents, not "
                              f"{status.value}")
    if status is LabourStatus.UNEMPLOYED and command.months_unemployed is None:
        raise RuleBrokenError("an unemployed parent: give the months unemployed "
                              "(months_unemployed)")
    if status is not LabourStatus.UNEMPLOYED and command.months_unemployed is not None:
        raise RuleBrokenError(f"months_unemployed is for unemployed parents, not {status.value}")


def _situation_on(command: RecordParticipantData, p: Participant) -> date:
    """The date the data describes: the start, the end, or six months after the end."""
    if command.moment is Moment.ENTRY:
        return p.started_on
    if p.ended_on is None:
        raise RuleBrokenError(f"trajectory {p.trajectory_id} has not ended: {command.moment.value} "
                              "data is recorded once it is completed or dropped")
    if command.moment is Moment.EXIT:
        return p.ended_on
    due = months_after(p.ended_on, FOLLOW_UP_MONTHS)
    if command.recorded_on < due:
        raise RuleBrokenError(f"the six-month follow-up of trajectory {p.trajectory_id} is due "
                              f"on {due.isoformat()}, not before")
    return due


decider: Decider[Any, Participants] = Decider(Participants(), evolve, decide)
