"""Booking's commands and reactions, given the events of intake and trajectory."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from contracts.booking import (
    BookingCancelled,
    BookingFlaggedForHandover,
    BookingReleased,
    HandoverDestination,
    ReleaseReason,
    SlotBooked,
    TrajectoryState,
    WaitlistPromoted,
)
from contracts.commands import (
    CancelBooking,
    CompleteTrajectory,
    DropTrajectory,
    HandOverChild,
    ReleaseDueBookings,
    WithdrawConsent,
)
from contracts.intake import ConsentPurpose
from contracts.trajectory import CompletionOutcome, DropReason
from pace.domain import RuleBrokenError, UnknownFamilyError
from tests.app.families import (
    LOCATION,
    SOON,
    TODAY,
    book,
    capacity,
    enrolled,
    referred,
    session_of,
)

BRUSSELS = ZoneInfo("Europe/Brussels")  # Mechelen's clock
LATER = TODAY + timedelta(weeks=10)  # after the 8 weeks of bridging that follow today


def booked(n: int, **decided) -> SlotBooked:
    return SlotBooked(session_id=session_of(), booking_id=f"b-{n}", family_id=f"fam-{n}",
                      child_id=f"chi-{n}", kind="occasional", hours=4.0, booked_on=TODAY,
                      **decided)


def kinds(events) -> list[tuple[str, str]]:
    return [(type(e).__name__, e.booking_id) for e in events]


async def test_an_enrolled_family_books_a_free_place(partner) -> None:
    await partner.given(*enrolled(1), capacity(15))

    outcome = await partner.when("booking", book(1))

    outcome.then(booked(1, trajectory_state=TrajectoryState.ACTIVE))


async def test_a_family_booking_never_heard_of_is_refused(partner) -> None:
    await partner.given(capacity(15))

    outcome = await partner.when("booking", book(9))

    outcome.then_refused(UnknownFamilyError, "no family fam-9 is known to booking")


async def test_a_referred_family_not_yet_enrolled_is_refused(partner) -> None:
    await partner.given(referred(1), capacity(15))

    outcome = await partner.when("booking", book(1))

    outcome.then_refused(RuleBrokenError, "not enrolled in a trajectory")


async def test_a_full_session_waitlists_and_a_cancellation_promotes_the_first_waiting(
    partner,
) -> None:
    await partner.given(*enrolled(1), *enrolled(2), capacity(1))
    await partner.do("booking", book(1))

    waiting = await partner.when("booking", book(2))
    cancelled = await partner.when("booking", CancelBooking(
        location_id=LOCATION, session_date=SOON, daypart="morning", booking_id="b-1"))

    assert kinds(waiting.events) == [("SlotWaitlisted", "b-2")]
    assert kinds(cancelled.events) == [("BookingCancelled", "b-1"), ("WaitlistPromoted", "b-2")]


async def test_withdrawn_childcare_consent_cancels_the_familys_future_places(partner) -> None:
    await partner.given(*enrolled(1), *enrolled(2), capacity(1))
    await partner.do("booking", book(1))
    await partner.do("booking", book(2))

    outcome = await partner.when("intake", WithdrawConsent(
        family_id="fam-1", purpose=ConsentPurpose.CHILDCARE, withdrawn_on=TODAY))

    booking = [e for e in outcome.reactions if e.context == "booking"]
    assert kinds(booking) == [("BookingCancelled", "b-1"), ("WaitlistPromoted", "b-2")]
    assert isinstance(booking[0], BookingCancelled) and not booking[0].late
    assert (await partner.when("booking", book(1, booking="b-1-again"))).error is not None


async def test_a_completed_trajectory_keeps_places_in_the_bridge_and_flags_the_later_ones(
    partner,
) -> None:
    await partner.given(*enrolled(1), capacity(15), capacity(15, on=LATER))
    await partner.do("booking", book(1))
    await partner.do("booking", book(1, on=LATER, booking="b-later"))

    outcome = await partner.when("trajectory", CompleteTrajectory(
        family_id="fam-1", outcome=CompletionOutcome.JOB, completed_on=TODAY))
    released = await partner.when("booking", ReleaseDueBookings(today=TODAY))

    flagged = [e for e in outcome.reactions if isinstance(e, BookingFlaggedForHandover)]
    assert [(e.booking_id, e.release_on) for e in flagged] == [("b-later", TODAY)]
    assert [(type(e), e.booking_id, e.reason) for e in released.events] == [
        (BookingReleased, "b-later", ReleaseReason.BRIDGING_ENDED)]


async def test_during_the_bridge_a_family_books_before_its_end_and_not_after(partner) -> None:
    await partner.given(*enrolled(1), capacity(15), capacity(15, on=LATER))
    await partner.do("trajectory", CompleteTrajectory(
        family_id="fam-1", outcome=CompletionOutcome.JOB, completed_on=TODAY))

    within = await partner.when("booking", book(1))
    after = await partner.when("booking", book(1, on=LATER, booking="b-later"))

    assert isinstance(within.events[0], SlotBooked)
    assert within.events[0].bridging_ends_on == TODAY + timedelta(weeks=8)
    after.then_refused(RuleBrokenError, "no places from that day on")


async def test_a_dropped_trajectory_releases_places_only_after_the_grace_days(partner) -> None:
    await partner.given(*enrolled(1), capacity(15, on=LATER))
    await partner.do("booking", book(1, on=LATER))
    await partner.do("trajectory", DropTrajectory(
        family_id="fam-1", reason=DropReason.MOVED_AWAY, dropped_on=TODAY))

    early = await partner.when("booking", ReleaseDueBookings(today=TODAY + timedelta(days=13)))
    due = await partner.when("booking", ReleaseDueBookings(today=TODAY + timedelta(days=14)))

    assert early.events == []
    assert [(e.booking_id, e.reason) for e in due.events] == [
        ("b-1", ReleaseReason.TRAJECTORY_DROPPED)]


async def test_a_handed_over_child_loses_its_later_places_and_the_waiting_child_moves_up(
    partner,
) -> None:
    await partner.given(*enrolled(1), *enrolled(2), capacity(1))
    await partner.do("booking", book(1))
    await partner.do("booking", book(2))

    outcome = await partner.when("booking", HandOverChild(
        family_id="fam-1", child_id="chi-1", destination=HandoverDestination.PRESCHOOL,
        handed_over_on=TODAY))

    assert [type(e).__name__ for e in outcome.events] == ["ChildHandedOver"]
    assert [(type(e), e.booking_id) for e in outcome.reactions] == [
        (BookingReleased, "b-1"), (WaitlistPromoted, "b-2")]
    assert outcome.reactions[0].reason is ReleaseReason.HANDED_OVER


async def test_the_bookings_view_shows_the_trajectory_and_the_end_of_the_bridge(partner) -> None:
    await partner.given(*enrolled(1), capacity(15))
    await partner.do("booking", book(1))
    await partner.do("trajectory", CompleteTrajectory(
        family_id="fam-1", outcome=CompletionOutcome.JOB, completed_on=TODAY))

    rows = await partner.query("booking", "bookings", **{
        "from": TODAY.isoformat(), "to": SOON.isoformat()})

    assert [(r["booking_id"], r["trajectory"], r["bridging_ends_on"]) for r in rows] == [
        ("b-1", "completed", (TODAY + timedelta(weeks=8)).isoformat())]


async def test_a_resent_booking_is_answered_as_the_first_time(partner) -> None:
    await partner.given(*enrolled(1), capacity(15))
    command_id = uuid.uuid4()
    first = await partner.when("booking", book(1), command_id=command_id)

    again = await partner.when("booking", book(1), command_id=command_id)
    same_booking = await partner.when("booking", book(1))

    assert [r.event_id for r in again.records] == [r.event_id for r in first.records]
    assert same_booking.events == []
    assert len(partner.events("booking")) == 2  # the capacity and one booking


async def test_a_second_booking_of_the_same_child_in_a_session_is_refused(partner) -> None:
    await partner.given(*enrolled(1), capacity(15))
    await partner.do("booking", book(1))

    outcome = await partner.when("booking", book(1, booking="b-other"))

    outcome.then_refused(RuleBrokenError, "chi-1 already has this session")


async def test_the_daily_release_tick_frees_places_on_the_partners_own_today(partner) -> None:
    await partner.given(*enrolled(1), capacity(15, on=LATER))
    await partner.do("booking", book(1, on=LATER))
    await partner.do("trajectory", DropTrajectory(
        family_id="fam-1", reason=DropReason.MOVED_AWAY, dropped_on=TODAY))
    day_14 = datetime.combine(TODAY + timedelta(days=14), time(0, 5), tzinfo=BRUSSELS)

    early = await partner.tick("booking-release", at=day_14 - timedelta(minutes=10))
    due = await partner.tick("booking-release", at=day_14)

    assert early == []
    assert [(r.event_type, r.envelope.payload["booking_id"]) for r in due] == [
        ("BookingReleased", "b-1")]
