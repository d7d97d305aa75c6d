"""The figures a history is built to give: the partners' published figures as exact targets.

The published figures (../shared/ARCHITECTURE.md, "The job") and what gives them, by the
definitions of services/reporting/domain.py ("network": the sum over the delivery
partners of the registry, deploy/partners.toml):

| published figure            | indicator                        | scope    | period  | as of      |
|-----------------------------|----------------------------------|----------|---------|------------|
| 86 parents referred         | families_referred                | mechelen | to-date | 2020-02-29 |
| 67 into a trajectory        | trajectories_started             | mechelen | to-date | 2020-02-29 |
| 34 trajectories completed   | trajectories_completed           | mechelen | to-date | 2020-02-29 |
| 33 ongoing                  | trajectories_ongoing             | mechelen | to-date | 2020-02-29 |
| (so none dropped)           | trajectories_dropped = 0         | mechelen | to-date | 2020-02-29 |
| of the 67, 27 working       | parents_found_work               | mechelen | to-date | 2020-02-29 |
| 167 families entered        | families_referred                | mechelen | to-date | 2022-12-31 |
| 147 children cared for      | children_cared_for               | mechelen | to-date | 2022-12-31 |
| 58 parents working          | parents_found_work               | mechelen | to-date | 2022-12-31 |
| 90 followed a training      | parents_trained                  | mechelen | to-date | 2022-12-31 |
| 33 children in care in 2022 | children_cared_for               | mechelen | 2022    | 2022-12-31 |
| of them 7 to regular care   | children_handed_over_regular     | mechelen | 2022    | 2022-12-31 |
| and 6 to a preschool class  | children_handed_over_preschool   | mechelen | 2022    | 2022-12-31 |
| 697 access to childcare     | families_with_childcare          | network  | to-date | 2021-03-31 |
| 544 less distance to work   | parents_reduced_distance_to_work | network  | to-date | 2021-03-31 |
| about 500 development plans | development_plans_agreed         | network  | to-date | 2021-03-31 |

"Working" is read as parents_found_work (parents who started a job by then), not the stock
parents_working. Mechelen's referrals all fall in 2017-2022, so its to-date figures as of
2022-12-31 are also those of the period 2017..2022; the 13 children handed over in 2022 are
among the 33 cared for in 2022. The network's figures are shared out (simulation.profiles):
Mechelen's own part is fixed in `MECHELEN_TARGETS` (not published on its own), the rest is
split over the other delivery partners in proportion to their size, and each partner meets
its share exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from simulation.dates import HISTORY_END, PROGRAMME_END


class CalibrationError(ValueError):
    """A target the planned families cannot meet (or targets that contradict each other)."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """Exact to-date figures of one partner as of a date (None: left to chance).

    Each field is the indicator of the same name in services/reporting/domain.py.
    `trajectories_ongoing` is implied by started - completed - dropped and is checked.
    """

    as_of: date
    families_referred: int | None = None
    trajectories_started: int | None = None
    trajectories_completed: int | None = None
    trajectories_dropped: int | None = None
    trajectories_ongoing: int | None = None
    development_plans_agreed: int | None = None
    parents_trained: int | None = None
    parents_found_work: int | None = None
    parents_reduced_distance_to_work: int | None = None
    families_with_childcare: int | None = None
    children_cared_for: int | None = None

    def __post_init__(self) -> None:
        if self.trajectories_ongoing is None:
            return
        parts = (self.trajectories_started, self.trajectories_completed,
                 self.trajectories_dropped)
        if None in parts or parts[0] - parts[1] - parts[2] != self.trajectories_ongoing:
            raise CalibrationError(f"as of {self.as_of}: trajectories_ongoing must equal "
                                   "started - completed - dropped, all three given")


@dataclass(frozen=True, slots=True)
class YearFigures:
    """Exact figures of one partner for a calendar year (period "YYYY", as of its last day).

    The children handed over are chosen among the children cared for in that year.
    """

    year: int
    children_cared_for: int
    children_handed_over_regular: int
    children_handed_over_preschool: int


@dataclass(frozen=True, slots=True)
class Calibration:
    """The exact figures a partner's history is built to give."""

    milestones: tuple[Milestone, ...] = ()
    year: YearFigures | None = None

    def quotas(self, indicator: str) -> list[tuple[date, int]]:
        """(as_of, to-date value) of one indicator, for each milestone that sets it."""
        return sorted((m.as_of, value) for m in self.milestones
                      if (value := getattr(m, indicator)) is not None)

    def at(self, as_of: date) -> Milestone | None:
        """The milestone of that as-of date, if any."""
        return next((m for m in self.milestones if m.as_of == as_of), None)


@dataclass(frozen=True, slots=True)
class NetworkTargets:
    """Exact to-date figures of the whole network as of a date: the sum over the registry's
    delivery partners (whoever they are: a partner added there takes its share)."""

    as_of: date
    families_with_childcare: int
    parents_reduced_distance_to_work: int
    development_plans_agreed: int

    INDICATORS: ClassVar[tuple[str, ...]] = (
        "families_with_childcare", "parents_reduced_distance_to_work",
        "development_plans_agreed")


MECHELEN_TARGETS = Calibration(
    milestones=(
        Milestone(date(2020, 2, 29), families_referred=86, trajectories_started=67,
                  trajectories_completed=34, trajectories_dropped=0, trajectories_ongoing=33,
                  parents_found_work=27),
        # Not published: Mechelen's own part of the network's figures of March 2021.
        Milestone(PROGRAMME_END, families_with_childcare=80,
                  parents_reduced_distance_to_work=80, development_plans_agreed=82),
        Milestone(HISTORY_END, families_referred=167, children_cared_for=147,
                  parents_found_work=58, parents_trained=90,
                  families_with_childcare=114),  # not published: leaves 33 brothers and sisters
    ),
    year=YearFigures(2022, children_cared_for=33, children_handed_over_regular=7,
                     children_handed_over_preschool=6),
)
"""The lead partner's published figures (see the table above), and the few unpublished
values that fix how they fit together."""

NETWORK_TARGETS = NetworkTargets(
    PROGRAMME_END, families_with_childcare=697, parents_reduced_distance_to_work=544,
    development_plans_agreed=500)
"""The whole programme's published figures (October 2016 - March 2021)."""
