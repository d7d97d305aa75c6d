"""Booking: day-part capacity, bookings, waitlist, attendance and warm handover."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime

from contracts.base import DomainEvent, pseudonymous, public
from contracts.intake import ID


class Daypart(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


class BookingKind(StrEnum):
    OCCASIONAL = "occasional"
    FLEXIBLE = "flexible"


class HandoverDestination(StrEnum):
    REGULAR_CHILDCARE = "regular_childcare"
    PRESCHOOL = "preschool"


class _SessionEvent(DomainEvent):
    """Events on one session: a location's day-part on a date (stream `session-<id>`)."""

    session_id: str = pseudonymous(**ID)


class _BookingEvent(_SessionEvent):
    booking_id: str = pseudonymous(**ID)
    family_id: str = pseudonymous(**ID)
    child_id: str = pseudonymous(**ID)


class DaypartCapacitySet(_SessionEvent):
    context = "booking"
    shareable = True
    location_id: str = public(**ID)
    session_date: date = public()
    daypart: Daypart = public()
    capacity: int = public(ge=0, le=60)


class SlotBooked(_BookingEvent):
    context = "booking"
    shareable = True
    kind: BookingKind = public()
    hours: float = public(gt=0, le=12)
    booked_on: date = public()


class SlotWaitlisted(_BookingEvent):
    context = "booking"
    shareable = True
    kind: BookingKind = public()
    hours: float = public(gt=0, le=12)
    waitlisted_on: date = public()


class WaitlistPromoted(_BookingEvent):
    context = "booking"
    shareable = True
    promoted_on: date = public()


class BookingCancelled(_BookingEvent):
    context = "booking"
    shareable = True
    cancelled_on: date = public()
    late: bool = public()


class ChildCheckedIn(_BookingEvent):
    context = "booking"
    shareable = True
    checked_in_at: AwareDatetime = public()


class ChildCheckedOut(_BookingEvent):
    """Version 2 carries hours used; version 1 carried whole minutes (see the upcaster)."""

    context = "booking"
    shareable = True
    schema_version = 2
    checked_out_at: AwareDatetime = public()
    hours_used: float = public(ge=0, le=12)


class NoShowRecorded(_BookingEvent):
    context = "booking"
    shareable = True
    recorded_on: date = public()


class BookingFlaggedForHandover(_BookingEvent):
    """The family's trajectory ended: the place is released on release_on unless rebooked."""

    context = "booking"
    shareable = True
    flagged_on: date = public()
    release_on: date = public()


class BookingReleased(_BookingEvent):
    context = "booking"
    shareable = True
    released_on: date = public()


class ChildHandedOver(DomainEvent):
    """Warm handover: the child moves on to regular childcare or a preschool class."""

    context = "booking"
    shareable = True
    family_id: str = pseudonymous(**ID)
    child_id: str = pseudonymous(**ID)
    destination: HandoverDestination = public()
    handed_over_on: date = public()


EVENTS: tuple[type[DomainEvent], ...] = (
    DaypartCapacitySet, SlotBooked, SlotWaitlisted, WaitlistPromoted, BookingCancelled,
    ChildCheckedIn, ChildCheckedOut, NoShowRecorded, BookingFlaggedForHandover, BookingReleased,
    ChildHandedOver,
)

