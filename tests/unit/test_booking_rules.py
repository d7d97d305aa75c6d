"""Who may book and when places end: trajectory, bridging, handover, capacity, local time.

Sessions, families and events come from booking_facts: booking bk-N is child chi-N of
family fam-N; the session is on Wednesday 2020-03-04, `NOW` is the Monday before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.booking import (
    BookingCancelled,
    BookingReleased,
    Daypart,
    ReleaseReason,
    SlotBooked,
    TrajectoryState,
    session_id,
)
from contracts.commands import BookSlot, CancelBooking
from pace.domain import RuleBrokenError
from services.booking.domain import Policy, ReleaseBooking, Request, WithdrawBooking, decider
from services.booking.places import free_places
from tests.unit.booking_facts import (
    NOW,
    OPEN,
    SESSION_DAY,
    TODAY,
    book,
    booked,
    cancel,
    cancelled,
    capacity_set,
    facts,
    ids,
    no_show,
    promoted,
    set_capacity,
    waitlisted,
)
from tests.unit.deciders import given

ONE_PLACE = capacity_set(1)
ENDED = date(2020, 1, 6)  # eight weeks later, on 2020-03-02, the bridge ends
BRIDGE_END = date(2020, 3, 2)


def completed(n: int = 1, ended: date = ENDED, **more: object):
    return facts(n, trajectory=TrajectoryState.COMPLETED, trajectory_ended_on=ended, **more)


def dropped(n: int = 1, ended: date = date(2020, 2, 10)):
    return facts(n, trajectory=TrajectoryState.DROPPED, trajectory_ended_on=ended)


def released(n: int, reason: ReleaseReason, on: date = TODAY) -> BookingReleased:
    return BookingReleased(**ids(n), released_on=on, reason=reason)


# -- who may book ------------------------------------------------------------------------------


def test_a_family_in_an_active_trajectory_books_and_the_event_says_so():
    family = facts(1, trajectory=TrajectoryState.ACTIVE)

    given(decider, OPEN).when(book(1, family=family)).then(
        SlotBooked(
            **ids(1),
            kind="occasional",
            hours=4.0,
            booked_on=TODAY,
            trajectory_state=TrajectoryState.ACTIVE,
        )
    )


def test_during_the_bridging_period_a_session_before_its_end_can_be_booked():
    family = completed(ended=date(2020, 2, 3))  # the bridge ends on 2020-03-30

    given(decider, OPEN).when(book(1, family=family)).then(
        SlotBooked(
            **ids(1),
            kind="occasional",
            hours=4.0,
            booked_on=TODAY,
            trajectory_state=TrajectoryState.COMPLETED,
            trajectory_ended_on=date(2020, 2, 3),
            bridging_ends_on=date(2020, 3, 30),
        )
    )


def test_a_session_on_or_after_the_end_of_the_bridge_is_refused_with_both_dates():
    family = completed(ended=date(2020, 1, 8))  # the bridge ends on the session's day

    given(decider, OPEN).when(book(1, family=family)).then_raises(
        RuleBrokenError,
        match="the trajectory of family fam-1 ended on 2020-01-08; "
        "bridging ends on 2020-03-04 \\(8 weeks\\)",
    )


def test_after_the_bridge_has_ended_no_session_can_be_booked():
    given(decider, OPEN).when(book(1, family=completed())).then_raises(
        RuleBrokenError, match="ended on 2020-01-06; bridging ended on 2020-03-02"
    )


def test_the_bridging_period_follows_the_partners_setting():
    longer = Policy(bridging_weeks=10)  # the bridge now ends on 2020-03-16
    request = replace(book(1, family=completed()), policy=longer)

    events = given(decider, OPEN).when(request)._decide()

    assert events[0].bridging_ends_on == date(2020, 3, 16)


def test_a_family_whose_trajectory_was_dropped_cannot_book():
    given(decider, OPEN).when(book(1, family=dropped())).then_raises(
        RuleBrokenError, match="the trajectory of family fam-1 was dropped on 2020-02-10"
    )


def test_a_child_handed_over_cannot_be_booked_and_the_refusal_gives_the_date():
    family = facts(1, handed_over=frozenset({"chi-1"}), handed_over_on={"chi-1": date(2020, 2, 28)})

    given(decider, OPEN).when(book(1, family=family)).then_raises(
        RuleBrokenError, match="chi-1 has been handed over on 2020-02-28"
    )


# -- capacity ----------------------------------------------------------------------------------


def test_a_capacity_above_the_pace_rule_of_fifteen_is_refused():
    given(decider).when(set_capacity(16)).then_raises(
        RuleBrokenError, match="at most 15 children .*max_places_per_daypart.*16 is too many"
    )


def test_a_partner_may_set_a_lower_maximum_of_places():
    request = replace(set_capacity(13), policy=Policy(max_places_per_daypart=12))

    given(decider).when(request).then_raises(RuleBrokenError, match="at most 12 children")


def test_a_capacity_at_the_maximum_is_accepted():
    given(decider).when(set_capacity(15)).then(capacity_set(15))


def test_a_no_show_frees_the_place_for_another_booking():
    session_day = datetime(2020, 3, 4, 7, 0, tzinfo=UTC)
    [shown] = decider.decide(no_show(1, session_day), decider.fold([ONE_PLACE, booked(1)]))

    given(decider, ONE_PLACE, booked(1), shown).when(book(2)).then(booked(2))


def test_the_decider_and_the_week_view_count_free_places_with_one_function():
    state = decider.fold([capacity_set(3), booked(1), booked(2)])

    assert state.free == free_places(3, ["booked", "booked", "no_show", "waitlisted"]) == 1


# -- never into the past -----------------------------------------------------------------------


def test_a_booking_in_a_past_session_cannot_be_cancelled():
    after = datetime(2020, 3, 5, 9, 0, tzinfo=UTC)

    given(decider, OPEN, booked(1)).when(cancel(1, now=after)).then_raises(
        RuleBrokenError, match="the session of 2020-03-04 is over"
    )


def test_a_place_in_a_past_session_is_never_released():
    request = Request(ReleaseBooking("bk-1", date(2020, 3, 5)), NOW)

    given(decider, ONE_PLACE, booked(1), waitlisted(2)).when(request).then_nothing()


def test_a_place_of_today_is_released_and_the_next_child_promoted():
    request = Request(ReleaseBooking("bk-1", SESSION_DAY, ReleaseReason.BRIDGING_ENDED), NOW)

    given(decider, ONE_PLACE, booked(1), waitlisted(2)).when(request).then(
        released(1, ReleaseReason.BRIDGING_ENDED, SESSION_DAY), promoted(2, on=SESSION_DAY)
    )


# -- promotion re-checks the waiting family ----------------------------------------------------


@pytest.mark.parametrize(
    ("family", "reason"),
    [
        (dropped(2), ReleaseReason.TRAJECTORY_DROPPED),
        (completed(2), ReleaseReason.BRIDGING_ENDED),
        (facts(2, childcare_consent=False), ReleaseReason.CONSENT_WITHDRAWN),
        (facts(2, erased=True), ReleaseReason.FAMILY_ERASED),
        (facts(2, handed_over=frozenset({"chi-2"})), ReleaseReason.HANDED_OVER),
    ],
)
def test_promotion_releases_a_waiting_child_who_may_no_longer_book(family, reason):
    request = replace(cancel(1), waiting={"fam-2": family, "fam-3": facts(3)})

    given(decider, ONE_PLACE, booked(1), waitlisted(2), waitlisted(3)).when(request).then(
        cancelled(1), released(2, reason), promoted(3)
    )


def test_promotion_stops_once_the_free_places_are_taken():
    request = replace(cancel(1), waiting={"fam-2": dropped(2)})

    given(decider, ONE_PLACE, booked(1), waitlisted(2), waitlisted(3), waitlisted(4)).when(
        request
    ).then(cancelled(1), released(2, ReleaseReason.TRAJECTORY_DROPPED), promoted(3))


# -- consent withdrawn -------------------------------------------------------------------------


def test_withdrawn_consent_cancels_a_place_not_late_and_promotes_the_next_child():
    request = Request(WithdrawBooking("bk-1", SESSION_DAY), NOW)

    given(decider, ONE_PLACE, booked(1), waitlisted(2)).when(request).then(
        BookingCancelled(
            **ids(1), cancelled_on=SESSION_DAY, late=False, reason=ReleaseReason.CONSENT_WITHDRAWN
        ),
        promoted(2, on=SESSION_DAY),
    )


def test_withdrawn_consent_leaves_a_past_session_alone():
    request = Request(WithdrawBooking("bk-1", SESSION_DAY + timedelta(days=1)), NOW)

    given(decider, ONE_PLACE, booked(1)).when(request).then_nothing()


# -- the partner's local time, across both daylight-saving changes ----------------------------

BRUSSELS = Policy(time_zone="Europe/Brussels")


def _book_on(day: date, now: datetime, daypart: Daypart = Daypart.MORNING) -> Request:
    command = BookSlot(
        location_id="mechelen-centrum",
        session_date=day,
        daypart=daypart,
        booking_id="bk-1",
        family_id="fam-1",
        child_id="chi-1",
    )
    return Request(command, now, facts(1, children={"chi-1": "2025-01"}), policy=BRUSSELS)


def _open(day: date):
    return capacity_set(2).model_copy(
        update={
            "session_date": day,
            "session_id": session_id("mechelen-centrum", day, Daypart.MORNING),
        }
    )


@pytest.mark.parametrize(
    ("day", "utc_hour", "accepted"),
    [
        (date(2026, 3, 27), 6, True),  # winter time: 06:30 UTC is 07:30 in Brussels
        (date(2026, 3, 30), 6, False),  # summer time: 06:30 UTC is 08:30, past the cut-off
        (date(2026, 10, 23), 6, False),  # still summer time: 08:30 in Brussels
        (date(2026, 10, 26), 6, True),  # winter time again: 07:30 in Brussels
    ],
)
def test_the_same_day_cutoff_is_judged_on_the_partners_clock(day, utc_hour, accepted):
    now = datetime(day.year, day.month, day.day, utc_hour, 30, tzinfo=UTC)
    when = given(decider, _open(day)).when(_book_on(day, now))

    if accepted:
        assert when._decide()[0].event_type == "SlotBooked"
    else:
        when.then_raises(RuleBrokenError, match="close at 08:00")


def test_just_after_midnight_in_brussels_yesterdays_session_is_past_though_utc_disagrees():
    day = date(2026, 10, 24)
    now = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 on the 25th in Brussels

    given(decider, _open(day)).when(_book_on(day, now)).then_raises(
        RuleBrokenError, match="the session of 2026-10-24 is in the past"
    )


def test_a_cancellation_after_midnight_in_brussels_on_the_session_day_is_late():
    day = date(2026, 3, 29)  # the night the clocks go forward
    history = [_open(day), booked(1).model_copy(update={"session_id": _open(day).session_id})]
    command = CancelBooking(
        location_id="mechelen-centrum", session_date=day, daypart=Daypart.MORNING, booking_id="bk-1"
    )
    now = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 on the 29th in Brussels

    events = given(decider, *history).when(Request(command, now, policy=BRUSSELS))._decide()

    assert (events[0].late, events[0].cancelled_on) == (True, day)


# -- old events stay readable ------------------------------------------------------------------


def test_a_booking_recorded_before_the_trajectory_was_kept_still_reads():
    from contracts.registry import decode

    old = {**ids(1), "kind": "occasional", "hours": 4.0, "booked_on": "2020-03-02"}
    released = {**ids(1), "released_on": "2020-03-03"}

    event = decode("SlotBooked", 1, old)

    assert (event.trajectory_state, event.trajectory_ended_on, event.bridging_ends_on) == (
        None,
        None,
        None,
    )
    assert decode("BookingReleased", 1, released).reason is None
