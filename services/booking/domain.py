"""A session (a location's day-part on a date) as a pure decider: places, waitlist, attendance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from contracts.booking import (
    DEFAULT_CAPACITY,
    BookingCancelled,
    BookingFlaggedForHandover,
    BookingKind,
    BookingReleased,
    ChildCheckedIn,
    ChildCheckedOut,
    Daypart,
    DaypartCapacitySet,
    NoShowRecorded,
    ReleaseReason,
    SlotBooked,
    SlotWaitlisted,
    WaitlistPromoted,
)
from contracts.commands import (
    BookSlot,
    CancelBooking,
    CheckIn,
    CheckOut,
    RecordNoShow,
    SetDaypartCapacity,
)
from pace.domain import Decider, NotFoundError, RuleBrokenError, UnknownFamilyError
from services.booking.places import free_places
from services.booking.rules import (  # noqa: F401 - FamilyFacts and the rules, for callers
    OLDEST_AGE_YEARS,
    SAME_DAY_CUTOFF,
    FamilyFacts,
    Policy,
    bridging_ends_on,
    check_age,
    check_when,
    refusal,
)


@dataclass(frozen=True)
class FlagForHandover:
    """Issued by booking itself when the family's trajectory ends."""

    booking_id: str
    flagged_on: date
    release_on: date


@dataclass(frozen=True)
class ReleaseBooking:
    """Issued by booking itself: a flagged place is due, or the child was handed over."""

    booking_id: str
    released_on: date
    reason: ReleaseReason = ReleaseReason.GRACE_PERIOD_ENDED


@dataclass(frozen=True)
class WithdrawBooking:
    """Issued by booking itself when the family withdrew its childcare consent: not late."""

    booking_id: str
    withdrawn_on: date
    reason: ReleaseReason = ReleaseReason.CONSENT_WITHDRAWN


@dataclass(frozen=True)
class Request:
    """A command with what the shell looked up for it: time, family, waiting families, policy."""

    command: Any
    now: datetime
    family: FamilyFacts | None = None
    waiting: Mapping[str, FamilyFacts] = field(default_factory=dict)  # by family_id
    policy: Policy = Policy()


@dataclass(frozen=True)
class Place:
    booking_id: str
    family_id: str
    child_id: str
    kind: BookingKind
    hours: float


@dataclass(frozen=True)
class Session:
    session_id: str = ""
    session_date: date | None = None
    daypart: Daypart | None = None
    capacity: int | None = None
    booked: dict[str, Place] = field(default_factory=dict)
    waitlist: tuple[Place, ...] = ()
    checked_in: dict[str, datetime | None] = field(default_factory=dict)
    attended: frozenset[str] = frozenset()
    flagged: frozenset[str] = frozenset()

    @property
    def statuses(self) -> list[str]:
        """The status of every booking that may hold a place, as the week view names them."""
        return [
            *("checked_in" if b in self.checked_in else "booked" for b in self.booked),
            *("attended" for _ in self.attended),
        ]

    @property
    def free(self) -> int:
        """Places still free, by the one rule the week view uses too."""
        return free_places(self.places, self.statuses)

    @property
    def places(self) -> int:
        """The capacity set for this session, or the default of 15 children per day-part."""
        return DEFAULT_CAPACITY if self.capacity is None else self.capacity

    def holds(self, child_id: str) -> bool:
        return any(p.child_id == child_id for p in (*self.booked.values(), *self.waitlist))


def stream_id(session_id: str) -> str:
    return f"session-{session_id}"


def evolve(state: Session, event: Any) -> Session:
    match event:
        case DaypartCapacitySet():
            return replace(
                state,
                session_id=event.session_id,
                session_date=event.session_date,
                daypart=event.daypart,
                capacity=event.capacity,
            )
        case SlotBooked():
            return replace(
                _identified(state, event.session_id),
                booked={**state.booked, event.booking_id: _place(event)},
            )
        case SlotWaitlisted():
            return replace(
                _identified(state, event.session_id), waitlist=(*state.waitlist, _place(event))
            )
        case WaitlistPromoted():
            place = next(p for p in state.waitlist if p.booking_id == event.booking_id)
            return replace(
                state,
                booked={**state.booked, place.booking_id: place},
                waitlist=tuple(p for p in state.waitlist if p is not place),
            )
        case BookingCancelled() | BookingReleased() | NoShowRecorded():
            return _remove(state, event.booking_id)
        case ChildCheckedIn():
            return replace(
                state, checked_in={**state.checked_in, event.booking_id: event.checked_in_at}
            )
        case ChildCheckedOut():
            return replace(
                _remove(state, event.booking_id), attended=state.attended | {event.booking_id}
            )
        case BookingFlaggedForHandover():
            return replace(state, flagged=state.flagged | {event.booking_id})
    return state


def _identified(state: Session, session_id: str) -> Session:
    """A session first known by a booking (default capacity) learns its date and day-part."""
    if state.session_id:
        return state
    _, on, daypart = session_id.split(":")
    return replace(
        state, session_id=session_id, session_date=date.fromisoformat(on), daypart=Daypart(daypart)
    )


def _place(event: SlotBooked | SlotWaitlisted) -> Place:
    return Place(event.booking_id, event.family_id, event.child_id, event.kind, event.hours)


def _remove(state: Session, booking_id: str) -> Session:
    return replace(
        state,
        booked={k: v for k, v in state.booked.items() if k != booking_id},
        waitlist=tuple(p for p in state.waitlist if p.booking_id != booking_id),
        checked_in={k: v for k, v in state.checked_in.items() if k != booking_id},
    )


def decide(request: Request, state: Session) -> list[Any]:
    command = request.command
    now = request.policy.local(request.now)  # the partner's own clock: its today, its cut-off
    match command:
        case SetDaypartCapacity():
            return set_capacity(command, state, request, now)
        case BookSlot():
            return book(command, state, request, now)
    if not state.session_id:
        raise NotFoundError("no such session: nothing was ever booked or set in it")
    place: Place | None
    match command:
        case CancelBooking():
            return cancel(command.booking_id, state, request, now)
        case CheckIn():
            place = _booked(state, command.booking_id)
            if command.booking_id in state.checked_in:
                raise RuleBrokenError(f"booking {command.booking_id} is already checked in")
            return [ChildCheckedIn(**_ids(state, place), checked_in_at=command.at)]
        case CheckOut():
            place = _booked(state, command.booking_id)
            since = state.checked_in.get(command.booking_id)
            if since is None:
                raise RuleBrokenError(f"booking {command.booking_id} was never checked in")
            if command.at <= since:
                raise RuleBrokenError("check-out must come after check-in")
            hours = min(round((command.at - since).total_seconds() / 3600, 2), 12.0)
            return [
                ChildCheckedOut(**_ids(state, place), checked_out_at=command.at, hours_used=hours)
            ]
        case RecordNoShow():
            place = _booked(state, command.booking_id)
            if command.booking_id in state.checked_in:
                raise RuleBrokenError(f"booking {command.booking_id} was checked in")
            return [NoShowRecorded(**_ids(state, place), recorded_on=now.date())]
        case FlagForHandover():
            place = state.booked.get(command.booking_id) or _waiting(state, command.booking_id)
            if place is None or command.booking_id in state.flagged:
                return []
            return [
                BookingFlaggedForHandover(
                    **_ids(state, place),
                    flagged_on=command.flagged_on,
                    release_on=command.release_on,
                )
            ]
        case ReleaseBooking():
            return release(command, state, request)
        case WithdrawBooking():
            return withdraw(command, state, request)
    raise TypeError(f"not a booking command: {type(command).__name__}")


def set_capacity(
    command: SetDaypartCapacity, state: Session, request: Request, now: datetime
) -> list[Any]:
    if command.session_date < now.date():
        raise RuleBrokenError(f"session {command.session_id} is in the past")
    most = request.policy.max_places_per_daypart
    if command.capacity > most:
        raise RuleBrokenError(
            f"a day-part takes at most {most} children (partner setting "
            f"max_places_per_daypart); {command.capacity} is too many"
        )
    event = DaypartCapacitySet(
        session_id=command.session_id,
        location_id=command.location_id,
        session_date=command.session_date,
        daypart=command.daypart,
        capacity=command.capacity,
    )
    if state.capacity == command.capacity:
        return []
    return [event, *_promotions(evolve(state, event), now.date(), request)]


def book(command: BookSlot, state: Session, request: Request, now: datetime) -> list[Any]:
    family = request.family
    if family is None or family.erased:
        raise UnknownFamilyError(f"no family {command.family_id} is known to booking")
    refused = refusal(
        command.family_id,
        family,
        command.child_id,
        command.session_date,
        request.policy,
        now.date(),
    )
    if refused is not None:
        raise RuleBrokenError(refused.message)
    check_when(command.session_date, command.daypart, now)
    check_age(command.child_id, family.children[command.child_id], command.session_date)
    if any(p.booking_id == command.booking_id for p in (*state.booked.values(), *state.waitlist)):
        return []
    if state.holds(command.child_id):
        raise RuleBrokenError(f"child {command.child_id} already has this session")
    fields = dict(
        session_id=command.session_id,
        booking_id=command.booking_id,
        family_id=command.family_id,
        child_id=command.child_id,
        kind=command.kind,
        hours=command.hours,
        trajectory_state=family.trajectory,
        trajectory_ended_on=family.trajectory_ended_on,
        bridging_ends_on=bridging_ends_on(family, request.policy),
    )
    if not state.waitlist and state.free > 0:
        return [SlotBooked(**fields, booked_on=now.date())]
    return [SlotWaitlisted(**fields, waitlisted_on=now.date())]


def cancel(booking_id: str, state: Session, request: Request, now: datetime) -> list[Any]:
    place = state.booked.get(booking_id) or _waiting(state, booking_id)
    if place is None:
        raise NotFoundError(f"no active booking {booking_id} in this session")
    if state.session_date is not None and state.session_date < now.date():
        raise RuleBrokenError(
            f"the session of {state.session_date} is over: its bookings can no longer be cancelled"
        )
    late = state.session_date is not None and now.date() >= state.session_date
    cancelled = BookingCancelled(**_ids(state, place), cancelled_on=now.date(), late=late)
    return [cancelled, *_promotions(evolve(state, cancelled), now.date(), request)]


def release(command: ReleaseBooking, state: Session, request: Request) -> list[Any]:
    """A place booking ends itself; never in a session already past."""
    place = state.booked.get(command.booking_id) or _waiting(state, command.booking_id)
    if place is None or _past(state, command.released_on):
        return []
    released = BookingReleased(
        **_ids(state, place), released_on=command.released_on, reason=command.reason
    )
    return [released, *_promotions(evolve(state, released), command.released_on, request)]


def withdraw(command: WithdrawBooking, state: Session, request: Request) -> list[Any]:
    """Consent withdrawn: the place is cancelled (never late), the next child promoted."""
    place = state.booked.get(command.booking_id) or _waiting(state, command.booking_id)
    if place is None or _past(state, command.withdrawn_on):
        return []
    cancelled = BookingCancelled(
        **_ids(state, place), cancelled_on=command.withdrawn_on, late=False, reason=command.reason
    )
    return [cancelled, *_promotions(evolve(state, cancelled), command.withdrawn_on, request)]


def _past(state: Session, today: date) -> bool:
    return state.session_date is not None and state.session_date < today


def _promotions(state: Session, on: date, request: Request) -> list[Any]:
    """Free places go to waiting children in order; those who may no longer book are released."""
    if _past(state, on):
        return []
    free = state.free
    events: list[BookingReleased | WaitlistPromoted] = []
    for place in state.waitlist:
        if free <= 0:
            break
        family = request.waiting.get(place.family_id)
        refused = (
            None
            if family is None or state.session_date is None
            else refusal(
                place.family_id, family, place.child_id, state.session_date, request.policy, on
            )
        )
        if refused is not None and refused.reason is not None:
            events.append(
                BookingReleased(**_ids(state, place), released_on=on, reason=refused.reason)
            )
            continue
        events.append(WaitlistPromoted(**_ids(state, place), promoted_on=on))
        free -= 1
    return events


def _booked(state: Session, booking_id: str) -> Place:
    place = state.booked.get(booking_id)
    if place is None:
        raise NotFoundError(f"no booked place {booking_id} in this session")
    return place


def _waiting(state: Session, booking_id: str) -> Place | None:
    return next((p for p in state.waitlist if p.booking_id == booking_id), None)


def _ids(state: Session, place: Place) -> dict[str, str]:
    return {
        "session_id": state.session_id,
        "booking_id": place.booking_id,
        "family_id": place.family_id,
        "child_id": place.child_id,
    }


decider: Decider[Request, Session] = Decider(Session(), evolve, decide)
