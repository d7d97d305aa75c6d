"""Booking: day-part capacity, bookings, waitlist, attendance and warm handover."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import AwareDatetime, model_validator

from contracts.base import DomainEvent, local, public
from contracts.intake import pseudonymous_id

LOCATION_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"
DEFAULT_CAPACITY = 15  # children per day-part when no DaypartCapacitySet says otherwise
SESSION_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}:\d{4}-\d{2}-\d{2}:(morning|afternoon)$"


class Daypart(StrEnum):
    """Half a day of childcare at one location."""

    MORNING = "morning"
    AFTERNOON = "afternoon"


class BookingKind(StrEnum):
    """Occasional (a one-off at short notice) or flexible (recurring, changing hours)."""

    OCCASIONAL = "occasional"
    FLEXIBLE = "flexible"


class TrajectoryState(StrEnum):
    """Where the family's trajectory stood when booking decided: what a place rested on."""

    ACTIVE = "active"
    COMPLETED = "completed"
    DROPPED = "dropped"


class ReleaseReason(StrEnum):
    """Why booking itself ended a place or a waiting entry (not the family's own cancel)."""

    GRACE_PERIOD_ENDED = "grace_period_ended"
    BRIDGING_ENDED = "bridging_ended"
    TRAJECTORY_DROPPED = "trajectory_dropped"
    HANDED_OVER = "handed_over"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    FAMILY_ERASED = "family_erased"


class HandoverDestination(StrEnum):
    """Where a child moves on to after flexible childcare."""

    REGULAR_CHILDCARE = "regular_childcare"
    PRESCHOOL = "preschool"


class AgeBand(StrEnum):
    """A child's age in whole years at a session: what the hub may know instead of a birth month."""

    UNDER_ONE = "0-1"
    ONE = "1-2"
    TWO = "2-3"
    THREE = "3-4"
    FOUR_OR_MORE = "4+"


def session_id(location_id: str, on: date, daypart: Daypart) -> str:
    """The id of one session, a location's day-part on a date: `<location>:<date>:<daypart>`."""
    return f"{location_id}:{on.isoformat()}:{Daypart(daypart).value}"


class _SessionEvent(DomainEvent):
    """Events on one session (stream `session-<session_id>`); the id names no person."""

    context = "booking"
    shareable = True
    session_id: str = public(max_length=64, pattern=SESSION_PATTERN)


class _BookingEvent(_SessionEvent):
    booking_id: str = pseudonymous_id()
    family_id: str = pseudonymous_id()
    child_id: str = pseudonymous_id()


class DaypartCapacitySet(_SessionEvent):
    """How many children a session may take; bookings beyond it go to the waitlist."""

    location_id: str = public(pattern=LOCATION_PATTERN)
    session_date: date = public()
    daypart: Daypart = public()
    capacity: int = public(ge=0, le=60)

    @model_validator(mode="after")
    def _session_matches_its_parts(self) -> Self:
        expected = session_id(self.location_id, self.session_date, self.daypart)
        if self.session_id != expected:
            raise ValueError(f"session_id {self.session_id!r} should be {expected!r}")
        return self


class _Decided(_BookingEvent):
    """What a booking decision rested on; None in events recorded before it was kept."""

    trajectory_state: TrajectoryState | None = public(default=None)
    trajectory_ended_on: date | None = public(default=None)
    bridging_ends_on: date | None = public(default=None)


class SlotBooked(_Decided):
    """A child has a place in a session, with the trajectory facts the decision rested on."""

    kind: BookingKind = public()
    hours: float = public(gt=0, le=12)
    booked_on: date = public()


class SlotWaitlisted(_Decided):
    """The session was full: the child waits for a place."""

    kind: BookingKind = public()
    hours: float = public(gt=0, le=12)
    waitlisted_on: date = public()


class WaitlistPromoted(_BookingEvent):
    """A place came free and the waiting child took it."""

    promoted_on: date = public()


class BookingCancelled(_BookingEvent):
    """The family cancelled; late when too close to the session to refill the place."""

    cancelled_on: date = public()
    late: bool = public()
    reason: ReleaseReason | None = public(default=None)  # set when booking cancelled it


class ChildCheckedIn(_BookingEvent):
    """The child arrived for the session; the hub sees the child's age band, not the time."""

    checked_in_at: AwareDatetime | None = local()
    age_band: AgeBand | None = public(default=None)  # set on the hub's copy only


class ChildCheckedOutV1(_BookingEvent):
    """Version 1 of ChildCheckedOut, kept to read old logs: whole minutes used."""

    event_type = "ChildCheckedOut"
    schema_version = 1
    checked_out_at: AwareDatetime = public()
    minutes_used: int = public(ge=0, le=720)


class ChildCheckedOut(_BookingEvent):
    """The child was picked up; version 2 carries the hours used (see the v1 upcaster)."""

    schema_version = 2
    checked_out_at: AwareDatetime | None = local()
    hours_used: float = public(ge=0, le=12)


class NoShowRecorded(_BookingEvent):
    """The child did not come to a booked session."""

    recorded_on: date = public()


class BookingFlaggedForHandover(_BookingEvent):
    """The family's trajectory ended: the place is released on release_on unless handed over."""

    flagged_on: date = public()
    release_on: date = public()

    @model_validator(mode="after")
    def _release_follows_flag(self) -> Self:
        if self.release_on < self.flagged_on:
            raise ValueError("release_on must not be before flagged_on")
        return self


class BookingReleased(_BookingEvent):
    """Booking ended the place or waiting entry (reason says why): free for another child."""

    released_on: date = public()
    reason: ReleaseReason | None = public(default=None)  # None in events before reasons


class ChildHandedOver(DomainEvent):
    """Warm handover: the child moves on to regular childcare or a preschool class."""

    context = "booking"
    shareable = True
    family_id: str = pseudonymous_id()
    child_id: str = pseudonymous_id()
    destination: HandoverDestination = public()
    handed_over_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (
    DaypartCapacitySet,
    SlotBooked,
    SlotWaitlisted,
    WaitlistPromoted,
    BookingCancelled,
    ChildCheckedIn,
    ChildCheckedOut,
    NoShowRecorded,
    BookingFlaggedForHandover,
    BookingReleased,
    ChildHandedOver,
)
SUPERSEDED: tuple[type[DomainEvent], ...] = (ChildCheckedOutV1,)
