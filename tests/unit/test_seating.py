"""Who gets a place when a planned session is replayed as the booking service decides."""

from __future__ import annotations

from datetime import date

import pytest

from simulation.seating import Request, seat

DAY = date(2022, 5, 10)


def wish(child: str, booked_on: int, *, anchor: bool = False, intent: str = "attended"
         ) -> Request:
    return Request(DAY, date(2022, 5, booked_on), (child,), anchor, intent)


def test_beyond_the_capacity_children_wait_and_a_cancelled_place_goes_to_the_first():
    first, second, third, fourth = (wish("a", 3, intent="cancelled"), wish("b", 4),
                                    wish("c", 5), wish("d", 6))

    seat([fourth, third, second, first], capacity=2)

    assert [r.outcome for r in (first, second, third, fourth)] == \
        ["cancelled", "attended", "attended", "waiting"]  # c was promoted when a cancelled


def test_a_waiting_child_that_cancels_is_withdrawn_and_never_promoted():
    holder, waiting, later = wish("z", 3, intent="cancelled"), wish("b", 4, intent="cancelled"), \
        wish("c", 5)

    seat([holder, waiting, later], capacity=1)

    assert (waiting.outcome, later.outcome) == ("withdrawn", "attended")


def test_an_anchor_booked_later_keeps_its_place_and_what_would_take_it_is_left_out():
    early, anchor = wish("a", 3), wish("b", 6, anchor=True)

    seat([early, anchor], capacity=1)

    assert (early.kept, anchor.kept, anchor.outcome) == (False, True, "attended")


def test_an_anchor_with_no_place_is_refused():
    with pytest.raises(ValueError, match="no place"):
        seat([wish("a", 3, anchor=True), wish("b", 4, anchor=True)], capacity=1)
