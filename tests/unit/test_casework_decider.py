"""The coach's daily work as pure rules: dated contacts and the plan's actions."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.commands import (
    AddPlanAction,
    CompletePlanAction,
    DropPlanAction,
    RecordContact,
    RedatePlanAction,
)
from contracts.trajectory import (
    ActionOwner,
    ContactChannel,
    ContactKind,
    ContactRecorded,
    LifeDomain,
    PlanActionAdded,
    PlanActionCompleted,
    PlanActionDropped,
    PlanActionRedated,
    TrajectoryCompleted,
    TrajectoryStarted,
)
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.trajectory.domain import decider
from tests.unit.deciders import given

DAY = date(2026, 3, 2)
LATER = date(2026, 3, 16)


def started(trajectory_id: str = "traj-fam-1", parent_id: str = "par-a") -> TrajectoryStarted:
    return TrajectoryStarted(trajectory_id=trajectory_id, family_id="fam-1",
                             parent_id=parent_id, coach_id="coach-1", started_on=DAY)


BOTH = (started(), started("traj-fam-1.2", "par-b"))


def contact(parent_id: str | None = None, contact_id: str = "c-1") -> RecordContact:
    return RecordContact(family_id="fam-1", parent_id=parent_id, contact_id=contact_id,
                         kind=ContactKind.HOME_VISIT, channel=ContactChannel.IN_PERSON,
                         contacted_on=DAY)


def recorded(trajectory_id: str = "traj-fam-1", contact_id: str = "c-1") -> ContactRecorded:
    return ContactRecorded(trajectory_id=trajectory_id, family_id="fam-1", contact_id=contact_id,
                           kind=ContactKind.HOME_VISIT, channel=ContactChannel.IN_PERSON,
                           contacted_on=DAY)


def add(parent_id: str | None = None, due_on: date = LATER, action_id: str = "a-1"
        ) -> AddPlanAction:
    return AddPlanAction(family_id="fam-1", parent_id=parent_id, action_id=action_id,
                         owner=ActionOwner.PARENT, due_on=due_on,
                         life_domain=LifeDomain.LANGUAGE, added_on=DAY)


def added(trajectory_id: str = "traj-fam-1", due_on: date = LATER) -> PlanActionAdded:
    return PlanActionAdded(trajectory_id=trajectory_id, family_id="fam-1", action_id="a-1",
                           owner=ActionOwner.PARENT, due_on=due_on,
                           life_domain=LifeDomain.LANGUAGE, added_on=DAY)


def test_a_contact_with_the_only_parent_is_recorded_on_their_trajectory() -> None:
    given(decider, started()).when(contact()).then(recorded())


def test_a_contact_with_the_family_counts_for_each_open_trajectory() -> None:
    given(decider, *BOTH).when(contact()).then(recorded(), recorded("traj-fam-1.2"))


def test_a_contact_with_one_of_two_parents_is_recorded_on_theirs_only() -> None:
    given(decider, *BOTH).when(contact("par-b")).then(recorded("traj-fam-1.2"))


def test_a_contact_is_recorded_once() -> None:
    given(decider, started(), recorded()).when(contact()).then_raises(
        RuleBrokenError, "contact c-1 is already recorded")


def test_a_contact_needs_a_trajectory() -> None:
    given(decider).when(contact()).then_raises(UnknownFamilyError, "fam-1 has no trajectory")


def test_a_contact_after_the_trajectory_ended_is_refused() -> None:
    ended = TrajectoryCompleted(trajectory_id="traj-fam-1", family_id="fam-1",
                                outcome="job", completed_on=LATER)
    given(decider, started(), ended).when(contact()).then_raises(RuleBrokenError, "has ended")


def test_an_action_is_added_open_on_the_parents_plan() -> None:
    given(decider, *BOTH).when(add("par-b")).then(added("traj-fam-1.2"))


def test_an_action_for_one_of_two_open_trajectories_must_name_the_parent() -> None:
    given(decider, *BOTH).when(add()).then_raises(RuleBrokenError, "name the parent")


def test_an_action_cannot_be_due_before_it_is_added() -> None:
    given(decider, started()).when(add(due_on=date(2026, 3, 1))).then_raises(
        RuleBrokenError, "before the day it is added")


def test_an_action_id_is_used_once() -> None:
    given(decider, started(), added()).when(add()).then_raises(
        RuleBrokenError, "a-1 is already on the plan")


def test_an_open_action_is_completed_on_its_own_trajectory() -> None:
    state = given(decider, *BOTH, added("traj-fam-1.2")).when(
        CompletePlanAction(family_id="fam-1", action_id="a-1", completed_on=LATER)).then(
        PlanActionCompleted(trajectory_id="traj-fam-1.2", family_id="fam-1", action_id="a-1",
                            completed_on=LATER))

    assert state.casework.actions["a-1"].status == "done"


def test_an_open_action_is_dropped() -> None:
    given(decider, started(), added()).when(
        DropPlanAction(family_id="fam-1", action_id="a-1", dropped_on=LATER)).then(
        PlanActionDropped(trajectory_id="traj-fam-1", family_id="fam-1", action_id="a-1",
                          dropped_on=LATER))


def test_an_open_action_gets_a_new_due_date() -> None:
    new_due = date(2026, 4, 1)

    state = given(decider, started(), added()).when(
        RedatePlanAction(family_id="fam-1", action_id="a-1", due_on=new_due,
                         redated_on=LATER)).then(
        PlanActionRedated(trajectory_id="traj-fam-1", family_id="fam-1", action_id="a-1",
                          due_on=new_due, redated_on=LATER))

    assert state.casework.actions["a-1"].due_on == new_due


def test_an_action_cannot_be_redated_into_the_past_or_to_the_same_day() -> None:
    history = given(decider, started(), added())

    history.when(RedatePlanAction(family_id="fam-1", action_id="a-1", due_on=DAY,
                                  redated_on=LATER)).then_raises(RuleBrokenError, "before today")
    history.when(RedatePlanAction(family_id="fam-1", action_id="a-1", due_on=LATER,
                                  redated_on=DAY)).then_raises(RuleBrokenError, "already due")


@pytest.mark.parametrize("command", [
    CompletePlanAction(family_id="fam-1", action_id="a-1", completed_on=LATER),
    DropPlanAction(family_id="fam-1", action_id="a-1", dropped_on=LATER),
    RedatePlanAction(family_id="fam-1", action_id="a-1", due_on=date(2026, 5, 1),
                     redated_on=LATER),
])
def test_a_done_action_stays_done(command: object) -> None:
    done = PlanActionCompleted(trajectory_id="traj-fam-1", family_id="fam-1", action_id="a-1",
                               completed_on=LATER)

    given(decider, started(), added(), done).when(command).then_raises(
        RuleBrokenError, "a-1 is already done")


def test_an_unknown_action_is_refused() -> None:
    given(decider, started()).when(
        CompletePlanAction(family_id="fam-1", action_id="a-9", completed_on=LATER)
    ).then_raises(RuleBrokenError, "no action a-9")


def test_an_action_of_an_ended_trajectory_cannot_change() -> None:
    ended = TrajectoryCompleted(trajectory_id="traj-fam-1", family_id="fam-1",
                                outcome="job", completed_on=LATER)

    given(decider, started(), added(), ended).when(
        DropPlanAction(family_id="fam-1", action_id="a-1", dropped_on=LATER)
    ).then_raises(RuleBrokenError, "traj-fam-1 has ended")


def test_an_action_cannot_be_closed_before_it_was_added() -> None:
    given(decider, started(), added()).when(
        CompletePlanAction(family_id="fam-1", action_id="a-1", completed_on=date(2026, 3, 1))
    ).then_raises(RuleBrokenError, "cannot be closed on 2026-03-01")


def test_an_action_command_for_a_family_without_trajectory_is_unknown() -> None:
    given(decider).when(
        DropPlanAction(family_id="fam-1", action_id="a-1", dropped_on=LATER)
    ).then_raises(UnknownFamilyError, "fam-1 has no trajectory")
