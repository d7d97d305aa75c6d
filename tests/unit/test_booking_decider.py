"""Booking's deciders: a session's places, waitlist and attendance, and a child's handover.

Every booking bk-N below is for child chi-N of family fam-N; each command is wrapped in a
Request with a fixed `now` (no clock) and the family facts the shell would have looked up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contracts.booking import BookingKind, Daypart, NoShowRecorded, session_id
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.booking.domain import OLDEST_AGE_YEARS, SAME_DAY_CUTOFF, Request, decider, stream_id
from tests.unit.booking_facts import (
    BIRTH_MONTH,
    LOCATION,
    NOW,
    ONE_PLACE,
    OPEN,
    SESSION,
    SESSION_DAY,
    at,
    book,
    booked,
    capacity_set,
    checked_in,
    checked_out,
    facts,
    ids,
    promoted,
    set_capacity,
    waitlisted,
)
from tests.unit.deciders import given

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
