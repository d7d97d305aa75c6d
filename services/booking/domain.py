"""A session (a location's day-part on a date) as a pure decider: places, waitlist, attendance."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from contracts.booking import (
    DEFAULT_CAPACITY,
    BookingCancelled,
    BookingFlaggedForHandover,
    BookingKind,
    BookingReleased,
    ChildCheckedIn,
    ChildCheckedOut,
    ChildHandedOver,
    Daypart,
    DaypartCapacitySet,
    NoShowRecorded,
    SlotBooked,
    SlotWaitlisted,
    WaitlistPromoted,
)
from contracts.commands import (
    BookSlot,
    CancelBooking,
    CheckIn,
    CheckOut,
    HandOverChild,
    RecordNoShow,
    SetDaypartCapacity,
)
from pace.domain import Decider, NotFoundError, RuleBrokenError, UnknownFamilyError

SAME_DAY_CUTOFF = {Daypart.MORNING: time(8, 0), Daypart.AFTERNOON: time(12, 0)}
OLDEST_AGE_YEARS = 3


@dataclass(frozen=True)
class FamilyFacts:
    """What booking knows of a family, from intake's events (its own view, never intake's DB)."""

    enrolled: bool
    childcare_consent: bool
    erased: bool
    children: dict[str, str]  # child_id -> birth month "YYYY-MM"
    handed_over: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FlagForHandover:
    """Issued by booking itself when the family's trajectory ends."""

    booking_id: str
    flagged_on: date
    release_on: date


@dataclass(frozen=True)
class ReleaseBooking:
    """Issued by booking itself when a flagged booking's grace period has passed."""

    booking_id: str
    released_on: date


@dataclass(frozen=True)
class Request:
    """A command with the facts the shell looked up for it: the time and the family."""

    command: Any
    now: datetime
    family: FamilyFacts | None = None


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
    checked_in: dict[str, datetime] = field(default_factory=dict)
    attended: frozenset[str] = frozenset()
    flagged: frozenset[str] = frozenset()

    @property
    def occupied(self) -> int:
        """Places taken: booked children and children who came and went home."""
        return len(self.booked) + len(self.attended)

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
            return replace(state, session_id=event.session_id, session_date=event.session_date,
                           daypart=event.daypart, capacity=event.capacity)
        case SlotBooked():
            return replace(_identified(state, event.session_id),
                           booked={**state.booked, event.booking_id: _place(event)})
        case SlotWaitlisted():
            return replace(_identified(state, event.session_id),
                           waitlist=(*state.waitlist, _place(event)))
        case WaitlistPromoted():
            place = next(p for p in state.waitlist if p.booking_id == event.booking_id)
            return replace(state, booked={**state.booked, place.booking_id: place},
                           waitlist=tuple(p for p in state.waitlist if p is not place))
        case BookingCancelled() | BookingReleased() | NoShowRecorded():
            return _remove(state, event.booking_id)
        case ChildCheckedIn():
            return replace(state, checked_in={**state.checked_in,
                                              event.booking_id: event.checked_in_at})
        case ChildCheckedOut():
            return replace(_remove(state, event.booking_id),
                           attended=state.attended | {event.booking_id})
        case BookingFlaggedForHandover():
            return replace(state, flagged=state.flagged | {event.booking_id})
    return state


def _identified(state: Session, session_id: str) -> Session:
    """A session first known by a booking (default capacity) learns its date and day-part."""
    if state.session_id:
        return state
    _, on, daypart = session_id.split(":")
    return replace(state, session_id=session_id, session_date=date.fromisoformat(on),
                   daypart=Daypart(daypart))


def _place(event: SlotBooked | SlotWaitlisted) -> Place:
    return Place(event.booking_id, event.family_id, event.child_id, event.kind, event.hours)


def _remove(state: Session, booking_id: str) -> Session:
    return replace(state, booked={k: v for k, v in state.booked.items() if k != booking_id},
                   waitlist=tuple(p for p in state.waitlist if p.booking_id != booking_id),
                   checked_in={k: v for k, v in state.checked_in.items() if k != booking_id})


def decide(request: Request, state: Session) -> list[Any]:
    command = request.command
    match command:
        case SetDaypartCapacity():
            return set_capacity(command, state, request.now)
        case BookSlot():
            return book(command, state, request)
    if not state.session_id:
        raise NotFoundError("no such session: nothing was ever booked or set in it")
    match command:
        case CancelBooking():
            return cancel(command.booking_id, state, request.now)
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
            return [ChildCheckedOut(**_ids(state, place), checked_out_at=command.at,
                                    hours_used=hours)]
        case RecordNoShow():
            place = _booked(state, command.booking_id)
            if command.booking_id in state.checked_in:
                raise RuleBrokenError(f"booking {command.booking_id} was checked in")
            return [NoShowRecorded(**_ids(state, place), recorded_on=request.now.date())]
        case FlagForHandover():
            place = state.booked.get(command.booking_id) or _waiting(state, command.booking_id)
            if place is None or command.booking_id in state.flagged:
                return []
            return [BookingFlaggedForHandover(**_ids(state, place), flagged_on=command.flagged_on,
                                              release_on=command.release_on)]
        case ReleaseBooking():
            place = state.booked.get(command.booking_id) or _waiting(state, command.booking_id)
            if place is None:
                return []
            released = BookingReleased(**_ids(state, place), released_on=command.released_on)
            return [released, *_promotions(evolve(state, released), command.released_on)]
    raise TypeError(f"not a booking command: {type(command).__name__}")


def set_capacity(command: SetDaypartCapacity, state: Session, now: datetime) -> list[Any]:
    if command.session_date < now.date():
        raise RuleBrokenError(f"session {command.session_id} is in the past")
    event = DaypartCapacitySet(
        session_id=command.session_id, location_id=command.location_id,
        session_date=command.session_date, daypart=command.daypart, capacity=command.capacity)
    if state.capacity == command.capacity:
        return []
    return [event, *_promotions(evolve(state, event), now.date())]


def book(command: BookSlot, state: Session, request: Request) -> list[Any]:
    family = request.family
    if family is None or family.erased:
        raise UnknownFamilyError(f"no family {command.family_id} is known to booking")
    if not family.enrolled:
        raise RuleBrokenError(f"family {command.family_id} is not enrolled in a trajectory")
    if not family.childcare_consent:
        raise RuleBrokenError(f"family {command.family_id} has not consented to childcare")
    birth_month = family.children.get(command.child_id)
    if birth_month is None:
        raise RuleBrokenError(f"child {command.child_id} is not a child of {command.family_id}")
    if command.child_id in family.handed_over:
        raise RuleBrokenError(f"child {command.child_id} has been handed over")
    _check_when(command.session_date, command.daypart, request.now)
    _check_age(command.child_id, birth_month, command.session_date)
    if any(p.booking_id == command.booking_id for p in (*state.booked.values(), *state.waitlist)):
        return []
    if state.holds(command.child_id):
        raise RuleBrokenError(f"child {command.child_id} already has this session")
    fields = dict(session_id=command.session_id, booking_id=command.booking_id,
                  family_id=command.family_id, child_id=command.child_id, kind=command.kind,
                  hours=command.hours)
    if not state.waitlist and state.occupied < state.places:
        return [SlotBooked(**fields, booked_on=request.now.date())]
    return [SlotWaitlisted(**fields, waitlisted_on=request.now.date())]


def cancel(booking_id: str, state: Session, now: datetime) -> list[Any]:
    place = state.booked.get(booking_id) or _waiting(state, booking_id)
    if place is None:
        raise NotFoundError(f"no active booking {booking_id} in this session")
    late = state.session_date is not None and now.date() >= state.session_date
    cancelled = BookingCancelled(**_ids(state, place), cancelled_on=now.date(), late=late)
    return [cancelled, *_promotions(evolve(state, cancelled), now.date())]


def _promotions(state: Session, on: date) -> list[WaitlistPromoted]:
    free = state.places - state.occupied
    return [WaitlistPromoted(**_ids(state, place), promoted_on=on)
            for place in state.waitlist[:max(free, 0)]]


def _check_when(session_date: date, daypart: Daypart, now: datetime) -> None:
    if session_date < now.date():
        raise RuleBrokenError(f"the session of {session_date} is in the past")
    if session_date == now.date() and now.time() > SAME_DAY_CUTOFF[daypart]:
        raise RuleBrokenError(f"same-day bookings for the {daypart.value} close at "
                              f"{SAME_DAY_CUTOFF[daypart]:%H:%M}")


def _check_age(child_id: str, birth_month: str, on: date) -> None:
    year, month = (int(part) for part in birth_month.split("-"))
    born = date(year, month, 1)
    if born > on:
        raise RuleBrokenError(f"child {child_id} is not born yet on {on}")
    fourth_birthday = date(year + OLDEST_AGE_YEARS + 1, month, 1)
    if on >= fourth_birthday:
        raise RuleBrokenError(f"child {child_id} is older than {OLDEST_AGE_YEARS} on {on}")


def _booked(state: Session, booking_id: str) -> Place:
    place = state.booked.get(booking_id)
    if place is None:
        raise NotFoundError(f"no booked place {booking_id} in this session")
    return place


def _waiting(state: Session, booking_id: str) -> Place | None:
    return next((p for p in state.waitlist if p.booking_id == booking_id), None)


def _ids(state: Session, place: Place) -> dict[str, str]:
    return {"session_id": state.session_id, "booking_id": place.booking_id,
            "family_id": place.family_id, "child_id": place.child_id}


decider: Decider[Request, Session] = Decider(Session(), evolve, decide)


def decide_handover(request: Request, handed_over: bool) -> list[Any]:
    """A child's warm handover (stream `child-<child_id>`), once."""
    command: HandOverChild = request.command
    family = request.family
    if family is None or family.erased:
        raise UnknownFamilyError(f"no family {command.family_id} is known to booking")
    if command.child_id not in family.children:
        raise RuleBrokenError(f"child {command.child_id} is not a child of {command.family_id}")
    if handed_over:
        raise RuleBrokenError(f"child {command.child_id} has already been handed over")
    return [ChildHandedOver(family_id=command.family_id, child_id=command.child_id,
                            destination=command.destination,
                            handed_over_on=command.handed_over_on)]


handover_decider: Decider[Request, bool] = Decider(
    False, lambda handed, event: handed or isinstance(event, ChildHandedOver), decide_handover)

