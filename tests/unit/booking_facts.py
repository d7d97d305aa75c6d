"""Commands, events and facts for the tests of booking's deciders."""

from __future__ import annotations

from datetime import UTC, date, datetime

from contracts.booking import (
    BookingCancelled,
    BookingFlaggedForHandover,
    BookingKind,
    BookingReleased,
    ChildCheckedIn,
    ChildCheckedOut,
    Daypart,
    DaypartCapacitySet,
    ReleaseReason,
    SlotBooked,
    SlotWaitlisted,
    WaitlistPromoted,
    session_id,
)
from contracts.commands import (
    BookSlot,
    CancelBooking,
    CheckIn,
    CheckOut,
    RecordNoShow,
    SetDaypartCapacity,
)
from services.booking.domain import FamilyFacts, FlagForHandover, ReleaseBooking, Request

LOCATION = "mechelen-centrum"
SESSION_DAY = date(2020, 3, 4)  # a Wednesday
NOW = datetime(2020, 3, 2, 7, 0, tzinfo=UTC)  # the Monday before, early morning
TODAY = NOW.date()
SESSION = session_id(LOCATION, SESSION_DAY, Daypart.MORNING)
BIRTH_MONTH = "2018-07"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def ids(n: int) -> dict[str, str]:
    return {
        "session_id": SESSION,
        "booking_id": f"bk-{n}",
        "family_id": f"fam-{n}",
        "child_id": f"chi-{n}",
    }


def facts(n: int = 1, **overrides: object) -> FamilyFacts:
    fields: dict[str, object] = dict(
        enrolled=True, childcare_consent=True, erased=False, children={f"chi-{n}": BIRTH_MONTH}
    )
    return FamilyFacts(**{**fields, **overrides})


# -- commands --------------------------------------------------------------------------------

SESSION_PARTS = {"location_id": LOCATION, "session_date": SESSION_DAY, "daypart": Daypart.MORNING}


def set_capacity(capacity: int, now: datetime = NOW, **parts: object) -> Request:
    return Request(SetDaypartCapacity(**{**SESSION_PARTS, **parts}, capacity=capacity), now)


def book(
    n: int = 1, now: datetime = NOW, family: FamilyFacts | None = None, **fields: object
) -> Request:
    command = BookSlot(
        **{
            **SESSION_PARTS,
            "booking_id": f"bk-{n}",
            "family_id": f"fam-{n}",
            "child_id": f"chi-{n}",
            **fields,
        }
    )
    return Request(command, now, facts(n) if family is None else family)


def cancel(n: int, now: datetime = NOW) -> Request:
    return Request(CancelBooking(**SESSION_PARTS, booking_id=f"bk-{n}"), now)


def check_in(n: int, when: datetime) -> Request:
    return Request(CheckIn(**SESSION_PARTS, booking_id=f"bk-{n}", at=when), when)


def check_out(n: int, when: datetime) -> Request:
    return Request(CheckOut(**SESSION_PARTS, booking_id=f"bk-{n}", at=when), when)


def no_show(n: int, now: datetime) -> Request:
    return Request(RecordNoShow(**SESSION_PARTS, booking_id=f"bk-{n}"), now)


FLAGGED_ON = date(2020, 3, 2)
RELEASE_ON = date(2020, 3, 3)  # the day before the session


def flag(n: int) -> Request:
    return Request(FlagForHandover(f"bk-{n}", FLAGGED_ON, RELEASE_ON), NOW)


def release(n: int) -> Request:
    return Request(ReleaseBooking(f"bk-{n}", RELEASE_ON), NOW)


# -- events ----------------------------------------------------------------------------------


def capacity_set(capacity: int) -> DaypartCapacitySet:
    return DaypartCapacitySet(**SESSION_PARTS, session_id=SESSION, capacity=capacity)


def booked(
    n: int, on: date = TODAY, kind: BookingKind = BookingKind.OCCASIONAL, hours: float = 4.0
) -> SlotBooked:
    return SlotBooked(**ids(n), kind=kind, hours=hours, booked_on=on)


def waitlisted(n: int, on: date = TODAY) -> SlotWaitlisted:
    return SlotWaitlisted(**ids(n), kind=BookingKind.OCCASIONAL, hours=4.0, waitlisted_on=on)


def promoted(n: int, on: date = TODAY) -> WaitlistPromoted:
    return WaitlistPromoted(**ids(n), promoted_on=on)


def cancelled(n: int, on: date = TODAY, late: bool = False) -> BookingCancelled:
    return BookingCancelled(**ids(n), cancelled_on=on, late=late)


def checked_in(n: int, when: datetime) -> ChildCheckedIn:
    return ChildCheckedIn(**ids(n), checked_in_at=when)


def checked_out(n: int, when: datetime, hours: float) -> ChildCheckedOut:
    return ChildCheckedOut(**ids(n), checked_out_at=when, hours_used=hours)


def flagged(n: int) -> BookingFlaggedForHandover:
    return BookingFlaggedForHandover(**ids(n), flagged_on=FLAGGED_ON, release_on=RELEASE_ON)


def released(n: int) -> BookingReleased:
    return BookingReleased(
        **ids(n), released_on=RELEASE_ON, reason=ReleaseReason.GRACE_PERIOD_ENDED
    )


OPEN = capacity_set(2)
ONE_PLACE = capacity_set(1)
ARRIVAL = at(SESSION_DAY, 7, 30)
