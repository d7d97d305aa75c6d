"""Booking's attendance: check-in, check-out with the hours used, no-shows, and the view."""

from __future__ import annotations

from datetime import datetime, time

from contracts.booking import ChildCheckedOut
from contracts.commands import CheckIn, CheckOut, RecordNoShow
from pace.domain import RuleBrokenError
from tests.app.families import LOCATION, SOON, book, capacity, enrolled
from tests.app.harness import NOW

SESSION = {"location_id": LOCATION, "session_date": SOON, "daypart": "morning"}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(SOON, time(hour, minute), tzinfo=NOW.tzinfo)


async def booked_child(partner) -> None:
    await partner.given(*enrolled(1), capacity(15))
    await partner.do("booking", book(1))


async def test_a_checked_out_child_used_the_hours_between_in_and_out(partner) -> None:
    await booked_child(partner)
    await partner.do("booking", CheckIn(**SESSION, booking_id="b-1", at=at(8)))

    outcome = await partner.when("booking", CheckOut(**SESSION, booking_id="b-1", at=at(11, 30)))

    [out] = outcome.events
    assert isinstance(out, ChildCheckedOut) and out.hours_used == 3.5
    [row] = await partner.query("booking", "bookings", session_id=outcome.events[0].session_id)
    assert row["status"] == "attended"


async def test_a_child_never_checked_in_cannot_be_checked_out(partner) -> None:
    await booked_child(partner)

    outcome = await partner.when("booking", CheckOut(**SESSION, booking_id="b-1", at=at(11)))

    outcome.then_refused(RuleBrokenError, "b-1 was never checked in")


async def test_a_checked_in_child_is_no_no_show(partner) -> None:
    await booked_child(partner)
    await partner.do("booking", CheckIn(**SESSION, booking_id="b-1", at=at(8)))

    outcome = await partner.when("booking", RecordNoShow(**SESSION, booking_id="b-1"))

    outcome.then_refused(RuleBrokenError, "b-1 was checked in")
