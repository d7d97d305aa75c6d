"""A synthetic, realistic history of the PACE network, as dated commands for the real services.

`plan_history()` is pure: from a seed and the partners' profiles (simulation.profiles) it
decides each family's path (referral, consent, enrolment or decline, development plan,
training, job, involvement days, completion or drop-out, its children's childcare sessions
and their handover, simulation.childcare) and turns the paths into `Step`s
(simulation.family_steps): one command for one partner's service on one day, in the order a
real week would see them. `drive()` (simulation.driver) sends them.

Calibration (simulation.calibration). Every family first draws a natural path from its
partner's odds (`PartnerProfile`). A partner with a `Calibration` then gets its figures
exactly, by quota (simulation.quotas): for each fact (an enrolment, a completion, a job
started, a family's first childcare session, ...) and each as-of date with a target,
exactly as many families (or children) as the target asks get the fact dated after the
previous as-of date and on or before this one, chosen among those whose path allows it
there: those whose natural date falls there first, then others at random. The others get
the fact after that as-of date (a completion, a drop-out) or not at all. The passes run in
the order the facts depend on each other (referral, enrolment, end of trajectory, plan, job,
training, childcare, care periods, handover) and every window keeps the services' rules, so
every command is accepted. A target the families cannot meet raises `CalibrationError`: a
history never silently gives another figure. No seed is searched for: other seeds give the
same figures (about one seed in 500 raises CalibrationError instead, its families being too
few for a quota).

Names and places fit each partner's language (simulation.names); every name, phone number
and national number is invented. Dates run from the programme's start in October 2016 to
the end of 2022; each partner starts in its own month. The Interreg programme ended in March
2021: the other partners take in their last families in January 2021 and see them through,
while Mechelen, the lead partner, goes on taking in families until the autumn of 2022.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from simulation.calibration import Calibration, CalibrationError
from simulation.childcare import ChildcarePlanner
from simulation.dates import HISTORY_END, days
from simulation.families import Child, Family
from simulation.family_steps import FamilySteps, capacities_and
from simulation.names import NAMES
from simulation.profiles import PartnerProfile
from simulation.quotas import QuotaPlanner, spread
from simulation.steps import Step


def plan_history(profiles: Sequence[PartnerProfile], seed: int = 2016) -> list[Step]:
    """Every step of every partner's history, in the order the days bring them."""
    steps: list[Step] = []
    for profile in profiles:
        rng = random.Random(f"{seed}/{profile.partner}")
        families = PartnerPlanner(profile, rng).families()
        steps += capacities_and(profile, [
            step for family in families for step in FamilySteps(profile, rng, family).steps])
    steps.sort(key=lambda s: s.order)
    return steps


class PartnerPlanner(QuotaPlanner):
    """Decides every family's path for one partner, pass by pass (see the module docstring)."""

    def __init__(self, profile: PartnerProfile, rng: random.Random) -> None:
        super().__init__(rng, profile.calibration or Calibration())
        self.profile = profile

    def families(self) -> list[Family]:
        """The partner's families, each with its whole path and its children's childcare."""
        families = self.refer()
        self.enrol(families)
        enrolled = [f for f in families if f.enrolled_on is not None]
        self.end_trajectories(enrolled)
        self.agree_plans(enrolled)
        self.find_work(enrolled)
        self.train(enrolled)
        care = ChildcarePlanner(self.profile, self.rng)
        cared = care.childcare(enrolled)
        care.care_periods(cared)
        care.handovers(cared)
        care.book_sessions(cared)
        return families

    # -- intake --------------------------------------------------------------------------------

    def refer(self) -> list[Family]:
        """Referral days spread over the partner's months, as many before each as-of date as
        its `families_referred` target says."""
        profile, rng = self.profile, self.rng
        until = profile.referrals_until or HISTORY_END - days(120)
        referred: list[date] = []
        since, count = profile.starts, 0
        for as_of, total in self.targets.quotas("families_referred"):
            if total < count or (total > count and min(as_of, until) < since):
                raise CalibrationError(f"{profile.partner}: cannot refer {total} families "
                                       f"by {as_of}")
            referred += spread(rng, since, min(as_of, until), total - count)
            since, count = as_of + days(1), total
        if count > profile.families or (count < profile.families and since > until):
            raise CalibrationError(f"{profile.partner}: {profile.families} families do not "
                                   "fit the families_referred targets")
        referred += spread(rng, since, until, profile.families - count)
        return [Family(number, day, self.children(number, day))
                for number, day in enumerate(referred, start=1)]

    def children(self, number: int, referred_on: date) -> list[Child]:
        """One to three children, born two months to two and a half years before referral."""
        names = NAMES[self.profile.language][2]
        count = self.rng.choices((1, 2, 3), (60, 30, 10))[0]
        return [Child(f"chi-{number:04d}-{index}", self.rng.choice(names),
                      f"{referred_on - days(self.rng.randint(60, 900)):%Y-%m}")
                for index in range(1, count + 1)]

    def enrol(self, families: list[Family]) -> None:
        """Consent a few days after referral; enrolment (trajectories_started) or decline."""
        rng = self.rng
        for family in families:
            family.consent_on = family.referred_on + days(rng.randint(1, 6))
        naturals = [f.consent_on + days(rng.randint(5, 30)) if rng.random() < self.profile.enrol
                    else None for f in families]
        windows = [(f.consent_on + days(5), f.consent_on + days(40)) for f in families]
        for family, day in zip(families, self.quota("trajectories_started", windows, naturals),
                               strict=True):
            family.enrolled_on = day

    # -- trajectory ----------------------------------------------------------------------------

    def end_trajectories(self, enrolled: list[Family]) -> None:
        """Completion after 5 months to 2 years, drop-out after 1 month, or still open."""
        rng, profile = self.rng, self.profile
        completing: list[date | None] = []
        dropping: list[date | None] = []
        for family in enrolled:
            roll, started = rng.random(), family.enrolled_on
            completing.append(started + days(rng.randint(200, 700))
                              if roll < profile.complete else None)
            dropping.append(started + days(rng.randint(60, 400))
                            if profile.complete <= roll < profile.complete + profile.drop
                            else None)
        completed = self.quota(
            "trajectories_completed", [(f.enrolled_on + days(150), HISTORY_END) for f in enrolled],
            completing, postpone=True)
        rest = [i for i, day in enumerate(completed) if day is None]
        dropped = self.quota(
            "trajectories_dropped", [(enrolled[i].enrolled_on + days(30), HISTORY_END)
                                     for i in rest],
            [dropping[i] for i in rest], postpone=True)
        for family, day in zip(enrolled, completed, strict=True):
            if day is not None:
                family.ends_on, family.ending = day, "complete"
        for i, day in zip(rest, dropped, strict=True):
            if day is not None:
                enrolled[i].ends_on, enrolled[i].ending = day, "drop"

    def agree_plans(self, enrolled: list[Family]) -> None:
        """A personal development plan in the first months (development_plans_agreed)."""
        rng = self.rng
        naturals = [f.enrolled_on + days(rng.randint(10, 45))
                    if rng.random() < self.profile.plan else None for f in enrolled]
        windows = [f.open(10, f.enrolled_on + days(90)) for f in enrolled]
        for family, day in zip(enrolled, self.quota("development_plans_agreed", windows,
                                                    naturals), strict=True):
            family.plan_on = day

    def find_work(self, enrolled: list[Family]) -> None:
        """A job started during the trajectory (parents_found_work)."""
        rng = self.rng
        naturals = [f.enrolled_on + days(rng.randint(60, 500))
                    if rng.random() < self.profile.job else None for f in enrolled]
        windows = [f.open(30) for f in enrolled]
        for family, day in zip(enrolled, self.quota("parents_found_work", windows, naturals),
                               strict=True):
            family.job_on = day

    def train(self, enrolled: list[Family]) -> None:
        """A training started during the trajectory (parents_trained), so that the parents
        who started a training or a job (parents_reduced_distance_to_work) come out right.

        Parents who found work by the reduced-distance as-of date already count there: their
        trainings are left to chance. Every other parent's training counts in both figures.
        """
        rng = self.rng
        union = self.targets.quotas("parents_reduced_distance_to_work")
        if len(union) > 1:
            raise CalibrationError("parents_reduced_distance_to_work: one as-of date at most")
        by = union[0][0] if union else None
        naturals = [f.enrolled_on + days(rng.randint(30, 150))
                    if rng.random() < self.profile.training else None for f in enrolled]
        working = [i for i, f in enumerate(enrolled)
                   if by is not None and f.job_on is not None and f.job_on <= by]
        others = [i for i in range(len(enrolled)) if i not in working]
        for i, day in zip(working, self.quota(
                "parents_trained", [enrolled[i].open(20) for i in working],
                [naturals[i] for i in working], quotas=[]), strict=True):
            enrolled[i].training_on = day

        def trained_by(as_of: date) -> int:
            return sum(1 for i in working if (enrolled[i].training_on or date.max) <= as_of)

        wanted = {as_of: total - trained_by(as_of)
                  for as_of, total in self.targets.quotas("parents_trained")}
        for as_of, total in union:
            part = total - sum(1 for f in enrolled if f.job_on and f.job_on <= as_of)
            if wanted.setdefault(as_of, part) != part:
                raise CalibrationError(f"parents_trained and parents_reduced_distance_to_work "
                                       f"as of {as_of} contradict each other")
        for i, day in zip(others, self.quota(
                "parents_trained", [enrolled[i].open(20) for i in others],
                [naturals[i] for i in others], quotas=sorted(wanted.items())), strict=True):
            enrolled[i].training_on = day
