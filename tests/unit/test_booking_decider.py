"""Booking's deciders: a session's places, waitlist and attendance, and a child's handover.

Every booking bk-N below is for child chi-N of family fam-N; each command is wrapped in a
Request with a fixed `now` (no clock) and the family facts the shell would have looked up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from contracts.booking import (
    BookingCancelled,
    BookingFlaggedForHandover,
    BookingKind,
    BookingReleased,
    ChildCheckedIn,
    ChildCheckedOut,
    ChildHandedOver,
    Daypart,
    DaypartCapacitySet,
    HandoverDestination,
    NoShowRecorded,
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
    HandOverChild,
    RecordNoShow,
    SetDaypartCapacity,
)
from pace.domain import NotFoundError, RuleBrokenError, UnknownFamilyError
from services.booking.domain import (
    OLDEST_AGE_YEARS,
    SAME_DAY_CUTOFF,
    FamilyFacts,
    FlagForHandover,
    ReleaseBooking,
    Request,
    decider,
    stream_id,
)
from services.booking.handover import handover_decider
from tests.unit.deciders import given

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


# -- capacity --------------------------------------------------------------------------------


def test_setting_a_capacity_opens_the_session():
    given(decider).when(set_capacity(2)).then(capacity_set(2))


def test_a_session_stream_is_named_after_the_session():
    assert stream_id(SESSION) == "session-mechelen-centrum:2020-03-04:morning"


def test_a_session_for_today_can_still_get_a_capacity():
    given(decider).when(set_capacity(2, now=at(SESSION_DAY, 9))).then(capacity_set(2))


def test_a_session_in_the_past_cannot_get_a_capacity():
    given(decider).when(set_capacity(2, now=at(SESSION_DAY + timedelta(days=1), 0))).then_raises(
        RuleBrokenError, match="is in the past"
    )


def test_setting_the_same_capacity_again_changes_nothing():
    given(decider, OPEN).when(set_capacity(2)).then_nothing()


def test_the_capacity_can_be_lowered():
    given(decider, OPEN, booked(1)).when(set_capacity(1)).then(capacity_set(1))


def test_raising_the_capacity_promotes_waiting_children_in_the_order_they_waited():
    given(decider, ONE_PLACE, booked(1), waitlisted(2), waitlisted(3), waitlisted(4)).when(
        set_capacity(3)
    ).then(capacity_set(3), promoted(2), promoted(3))


def test_raising_the_capacity_beyond_the_waitlist_promotes_everyone_waiting():
    state = (
        given(decider, ONE_PLACE, booked(1), waitlisted(2))
        .when(set_capacity(5))
        .then(capacity_set(5), promoted(2))
    )

    assert set(state.booked) == {"bk-1", "bk-2"}
    assert state.waitlist == ()


def test_raising_the_capacity_with_nobody_waiting_promotes_nobody():
    given(decider, ONE_PLACE, booked(1)).when(set_capacity(2)).then(capacity_set(2))


def test_a_promotion_by_a_capacity_change_is_dated_today():
    later = datetime(2020, 3, 3, 10, 0, tzinfo=UTC)
    given(decider, ONE_PLACE, booked(1), waitlisted(2)).when(set_capacity(2, now=later)).then(
        capacity_set(2), promoted(2, on=later.date())
    )


# -- book: the family and the child ---------------------------------------------------------


def test_an_enrolled_family_with_childcare_consent_books_a_free_place():
    given(decider, OPEN).when(book(1)).then(booked(1))


def test_a_booking_keeps_its_kind_and_hours():
    given(decider, OPEN).when(book(1, kind=BookingKind.FLEXIBLE, hours=2.5)).then(
        booked(1, kind=BookingKind.FLEXIBLE, hours=2.5)
    )


def test_a_family_booking_knows_nothing_of_cannot_book():
    given(decider, OPEN).when(Request(book(1).command, NOW, None)).then_raises(
        UnknownFamilyError, match="no family fam-1"
    )


def test_an_erased_family_cannot_book():
    given(decider, OPEN).when(book(1, family=facts(1, erased=True))).then_raises(
        UnknownFamilyError, match="no family fam-1"
    )


def test_a_family_not_enrolled_in_a_trajectory_cannot_book():
    given(decider, OPEN).when(book(1, family=facts(1, enrolled=False))).then_raises(
        RuleBrokenError, match="not enrolled"
    )


def test_a_family_without_childcare_consent_cannot_book():
    given(decider, OPEN).when(book(1, family=facts(1, childcare_consent=False))).then_raises(
        RuleBrokenError, match="not consented to childcare"
    )


def test_a_family_cannot_book_for_a_child_that_is_not_its_own():
    given(decider, OPEN).when(book(1, family=facts(2))).then_raises(
        RuleBrokenError, match="chi-1 is not a child of fam-1"
    )


def test_a_child_already_handed_over_cannot_be_booked():
    given(decider, OPEN).when(
        book(1, family=facts(1, handed_over=frozenset({"chi-1"})))
    ).then_raises(RuleBrokenError, match="has been handed over")


def test_a_sibling_handed_over_does_not_stop_a_booking():
    family = facts(
        1, children={"chi-1": BIRTH_MONTH, "chi-9": "2016-01"}, handed_over=frozenset({"chi-9"})
    )
    given(decider, OPEN).when(book(1, family=family)).then(booked(1))


# -- book: when ------------------------------------------------------------------------------


def test_a_session_in_the_past_cannot_be_booked():
    given(decider, OPEN).when(book(1, now=at(SESSION_DAY + timedelta(days=1), 7))).then_raises(
        RuleBrokenError, match="in the past"
    )


@pytest.mark.parametrize("daypart", list(Daypart))
def test_a_same_day_booking_up_to_the_cutoff_is_accepted(daypart):
    cutoff = SAME_DAY_CUTOFF[daypart]
    now = datetime.combine(SESSION_DAY, cutoff, tzinfo=UTC)
    request = book(1, now=now, daypart=daypart)
    session = session_id(LOCATION, SESSION_DAY, daypart)
    given(
        decider, capacity_set(2).model_copy(update={"daypart": daypart, "session_id": session})
    ).when(request).then(booked(1, on=SESSION_DAY).model_copy(update={"session_id": session}))


@pytest.mark.parametrize("daypart", list(Daypart))
def test_a_same_day_booking_after_the_cutoff_is_refused(daypart):
    cutoff = SAME_DAY_CUTOFF[daypart]
    now = datetime.combine(SESSION_DAY, cutoff, tzinfo=UTC) + timedelta(minutes=1)
    session = session_id(LOCATION, SESSION_DAY, daypart)
    given(
        decider, capacity_set(2).model_copy(update={"daypart": daypart, "session_id": session})
    ).when(book(1, now=now, daypart=daypart)).then_raises(
        RuleBrokenError, match=f"same-day bookings for the {daypart.value} close at {cutoff:%H:%M}"
    )


def test_same_day_bookings_close_for_the_morning_before_the_afternoon():
    assert SAME_DAY_CUTOFF[Daypart.MORNING] < SAME_DAY_CUTOFF[Daypart.AFTERNOON]


def test_the_cutoff_does_not_apply_to_a_booking_made_the_day_before():
    given(decider, OPEN).when(book(1, now=at(SESSION_DAY - timedelta(days=1), 23, 59))).then(
        booked(1, on=SESSION_DAY - timedelta(days=1))
    )


# -- book: the child's age (from the birth month) -------------------------------------------


def test_a_child_who_turned_three_can_still_be_booked():
    given(decider, OPEN).when(book(1, family=facts(1, children={"chi-1": "2017-02"}))).then(
        booked(1)
    )


def test_a_child_in_the_month_of_its_fourth_birthday_is_too_old():
    assert OLDEST_AGE_YEARS == 3
    given(decider, OPEN).when(book(1, family=facts(1, children={"chi-1": "2016-03"}))).then_raises(
        RuleBrokenError, match="older than 3"
    )


def test_a_child_whose_fourth_birthday_month_has_not_begun_can_be_booked():
    given(decider, OPEN).when(book(1, family=facts(1, children={"chi-1": "2016-04"}))).then(
        booked(1)
    )


def test_a_child_born_in_the_month_of_the_session_can_be_booked():
    given(decider, OPEN).when(book(1, family=facts(1, children={"chi-1": "2020-03"}))).then(
        booked(1)
    )


def test_a_child_not_born_yet_on_the_session_day_cannot_be_booked():
    given(decider, OPEN).when(book(1, family=facts(1, children={"chi-1": "2020-04"}))).then_raises(
        RuleBrokenError, match="not born yet"
    )


# -- book: the session -----------------------------------------------------------------------


def test_a_session_without_a_capacity_set_takes_the_default_of_fifteen_children():
    fifteen = [booked(n) for n in range(1, 16)]
    state = given(decider, *fifteen[:-1]).when(book(15)).then(booked(15))
    assert state.session_date == SESSION_DAY and state.places == 15
    given(decider, *fifteen).when(book(16)).then(waitlisted(16))


def test_a_child_already_booked_in_the_session_cannot_book_it_again():
    given(decider, OPEN, booked(1)).when(book(1, booking_id="bk-other")).then_raises(
        RuleBrokenError, match="chi-1 already has this session"
    )


def test_a_child_waiting_for_the_session_cannot_book_it_again():
    given(decider, ONE_PLACE, booked(2), waitlisted(1)).when(
        book(1, booking_id="bk-other")
    ).then_raises(RuleBrokenError, match="chi-1 already has this session")


def test_a_full_session_puts_the_booking_on_the_waitlist():
    given(decider, ONE_PLACE, booked(1)).when(book(2)).then(waitlisted(2))


def test_a_session_with_no_places_puts_every_booking_on_the_waitlist():
    given(decider, capacity_set(0)).when(book(1)).then(waitlisted(1))


def test_a_session_over_capacity_after_lowering_puts_new_bookings_on_the_waitlist():
    given(decider, OPEN, booked(1), booked(2), capacity_set(1)).when(book(3)).then(waitlisted(3))


def test_the_last_free_place_is_booked_not_waitlisted():
    given(decider, OPEN, booked(1)).when(book(2)).then(booked(2))


@pytest.mark.parametrize(
    "history",
    [(OPEN, booked(1)), (ONE_PLACE, booked(2), waitlisted(1))],
    ids=["booked", "waitlisted"],
)
def test_a_booking_sent_again_with_the_same_booking_id_changes_nothing(history):
    given(decider, *history).when(book(1)).then_nothing()


def test_a_booking_id_already_in_use_for_another_child_changes_nothing():
    family = facts(1, children={"chi-1": BIRTH_MONTH, "chi-5": BIRTH_MONTH})
    given(decider, OPEN, booked(1)).when(book(1, family=family, child_id="chi-5")).then_nothing()


@pytest.mark.parametrize(
    "freed",
    [
        (checked_in(1, at(SESSION_DAY, 6, 30)), checked_out(1, at(SESSION_DAY, 7), 0.5)),
        (NoShowRecorded(**ids(1), recorded_on=SESSION_DAY),),
    ],
    ids=["checked-out", "no-show"],
)
def test_a_new_booking_does_not_overtake_a_child_already_waiting(freed):
    given(decider, ONE_PLACE, booked(1), waitlisted(2), *freed).when(
        book(3, now=at(SESSION_DAY, 7, 30))
    ).then(waitlisted(3, on=SESSION_DAY))


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
