"""Booking's deciders after booking: cancelling, attendance, release and a child's handover."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from contracts.booking import ChildHandedOver, HandoverDestination, NoShowRecorded
from contracts.commands import HandOverChild
from pace.domain import NotFoundError, RuleBrokenError, UnknownFamilyError
from services.booking.domain import FlagForHandover, Request, decider
from services.booking.handover import handover_decider
from tests.unit.booking_facts import (
    ARRIVAL,
    FLAGGED_ON,
    NOW,
    ONE_PLACE,
    OPEN,
    RELEASE_ON,
    SESSION_DAY,
    at,
    book,
    booked,
    cancel,
    cancelled,
    check_in,
    check_out,
    checked_in,
    checked_out,
    facts,
    flag,
    flagged,
    ids,
    no_show,
    promoted,
    release,
    released,
    waitlisted,
)
from tests.unit.deciders import given

# -- cancel ----------------------------------------------------------------------------------


def test_cancelling_a_booked_place_with_nobody_waiting_only_cancels_it():
    given(decider, OPEN, booked(1)).when(cancel(1)).then(cancelled(1))


def test_cancelling_a_booked_place_promotes_the_first_child_waiting():
    state = (
        given(decider, ONE_PLACE, booked(1), waitlisted(2), waitlisted(3))
        .when(cancel(1))
        .then(cancelled(1), promoted(2))
    )

    assert set(state.booked) == {"bk-2"}
    assert [p.booking_id for p in state.waitlist] == ["bk-3"]


def test_cancelling_a_waiting_child_promotes_nobody():
    state = (
        given(decider, ONE_PLACE, booked(1), waitlisted(2), waitlisted(3))
        .when(cancel(2))
        .then(cancelled(2))
    )

    assert [p.booking_id for p in state.waitlist] == ["bk-3"]


def test_cancelling_before_the_session_day_is_not_late():
    before = at(SESSION_DAY - timedelta(days=1), 23, 59)
    given(decider, OPEN, booked(1)).when(cancel(1, now=before)).then(
        cancelled(1, on=before.date(), late=False)
    )


def test_cancelling_on_the_session_day_is_late():
    given(decider, OPEN, booked(1)).when(cancel(1, now=at(SESSION_DAY, 6))).then(
        cancelled(1, on=SESSION_DAY, late=True)
    )


def test_a_late_cancellation_still_promotes_the_first_child_waiting():
    given(decider, ONE_PLACE, booked(1), waitlisted(2)).when(
        cancel(1, now=at(SESSION_DAY, 6))
    ).then(cancelled(1, on=SESSION_DAY, late=True), promoted(2, on=SESSION_DAY))


def test_cancelling_a_booking_the_session_never_had_is_refused():
    given(decider, OPEN, booked(1)).when(cancel(9)).then_raises(
        NotFoundError, match="no active booking bk-9"
    )


def test_cancelling_a_booking_twice_is_refused():
    given(decider, OPEN, booked(1), cancelled(1)).when(cancel(1)).then_raises(
        NotFoundError, match="no active booking bk-1"
    )


def test_cancelling_in_a_session_without_a_capacity_is_refused():
    given(decider).when(cancel(1)).then_raises(NotFoundError, match="no such session")


# -- check in, check out ---------------------------------------------------------------------


def test_a_booked_child_checks_in():
    given(decider, OPEN, booked(1)).when(check_in(1, ARRIVAL)).then(checked_in(1, ARRIVAL))


def test_a_child_checked_in_twice_is_refused():
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(
        check_in(1, ARRIVAL + timedelta(minutes=5))
    ).then_raises(RuleBrokenError, match="already checked in")


def test_a_waiting_child_cannot_check_in():
    given(decider, ONE_PLACE, booked(2), waitlisted(1)).when(check_in(1, ARRIVAL)).then_raises(
        NotFoundError, match="no booked place bk-1"
    )


def test_a_child_without_a_booking_cannot_check_in():
    given(decider, OPEN).when(check_in(1, ARRIVAL)).then_raises(
        NotFoundError, match="no booked place bk-1"
    )


def test_checking_out_records_the_hours_used():
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(
        check_out(1, ARRIVAL + timedelta(hours=3, minutes=30))
    ).then(checked_out(1, ARRIVAL + timedelta(hours=3, minutes=30), hours=3.5))


def test_the_hours_used_are_rounded_to_two_decimals():
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(
        check_out(1, ARRIVAL + timedelta(hours=3, minutes=20))
    ).then(checked_out(1, ARRIVAL + timedelta(hours=3, minutes=20), hours=3.33))


def test_the_hours_used_are_capped_at_twelve():
    late_pickup = ARRIVAL + timedelta(hours=13, minutes=30)
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(check_out(1, late_pickup)).then(
        checked_out(1, late_pickup, hours=12.0)
    )


def test_the_hours_used_are_counted_across_time_zones():
    brussels = timezone(timedelta(hours=1))
    pickup = datetime(2020, 3, 4, 10, 30, tzinfo=brussels)  # 09:30 UTC, two hours after 07:30
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(check_out(1, pickup)).then(
        checked_out(1, pickup, hours=2.0)
    )


def test_checking_out_a_child_never_checked_in_is_refused():
    given(decider, OPEN, booked(1)).when(check_out(1, ARRIVAL)).then_raises(
        RuleBrokenError, match="never checked in"
    )


def test_checking_out_before_the_check_in_is_refused():
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(
        check_out(1, ARRIVAL - timedelta(minutes=1))
    ).then_raises(RuleBrokenError, match="check-out must come after check-in")


def test_checking_out_at_the_moment_of_check_in_is_refused():
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(check_out(1, ARRIVAL)).then_raises(
        RuleBrokenError, match="check-out must come after check-in"
    )


PICKUP = ARRIVAL + timedelta(hours=4)
WENT_HOME = (OPEN, booked(1), checked_in(1, ARRIVAL), checked_out(1, PICKUP, 4.0))


def test_a_child_checked_out_cannot_check_out_again():
    given(decider, *WENT_HOME).when(check_out(1, PICKUP + timedelta(hours=1))).then_raises(
        NotFoundError, match="no booked place bk-1"
    )


def test_a_child_checked_out_cannot_check_in_again():
    given(decider, *WENT_HOME).when(check_in(1, PICKUP + timedelta(hours=1))).then_raises(
        NotFoundError, match="no booked place bk-1"
    )


def test_a_child_checked_out_is_counted_as_attended():
    state = (
        given(decider, OPEN, booked(1), checked_in(1, ARRIVAL))
        .when(check_out(1, PICKUP))
        .then(checked_out(1, PICKUP, 4.0))
    )

    assert state.attended == {"bk-1"}


def test_checking_in_without_a_session_capacity_is_refused():
    given(decider).when(check_in(1, ARRIVAL)).then_raises(NotFoundError, match="no such session")


# -- no-show ---------------------------------------------------------------------------------


def test_a_booked_child_who_did_not_come_is_recorded_as_a_no_show():
    given(decider, OPEN, booked(1)).when(no_show(1, at(SESSION_DAY, 12))).then(
        NoShowRecorded(**ids(1), recorded_on=SESSION_DAY)
    )


def test_a_child_who_checked_in_cannot_be_a_no_show():
    given(decider, OPEN, booked(1), checked_in(1, ARRIVAL)).when(
        no_show(1, at(SESSION_DAY, 12))
    ).then_raises(RuleBrokenError, match="was checked in")


def test_a_no_show_for_a_booking_the_session_does_not_hold_is_refused():
    given(decider, OPEN).when(no_show(1, at(SESSION_DAY, 12))).then_raises(
        NotFoundError, match="no booked place bk-1"
    )


def test_a_waiting_child_cannot_be_a_no_show():
    given(decider, ONE_PLACE, booked(2), waitlisted(1)).when(
        no_show(1, at(SESSION_DAY, 12))
    ).then_raises(NotFoundError, match="no booked place bk-1")


def test_a_no_show_recorded_twice_is_refused():
    given(decider, OPEN, booked(1), NoShowRecorded(**ids(1), recorded_on=SESSION_DAY)).when(
        no_show(1, at(SESSION_DAY, 12))
    ).then_raises(NotFoundError, match="no booked place bk-1")


# -- flag for handover, release --------------------------------------------------------------


def test_a_booked_place_is_flagged_for_handover():
    given(decider, OPEN, booked(1)).when(flag(1)).then(flagged(1))


def test_a_waiting_child_is_flagged_for_handover_too():
    given(decider, ONE_PLACE, booked(2), waitlisted(1)).when(flag(1)).then(flagged(1))


def test_flagging_a_booking_twice_changes_nothing():
    given(decider, OPEN, booked(1), flagged(1)).when(flag(1)).then_nothing()


def test_flagging_a_booking_the_session_does_not_hold_changes_nothing():
    given(decider, OPEN, booked(1), cancelled(1)).when(flag(1)).then_nothing()


def test_flagging_cannot_release_before_it_flags():
    request = Request(FlagForHandover("bk-1", RELEASE_ON, FLAGGED_ON), NOW)
    given(decider, OPEN, booked(1)).when(request).then_raises(
        ValueError, match="release_on must not be before flagged_on"
    )


def test_releasing_a_flagged_place_promotes_the_first_child_waiting():
    state = (
        given(decider, ONE_PLACE, booked(1), waitlisted(2), waitlisted(3), flagged(1))
        .when(release(1))
        .then(released(1), promoted(2, on=RELEASE_ON))
    )

    assert set(state.booked) == {"bk-2"}


def test_releasing_a_flagged_place_with_nobody_waiting_only_releases_it():
    given(decider, OPEN, booked(1), flagged(1)).when(release(1)).then(released(1))


def test_releasing_a_waiting_child_promotes_nobody():
    given(decider, ONE_PLACE, booked(2), waitlisted(1), waitlisted(3), flagged(1)).when(
        release(1)
    ).then(released(1))


def test_releasing_a_booking_already_released_changes_nothing():
    given(decider, OPEN, booked(1), flagged(1), released(1)).when(release(1)).then_nothing()


def test_releasing_a_booking_cancelled_meanwhile_changes_nothing():
    given(decider, OPEN, booked(1), flagged(1), cancelled(1)).when(release(1)).then_nothing()


# -- every session command needs a session ---------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        cancel(1),
        check_in(1, ARRIVAL),
        check_out(1, ARRIVAL),
        no_show(1, ARRIVAL),
        flag(1),
        release(1),
    ],
    ids=lambda r: type(r.command).__name__,
)
def test_every_session_command_but_capacity_and_book_needs_a_capacity_set(request_):
    given(decider).when(request_).then_raises(NotFoundError, match="no such session")


def test_a_command_that_is_not_a_booking_command_is_a_programming_error():
    given(decider, OPEN).when(Request(booked(1), NOW)).then_raises(
        TypeError, match="not a booking command"
    )


# -- hand over -------------------------------------------------------------------------------

HAND_OVER = HandOverChild(
    family_id="fam-1",
    child_id="chi-1",
    destination=HandoverDestination.PRESCHOOL,
    handed_over_on=date(2020, 9, 1),
)
HANDED_OVER = ChildHandedOver(
    family_id="fam-1",
    child_id="chi-1",
    destination=HandoverDestination.PRESCHOOL,
    handed_over_on=date(2020, 9, 1),
)


def test_a_child_is_handed_over():
    given(handover_decider).when(Request(HAND_OVER, NOW, facts(1))).then(HANDED_OVER)


@pytest.mark.parametrize("destination", list(HandoverDestination))
def test_a_child_is_handed_over_to_either_destination(destination):
    command = HAND_OVER.model_copy(update={"destination": destination})
    given(handover_decider).when(Request(command, NOW, facts(1))).then(
        HANDED_OVER.model_copy(update={"destination": destination})
    )


def test_a_child_is_handed_over_whether_or_not_the_family_is_still_enrolled():
    given(handover_decider).when(Request(HAND_OVER, NOW, facts(1, enrolled=False))).then(
        HANDED_OVER
    )


def test_a_child_handed_over_once_cannot_be_handed_over_again():
    given(handover_decider, HANDED_OVER).when(Request(HAND_OVER, NOW, facts(1))).then_raises(
        RuleBrokenError, match="already been handed over"
    )


def test_a_child_not_of_the_family_cannot_be_handed_over():
    given(handover_decider).when(Request(HAND_OVER, NOW, facts(2))).then_raises(
        RuleBrokenError, match="chi-1 is not a child of fam-1"
    )


def test_a_child_of_a_family_booking_knows_nothing_of_cannot_be_handed_over():
    given(handover_decider).when(Request(HAND_OVER, NOW, None)).then_raises(
        UnknownFamilyError, match="no family fam-1"
    )


def test_a_child_of_an_erased_family_cannot_be_handed_over():
    given(handover_decider).when(Request(HAND_OVER, NOW, facts(1, erased=True))).then_raises(
        UnknownFamilyError, match="no family fam-1"
    )


def test_a_child_who_came_and_went_home_keeps_the_place_for_that_day_part():
    given(
        decider,
        ONE_PLACE,
        booked(1),
        checked_in(1, at(SESSION_DAY, 6, 30)),
        checked_out(1, at(SESSION_DAY, 7), 0.5),
    ).when(book(3, now=at(SESSION_DAY, 7, 30))).then(waitlisted(3, on=SESSION_DAY))
