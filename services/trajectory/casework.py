"""The coach's daily work on a trajectory, as pure rules: dated contacts and the plan's actions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from contracts import trajectory as ev
from contracts.commands import (
    AddPlanAction,
    CompletePlanAction,
    DropPlanAction,
    RecordContact,
    RedatePlanAction,
)
from pace.domain import RuleBrokenError

COMMANDS = (RecordContact, AddPlanAction, CompletePlanAction, DropPlanAction, RedatePlanAction)
ON_ACTION = (CompletePlanAction, DropPlanAction, RedatePlanAction)
DEFAULT_SILENT_WEEKS = 4  # "no contact for N weeks": the partner's setting, else this
COUNTS_AS_CONTACT = frozenset(ev.ContactKind) - {ev.ContactKind.NO_ANSWER}
"""An outreach attempt without answer is recorded, but the family stays on the coach's list."""


class ActionStatus(StrEnum):
    """Where an action of the plan stands."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Action:
    """One action of a plan, as its events left it."""

    trajectory_id: str
    added_on: date
    due_on: date
    status: ActionStatus = ActionStatus.OPEN


@dataclass(frozen=True)
class Casework:
    """A family's contacts and plan actions, across its trajectories."""

    contacts: frozenset[str] = frozenset()
    actions: dict[str, Action] = field(default_factory=dict)


def evolve(state: Casework, event: Any) -> Casework:
    """The casework after one of its events (other events leave it as it is)."""
    match event:
        case ev.ContactRecorded():
            return replace(state, contacts=state.contacts | {event.contact_id})
        case ev.PlanActionAdded():
            action = Action(event.trajectory_id, event.added_on, event.due_on)
            return replace(state, actions={**state.actions, event.action_id: action})
        case ev.PlanActionCompleted():
            return _with(state, event.action_id, status=ActionStatus.DONE)
        case ev.PlanActionDropped():
            return _with(state, event.action_id, status=ActionStatus.DROPPED)
        case ev.PlanActionRedated():
            return _with(state, event.action_id, due_on=event.due_on)
    return state


def _with(state: Casework, action_id: str, **changes: Any) -> Casework:
    action = replace(state.actions[action_id], **changes)
    return replace(state, actions={**state.actions, action_id: action})


def decide(command: Any, state: Casework, chosen: list[str],
           open_trajectories: frozenset[str]) -> list[Any]:
    """The events a casework command records on the trajectories chosen for it, or a refusal.

    `chosen`: the open trajectories a contact or a new action is for (the decider picks them);
    `open_trajectories`: every open trajectory of the family.
    """
    match command:
        case RecordContact():
            return record_contact(command, state, chosen)
        case AddPlanAction():
            return add_action(command, state, chosen)
    if isinstance(command, ON_ACTION):
        return change_action(command, state, open_trajectories)
    raise TypeError(f"not a casework command: {type(command).__name__}")


def record_contact(command: RecordContact, state: Casework, chosen: list[str]) -> list[Any]:
    """A contact with one parent, or with the family: one event per trajectory it concerns."""
    if command.contact_id in state.contacts:
        raise RuleBrokenError(f"contact {command.contact_id} is already recorded")
    return [ev.ContactRecorded(
        trajectory_id=trajectory_id, family_id=command.family_id, contact_id=command.contact_id,
        kind=command.kind, channel=command.channel, contacted_on=command.contacted_on)
        for trajectory_id in chosen]


def add_action(command: AddPlanAction, state: Casework, chosen: list[str]) -> list[Any]:
    """A new open action on one trajectory's plan, due on or after the day it is added."""
    if command.action_id in state.actions:
        raise RuleBrokenError(f"action {command.action_id} is already on the plan")
    if command.due_on < command.added_on:
        raise RuleBrokenError(f"action {command.action_id} would be due on {command.due_on}, "
                              f"before the day it is added ({command.added_on})")
    [trajectory_id] = chosen
    return [ev.PlanActionAdded(
        trajectory_id=trajectory_id, family_id=command.family_id, action_id=command.action_id,
        owner=command.owner, due_on=command.due_on, life_domain=command.life_domain,
        added_on=command.added_on)]


def open_action(command: Any, state: Casework, open_trajectories: frozenset[str]) -> Action:
    """The open action a command is for, on a trajectory still open, or a refusal."""
    action = state.actions.get(command.action_id)
    if action is None:
        raise RuleBrokenError(f"family {command.family_id}'s plans have no action "
                              f"{command.action_id}")
    if action.trajectory_id not in open_trajectories:
        raise RuleBrokenError(f"action {command.action_id}'s trajectory "
                              f"{action.trajectory_id} has ended")
    if action.status is not ActionStatus.OPEN:
        raise RuleBrokenError(f"action {command.action_id} is already {action.status.value}")
    return action


def change_action(command: Any, state: Casework,
                  open_trajectories: frozenset[str]) -> list[Any]:
    """Complete, drop or re-date an open action."""
    action = open_action(command, state, open_trajectories)
    ids = {"trajectory_id": action.trajectory_id, "family_id": command.family_id,
           "action_id": command.action_id}
    match command:
        case CompletePlanAction():
            _not_before_added(command.completed_on, action, command.action_id)
            return [ev.PlanActionCompleted(**ids, completed_on=command.completed_on)]
        case DropPlanAction():
            _not_before_added(command.dropped_on, action, command.action_id)
            return [ev.PlanActionDropped(**ids, dropped_on=command.dropped_on)]
        case RedatePlanAction():
            if command.due_on == action.due_on:
                raise RuleBrokenError(f"action {command.action_id} is already due on "
                                      f"{action.due_on}")
            if command.due_on < command.redated_on:
                raise RuleBrokenError(f"action {command.action_id} cannot be re-dated to "
                                      f"{command.due_on}, before today ({command.redated_on})")
            return [ev.PlanActionRedated(**ids, due_on=command.due_on,
                                         redated_on=command.redated_on)]
    raise TypeError(f"not an action command: {type(command).__name__}")


def _not_before_added(on: date, action: Action, action_id: str) -> None:
    if on < action.added_on:
        raise RuleBrokenError(f"action {action_id} was added on {action.added_on}: it cannot "
                              f"be closed on {on}")
