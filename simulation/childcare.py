"""The childcare of one partner's families: who is cared for, when, and where each child goes next.

Childcare, as the partners describe it. A child's first and last sessions (attended: the
published figures rest on them) and a few sessions between, until the partner's
`dense_from`; from then on the children come every week on the day-parts they keep
(`WEEKLY_SLOTS`: mostly the two mornings) while the parent is coached, and stay as long as
they may, so that day-parts fill up to the policy's places and children wait. Each
session's bookings and cancellations are replayed as the booking service decides them
(`simulation.seating`), so the history knows who is booked and who waits. Some families
keep their places after a completed trajectory, for at most the policy's bridging period.
Every window keeps booking's own rules (services.booking.rules): the age rule, the places
per day-part and the bridging period come from there.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from contracts.booking import Daypart, HandoverDestination
from simulation.calibration import Calibration, CalibrationError
from simulation.dates import (
    AFTER_HISTORY,
    HISTORY_END,
    PRESCHOOL_AGE_DAYS,
    WEEKLY_SLOTS,
    Window,
    clip,
    days,
    is_session_day,
    session_days,
    session_days_in,
)
from simulation.families import Child, Family, Session
from simulation.profiles import PartnerProfile
from simulation.quotas import QuotaPlanner, pick, place
from simulation.seating import Request, seat


def destination(child: Child, on: date) -> HandoverDestination:
    """Preschool from about two and a half, regular childcare before."""
    return HandoverDestination.PRESCHOOL if (on - child.born).days > PRESCHOOL_AGE_DAYS \
        else HandoverDestination.REGULAR_CHILDCARE


class ChildcarePlanner(QuotaPlanner):
    """Decides one partner's childcare, pass by pass, for the families already planned."""

    def __init__(self, profile: PartnerProfile, rng: random.Random) -> None:
        super().__init__(rng, profile.calibration or Calibration())
        self.profile = profile
        self.places: Counter[tuple[date, Daypart]] = Counter()

    def childcare(self, enrolled: list[Family]) -> list[Child]:
        """The children cared for, each with its first (attended) session.

        A family's childcare starts with its youngest child that can come
        (families_with_childcare counts it from that first session); brothers and sisters
        may follow (children_cared_for).
        """
        rng, policy = self.rng, self.profile.policy
        anchors: list[Child | None] = []
        for family in enrolled:
            bridging = family.ending == "complete" and rng.random() < self.profile.bridging
            care_until = policy.bridge_end(family.ends_on) if bridging else family.ends_on
            for child in family.children:
                child.booking_from = family.enrolled_on + days(1)
                child.bridging_from = family.ends_on if bridging else None
                lo = max(family.enrolled_on + days(7), child.born + days(90))
                hi = min(care_until - days(1), child.last_day_aged_0_3(), HISTORY_END)
                child.care = session_days_in((lo, hi))
            able = [c for c in family.children if c.care]
            anchors.append(max(able, key=lambda c: c.care[1]) if able else None)
        naturals = [child.care[0] + days(rng.randint(0, 40))
                    if child and rng.random() < self.profile.childcare else None
                    for child in anchors]
        firsts = self.quota("families_with_childcare",
                            [child.care if child else None for child in anchors], naturals,
                            allowed=is_session_day)
        cared = []
        for child, day in zip(anchors, firsts, strict=True):
            if day is not None:
                child.first_session = day
                cared.append(child)
        siblings = [(family, child) for family, anchor in zip(enrolled, anchors, strict=True)
                    if anchor and anchor.first_session for child in family.children
                    if child is not anchor]
        windows: list[Window | None] = []
        for family, child in siblings:
            since = next(c for c in family.children if c.first_session).first_session
            windows.append((max(child.care[0], since), child.care[1]) if child.care else None)
        naturals = [window[0] + days(rng.randint(0, 60))
                    if window and rng.random() < 0.8 else None for window in windows]
        quotas = [(as_of, total - sum(1 for c in cared if c.first_session <= as_of))
                  for as_of, total in self.targets.quotas("children_cared_for")]
        for (_family, child), day in zip(siblings, self.quota(
                "children_cared_for", windows, naturals, quotas, allowed=is_session_day),
                strict=True):
            if day is not None:
                child.first_session = day
                cared.append(child)
        return cared

    def care_periods(self, cared: list[Child]) -> None:
        """Each child's last (attended) session, two months to a year after its first.

        With a year's target (children_cared_for of that year), the children who start in
        the year count; of those cared for before it who could still come in it, exactly
        as many as are missing have their last session in the year, the others before it.
        """
        rng, dense_from = self.rng, self.profile.dense_from or AFTER_HISTORY
        bridging_weeks = self.profile.policy.bridging_weeks
        naturals = {id(c): c.first_session + days(rng.randint(60, 400)) for c in cared}
        for child in cared:
            if child.bridging_from and child.care[1] >= child.bridging_from:  # kept after
                naturals[id(child)] = max(naturals[id(child)], child.bridging_from
                                          + days(rng.randint(0, 7 * bridging_weeks - 1)))
            if child.care[1] >= dense_from:  # weekly care: kept as long as the child may come
                naturals[id(child)] = max(naturals[id(child)],
                                          child.care[1] - days(rng.randint(0, 30)))
        spans = {id(c): (c.first_session, c.care[1]) for c in cared}
        year = self.targets.year
        if year is not None:
            starts, ends = date(year.year, 1, 1), date(year.year, 12, 31)
            reaching = [c for c in cared if c.first_session < starts
                        and clip(c.care, starts - days(1), ends, is_session_day)]
            inside = sum(1 for c in cared if starts <= c.first_session <= ends)
            chosen = pick(rng, reaching, year.children_cared_for - inside,
                          lambda c: naturals[id(c)] >= starts, "children_cared_for",
                          f"the year {year.year}")
            for child in reaching:
                spans[id(child)] = (max(child.first_session, starts), min(child.care[1], ends)) \
                    if child in chosen else (child.first_session, starts - days(1))
        for child in cared:
            child.last_session = place(rng, naturals[id(child)],
                                       session_days_in(spans[id(child)]), is_session_day)

    def handovers(self, cared: list[Child]) -> None:
        """A warm handover within two weeks of the last session: to a preschool class from
        about two and a half, to regular childcare before. With a year's target, exactly the
        given numbers of the children cared for that year are handed over in it, and no other
        child is; a child moving on to preschool that year may stay in care longer in it,
        until at most four months before it is old enough (the slow handover partners know)."""
        rng = self.rng
        natural: dict[int, date | None] = {}
        for child in cared:
            day = child.last_session + days(rng.randint(1, 14))
            wanted = rng.random() < self.profile.handover
            natural[id(child)] = day if wanted and day <= HISTORY_END else None
        year = self.targets.year
        chosen: list[Child] = []
        if year is not None:
            starts, ends = date(year.year, 1, 1), date(year.year, 12, 31)
            in_year = [c for c in cared if starts <= c.last_session <= ends]
            of_age = {id(c): c.born + days(PRESCHOOL_AGE_DAYS + 1) for c in in_year}

            def last_for_preschool(child: Child) -> date | None:
                """Its last session, or a later one in the year at most four months before
                it is old enough for preschool (None: it is not old enough in the year)."""
                if of_age[id(child)] > ends:
                    return None
                span = session_days_in((max(child.last_session, of_age[id(child)] - days(120)),
                                        min(child.care[1], ends)))
                return span[0] if span else None

            def soon(child: Child) -> date:
                return min(child.last_session + days(rng.randint(1, 14)), ends)

            to_preschool = pick(
                rng, [c for c in in_year if last_for_preschool(c)],
                year.children_handed_over_preschool,
                lambda c: natural[id(c)] is not None and of_age[id(c)] <= c.last_session,
                "children_handed_over_preschool", f"the year {year.year}")
            for child in to_preschool:
                child.last_session = last_for_preschool(child)
                child.handover = (max(soon(child), of_age[id(child)]),
                                  HandoverDestination.PRESCHOOL)
            regular = {id(c): soon(c) for c in in_year if c not in to_preschool}
            to_regular = pick(
                rng, [c for c in in_year if id(c) in regular and destination(
                    c, regular[id(c)]) is HandoverDestination.REGULAR_CHILDCARE],
                year.children_handed_over_regular, lambda c: natural[id(c)] is not None,
                "children_handed_over_regular", f"the year {year.year}")
            for child in to_regular:
                child.handover = (regular[id(child)], HandoverDestination.REGULAR_CHILDCARE)
            chosen = to_preschool + to_regular
            for child in cared:  # nobody else is handed over in the year
                day = natural[id(child)]
                if day is not None and starts <= day <= ends:
                    natural[id(child)] = None
        for child in cared:
            if child not in chosen and (day := natural[id(child)]) is not None:
                child.handover = (day, destination(child, day))

    def book_sessions(self, cared: list[Child]) -> None:
        """Each child's bookings from its first to its last session (both attended), the
        ones between sometimes missed or cancelled, at most the policy's places a session.

        Before `dense_from` a child comes a few times in all (two to five sessions); from
        it on, as the partners describe it, a few day-parts every week (mostly mornings)
        while the parent is coached, so that day-parts fill up and children wait: each
        session's bookings are replayed as the service decides them (`seating.seat`).
        """
        rng, dense_from = self.rng, self.profile.dense_from or AFTER_HISTORY
        capacity = self.profile.policy.max_places_per_daypart
        by_session: dict[tuple[date, Daypart], list[tuple[Child, Daypart, Request]]] = {}

        def want(child: Child, day: date, daypart: Daypart, anchor: bool, dense: bool) -> None:
            roll = rng.random()
            no_show, cancel = (0.15, 0.05) if dense else (0.3, 0.1)
            intent = "attended" if anchor or roll >= no_show else \
                "no_show" if roll >= cancel else "cancelled"
            booked_on = max(day - days(rng.randint(0, 6)), child.booking_from)
            if intent == "cancelled" and booked_on == day:
                intent = "no_show"
            request = Request(day, booked_on, (child.child_id,), anchor, intent)
            by_session.setdefault((day, daypart), []).append((child, daypart, request))

        for child in cared:
            for day in sorted({child.first_session, child.last_session}):
                dayparts = rng.sample(list(Daypart), 2)
                daypart = next((d for d in dayparts if self.places[(day, d)] < capacity), None)
                if daypart is None:
                    raise CalibrationError(f"{self.profile.partner}: no place on {day}")
                self.places[(day, daypart)] += 1
                want(child, day, daypart, True, day >= dense_from)
        for child in cared:
            sparse = session_days(child.first_session + days(1),
                                  min(child.last_session, dense_from) - days(1))
            for day in sorted(rng.sample(sparse, min(len(sparse), rng.randint(0, 3)))):
                want(child, day, rng.choice(list(Daypart)), False, False)
            weekly = [d for d in WEEKLY_SLOTS if rng.random() < WEEKLY_SLOTS[d]]
            for day in session_days(max(child.first_session + days(1), dense_from),
                                    child.last_session - days(1)):
                for weekday, daypart in weekly:
                    if day.weekday() == weekday and rng.random() >= 0.05:  # ill, away
                        want(child, day, daypart, False, True)
        for (day, daypart), wishes in sorted(by_session.items()):
            seat([request for _c, _d, request in wishes], capacity)
            for child, _daypart, request in wishes:
                if request.kept:
                    child.sessions.append(Session(day, daypart, request.booked_on,
                                                  request.outcome))
        for child in cared:
            child.sessions.sort(key=lambda session: (session.day, session.daypart))
