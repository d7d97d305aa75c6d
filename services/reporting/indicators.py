"""The programme's indicators: one pure fold over the network's shareable events.

The hub's reporting service and the auditors' offline replay run this same code. It does no
I/O and reads no clock: `Fold.apply(partner, event_type, payload)` takes every shareable event
(a JSON-decoded payload of the current schema version) and only records the facts it needs;
`Fold.figures(as_of, period, countries)` joins and counts them. Joins (a trajectory's parent
and family, a parent's gender, a family's referral source, a session's capacity) are made at
`figures()` time, so the order in which partners' streams interleave at the hub never matters
(a TrajectoryStarted that arrives before its family's FamilyReferred is still joined).

Dates are business dates from the payloads (ISO strings, which compare like dates), never
arrival order or recorded time. A booking event's date is the session's date, read from its
`session_id` ("<location>:<YYYY-MM-DD>:<daypart>"). The window W = [start, end] comes from
the period clipped to the as-of date (`Period.window`); to-date has no start. Flows count
facts dated in W; stocks are taken at `end`. A period that has not started by the as-of date
gives zeros everywhere (stocks included). Every entity is keyed by (partner, id).

Definitions (ints unless noted):

- families_referred: families with a FamilyReferred whose referred_on is in W.
- referrals_declined: families with a ReferralDeclined whose declined_on is in W.
- families_enrolled: families with a FamilyEnrolled whose enrolled_on is in W.
- families_not_shared: per referral month in W, the partner's latest UnsharedFamiliesCounted
  (counted_on <= end; the last one received when several share a date), summed: families
  the partner does not share for want of cross-border statistics consent.
- trajectories_started: trajectories (parents taken into an activation trajectory) whose
  TrajectoryStarted.started_on is in W.
- development_plans_agreed: distinct trajectories with a DevelopmentPlanAgreed (agreed_on)
  in W.
- trajectories_completed / trajectories_dropped: trajectories whose TrajectoryCompleted
  completed_on / TrajectoryDropped dropped_on is in W.
- trajectories_ongoing (stock at end): started_on <= end and neither completed nor dropped
  on or before end.
- parents_trained: distinct parents (the TrajectoryStarted.parent_id of the trajectory) with
  a TrainingStarted whose started_on is in W.
- trainings_completed: TrainingCompleted events whose completed_on is in W.
- parents_found_work: distinct parents with a JobStarted whose started_on is in W.
- parents_working (stock at end): distinct parents with a job started on or before end and
  not ended (JobEnded.ended_on) on or before end.
- parents_reduced_distance_to_work: distinct parents with a TrainingStarted or a JobStarted
  in W.
- parent_involvement_days: ParentInvolvementDayAttended events whose attended_on is in W.
- families_with_childcare: distinct families with a place (SlotBooked or WaitlistPromoted)
  for a session dated in W (a place later cancelled still counts: the family had access).
- children_cared_for: distinct children with a ChildCheckedIn for a session dated in W.
- childcare_sessions: ChildCheckedOut events for sessions dated in W.
- childcare_hours (float, 2 decimals): the sum of their hours_used.
- no_shows: NoShowRecorded events for sessions dated in W.
- no_show_rate (float, 3 decimals): no_shows / (no_shows + childcare_sessions); 0.0 when
  both are zero.
- late_cancellations: BookingCancelled events with late = true for sessions dated in W.
- occupancy_morning / occupancy_afternoon (floats, 3 decimals): over the sessions of that
  day-part dated in W: checked-out places / the sum of their capacities; 0.0 when there is
  no session. A session's capacity is its last DaypartCapacitySet (in stream order), or
  the default of 15 (contracts.booking.DEFAULT_CAPACITY) for a session booked without one.
- waitlist_length (stock at end): SlotWaitlisted entries with waitlisted_on <= end, for
  sessions dated on or after end, not promoted, cancelled or released (promoted_on,
  cancelled_on, released_on) on or before end.
- children_handed_over_regular / children_handed_over_preschool: distinct children with a
  ChildHandedOver whose handed_over_on is in W, by destination: HandoverDestination
  "regular_childcare" -> regular, "preschool" -> preschool (any other value is left out);
  only children cared for, i.e. with a ChildCheckedIn for a session dated on or before end
  (as in "of the 33 children in care, 7 moved on to regular childcare").

Childcare after coaching (the partners' pain point). A family's trajectory end is the latest
TrajectoryCompleted.completed_on or TrajectoryDropped.dropped_on of its trajectories (one per
family in practice); a family with neither has not ended. Its bridging period runs from a
completion (not a drop) until the `bridging_ends_on` that booking recorded in the family's
latest SlotBooked or SlotWaitlisted (the partner's own `bridging_weeks`), else for
BRIDGING_WEEKS = 8 weeks, the network's default of that setting:

- places_after_trajectory_end: places (SlotBooked or WaitlistPromoted, counted per booking)
  for sessions dated in W and after the family's trajectory end, not cancelled or released
  (BookingCancelled / BookingReleased) on or before end. A no-show still held its place.
- families_bridging (stock at end): families whose trajectory end is a completion with
  completed_on <= end < the end of its bridging period, with a childcare place (for any
  session) and no child handed over from completed_on to end.
- median_days_to_handover (float, 1 decimal): the median number of days from the family's
  trajectory end to the handover, over the handovers counted in children_handed_over_*
  (dated in W, children cared for) whose family's trajectory ended on or before the
  handover; 0.0 when there is none. Countries and the network take the median of all their
  partners' handovers (never a median of medians).

Joins and unknowns: a trajectory's parent and family come from its TrajectoryStarted (a
trajectory whose start the hub has not seen counts as one parent of its own, of unknown
gender, with the family its own events name). Gender comes from FamilyReferred.parents,
referral source from FamilyReferred.referral_source; parents and families whose referral the
hub has not seen are in category "unknown" (which merges with Gender "unknown"). These are
treated as timeless attributes: the referral's own date does not gate the join.

Breakdowns: dimension "gender" for trajectories_started, trajectories_completed,
trajectories_ongoing, trajectories_dropped, development_plans_agreed, parents_trained,
parents_found_work, parents_working, parents_reduced_distance_to_work; dimension
"referral_source" for families_referred, families_enrolled, trajectories_started,
trajectories_completed, families_with_childcare. Only categories with a non-zero figure are
listed; every dimension is always present (maybe empty).

Countries and the network: a partner's facts are tallied into additive numerators (counts,
hours, attended places, capacities) and a country's or the network's are the sums of its
partners'. Because every entity is keyed by (partner, id), the partners' sets are disjoint,
so the summed distinct counts are the distinct counts of the union, and ratios are
recomputed from the summed numerators and denominators, never averaged. Partners missing
from `countries` are reported under country "??".
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from statistics import median
from typing import Any, NamedTuple

from contracts.booking import DEFAULT_CAPACITY
from contracts.subjects import NETWORK_SCOPE
from services.reporting.periods import TO_DATE_PERIOD, Period

Figures = dict[str, int | float]
Breakdowns = dict[str, dict[str, Figures]]
"""Dimension -> category -> figures, as in contracts.reporting.Breakdowns."""

UNKNOWN = "unknown"
UNKNOWN_COUNTRY = "??"


class Indicator(NamedTuple):
    """One indicator: its name, a row label, a one-line definition and how it is shown."""

    name: str
    label: str
    description: str
    unit: str  # what it counts, for chart axes: families, parents, ...
    decimals: int = 0  # 0: an int; otherwise a float rounded to this many decimals

    @property
    def is_ratio(self) -> bool:
        return self.unit == "ratio"


INDICATORS: tuple[Indicator, ...] = (
    Indicator("families_referred", "Families referred",
              "Families referred to the programme (referral date in the period)", "families"),
    Indicator("referrals_declined", "Referrals declined",
              "Referrals that ended without enrolment (decline date in the period)", "families"),
    Indicator("families_enrolled", "Families enrolled",
              "Families enrolled with a family coach (enrolment date in the period)",
              "families"),
    Indicator("families_not_shared", "Families not shared (no statistics consent)",
              "Families referred in the period whose partner shares none of their events "
              "(no cross-border statistics consent): the partner's latest count", "families"),
    Indicator("trajectories_started", "Parents taken into a trajectory",
              "Parents taken into an activation trajectory (start date in the period)",
              "parents"),
    Indicator("development_plans_agreed", "Development plans agreed",
              "Trajectories with a personal development plan agreed in the period",
              "trajectories"),
    Indicator("trajectories_completed", "Trajectories completed",
              "Trajectories completed in the period", "trajectories"),
    Indicator("trajectories_dropped", "Trajectories dropped",
              "Trajectories stopped early in the period", "trajectories"),
    Indicator("trajectories_ongoing", "Trajectories ongoing (at end)",
              "Trajectories started and neither completed nor dropped at the period's end",
              "trajectories"),
    Indicator("parents_trained", "Parents who started a training",
              "Distinct parents who started a training in the period", "parents"),
    Indicator("trainings_completed", "Trainings completed",
              "Trainings completed in the period", "trainings"),
    Indicator("parents_found_work", "Parents who found work",
              "Distinct parents who started a job in the period", "parents"),
    Indicator("parents_working", "Parents working (at end)",
              "Distinct parents holding a job at the period's end", "parents"),
    Indicator("parents_reduced_distance_to_work", "Parents with reduced distance to work",
              "Distinct parents who started a training or a job in the period", "parents"),
    Indicator("parent_involvement_days", "Parent involvement days attended",
              "Attendances at parent involvement days in the period", "attendances"),
    Indicator("families_with_childcare", "Families with access to childcare",
              "Distinct families with a childcare place for a session in the period",
              "families"),
    Indicator("children_cared_for", "Children cared for",
              "Distinct children checked in for a session in the period", "children"),
    Indicator("childcare_sessions", "Childcare sessions attended",
              "Check-outs (attended places) for sessions in the period", "sessions"),
    Indicator("childcare_hours", "Childcare hours",
              "Hours of childcare used in sessions in the period", "hours", 2),
    Indicator("no_shows", "No-shows",
              "Booked places not used (no-show recorded) in sessions in the period", "sessions"),
    Indicator("no_show_rate", "No-show rate",
              "No-shows / (no-shows + attended sessions) in the period", "ratio", 3),
    Indicator("late_cancellations", "Late cancellations",
              "Bookings cancelled too late to refill, for sessions in the period", "bookings"),
    Indicator("occupancy_morning", "Occupancy, mornings",
              "Attended places / capacity, morning sessions with a capacity in the period",
              "ratio", 3),
    Indicator("occupancy_afternoon", "Occupancy, afternoons",
              "Attended places / capacity, afternoon sessions with a capacity in the period",
              "ratio", 3),
    Indicator("waitlist_length", "Waitlist entries (at end)",
              "Waitlisted bookings for sessions not yet past, still waiting at the period's end",
              "entries"),
    Indicator("children_handed_over_regular", "Children handed over to regular childcare",
              "Children moved on to regular childcare in the period (warm handover)",
              "children"),
    Indicator("children_handed_over_preschool", "Children handed over to preschool",
              "Children moved on to a preschool class in the period (warm handover)",
              "children"),
    Indicator("places_after_trajectory_end", "Places after the trajectory ended",
              "Childcare places for sessions in the period after the family's trajectory "
              "had ended, not cancelled or released", "places"),
    Indicator("families_bridging", "Families bridging (at end)",
              "Families with childcare whose trajectory was completed less than 8 weeks "
              "before the period's end, no child handed over since", "families"),
    Indicator("median_days_to_handover", "Median days from trajectory end to handover",
              "Median days from the end of the family's trajectory to the warm handover, "
              "handovers in the period", "days", 1),
)
INDICATOR_NAMES: tuple[str, ...] = tuple(indicator.name for indicator in INDICATORS)
BY_NAME: dict[str, Indicator] = {indicator.name: indicator for indicator in INDICATORS}

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "gender": (
        "trajectories_started", "trajectories_completed", "trajectories_ongoing",
        "trajectories_dropped", "development_plans_agreed", "parents_trained",
        "parents_found_work", "parents_working", "parents_reduced_distance_to_work"),
    "referral_source": (
        "families_referred", "families_enrolled", "trajectories_started",
        "trajectories_completed", "families_with_childcare"),
}
"""Breakdown dimension -> the indicators broken down by it."""

HANDOVER_INDICATORS = {
    "regular_childcare": "children_handed_over_regular",
    "preschool": "children_handed_over_preschool",
}
"""HandoverDestination value -> indicator."""

DAYPARTS = ("morning", "afternoon")
BRIDGING_WEEKS = 8
"""The network's default bridging period after a completed trajectory (families_bridging)."""


@dataclass(frozen=True)
class Report:
    """Figures of every partner, country and the network for one period as of one date."""

    as_of: date
    period: str
    partners: dict[str, Figures]
    countries: dict[str, Figures]
    network: Figures
    breakdowns: dict[str, Breakdowns]  # scope (partner, country or "network") -> breakdowns
    country_of: dict[str, str] = field(default_factory=dict)  # partner -> country


# -- apply: record the facts -----------------------------------------------------------------


class _Facts:
    """What one partner's events said, recorded as they come; joins wait for figures()."""

    __slots__ = (
        "referrals", "genders", "enrolments", "declines", "trajectories", "completions",
        "drops", "plans", "trainings", "trainings_completed", "jobs", "job_ends",
        "involvement_days", "capacities", "places", "check_ins", "check_outs", "no_shows",
        "late_cancellations", "waitlisted", "left_waitlist", "handovers", "compiled",
        "unshared", "granted", "freed", "bridge_ends",
    )

    def __init__(self) -> None:
        self.referrals: dict[str, tuple[str, str]] = {}  # family -> (referred_on, source)
        self.genders: dict[str, str] = {}  # parent -> gender
        self.enrolments: dict[str, str] = {}  # family -> enrolled_on
        self.declines: dict[str, str] = {}  # family -> declined_on
        self.trajectories: dict[str, tuple[str, str, str]] = {}  # id -> family, parent, start
        self.completions: dict[str, tuple[str, str]] = {}  # trajectory -> family, completed_on
        self.drops: dict[str, tuple[str, str]] = {}  # trajectory -> family, dropped_on
        self.plans: list[tuple[str, str]] = []  # (trajectory, agreed_on)
        self.trainings: list[tuple[str, str]] = []  # (trajectory, started_on)
        self.trainings_completed: list[str] = []  # completed_on
        self.jobs: dict[str, tuple[str, str]] = {}  # job -> (trajectory, started_on)
        self.job_ends: dict[str, str] = {}  # job -> ended_on
        self.involvement_days: list[str] = []  # attended_on
        self.capacities: dict[str, int] = {}  # session -> the last capacity set
        self.places: list[tuple[str, str]] = []  # (session, family)
        self.check_ins: list[tuple[str, str]] = []  # (session, child)
        self.check_outs: list[tuple[str, float]] = []  # (session, hours_used)
        self.no_shows: list[str] = []  # session
        self.late_cancellations: list[str] = []  # session
        self.waitlisted: dict[str, tuple[str, str]] = {}  # booking -> (session, waitlisted_on)
        self.left_waitlist: dict[str, str] = {}  # booking -> first promoted/cancelled/released
        self.handovers: list[tuple[str, str, str, str]] = []  # (destination, on, child, family)
        self.granted: dict[str, tuple[str, str]] = {}  # booking -> (session, family): a place
        self.freed: dict[str, str] = {}  # booking -> first cancelled_on / released_on
        self.bridge_ends: dict[str, str] = {}  # family -> the latest bridging_ends_on recorded
        self.compiled: _Compiled | None = None
        self.unshared: dict[str, list[tuple[str, int]]] = {}  # month -> (counted_on, families)


Payload = Mapping[str, Any]


def _family_referred(facts: _Facts, p: Payload) -> None:
    facts.referrals[p["family_id"]] = (p["referred_on"], p["referral_source"])
    for parent in p["parents"]:
        facts.genders[parent["parent_id"]] = parent["gender"]


def _family_enrolled(facts: _Facts, p: Payload) -> None:
    facts.enrolments[p["family_id"]] = p["enrolled_on"]


def _referral_declined(facts: _Facts, p: Payload) -> None:
    facts.declines[p["family_id"]] = p["declined_on"]


def _trajectory_started(facts: _Facts, p: Payload) -> None:
    facts.trajectories[p["trajectory_id"]] = (p["family_id"], p["parent_id"], p["started_on"])


def _plan_agreed(facts: _Facts, p: Payload) -> None:
    facts.plans.append((p["trajectory_id"], p["agreed_on"]))


def _training_started(facts: _Facts, p: Payload) -> None:
    facts.trainings.append((p["trajectory_id"], p["started_on"]))


def _training_completed(facts: _Facts, p: Payload) -> None:
    facts.trainings_completed.append(p["completed_on"])


def _job_started(facts: _Facts, p: Payload) -> None:
    facts.jobs[p["job_id"]] = (p["trajectory_id"], p["started_on"])


def _job_ended(facts: _Facts, p: Payload) -> None:
    facts.job_ends[p["job_id"]] = p["ended_on"]


def _involvement_day(facts: _Facts, p: Payload) -> None:
    facts.involvement_days.append(p["attended_on"])


def _trajectory_completed(facts: _Facts, p: Payload) -> None:
    facts.completions[p["trajectory_id"]] = (p["family_id"], p["completed_on"])


def _trajectory_dropped(facts: _Facts, p: Payload) -> None:
    facts.drops[p["trajectory_id"]] = (p["family_id"], p["dropped_on"])


def _capacity_set(facts: _Facts, p: Payload) -> None:
    facts.capacities[p["session_id"]] = p["capacity"]


def _place_taken(facts: _Facts, p: Payload) -> None:  # SlotBooked
    facts.places.append((p["session_id"], p["family_id"]))
    facts.granted[p["booking_id"]] = (p["session_id"], p["family_id"])
    _bridge_end(facts, p)


def _bridge_end(facts: _Facts, p: Payload) -> None:
    """The end of the family's bridging period, when booking recorded what it decided on."""
    end = p.get("bridging_ends_on")
    if end is not None and end > facts.bridge_ends.get(p["family_id"], ""):
        facts.bridge_ends[p["family_id"]] = end


def _freed(facts: _Facts, booking: str, on: str) -> None:
    first = facts.freed.get(booking)
    if first is None or on < first:
        facts.freed[booking] = on


def _waitlisted(facts: _Facts, p: Payload) -> None:
    facts.waitlisted[p["booking_id"]] = (p["session_id"], p["waitlisted_on"])
    _bridge_end(facts, p)


def _left_waitlist(facts: _Facts, booking: str, on: str) -> None:
    first = facts.left_waitlist.get(booking)
    if first is None or on < first:
        facts.left_waitlist[booking] = on


def _promoted(facts: _Facts, p: Payload) -> None:
    facts.places.append((p["session_id"], p["family_id"]))
    facts.granted[p["booking_id"]] = (p["session_id"], p["family_id"])
    _left_waitlist(facts, p["booking_id"], p["promoted_on"])


def _cancelled(facts: _Facts, p: Payload) -> None:
    _left_waitlist(facts, p["booking_id"], p["cancelled_on"])
    _freed(facts, p["booking_id"], p["cancelled_on"])
    if p["late"]:
        facts.late_cancellations.append(p["session_id"])


def _released(facts: _Facts, p: Payload) -> None:
    _left_waitlist(facts, p["booking_id"], p["released_on"])
    _freed(facts, p["booking_id"], p["released_on"])


def _checked_in(facts: _Facts, p: Payload) -> None:
    facts.check_ins.append((p["session_id"], p["child_id"]))


def _checked_out(facts: _Facts, p: Payload) -> None:
    facts.check_outs.append((p["session_id"], p["hours_used"]))


def _no_show(facts: _Facts, p: Payload) -> None:
    facts.no_shows.append(p["session_id"])


def _handed_over(facts: _Facts, p: Payload) -> None:
    facts.handovers.append((p["destination"], p["handed_over_on"], p["child_id"],
                            p["family_id"]))


def _unshared_counted(facts: _Facts, p: Payload) -> None:
    facts.unshared.setdefault(p["referred_in"], []).append((p["counted_on"], p["families"]))


def _no_indicator(facts: _Facts, p: Payload) -> None:
    """Shareable, but no indicator needs it (the partner is known to send events, though)."""


_HANDLERS: dict[str, Callable[[_Facts, Payload], None]] = {
    "FamilyReferred": _family_referred,
    "FamilyEnrolled": _family_enrolled,
    "ReferralDeclined": _referral_declined,
    "TrajectoryStarted": _trajectory_started,
    "DevelopmentPlanAgreed": _plan_agreed,
    "TrainingStarted": _training_started,
    "TrainingCompleted": _training_completed,
    "JobStarted": _job_started,
    "JobEnded": _job_ended,
    "ParentInvolvementDayAttended": _involvement_day,
    "TrajectoryCompleted": _trajectory_completed,
    "TrajectoryDropped": _trajectory_dropped,
    "DaypartCapacitySet": _capacity_set,
    "SlotBooked": _place_taken,
    "SlotWaitlisted": _waitlisted,
    "WaitlistPromoted": _promoted,
    "BookingCancelled": _cancelled,
    "BookingReleased": _released,
    "ChildCheckedIn": _checked_in,
    "ChildCheckedOut": _checked_out,
    "NoShowRecorded": _no_show,
    "ChildHandedOver": _handed_over,
    "BookingFlaggedForHandover": _no_indicator,
    "UnsharedFamiliesCounted": _unshared_counted,
}
"""Event type -> what it records. Other event types (FamilyErased, ...) are ignored."""


# -- compile: join and sort the facts by business date ----------------------------------------


class _Rows:
    """Facts sorted by business date; each row is a tuple whose first item is that date."""

    __slots__ = ("dates", "rows")

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows = sorted(rows, key=itemgetter(0))  # stable: ties keep stream order
        self.dates = [row[0] for row in self.rows]

    def between(self, start: str | None, end: str) -> list[tuple[Any, ...]]:
        """Rows dated in [start, end] (from the first one when start is None)."""
        low = 0 if start is None else bisect_left(self.dates, start)
        return self.rows[low:bisect_right(self.dates, end)]


class _Compiled:
    """One partner's facts joined and sorted, ready to be counted for any window.

    Rows for breakdowns are (date, key, gender, source, ...); key is what is counted
    distinctly (a family, a trajectory, a parent).
    """

    def __init__(self, facts: _Facts) -> None:
        source_of = {family: source for family, (_on, source) in facts.referrals.items()}
        genders = facts.genders

        def family_row(on: str, family: str) -> tuple[str, str, str, str]:
            return on, family, UNKNOWN, source_of.get(family, UNKNOWN)

        def trajectory_row(on: str, trajectory: str, family: str = "") -> tuple[str, ...]:
            """(date, trajectory, gender, source, parent) with the trajectory's parent."""
            started = facts.trajectories.get(trajectory)
            if started is None:  # its start has not reached the hub: a parent of its own
                return on, trajectory, UNKNOWN, source_of.get(family, UNKNOWN), f"?{trajectory}"
            family, parent, _started_on = started
            return (on, trajectory, genders.get(parent, UNKNOWN), source_of.get(family, UNKNOWN),
                    parent)

        def parent_row(on: str, trajectory: str) -> tuple[str, ...]:
            """(date, parent, gender, source) of a trajectory's parent."""
            row = trajectory_row(on, trajectory)
            return on, row[4], row[2], row[3]

        self.referrals = _Rows(family_row(on, family)
                               for family, (on, _source) in facts.referrals.items())
        self.enrolments = _Rows(family_row(on, family) for family, on in facts.enrolments.items())
        self.declines = _Rows((on,) for on in facts.declines.values())
        self.started = _Rows(trajectory_row(started_on, trajectory, family)
                             for trajectory, (family, _p, started_on) in facts.trajectories.items())
        self.completed = _Rows(trajectory_row(on, trajectory, family)
                               for trajectory, (family, on) in facts.completions.items())
        self.dropped = _Rows(trajectory_row(on, trajectory, family)
                             for trajectory, (family, on) in facts.drops.items())
        self.running = _Rows((*row, _stopped_on(facts, row[1])) for row in self.started.rows)
        self.plans = _Rows(trajectory_row(on, trajectory) for trajectory, on in facts.plans)
        self.trainings = _Rows(parent_row(on, trajectory) for trajectory, on in facts.trainings)
        self.trainings_completed = _Rows((on,) for on in facts.trainings_completed)
        self.jobs = _Rows((*parent_row(on, trajectory), facts.job_ends.get(job))
                          for job, (trajectory, on) in facts.jobs.items())
        self.involvement_days = _Rows((on,) for on in facts.involvement_days)
        self.unshared = facts.unshared
        self._compile_childcare(facts, source_of)

    def _compile_childcare(self, facts: _Facts, source_of: dict[str, str]) -> None:
        sessions: dict[str, tuple[str, str]] = {}

        def session(session_id: str) -> tuple[str, str]:
            """(date, daypart) of a session id, parsed once per session."""
            parts = sessions.get(session_id)
            if parts is None:
                rest, _, daypart = session_id.rpartition(":")
                parts = sessions[session_id] = (rest[-10:], daypart)
            return parts

        capacities = dict.fromkeys(  # a session with no capacity set has the default
            (s for s, _ in (*facts.places, *facts.waitlisted.values(), *facts.check_outs)),
            DEFAULT_CAPACITY)
        capacities.update(facts.capacities)
        self.capacities = _Rows((*session(s), capacity) for s, capacity in capacities.items())
        self.places = _Rows((session(s)[0], family, UNKNOWN, source_of.get(family, UNKNOWN))
                            for s, family in facts.places)
        self.check_ins = _Rows((session(s)[0], child) for s, child in facts.check_ins)
        self.check_outs = _Rows((*session(s), hours, s in capacities)
                                for s, hours in facts.check_outs)
        self.no_shows = _Rows((session(s)[0],) for s in facts.no_shows)
        self.late_cancellations = _Rows((session(s)[0],) for s in facts.late_cancellations)
        self.waitlist = _Rows((on, session(s)[0], facts.left_waitlist.get(booking))
                              for booking, (s, on) in facts.waitlisted.items())
        cared_from: dict[str, str] = {}  # child -> the date of its first session checked in
        for row in self.check_ins.rows:
            cared_from.setdefault(row[1], row[0])
        ends = _family_ends(facts)
        self.handovers = {
            name: _Rows((on, child, cared_from.get(child), _days_after(ends.get(family), on))
                        for destination, on, child, family in facts.handovers
                        if destination == wanted)
            for wanted, name in HANDOVER_INDICATORS.items()}
        self.places_after_end = _Rows(
            (on, booking, facts.freed.get(booking))
            for booking, (s, family) in facts.granted.items()
            if (on := session(s)[0]) > ends.get(family, ("9999-12-31", False))[0])
        with_places = {family for _s, family in facts.places}
        handed_over: dict[str, list[str]] = {}
        for _d, on, _c, family in facts.handovers:
            handed_over.setdefault(family, []).append(on)
        self.bridging = _Rows(
            (end, family, facts.bridge_ends.get(family) or _weeks_after(end, BRIDGING_WEEKS),
             min((on for on in handed_over.get(family, ()) if on >= end), default=None))
            for family, (end, completed) in ends.items() if completed and family in with_places)


def _family_ends(facts: _Facts) -> dict[str, tuple[str, bool]]:
    """Family -> (its trajectory end: the latest completion or drop, and whether completed)."""
    ends: dict[str, tuple[str, bool]] = {}
    for stops, completed in ((facts.completions, True), (facts.drops, False)):
        for family, on in stops.values():
            if family not in ends or on > ends[family][0]:
                ends[family] = (on, completed)
    return ends


def _days_after(end: tuple[str, bool] | None, on: str) -> int | None:
    """Days from a trajectory end to `on` (None: not ended, or ended after `on`)."""
    if end is None or end[0] > on:
        return None
    return (date.fromisoformat(on) - date.fromisoformat(end[0])).days


def _weeks_after(on: str, weeks: int) -> str:
    return (date.fromisoformat(on) + timedelta(weeks=weeks)).isoformat()


def _stopped_on(facts: _Facts, trajectory: str) -> str | None:
    """The first of the trajectory's completion and drop dates, or None."""
    ends = [facts.completions.get(trajectory), facts.drops.get(trajectory)]
    dates = [end[1] for end in ends if end is not None]
    return min(dates) if dates else None


# -- count: additive tallies per partner, summed per country and for the network --------------

_PARTS = tuple(f"{what}_{daypart}" for what in ("attended", "capacity") for daypart in DAYPARTS)
_MEDIANS = ("median_days_to_handover",)
"""Indicators that are medians: a tally keeps their samples, summed tallies pool them."""
_DIMENSIONS_OF: dict[str, tuple[tuple[str, int], ...]] = {
    name: tuple((dimension, index) for index, (dimension, names) in
                enumerate(DIMENSIONS.items(), start=2) if name in names)
    for name in INDICATOR_NAMES}
"""Indicator -> (dimension, index of its category in a row): gender at 2, source at 3."""


class _Tally:
    """Additive numerators of one scope: totals, and per breakdown dimension and category."""

    __slots__ = ("totals", "categories", "samples")

    def __init__(self) -> None:
        self.totals: dict[str, float] = dict.fromkeys((*INDICATOR_NAMES, *_PARTS), 0)
        self.categories: dict[str, dict[str, Counter[str]]] = {d: {} for d in DIMENSIONS}
        self.samples: dict[str, list[float]] = {name: [] for name in _MEDIANS}

    def count(self, name: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Count rows (each one fact) into an indicator and its breakdowns."""
        rows = list(rows)
        self.totals[name] += len(rows)
        for dimension, index in _DIMENSIONS_OF[name]:
            by_category = self.categories[dimension]
            for category, number in Counter(row[index] for row in rows).items():
                by_category.setdefault(category, Counter())[name] += number

    def count_distinct(self, name: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Count the distinct keys (row[1]) of the rows."""
        self.count(name, {row[1]: row for row in rows}.values())

    def add(self, other: _Tally) -> None:
        for name, value in other.totals.items():
            self.totals[name] += value
        for name, values in other.samples.items():
            self.samples[name] += values
        for dimension, by_category in other.categories.items():
            mine = self.categories[dimension]
            for category, counts in by_category.items():
                mine.setdefault(category, Counter()).update(counts)


Section = Callable[[_Tally, _Compiled, str | None, str], None]


def _tally(compiled: _Compiled, start: str | None, end: str,
           sections: Iterable[Section] | None = None) -> _Tally:
    """The tally of one partner's window: every section, or only those given."""
    tally = _Tally()
    for section in sections or _SECTIONS:
        section(tally, compiled, start, end)
    return tally


def _tally_intake(tally: _Tally, c: _Compiled, start: str | None, end: str) -> None:
    tally.count("families_referred", c.referrals.between(start, end))
    tally.count("referrals_declined", c.declines.between(start, end))
    tally.count("families_enrolled", c.enrolments.between(start, end))
    tally.totals["families_not_shared"] += _unshared(c.unshared, start, end)


def _unshared(counts: dict[str, list[tuple[str, int]]], start: str | None, end: str) -> int:
    """Per referral month in the window, the partner's latest count on or before `end`."""
    total = 0
    for month, counted in counts.items():
        if month > end[:7] or (start is not None and month < start[:7]):
            continue
        latest = [families for on, families in counted if on <= end]
        total += latest[-1] if latest else 0
    return total


def _tally_trajectories(tally: _Tally, c: _Compiled, start: str | None, end: str) -> None:
    tally.count("trajectories_started", c.started.between(start, end))
    tally.count("trajectories_completed", c.completed.between(start, end))
    tally.count("trajectories_dropped", c.dropped.between(start, end))
    tally.count("trajectories_ongoing", (row for row in c.running.between(None, end)
                                         if row[5] is None or row[5] > end))
    tally.count_distinct("development_plans_agreed", c.plans.between(start, end))
    trained = c.trainings.between(start, end)
    found_work = c.jobs.between(start, end)
    tally.count_distinct("parents_trained", trained)
    tally.count("trainings_completed", c.trainings_completed.between(start, end))
    tally.count_distinct("parents_found_work", found_work)
    tally.count_distinct("parents_working", (row for row in c.jobs.between(None, end)
                                             if row[4] is None or row[4] > end))
    tally.count_distinct("parents_reduced_distance_to_work",
                         [*trained, *(row[:4] for row in found_work)])
    tally.count("parent_involvement_days", c.involvement_days.between(start, end))


def _tally_childcare(tally: _Tally, c: _Compiled, start: str | None, end: str) -> None:
    totals = tally.totals
    tally.count_distinct("families_with_childcare", c.places.between(start, end))
    tally.count_distinct("children_cared_for", c.check_ins.between(start, end))
    attended = c.check_outs.between(start, end)
    totals["childcare_sessions"] += len(attended)
    totals["childcare_hours"] += math.fsum(row[2] for row in attended)
    for _on, daypart, _hours, has_capacity in attended:
        if has_capacity:
            totals[f"attended_{daypart}"] += 1
    for _on, daypart, capacity in c.capacities.between(start, end):
        totals[f"capacity_{daypart}"] += capacity
    tally.count("no_shows", c.no_shows.between(start, end))
    tally.count("late_cancellations", c.late_cancellations.between(start, end))
    tally.count("waitlist_length", (row for row in c.waitlist.between(None, end)
                                    if row[1] >= end and (row[2] is None or row[2] > end)))
    for name, rows in c.handovers.items():
        cared = [row for row in rows.between(start, end) if row[2] is not None and row[2] <= end]
        tally.count_distinct(name, cared)
        tally.samples["median_days_to_handover"] += [row[3] for row in cared if row[3] is not None]


def _tally_bridging(tally: _Tally, c: _Compiled, start: str | None, end: str) -> None:
    """Childcare after coaching: places after the trajectory ended, families bridging."""
    tally.count("places_after_trajectory_end", (
        row for row in c.places_after_end.between(start, end)
        if row[2] is None or row[2] > end))
    tally.count("families_bridging", (row for row in c.bridging.between(None, end)
                                      if end < row[2] and (row[3] is None or row[3] > end)))


_SECTIONS: tuple[Section, ...] = (_tally_intake, _tally_trajectories, _tally_childcare,
                                  _tally_bridging)
_SECTION_OF: dict[str, Section] = {
    **dict.fromkeys(("families_referred", "referrals_declined", "families_enrolled",
                     "families_not_shared"), _tally_intake),
    **dict.fromkeys((
        "trajectories_started", "development_plans_agreed", "trajectories_completed",
        "trajectories_dropped", "trajectories_ongoing", "parents_trained", "trainings_completed",
        "parents_found_work", "parents_working", "parents_reduced_distance_to_work",
        "parent_involvement_days"), _tally_trajectories),
    **dict.fromkeys((
        "families_with_childcare", "children_cared_for", "childcare_sessions",
        "childcare_hours", "no_shows", "no_show_rate", "late_cancellations",
        "occupancy_morning", "occupancy_afternoon", "waitlist_length",
        "children_handed_over_regular", "children_handed_over_preschool",
        "median_days_to_handover"), _tally_childcare),
    **dict.fromkeys(("places_after_trajectory_end", "families_bridging"), _tally_bridging),
}
"""Indicator -> the section that counts it (a trend needs only that one)."""


def _sum(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    return total


# -- figures: ratios and rounding --------------------------------------------------------------


def _ratio(numerator: float, denominator: float, decimals: int) -> float:
    return round(numerator / denominator, decimals) if denominator else 0.0


def _figures(tally: _Tally) -> Figures:
    """The indicators of a tally, in INDICATORS order."""
    totals = tally.totals
    figures: Figures = {name: int(totals[name]) for name in INDICATOR_NAMES}
    figures["childcare_hours"] = round(totals["childcare_hours"], 2) + 0.0
    figures["no_show_rate"] = _ratio(totals["no_shows"],
                                     totals["no_shows"] + totals["childcare_sessions"], 3)
    for daypart in DAYPARTS:
        figures[f"occupancy_{daypart}"] = _ratio(totals[f"attended_{daypart}"],
                                                 totals[f"capacity_{daypart}"], 3)
    for name in _MEDIANS:
        samples = tally.samples[name]
        figures[name] = round(float(median(samples)), 1) + 0.0 if samples else 0.0
    return figures


def _breakdowns(tally: _Tally) -> Breakdowns:
    """Per dimension, the categories with a non-zero figure, sorted, with their figures."""
    found: Breakdowns = {}
    for dimension, names in DIMENSIONS.items():
        by_category = tally.categories[dimension]
        found[dimension] = {
            category: {name: int(by_category[category][name]) for name in names}
            for category in sorted(by_category) if any(by_category[category].values())}
    return found


# -- the fold ----------------------------------------------------------------------------------


class Fold:
    """The indicators' fold: `apply` every shareable event, then ask `figures` or `trend`."""

    def __init__(self) -> None:
        self._partners: dict[str, _Facts] = {}

    def apply(self, partner: str, event_type: str, payload: Mapping[str, Any]) -> None:
        """Record one event (current schema version, JSON-decoded); others are ignored."""
        handler = _HANDLERS.get(event_type)
        if handler is None:
            return
        facts = self._partners.get(partner)
        if facts is None:
            facts = self._partners[partner] = _Facts()
        handler(facts, payload)
        facts.compiled = None  # joined and sorted again when figures are next asked for

    def partners(self) -> list[str]:
        """The partners seen in events, sorted."""
        return sorted(self._partners)

    def figures(self, as_of: date, period: Period | str, countries: Mapping[str, str]
                ) -> Report:
        """Every partner's, country's and the network's figures and breakdowns."""
        period = Period.parse(period) if isinstance(period, str) else period
        country_of = self._country_of(countries)
        tallies = {partner: self._tally(partner, period, as_of) for partner in country_of}
        members: dict[str, list[str]] = {}
        for partner, country in country_of.items():
            members.setdefault(country, []).append(partner)
        by_country = {country: _sum(tallies[p] for p in members[country])
                      for country in sorted(members)}
        network = _sum(tallies.values())
        scopes = {**tallies, **by_country, NETWORK_SCOPE: network}
        return Report(
            as_of=as_of, period=str(period),
            partners={partner: _figures(tally) for partner, tally in tallies.items()},
            countries={country: _figures(tally) for country, tally in by_country.items()},
            network=_figures(network),
            breakdowns={scope: _breakdowns(tally) for scope, tally in scopes.items()},
            country_of=country_of)

    def trend(self, indicator: str, scope: str, points: Iterable[date],
              countries: Mapping[str, str] | None = None) -> list[tuple[date, int | float]]:
        """The to-date value of one indicator at each point, for a partner, country or network.

        A country scope needs `countries` (partner -> country), as `figures` does.
        """
        if indicator not in BY_NAME:
            raise ValueError(f"unknown indicator {indicator!r}")
        partners = self._scope(scope, countries or {})
        sections = (_SECTION_OF[indicator],)
        return [(point, _figures(_sum(self._tally(partner, TO_DATE_PERIOD, point, sections)
                                      for partner in partners))[indicator])
                for point in points]

    # -- helpers ---------------------------------------------------------------------------

    def _country_of(self, countries: Mapping[str, str]) -> dict[str, str]:
        """Every partner in `countries` or seen in events -> its country ("??" if unknown)."""
        partners = sorted({*countries, *self._partners})
        return {partner: countries.get(partner, UNKNOWN_COUNTRY) for partner in partners}

    def _scope(self, scope: str, countries: Mapping[str, str]) -> list[str]:
        country_of = self._country_of(countries)
        if scope == NETWORK_SCOPE:
            return list(country_of)
        if scope in country_of:
            return [scope]
        members = [partner for partner, country in country_of.items() if country == scope]
        if not members:
            raise ValueError(f"unknown scope {scope!r}: expected a partner, a country of "
                             f"`countries` or {NETWORK_SCOPE!r}")
        return members

    def _tally(self, partner: str, period: Period, as_of: date,
               sections: Iterable[Section] | None = None) -> _Tally:
        facts = self._partners.get(partner)
        if facts is None or period.is_empty(as_of):
            return _Tally()
        if facts.compiled is None:
            facts.compiled = _Compiled(facts)
        start, end = period.window(as_of)
        return _tally(facts.compiled, start, end, sections)
