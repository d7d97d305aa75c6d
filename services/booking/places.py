"""Free places in a session: the one definition the decider and the week view both use."""

from __future__ import annotations

from collections.abc import Iterable

TAKES_A_PLACE = frozenset({"booked", "checked_in", "attended"})
"""Booking statuses that hold a place; a no-show, a cancellation or a release frees it."""


def taken_places(statuses: Iterable[str]) -> int:
    """How many of these bookings hold a place."""
    return sum(1 for status in statuses if status in TAKES_A_PLACE)


def free_places(capacity: int, statuses: Iterable[str]) -> int:
    """Places still free in a session of this capacity holding bookings in these statuses."""
    return max(capacity - taken_places(statuses), 0)
