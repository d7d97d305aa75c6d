"""Who gets a place: a session's bookings and cancellations replayed as the booking service
would decide them, so that a planned history knows which child is booked and which waits.

Pure and deterministic. The booking service gives a place while the session has room and
nobody waits, else puts the child on the waitlist; a cancelled place goes to the first child
waiting. `seat()` replays one session's requests in the order the driver delivers them and
keeps the rule that the planned anchors (a child's first and last attended sessions, on
which the published figures rest) always get a place: a request that would take the place
an anchor arriving later needs is left out of the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from simulation.steps import PHASE_ORDER


@dataclass(eq=False)
class Request:
    """One child's wish for one session, and what became of it (`outcome`, `kept`)."""

    day: date
    booked_on: date
    arrival: tuple[Any, ...]  # the order the driver delivers same-day bookings in
    anchor: bool
    intent: str  # "attended", "no_show" or "cancelled"
    kept: bool = True  # False: left out (it would have taken an anchor's place)
    outcome: str = ""  # "attended", "no_show", "cancelled", "waiting", "withdrawn"


BOOKING, CANCEL = PHASE_ORDER["booking"], PHASE_ORDER["cancel"]  # as the driver sends them


def seat(requests: list[Request], capacity: int) -> None:
    """Replay one session's requests; set each one's `kept` and `outcome`."""
    events: list[tuple[tuple[Any, ...], str, Request]] = []
    for request in requests:
        events.append(((request.booked_on, BOOKING, *request.arrival), "book", request))
        if request.intent == "cancelled" and request.booked_on < request.day:
            events.append(
                ((request.day - timedelta(days=1), CANCEL, *request.arrival), "cancel", request)
            )
    events.sort(key=lambda event: event[0])
    anchors_left = sum(1 for r in requests if r.anchor)
    booked: set[int] = set()
    waiting: list[Request] = []
    for _key, what, request in events:
        if what == "book":
            anchors_left -= request.anchor
            if not waiting and len(booked) < capacity:
                if len(booked) + 1 + anchors_left > capacity and not request.anchor:
                    request.kept = False
                    continue
                booked.add(id(request))
            elif request.anchor:
                raise ValueError(f"an anchor of {request.day} has no place")
            else:
                waiting.append(request)
        elif request.kept:
            if request in waiting:
                waiting.remove(request)
                request.outcome = "withdrawn"
                continue
            booked.discard(id(request))
            if waiting:
                booked.add(id(waiting.pop(0)))
    for request in requests:
        if request.kept and not request.outcome:
            request.outcome = (
                request.intent
                if id(request) in booked
                or (request.intent == "cancelled" and request.booked_on < request.day)
                else "waiting"
            )
