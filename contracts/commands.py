"""Commands staff send to a partner's services (request/reply), one model per command.

Personal data (names, contact details, national number, notes) appears only in intake's
ReferFamily: the intake service puts it in its encrypted vault; no event ever carries it.
"""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, Field

from contracts.base import Frozen, personal, public
from contracts.booking import (
    LOCATION_PATTERN,
    BookingKind,
    Daypart,
    HandoverDestination,
    session_id,
)
from contracts.intake import (
    BIRTH_MONTH_PATTERN,
    PRIORITY,
    ConsentPurpose,
    DeclineReason,
    Gender,
    ParentId,
    ReferralSource,
    pseudonymous_id,
)
from contracts.participants import MarkFollowUpsDue, RecordParticipantData
from contracts.trajectory import (
    ActionOwner,
    CompletionOutcome,
    ContactChannel,
    ContactKind,
    DropReason,
    JobKind,
    LifeDomain,
    TrainingKind,
)

NAME = {"min_length": 1, "max_length": 200}


class ParentDetails(Frozen):
    parent_id: str = pseudonymous_id()
    gender: Gender = public()
    full_name: str = personal(**NAME)
    phone: str | None = personal(default=None, max_length=40)
    email: str | None = personal(default=None, max_length=200)
    national_number: str | None = personal(default=None, max_length=40)


class ChildDetails(Frozen):
    child_id: str = pseudonymous_id()
    first_name: str = personal(**NAME)
    birth_month: str = public(pattern=BIRTH_MONTH_PATTERN)


# -- intake ------------------------------------------------------------------------------

class ReferFamily(Frozen):
    family_id: str = pseudonymous_id()
    referral_source: ReferralSource = public()
    referred_on: date = public()
    parents: tuple[ParentDetails, ...] = Field(min_length=1, max_length=4)
    children: tuple[ChildDetails, ...] = Field(default=(), max_length=12)
    notes: str = personal(default="", max_length=4000)


class RecordConsent(Frozen):
    family_id: str = pseudonymous_id()
    purpose: ConsentPurpose = public()
    given_on: date = public()


class WithdrawConsent(Frozen):
    family_id: str = pseudonymous_id()
    purpose: ConsentPurpose = public()
    withdrawn_on: date = public()


class EnrolFamily(Frozen):
    """Take the family in: a trajectory for each parent named (none named: the first parent)."""

    family_id: str = pseudonymous_id()
    coach_id: str = pseudonymous_id()
    enrolled_on: date = public()
    parent_ids: tuple[ParentId, ...] = Field(default=(), max_length=4)


class DeclineReferral(Frozen):
    family_id: str = pseudonymous_id()
    reason: DeclineReason = public()
    declined_on: date = public()


class HoldReferral(Frozen):
    family_id: str = pseudonymous_id()
    held_on: date = public()
    priority: int = public(default=3, **PRIORITY)


class SetReferralPriority(Frozen):
    family_id: str = pseudonymous_id()
    priority: int = public(**PRIORITY)
    set_on: date = public()


class EraseFamily(Frozen):
    family_id: str = pseudonymous_id()
    erased_on: date = public()


# -- booking -----------------------------------------------------------------------------

class _SessionCommand(Frozen):
    location_id: str = public(pattern=LOCATION_PATTERN)
    session_date: date = public()
    daypart: Daypart = public()

    @property
    def session_id(self) -> str:
        return session_id(self.location_id, self.session_date, self.daypart)


class SetDaypartCapacity(_SessionCommand):
    capacity: int = public(ge=0, le=60)


class BookSlot(_SessionCommand):
    booking_id: str = pseudonymous_id()
    family_id: str = pseudonymous_id()
    child_id: str = pseudonymous_id()
    kind: BookingKind = public(default=BookingKind.OCCASIONAL)
    hours: float = public(default=4.0, gt=0, le=12)


class CancelBooking(_SessionCommand):
    booking_id: str = pseudonymous_id()


class CheckIn(_SessionCommand):
    booking_id: str = pseudonymous_id()
    at: AwareDatetime = public()


class CheckOut(_SessionCommand):
    booking_id: str = pseudonymous_id()
    at: AwareDatetime = public()


class RecordNoShow(_SessionCommand):
    booking_id: str = pseudonymous_id()


class HandOverChild(Frozen):
    family_id: str = pseudonymous_id()
    child_id: str = pseudonymous_id()
    destination: HandoverDestination = public()
    handed_over_on: date = public()


class ReleaseDueBookings(Frozen):
    today: date = public()


# -- trajectory --------------------------------------------------------------------------

class _TrajectoryCommand(Frozen):
    """A command on a parent's trajectory; the parent may be left out when only one is open."""

    family_id: str = pseudonymous_id()
    parent_id: str | None = pseudonymous_id(default=None)


class AgreePlan(_TrajectoryCommand):
    goals: tuple[LifeDomain, ...] = public(min_length=1, max_length=6)
    agreed_on: date = public()


class StartTraining(_TrajectoryCommand):
    training_id: str = pseudonymous_id()
    kind: TrainingKind = public()
    started_on: date = public()


class CompleteTraining(_TrajectoryCommand):
    training_id: str = pseudonymous_id()
    completed_on: date = public()


class StartJob(_TrajectoryCommand):
    job_id: str = pseudonymous_id()
    kind: JobKind = public()
    hours_per_week: float = public(gt=0, le=60)
    started_on: date = public()


class EndJob(_TrajectoryCommand):
    job_id: str = pseudonymous_id()
    ended_on: date = public()


class RecordInvolvementDay(_TrajectoryCommand):
    attended_on: date = public()


class CompleteTrajectory(_TrajectoryCommand):
    outcome: CompletionOutcome = public()
    completed_on: date = public()


class DropTrajectory(_TrajectoryCommand):
    reason: DropReason = public()
    dropped_on: date = public()


class ReassignCoach(_TrajectoryCommand):
    """Another coach takes over: the parent's open trajectory, or (no parent) all the family's."""

    coach_id: str = pseudonymous_id()
    reassigned_on: date = public()


class ReenterTrajectory(_TrajectoryCommand):
    """A parent whose trajectory ended comes back: a new trajectory, the old one stays closed."""

    coach_id: str = pseudonymous_id()
    started_on: date = public()


def command_name(model: type) -> str:
    """RecordConsent -> record_consent: the last token of the command's subject."""
    return "".join("_" + c.lower() if c.isupper() else c for c in model.__name__).lstrip("_")


COMMANDS: dict[str, dict[str, type[Frozen]]] = {
    # The commands each service answers, by service and command name (staff tools, web app).
    "intake": {command_name(m): m for m in (
        ReferFamily, RecordConsent, WithdrawConsent, EnrolFamily,
        DeclineReferral, EraseFamily, HoldReferral, SetReferralPriority)},
    "booking": {command_name(m): m for m in (
        SetDaypartCapacity, BookSlot, CancelBooking, CheckIn, CheckOut,
        RecordNoShow, HandOverChild, ReleaseDueBookings)},
    "trajectory": {command_name(m): m for m in (
        AgreePlan, StartTraining, CompleteTraining, StartJob, EndJob,
        RecordInvolvementDay, CompleteTrajectory, DropTrajectory, ReassignCoach,
        ReenterTrajectory)},
}


# -- part 2: the coach's daily work --------------------------------------------------------

class RecordContact(_TrajectoryCommand):
    """A dated contact with the parent (or, no parent named, with every open trajectory's)."""

    contact_id: str = pseudonymous_id()
    kind: ContactKind = public()
    channel: ContactChannel = public()
    contacted_on: date = public()


class KeepContactNote(Frozen):
    """A contact's note, into intake's vault under the family's key (erased with the family)."""

    family_id: str = pseudonymous_id()
    contact_id: str = pseudonymous_id()
    note: str = personal(min_length=1, max_length=4000)


class AddPlanAction(_TrajectoryCommand):
    action_id: str = pseudonymous_id()
    owner: ActionOwner = public()
    due_on: date = public()
    life_domain: LifeDomain | None = public(default=None)
    added_on: date = public()


class _PlanActionCommand(Frozen):
    """A command on one action of a plan: the action names its trajectory."""

    family_id: str = pseudonymous_id()
    action_id: str = pseudonymous_id()


class CompletePlanAction(_PlanActionCommand):
    completed_on: date = public()


class DropPlanAction(_PlanActionCommand):
    dropped_on: date = public()


class RedatePlanAction(_PlanActionCommand):
    due_on: date = public()
    redated_on: date = public()


CASEWORK_COMMANDS: tuple[type[Frozen], ...] = (
    RecordContact, AddPlanAction, CompletePlanAction, DropPlanAction, RedatePlanAction)
COMMANDS["trajectory"].update({command_name(m): m for m in CASEWORK_COMMANDS})
COMMANDS["intake"][command_name(KeepContactNote)] = KeepContactNote
COMMANDS["trajectory"].update(  # part 4: ESF participant data (contracts.participants)
    {command_name(m): m for m in (RecordParticipantData, MarkFollowUpsDue)})
