"""The published figures and a count of them from the planned history's commands alone."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from contracts import commands as wire
from contracts.booking import HandoverDestination
from pace.network.registry import load_registry
from services.booking.rules import Policy
from simulation.planner import plan_history
from simulation.profiles import PartnerProfile, default_profiles
from simulation.steps import Step

MECHELEN = "mechelen"
FEB_2020, MAR_2021, END_2022 = date(2020, 2, 29), date(2021, 3, 31), date(2022, 12, 31)
YEAR_2022 = date(2022, 1, 1)
POLICY = Policy()  # booking's own defaults, which the services of these tests run with
CAPACITY, BRIDGING_WEEKS = POLICY.max_places_per_daypart, POLICY.bridging_weeks

# The figures the partners published (../shared/ARCHITECTURE.md, "The job").
PUBLISHED_MECHELEN = [
    # (as_of, period start or None for to-date, indicator, value)
    (FEB_2020, None, "families_referred", 86),
    (FEB_2020, None, "trajectories_started", 67),
    (FEB_2020, None, "trajectories_completed", 34),
    (FEB_2020, None, "trajectories_ongoing", 33),
    (FEB_2020, None, "trajectories_dropped", 0),
    (FEB_2020, None, "parents_found_work", 27),
    (END_2022, None, "families_referred", 167),
    (END_2022, date(2017, 1, 1), "families_referred", 167),
    (END_2022, None, "children_cared_for", 147),
    (END_2022, None, "parents_found_work", 58),
    (END_2022, None, "parents_trained", 90),
    (END_2022, YEAR_2022, "children_cared_for", 33),
    (END_2022, YEAR_2022, "children_handed_over_regular", 7),
    (END_2022, YEAR_2022, "children_handed_over_preschool", 6),
]
PUBLISHED_NETWORK = [
    (MAR_2021, None, "families_with_childcare", 697),
    (MAR_2021, None, "parents_reduced_distance_to_work", 544),
    (MAR_2021, None, "development_plans_agreed", 500),
]
SMALL = [  # as tests/network uses: small, uncalibrated
    PartnerProfile("mechelen", "nl", 14, date(2017, 1, 9), complete=0.5, drop=0.2),
    PartnerProfile("gent", "nl", 10, date(2017, 3, 1), job=0.6),
    PartnerProfile("kent", "en", 10, date(2017, 5, 1), training=0.8),
]


def figures(steps: Iterable[Step], partner: str, as_of: date,
            start: date | None = None) -> dict[str, int]:
    """One partner's figures for the window [start, as_of] (to-date when start is None)."""
    def inside(day: date) -> bool:
        return (start is None or start <= day) and day <= as_of

    steps = [s for s in steps if s.partner == partner]
    child_of = {s.command.booking_id: s.command.child_id for s in steps
                if isinstance(s.command, wire.BookSlot)}
    seen: dict[str, set[str]] = defaultdict(set)
    ended: dict[str, date] = {}
    started: dict[str, date] = {}
    for step in steps:
        c = step.command
        match c:
            case wire.ReferFamily() if inside(c.referred_on):
                seen["families_referred"].add(c.family_id)
            case wire.EnrolFamily():
                started[c.family_id] = c.enrolled_on
                if inside(c.enrolled_on):
                    seen["trajectories_started"].add(c.family_id)
            case wire.CompleteTrajectory():
                ended[c.family_id] = c.completed_on
                if inside(c.completed_on):
                    seen["trajectories_completed"].add(c.family_id)
            case wire.DropTrajectory():
                ended[c.family_id] = c.dropped_on
                if inside(c.dropped_on):
                    seen["trajectories_dropped"].add(c.family_id)
            case wire.AgreePlan() if inside(c.agreed_on):
                seen["development_plans_agreed"].add(c.family_id)
            case wire.StartTraining() if inside(c.started_on):
                seen["parents_trained"].add(c.family_id)
                seen["parents_reduced_distance_to_work"].add(c.family_id)
            case wire.StartJob() if inside(c.started_on):
                seen["parents_found_work"].add(c.family_id)
                seen["parents_reduced_distance_to_work"].add(c.family_id)
            case wire.BookSlot() if inside(c.session_date):
                seen["families_with_childcare"].add(c.family_id)
            case wire.CheckIn() if inside(c.session_date):
                seen["children_cared_for"].add(child_of[c.booking_id])
            case wire.HandOverChild() if inside(c.handed_over_on):
                kind = ("children_handed_over_preschool"
                        if c.destination is HandoverDestination.PRESCHOOL
                        else "children_handed_over_regular")
                seen[kind].add(c.child_id)
    counted = {name: len(ids) for name, ids in seen.items()}
    counted["trajectories_ongoing"] = sum(
        1 for family, on in started.items()
        if on <= as_of and (family not in ended or ended[family] > as_of))
    return counted


@functools.cache
def _default_history() -> tuple[Step, ...]:
    return tuple(plan_history(default_profiles(load_registry().delivery)))


def default_history() -> list[Step]:
    """The default planned history, planned once per test process (it takes seconds)."""
    return list(_default_history())
