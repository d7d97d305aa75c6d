"""Counting: one partner's additive tallies for a window, summed per country and network.

Each section of contracts.indicators (intake, trajectories, childcare, after coaching) has a
counter here; a trend asks only the one its indicator belongs to. A tally keeps additive
numerators (counts, hours, attended places, capacities, median samples), so countries and the
network sum their partners' tallies and ratios are recomputed, never averaged.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from operator import attrgetter
from statistics import median
from typing import Any

from contracts.indicators import DIMENSIONS, INDICATOR_NAMES
from contracts.report import Figures
from contracts.reporting import Breakdowns
from services.reporting.esf import count_esf
from services.reporting.facts import Counted
from services.reporting.rows import Compiled, Handover

DAYPARTS = ("morning", "afternoon")
_PARTS = tuple(f"{what}_{daypart}" for what in ("attended", "capacity") for daypart in DAYPARTS)
_MEDIANS = ("median_days_to_handover", "median_days_waiting")
"""Indicators that are medians: a tally keeps their samples, summed tallies pool them."""
_DIMENSIONS_OF: dict[str, tuple[tuple[str, Callable[[Any], str]], ...]] = {
    name: tuple((dimension, attrgetter(dimension)) for dimension, names in DIMENSIONS.items()
                if name in names)
    for name in INDICATOR_NAMES}
"""Indicator -> (dimension, how to read a row's category in it)."""


class Tally:
    """Additive numerators of one scope: totals, and per breakdown dimension and category."""

    __slots__ = ("totals", "categories", "samples")

    def __init__(self) -> None:
        self.totals: dict[str, float] = dict.fromkeys((*INDICATOR_NAMES, *_PARTS), 0)
        self.categories: dict[str, dict[str, Counter[str]]] = {d: {} for d in DIMENSIONS}
        self.samples: dict[str, list[float]] = {name: [] for name in _MEDIANS}

    def count(self, name: str, rows: Iterable[Any]) -> None:
        """Count rows (each one fact) into an indicator and its breakdowns."""
        rows = list(rows)
        self.totals[name] += len(rows)
        for dimension, category_of in _DIMENSIONS_OF[name]:
            by_category = self.categories[dimension]
            for category, number in Counter(category_of(row) for row in rows).items():
                by_category.setdefault(category, Counter())[name] += number

    def count_distinct(self, name: str, rows: Iterable[Any]) -> None:
        """Count the rows' distinct keys (the last row of a key gives its categories)."""
        self.count(name, {row.key: row for row in rows}.values())

    def add(self, other: Tally) -> None:
        for name, value in other.totals.items():
            self.totals[name] += value
        for name, values in other.samples.items():
            self.samples[name] += values
        for dimension, by_category in other.categories.items():
            mine = self.categories[dimension]
            for category, counts in by_category.items():
                mine.setdefault(category, Counter()).update(counts)


SectionCounter = Callable[[Tally, Compiled, str | None, str], None]


def tally(compiled: Compiled, start: str | None, end: str,
          sections: Iterable[str] | None = None) -> Tally:
    """The tally of one partner's window: every section, or only those named."""
    found = Tally()
    for section in sections or COUNTERS:
        COUNTERS[section](found, compiled, start, end)
    return found


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of tallies (a country's, the network's)."""
    found = Tally()
    for one in tallies:
        found.add(one)
    return found


def _count_intake(tally: Tally, c: Compiled, start: str | None, end: str) -> None:
    tally.count("families_referred", c.referrals.between(start, end))
    tally.count("referrals_declined", c.declines.between(start, end))
    tally.count("families_enrolled", c.enrolments.between(start, end))
    tally.totals["families_not_shared"] += _unshared(c.unshared, start, end)


def _unshared(counts: dict[str, list[Counted]], start: str | None, end: str) -> int:
    """Per referral month in the window, the partner's latest count on or before `end`."""
    found = 0
    for month, counted in counts.items():
        if month > end[:7] or (start is not None and month < start[:7]):
            continue
        latest = [count.families for count in counted if count.counted_on <= end]
        found += latest[-1] if latest else 0
    return found


def _count_waiting(tally: Tally, c: Compiled, start: str | None, end: str) -> None:
    """The waiting list: families still waiting at end, days waited by waits ending in W."""
    tally.count("families_waiting", (wait for wait in c.waits.between(None, end)
                                     if wait.ended_on is None or wait.ended_on > end))
    tally.samples["median_days_waiting"] += [
        wait.days for wait in c.waits_ended.between(start, end) if wait.days is not None]


def _count_trajectories(tally: Tally, c: Compiled, start: str | None, end: str) -> None:
    tally.count_distinct("trajectories_started", (  # parents: one who re-enters counts once
        fact._replace(key=fact.parent) for fact in c.started.between(start, end)))
    tally.count("trajectories_completed", c.completed.between(start, end))
    tally.count("trajectories_dropped", c.dropped.between(start, end))
    tally.count("trajectories_ongoing", (fact for fact in c.running.between(None, end)
                                         if fact.stopped_on is None or fact.stopped_on > end))
    tally.count_distinct("development_plans_agreed", c.plans.between(start, end))
    trained = c.trainings.between(start, end)
    found_work = c.jobs.between(start, end)
    tally.count_distinct("parents_trained", trained)
    tally.count("trainings_completed", c.trainings_completed.between(start, end))
    tally.count_distinct("parents_found_work", found_work)
    tally.count_distinct("parents_working", (job for job in c.jobs.between(None, end)
                                             if job.ended_on is None or job.ended_on > end))
    tally.count_distinct("parents_reduced_distance_to_work", [*trained, *found_work])
    tally.count("parent_involvement_days", c.involvement_days.between(start, end))


def _count_childcare(tally: Tally, c: Compiled, start: str | None, end: str) -> None:
    totals = tally.totals
    tally.count_distinct("families_with_childcare", c.places.between(start, end))
    tally.count_distinct("children_cared_for", c.check_ins.between(start, end))
    attended = c.check_outs.between(start, end)
    totals["childcare_sessions"] += len(attended)
    totals["childcare_hours"] += math.fsum(check_out.hours_used for check_out in attended)
    for check_out in attended:
        if check_out.has_capacity:
            totals[f"attended_{check_out.daypart}"] += 1
    for session in c.capacities.between(start, end):
        totals[f"capacity_{session.daypart}"] += session.capacity
    tally.count("no_shows", c.no_shows.between(start, end))
    tally.count("late_cancellations", c.late_cancellations.between(start, end))
    tally.count("waitlist_length", (
        entry for entry in c.waitlist.between(None, end)
        if entry.session_on >= end and (entry.left_on is None or entry.left_on > end)))
    for name in c.handovers:
        tally.count_distinct(name, _cared_handovers(c, name, start, end))


def _cared_handovers(c: Compiled, name: str, start: str | None, end: str) -> list[Handover]:
    """Handovers dated in the window of children cared for (checked in by `end`)."""
    return [handover for handover in c.handovers[name].between(start, end)
            if handover.cared_from is not None and handover.cared_from <= end]


def _count_after_coaching(tally: Tally, c: Compiled, start: str | None, end: str) -> None:
    """Childcare after coaching: places after the trajectory ended, bridging, handover delay."""
    tally.count("places_after_trajectory_end", (
        place for place in c.places_after_end.between(start, end)
        if place.freed_on is None or place.freed_on > end))
    tally.count("families_bridging", (
        family for family in c.bridging.between(None, end)
        if end < family.ends_on and (family.handed_over_on is None
                                     or family.handed_over_on > end)))
    for name in c.handovers:
        tally.samples["median_days_to_handover"] += [
            handover.days_after_end for handover in _cared_handovers(c, name, start, end)
            if handover.days_after_end is not None]


COUNTERS: dict[str, SectionCounter] = {
    "intake": _count_intake,
    "waiting": _count_waiting,
    "trajectories": _count_trajectories,
    "childcare": _count_childcare,
    "after_coaching": _count_after_coaching,
    "esf": lambda tally, c, start, end: count_esf(tally, c.esf, start, end),
}
"""Section of contracts.indicators -> what counts its indicators."""


# -- figures: ratios and rounding --------------------------------------------------------------


def _ratio(numerator: float, denominator: float, decimals: int) -> float:
    return round(numerator / denominator, decimals) if denominator else 0.0


def figures_of(tally: Tally) -> Figures:
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


def breakdowns_of(tally: Tally) -> Breakdowns:
    """Per dimension, the categories with a non-zero figure, sorted, with their figures."""
    found: Breakdowns = {}
    for dimension, names in DIMENSIONS.items():
        by_category = tally.categories[dimension]
        found[dimension] = {
            category: {name: int(by_category[category][name]) for name in names}
            for category in sorted(by_category) if any(by_category[category].values())}
    return found
