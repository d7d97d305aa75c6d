"""One partner's facts joined and sorted by business date, ready to be counted for any window.

Every row starts with `on`, its business date. Rows counted into an indicator with
breakdowns also carry `key` (what is counted distinctly: a family, a trajectory, a parent)
and the breakdown categories `gender` and `referral_source`, named as the dimensions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from operator import attrgetter
from typing import Generic, NamedTuple, TypeVar

from contracts.booking import DEFAULT_CAPACITY
from services.reporting.facts import Counted, Facts

UNKNOWN = "unknown"
"""The category of a parent or family whose referral the hub has not seen."""
BRIDGING_WEEKS = 8
"""The network's default bridging period after a completed trajectory (families_bridging)."""
HANDOVER_INDICATORS = {
    "regular_childcare": "children_handed_over_regular",
    "preschool": "children_handed_over_preschool",
}
"""HandoverDestination value -> indicator."""


class Fact(NamedTuple):
    """A fact counted with its categories: a family, a parent, or just a date."""

    on: str
    key: str = ""
    gender: str = UNKNOWN
    referral_source: str = UNKNOWN


class TrajectoryFact(NamedTuple):
    """A trajectory's fact, with its parent and, for a start, when it stopped (if it did)."""

    on: str
    key: str  # the trajectory
    gender: str
    referral_source: str
    parent: str
    stopped_on: str | None = None


class JobFact(NamedTuple):
    on: str  # started_on
    key: str  # the parent
    gender: str
    referral_source: str
    ended_on: str | None


class SessionCapacity(NamedTuple):
    on: str
    daypart: str
    capacity: int


class Attended(NamedTuple):
    on: str
    daypart: str
    hours_used: float
    has_capacity: bool


class WaitlistEntry(NamedTuple):
    on: str  # waitlisted_on
    session_on: str
    left_on: str | None  # promoted, cancelled or released


class Handover(NamedTuple):
    on: str
    key: str  # the child
    cared_from: str | None  # the date of the child's first session checked in
    days_after_end: int | None  # from the family's trajectory end, when it had ended


class PlaceAfterEnd(NamedTuple):
    on: str  # the session's date
    key: str  # the booking
    freed_on: str | None


class Bridging(NamedTuple):
    on: str  # completed_on
    key: str  # the family
    ends_on: str  # the end of the bridging period
    handed_over_on: str | None  # the first handover on or after completed_on


class TrajectoryEnd(NamedTuple):
    on: str
    completed: bool


class Wait(NamedTuple):
    """A family's time on the programme's waiting list."""

    on: str  # held_on
    key: str  # the family
    ended_on: str | None  # the first enrolment or decline on or after held_on
    days: int | None  # from held_on to ended_on


Row = TypeVar("Row", bound=tuple[object, ...])


class Rows(Generic[Row]):
    """Rows sorted by business date (`on`); ties keep stream order."""

    __slots__ = ("dates", "rows")

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows: list[Row] = sorted(rows, key=attrgetter("on"))
        self.dates: list[str] = [row.on for row in self.rows]  # type: ignore[attr-defined]

    def between(self, start: str | None, end: str) -> list[Row]:
        """Rows dated in [start, end] (from the first one when start is None)."""
        low = 0 if start is None else bisect_left(self.dates, start)
        return self.rows[low:bisect_right(self.dates, end)]


class Compiled:
    """One partner's facts joined (parents, genders, sources, sessions) and sorted."""

    def __init__(self, facts: Facts) -> None:
        source_of = {family: referral.source for family, referral in facts.referrals.items()}
        genders = facts.genders

        def family_fact(on: str, family: str) -> Fact:
            return Fact(on, family, UNKNOWN, source_of.get(family, UNKNOWN))

        def trajectory_fact(on: str, trajectory: str, family: str = "") -> TrajectoryFact:
            started = facts.trajectories.get(trajectory)
            if started is None:  # its start has not reached the hub: a parent of its own
                return TrajectoryFact(on, trajectory, UNKNOWN, source_of.get(family, UNKNOWN),
                                      f"?{trajectory}")
            return TrajectoryFact(on, trajectory, genders.get(started.parent, UNKNOWN),
                                  source_of.get(started.family, UNKNOWN), started.parent)

        def parent_fact(on: str, trajectory: str) -> Fact:
            """A trajectory's parent, keyed by the parent."""
            fact = trajectory_fact(on, trajectory)
            return Fact(on, fact.parent, fact.gender, fact.referral_source)

        self.referrals = Rows(family_fact(r.referred_on, family)
                              for family, r in facts.referrals.items())
        self.enrolments = Rows(family_fact(on, family) for family, on in facts.enrolments.items())
        self.declines = Rows(Fact(on) for on in facts.declines.values())
        self.started = Rows(trajectory_fact(s.started_on, trajectory, s.family)
                            for trajectory, s in facts.trajectories.items())
        self.completed = Rows(trajectory_fact(stop.on, trajectory, stop.family)
                              for trajectory, stop in facts.completions.items())
        self.dropped = Rows(trajectory_fact(stop.on, trajectory, stop.family)
                            for trajectory, stop in facts.drops.items())
        self.running = Rows(fact._replace(stopped_on=_stopped_on(facts, fact.key))
                            for fact in self.started.rows)
        self.plans = Rows(trajectory_fact(plan.on, plan.trajectory) for plan in facts.plans)
        self.trainings = Rows(parent_fact(t.on, t.trajectory) for t in facts.trainings)
        self.trainings_completed = Rows(Fact(on) for on in facts.trainings_completed)
        self.jobs = Rows(JobFact(*parent_fact(job.on, job.trajectory), facts.job_ends.get(key))
                         for key, job in facts.jobs.items())
        self.involvement_days = Rows(Fact(on) for on in facts.involvement_days)
        self.unshared: dict[str, list[Counted]] = facts.unshared
        self.waits = Rows(waits(facts))
        self.waits_ended = Rows(wait._replace(on=wait.ended_on) for wait in self.waits.rows
                                if wait.ended_on is not None)
        self._compile_childcare(facts, source_of)
        from services.reporting.esf import EsfRows  # it builds on the Rows defined here

        self.esf = EsfRows(facts)

    def _compile_childcare(self, facts: Facts, source_of: dict[str, str]) -> None:
        sessions: dict[str, tuple[str, str]] = {}

        def session(session_id: str) -> tuple[str, str]:
            """(date, daypart) of a session id "<location>:<YYYY-MM-DD>:<daypart>"."""
            parts = sessions.get(session_id)
            if parts is None:
                rest, _, daypart = session_id.rpartition(":")
                parts = sessions[session_id] = (rest[-10:], daypart)
            return parts

        capacities = dict.fromkeys(  # a session with no capacity set has the default
            (*(place.session for place in facts.places),
             *(waitlisted.session for waitlisted in facts.waitlisted.values()),
             *(check_out.session for check_out in facts.check_outs)),
            DEFAULT_CAPACITY)
        capacities.update(facts.capacities)
        self.capacities = Rows(SessionCapacity(*session(s), capacity)
                               for s, capacity in capacities.items())
        self.places = Rows(Fact(session(place.session)[0], place.who, UNKNOWN,
                                source_of.get(place.who, UNKNOWN)) for place in facts.places)
        self.check_ins = Rows(Fact(session(c.session)[0], c.who) for c in facts.check_ins)
        self.check_outs = Rows(Attended(*session(c.session), c.hours_used, c.session in capacities)
                               for c in facts.check_outs)
        self.no_shows = Rows(Fact(session(s)[0]) for s in facts.no_shows)
        self.late_cancellations = Rows(Fact(session(s)[0]) for s in facts.late_cancellations)
        self.waitlist = Rows(WaitlistEntry(w.waitlisted_on, session(w.session)[0],
                                           facts.left_waitlist.get(booking))
                             for booking, w in facts.waitlisted.items())
        cared_from: dict[str, str] = {}  # child -> the date of its first session checked in
        for check_in in self.check_ins.rows:
            cared_from.setdefault(check_in.key, check_in.on)
        ends = family_ends(facts)
        self.handovers = {
            name: Rows(Handover(h.on, h.child, cared_from.get(h.child),
                                _days_after(ends.get(h.family), h.on))
                       for h in facts.handovers if h.destination == wanted)
            for wanted, name in HANDOVER_INDICATORS.items()}
        never = TrajectoryEnd("9999-12-31", False)
        self.places_after_end = Rows(
            PlaceAfterEnd(on, booking, facts.freed.get(booking))
            for booking, place in facts.granted.items()
            if (on := session(place.session)[0]) > ends.get(place.who, never).on)
        with_places = {place.who for place in facts.places}
        handed_over: dict[str, list[str]] = {}
        for handover in facts.handovers:
            handed_over.setdefault(handover.family, []).append(handover.on)
        self.bridging = Rows(
            Bridging(end.on, family,
                     facts.bridge_ends.get(family) or _weeks_after(end.on, BRIDGING_WEEKS),
                     min((on for on in handed_over.get(family, ()) if on >= end.on),
                         default=None))
            for family, end in ends.items() if end.completed and family in with_places)


def waits(facts: Facts) -> list[Wait]:
    """Each held family's wait: from its hold to the first decision on or after it."""
    found = []
    for family, held_on in facts.holds.items():
        ended_on = min((on for on in facts.answers.get(family, ()) if on >= held_on),
                       default=None)
        days = None if ended_on is None else (
            date.fromisoformat(ended_on) - date.fromisoformat(held_on)).days
        found.append(Wait(held_on, family, ended_on, days))
    return found


def family_ends(facts: Facts) -> dict[str, TrajectoryEnd]:
    """Family -> its trajectory end: the latest completion or drop, once none is still open."""
    ends: dict[str, TrajectoryEnd] = {}
    for stops, completed in ((facts.completions, True), (facts.drops, False)):
        for stop in stops.values():
            if stop.family not in ends or stop.on > ends[stop.family].on:
                ends[stop.family] = TrajectoryEnd(stop.on, completed)
    still_open = {start.family for trajectory, start in facts.trajectories.items()
                  if trajectory not in facts.completions and trajectory not in facts.drops}
    return {family: end for family, end in ends.items() if family not in still_open}


def _days_after(end: TrajectoryEnd | None, on: str) -> int | None:
    """Days from a trajectory end to `on` (None: not ended, or ended after `on`)."""
    if end is None or end.on > on:
        return None
    return (date.fromisoformat(on) - date.fromisoformat(end.on)).days


def _weeks_after(on: str, weeks: int) -> str:
    return (date.fromisoformat(on) + timedelta(weeks=weeks)).isoformat()


def _stopped_on(facts: Facts, trajectory: str) -> str | None:
    """The first of the trajectory's completion and drop dates, or None."""
    stops = [facts.completions.get(trajectory), facts.drops.get(trajectory)]
    dates = [stop.on for stop in stops if stop is not None]
    return min(dates) if dates else None
