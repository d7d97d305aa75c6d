"""The family's intake, as a pure decider over its events (stream `family-<family_id>`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from contracts.commands import (
    DeclineReferral,
    EnrolFamily,
    EraseFamily,
    HoldReferral,
    RecordConsent,
    ReferFamily,
    SetReferralPriority,
    WithdrawConsent,
)
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    ConsentRecorded,
    ConsentWithdrawn,
    DeclineReason,
    FamilyEnrolled,
    FamilyErased,
    FamilyReferred,
    ParentRef,
    ReferralAnswered,
    ReferralDeclined,
    ReferralHeld,
    ReferralOutcome,
    ReferralPrioritySet,
)
from pace.domain import Decider, RuleBrokenError, UnknownFamilyError

IntakeCommand = (ReferFamily | RecordConsent | WithdrawConsent | EnrolFamily | DeclineReferral
                 | EraseFamily | HoldReferral | SetReferralPriority)


@dataclass(frozen=True)
class Family:
    family_id: str = ""
    referred: bool = False
    enrolled: bool = False
    declined: bool = False
    erased: bool = False
    consents: frozenset[ConsentPurpose] = frozenset()
    referred_on: date | None = None
    waiting_since: date | None = None  # on the programme's waiting list since
    priority: int | None = None  # the waiting referral's priority (1 first)
    parents: tuple[str, ...] = ()


def stream_id(family_id: str) -> str:
    return f"family-{family_id}"


def evolve(state: Family, event: object) -> Family:
    match event:
        case FamilyReferred(family_id=family_id, referred_on=referred_on):
            return replace(state, family_id=family_id, referred=True, referred_on=referred_on,
                           parents=tuple(parent.parent_id for parent in event.parents))
        case ConsentRecorded(purpose=purpose):
            return replace(state, consents=state.consents | {purpose})
        case ConsentWithdrawn(purpose=purpose):
            return replace(state, consents=state.consents - {purpose})
        case FamilyEnrolled():
            return replace(state, enrolled=True, waiting_since=None)
        case ReferralDeclined():
            return replace(state, declined=True, waiting_since=None)
        case ReferralHeld(held_on=held_on, priority=priority):
            return replace(state, waiting_since=held_on, priority=priority)
        case ReferralPrioritySet(priority=priority):
            return replace(state, priority=priority)
        case FamilyErased():
            return replace(state, erased=True)
    return state


def decide(command: IntakeCommand, state: Family) -> list[object]:
    """The command's events, each decision on the referral followed by the referrer's answer."""
    return with_answers(_decide(command, state))


def _decide(command: IntakeCommand, state: Family) -> list[object]:
    if isinstance(command, ReferFamily):
        return refer(command, state)
    _require_known(command.family_id, state)
    match command:
        case RecordConsent():
            if command.purpose in state.consents:
                return []
            return [ConsentRecorded(family_id=command.family_id, purpose=command.purpose,
                                    given_on=command.given_on)]
        case WithdrawConsent():
            if command.purpose not in state.consents:
                raise RuleBrokenError(f"family {command.family_id} has not given consent "
                                      f"for {command.purpose.value}")
            return [ConsentWithdrawn(family_id=command.family_id, purpose=command.purpose,
                                     withdrawn_on=command.withdrawn_on)]
        case EnrolFamily():
            return enrol(command, state)
        case DeclineReferral():
            if state.enrolled or state.declined:
                raise RuleBrokenError(f"family {command.family_id} is already "
                                      + ("enrolled" if state.enrolled else "declined"))
            return [ReferralDeclined(family_id=command.family_id, reason=command.reason,
                                     declined_on=command.declined_on)]
        case EraseFamily():
            return [*_off_the_waiting_list(command, state),
                    FamilyErased(family_id=command.family_id, erased_on=command.erased_on)]
        case HoldReferral():
            return hold(command, state)
        case SetReferralPriority():
            return set_priority(command, state)
    raise TypeError(f"not an intake command: {type(command).__name__}")


def refer(command: ReferFamily, state: Family) -> list[object]:
    if state.referred:
        raise RuleBrokenError(f"family {command.family_id} has already been referred")
    return [FamilyReferred(
        family_id=command.family_id, referral_source=command.referral_source,
        referred_on=command.referred_on,
        parents=tuple(ParentRef(parent_id=p.parent_id, gender=p.gender) for p in command.parents),
        children=tuple(ChildRef(child_id=c.child_id, birth_month=c.birth_month)
                       for c in command.children),
    )]


def enrol(command: EnrolFamily, state: Family) -> list[object]:
    if state.enrolled:
        return []
    if state.declined:
        raise RuleBrokenError(f"family {command.family_id}'s referral was declined")
    if ConsentPurpose.TRAJECTORY not in state.consents:
        raise RuleBrokenError(f"family {command.family_id} has not consented to a trajectory")
    return [FamilyEnrolled(family_id=command.family_id, coach_id=command.coach_id,
                           enrolled_on=command.enrolled_on,
                           parent_ids=taking_part(command, state))]


def taking_part(command: EnrolFamily, state: Family) -> tuple[str, ...]:
    """The parents the enrolment names, each once; none named: the first parent referred."""
    named = tuple(dict.fromkeys(command.parent_ids)) or state.parents[:1]
    strangers = [parent for parent in named if parent not in state.parents]
    if strangers:
        raise RuleBrokenError(f"{', '.join(strangers)} is not a parent of family "
                              f"{command.family_id} (its parents: {', '.join(state.parents)})")
    return named


def hold(command: HoldReferral, state: Family) -> list[object]:
    """Put an undecided referral on the waiting list (no place in the programme for now)."""
    if state.enrolled or state.declined:
        raise RuleBrokenError(f"family {command.family_id} is already "
                              + ("enrolled" if state.enrolled else "declined")
                              + ": it cannot wait for a place")
    if state.waiting_since is not None:
        raise RuleBrokenError(f"family {command.family_id} is already on the waiting list "
                              f"since {state.waiting_since.isoformat()}")
    if state.referred_on is not None and command.held_on < state.referred_on:
        raise RuleBrokenError(f"family {command.family_id} was referred on "
                              f"{state.referred_on.isoformat()}: it cannot wait from "
                              f"{command.held_on.isoformat()}")
    return [ReferralHeld(family_id=command.family_id, held_on=command.held_on,
                         priority=command.priority)]


def set_priority(command: SetReferralPriority, state: Family) -> list[object]:
    """Change a waiting referral's priority; the same priority again changes nothing."""
    if state.waiting_since is None:
        raise RuleBrokenError(f"family {command.family_id} is not on the waiting list")
    if command.priority == state.priority:
        return []
    return [ReferralPrioritySet(family_id=command.family_id, priority=command.priority,
                                set_on=command.set_on)]


def _off_the_waiting_list(command: EraseFamily, state: Family) -> list[object]:
    """A waiting family that is erased leaves the list: its referral is declined that day."""
    if state.waiting_since is None:
        return []
    return [ReferralDeclined(family_id=command.family_id, reason=DeclineReason.OTHER,
                             declined_on=command.erased_on)]


def with_answers(events: list[object]) -> list[object]:
    """The events, each enrolment, decline or hold followed by the referrer's answer."""
    answered: list[object] = []
    for event in events:
        answered.append(event)
        match event:
            case FamilyEnrolled(family_id=family_id, enrolled_on=on):
                answered.append(ReferralAnswered(family_id=family_id, answered_on=on,
                                                 outcome=ReferralOutcome.ENROLLED))
            case ReferralDeclined(family_id=family_id, declined_on=on, reason=reason):
                answered.append(ReferralAnswered(family_id=family_id, answered_on=on,
                                                 outcome=ReferralOutcome.DECLINED, reason=reason))
            case ReferralHeld(family_id=family_id, held_on=on):
                answered.append(ReferralAnswered(family_id=family_id, answered_on=on,
                                                 outcome=ReferralOutcome.WAITING))
    return answered


def _require_known(family_id: str, state: Family) -> None:
    if not state.referred:
        raise UnknownFamilyError(f"no family {family_id} has been referred here")
    if state.erased:
        raise RuleBrokenError(f"family {family_id} has been erased")


decider: Decider[IntakeCommand, Family] = Decider(Family(), evolve, decide)
