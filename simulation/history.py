"""A synthetic, realistic history of the PACE network, as dated commands for the real services.

`plan_history()` is pure: from a seed and the partners' profiles it decides each family's
path (referral, consent, enrolment or decline, development plan, training, job, involvement
days, completion or drop-out, its children's childcare sessions and their handover) and
turns the paths into `Step`s: one command for one partner's service on one day, in the
order a real week would see them. `drive()` (in simulation.driver) sends them.

Calibration. Every family first draws a natural path from its partner's odds
(`PartnerProfile`). A partner with a `Calibration` then gets its figures exactly, by quota:
for each fact (an enrolment, a completion, a job started, a family's first childcare
session, ...) and each as-of date with a target, exactly as many families (or children) as
the target asks get the fact dated after the previous as-of date and on or before this one,
chosen among those whose path allows it there: those whose natural date falls there first,
then others at random. The others get the fact after that as-of date (a completion, a
drop-out) or not at all. The passes run in the order the facts depend on each other
(referral, enrolment, end of trajectory, plan, job, training, childcare, care periods,
handover) and every window keeps the services' rules, so every command is accepted. A
target the families cannot meet raises `CalibrationError`: a history never silently gives
another figure. No seed is searched for: other seeds give the same figures (about one seed
in 500 raises CalibrationError instead, its families being too few for a quota).

The published figures (../shared/ARCHITECTURE.md, "The job") and what gives them, by the
definitions of services/reporting/indicators.py ("network": the sum over the ten delivery
partners of deploy/partners.toml):

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
among the 33 cared for in 2022. The network's figures are shared out: Mechelen's own part
is fixed in `MECHELEN_TARGETS` (not published on its own), the rest is split over the other
partners in proportion to their size (`default_profiles`), and each partner meets its share
exactly. Only the full history (scale 1.0) is calibrated: Mechelen whenever it is planned,
the network when every partner it is about is. Smaller or partial histories have the same
shape, by chance.

Childcare, as the partners describe it. A child's first and last sessions (attended: the
published figures rest on them) and a few sessions between, until DENSE_FROM (2022-01-01);
from then on the lead partner's children come every week on the day-parts they keep
(`WEEKLY_SLOTS`: mostly the two mornings) while the parent is coached, and stay as long as
they may: Mechelen's mornings run at or near their 15 places from the spring of 2022 and
children wait for a place. Each session's bookings and cancellations are replayed as the
booking service decides them (`simulation.seating`), so the history knows who is booked
and who waits, and the driver sends each session's steps in that order. Some families keep
their places after a completed trajectory, for at most BRIDGING_WEEKS (the booking rules'
bridging period): places after coaching ended, which the partners want to see go. Every
other partner's children come a few times in all (`default_profiles(everyone=True)` makes
them weekly too: many more commands).

Names and places fit each partner's language; every name, phone number and national
number is invented. Dates run from the programme's start in October 2016 to the end of
2022; each partner starts in its own month. The Interreg programme ended in March 2021:
the other partners take in their last families in January 2021 and see them through, while
Mechelen, the lead partner, goes on taking in families until the autumn of 2022.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel

from contracts.booking import Daypart, HandoverDestination, session_id
from contracts.commands import (
    AgreePlan,
    BookSlot,
    CancelBooking,
    CheckIn,
    CheckOut,
    ChildDetails,
    CompleteTraining,
    CompleteTrajectory,
    DeclineReferral,
    DropTrajectory,
    EndJob,
    EnrolFamily,
    HandOverChild,
    ParentDetails,
    RecordConsent,
    RecordInvolvementDay,
    RecordNoShow,
    ReferFamily,
    SetDaypartCapacity,
    StartJob,
    StartTraining,
)
from contracts.intake import ConsentPurpose, DeclineReason, Gender, ReferralSource
from contracts.trajectory import (
    CompletionOutcome,
    DropReason,
    JobKind,
    LifeDomain,
    TrainingKind,
)
from simulation.seating import Request, seat

HISTORY_START = date(2016, 10, 3)
HISTORY_END = date(2022, 12, 31)
PROGRAMME_END = date(2021, 3, 31)  # the end of the Interreg programme
LAST_PROGRAMME_REFERRAL = date(2021, 1, 31)  # the other partners' last new families
CAPACITY = 15
BRIDGING_WEEKS = 8  # after a completed trajectory, places may stay while a regular one is found
DENSE_FROM = date(2022, 1, 1)  # from here on, children come every week (full realism)
WEEKLY_SLOTS = {(1, Daypart.MORNING): 0.95, (3, Daypart.MORNING): 0.95,
                (1, Daypart.AFTERNOON): 0.35, (3, Daypart.AFTERNOON): 0.35}
"""(weekday, day-part) -> the chance a child comes then every week (Tuesdays, Thursdays)."""
PRESCHOOL_AGE_DAYS = 900  # from about two and a half, a child moves on to a preschool class
AFTER_HISTORY = HISTORY_END + timedelta(days=1)  # the "end" of a trajectory still open

# The time of day each kind of step happens; steps of one day run in this order.
# UTC; bookings early enough to be before the same-day cut-off (08:00) on every partner's
# own clock, summer time included.
PHASES: dict[str, time] = {
    "capacity": time(5, 0), "booking": time(5, 30), "intake": time(9, 0),
    "trajectory": time(10, 0), "cancel": time(11, 0), "attendance": time(17, 0),
    "handover": time(18, 0),
}
PHASE_ORDER = {name: index for index, name in enumerate(PHASES)}
SESSION_START = {Daypart.MORNING: time(8, 30), Daypart.AFTERNOON: time(13, 0)}

_NAMES = {
    "nl": (["Emma", "Noor", "Fatima", "Lotte", "Sara", "Yasmina", "Els", "Ines", "Layla", "Anouk",
            "Mohamed", "Jan", "Youssef", "Pieter", "Ahmed", "Tom", "Bram", "Karim"],
           ["Peeters", "Janssens", "Maes", "El Amrani", "Claes", "Wouters", "De Smet", "Yilmaz",
            "Van den Broeck", "Bakker", "De Vries", "Mertens", "Benali", "Jacobs", "Visser"],
           ["Lina", "Finn", "Mila", "Adam", "Zoë", "Amir", "Lou", "Nora", "Jules", "Sem"]),
    "fr": (["Camille", "Fatou", "Léa", "Amina", "Manon", "Chloé", "Nadia", "Sophie", "Inès",
            "Karim", "Julien", "Mehdi", "Thomas", "Samir", "Nicolas", "Yacine"],
           ["Martin", "Bernard", "Dubois", "Lefebvre", "Benali", "Leroy", "Moreau", "Diallo",
            "Lambert", "Fournier", "Haddad", "Dupont", "Garnier", "Mercier"],
           ["Louise", "Gabriel", "Jade", "Raphaël", "Alice", "Adam", "Lina", "Hugo", "Rose"]),
    "en": (["Olivia", "Amelia", "Sophie", "Aisha", "Chloe", "Grace", "Hannah", "Zara", "Megan",
            "James", "Mohammed", "Daniel", "Ryan", "Liam", "Oliver", "Kwame"],
           ["Smith", "Jones", "Taylor", "Brown", "Williams", "Khan", "Evans", "Wilson", "Ahmed",
            "Thomas", "Roberts", "Walker", "Okafor", "Hughes"],
           ["Isla", "Noah", "Ava", "Leo", "Freya", "Arlo", "Maya", "Theo", "Ivy", "Oscar"]),
}
_PHONE = {"nl": "+32 4{:02d} {:02d} {:02d} {:02d}", "fr": "+33 6 {:02d} {:02d} {:02d} {:02d}",
          "en": "+44 7700 9{:02d}{:02d}{:02d}{:02d}"}
_SOURCES = [(ReferralSource.PUBLIC_EMPLOYMENT_SERVICE, 40),
            (ReferralSource.SOCIAL_SERVICES, 30),
            (ReferralSource.CHILD_AND_FAMILY_AGENCY, 20), (ReferralSource.SELF, 6),
            (ReferralSource.OTHER, 4)]


@dataclass(frozen=True, slots=True)
class Step:
    """One command for one partner's service, on a day, at the time of its phase."""

    day: date
    phase: str
    partner: str
    context: str
    command: BaseModel
    family_id: str

    @property
    def at(self) -> datetime:
        return datetime.combine(self.day, PHASES[self.phase], tzinfo=UTC)

    @property
    def order(self) -> tuple[date, int]:
        return self.day, PHASE_ORDER[self.phase]


# -- calibration: the figures a history is built to give ----------------------------------------


class CalibrationError(ValueError):
    """A target the planned families cannot meet (or targets that contradict each other)."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """Exact to-date figures of one partner as of a date (None: left to chance).

    Each field is the indicator of the same name in services/reporting/indicators.py.
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
        return next((m for m in self.milestones if m.as_of == as_of), None)


@dataclass(frozen=True, slots=True)
class NetworkTargets:
    """Exact to-date figures of the whole network (the sum over `partners`) as of a date."""

    as_of: date
    partners: tuple[str, ...]
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
    PROGRAMME_END,
    partners=("mechelen", "gent", "turnhout", "demussen", "wattrelos", "arques",
              "saint-martin", "brighton", "kent", "tep"),
    families_with_childcare=697, parents_reduced_distance_to_work=544,
    development_plans_agreed=500)
"""The whole programme's published figures (October 2016 - March 2021)."""


@dataclass(frozen=True, slots=True)
class PartnerProfile:
    """How a partner's history is shaped: size, start, the odds of each path, its targets.

    `referrals_until` is the last day a family can be referred (None: 120 days before the
    history ends). With a `calibration`, its figures are met exactly whatever the odds.
    """

    partner: str
    language: str
    families: int
    starts: date
    enrol: float = 0.8
    plan: float = 0.85
    training: float = 0.6
    job: float = 0.4
    complete: float = 0.55
    drop: float = 0.12
    childcare: float = 0.9
    handover: float = 0.6
    referrals_until: date | None = None
    calibration: Calibration | None = None
    bridging: float = 0.0  # the share of completed families that keep places after coaching
    dense_from: date | None = None  # children come every week from this day (None: never)


def default_profiles(partners: Sequence[Any], scale: float = 1.0,
                     network: NetworkTargets | None = NETWORK_TARGETS,
                     dense_from: date | None = DENSE_FROM, everyone: bool = False
                     ) -> list[PartnerProfile]:
    """Profiles for the delivery partners: the lead partner first, the others smaller.

    At scale 1.0 the lead partner carries MECHELEN_TARGETS and, when `partners` are exactly
    the network's, each other partner its share of the network's targets. The lead
    partner's children come every week from `dense_from` on (None: never), and so do every
    partner's with `everyone` (HISTORY_START and everyone: all along, several times slower).
    """
    calibrated = scale == 1.0
    profiles = []
    for index, info in enumerate(partners):
        if info.lead:
            profiles.append(PartnerProfile(
                info.id, info.language, max(1, round(167 * scale)), date(2017, 1, 9),
                enrol=0.85, plan=0.9, training=0.7, job=0.5, complete=0.65, drop=0.08,
                calibration=MECHELEN_TARGETS if calibrated else None, bridging=0.6,
                dense_from=dense_from))
        else:
            families = 80 + (index * 17) % 45
            profiles.append(PartnerProfile(
                info.id, info.language, max(1, round(families * scale)),
                date(2017, 1 + index % 9, 2), enrol=0.85, plan=0.7,
                referrals_until=LAST_PROGRAMME_REFERRAL, bridging=0.4,
                dense_from=dense_from if everyone else None))
    if calibrated and network is not None and \
            sorted(p.partner for p in profiles) == sorted(network.partners):
        profiles = _share_out(profiles, network)
    return profiles


def _share_out(profiles: list[PartnerProfile], network: NetworkTargets) -> list[PartnerProfile]:
    """Each partner's part of the network's targets: a partner whose calibration fixes its
    part (Mechelen) keeps it; the rest is split over the others by their number of families."""
    def own_part(profile: PartnerProfile) -> Milestone | None:
        return profile.calibration.at(network.as_of) if profile.calibration else None

    fixed = [part for p in profiles if (part := own_part(p)) is not None]
    sharing = [p for p in profiles if own_part(p) is None]
    shares: dict[str, list[int]] = {}
    for indicator in NetworkTargets.INDICATORS:
        if any(getattr(part, indicator) is None for part in fixed):
            raise CalibrationError(f"a partner's own part of the network's {indicator} "
                                   f"as of {network.as_of} is missing")
        rest = getattr(network, indicator) - sum(getattr(part, indicator) for part in fixed)
        shares[indicator] = _split(rest, [p.families for p in sharing], indicator)
    calibrated = {}
    for index, profile in enumerate(sharing):
        base = profile.calibration or Calibration()
        part = Milestone(network.as_of, **{name: shares[name][index] for name in shares})
        calibrated[profile.partner] = replace(
            profile, calibration=replace(base, milestones=(*base.milestones, part)))
    return [calibrated.get(p.partner, p) for p in profiles]


def _split(total: int, weights: list[int], what: str) -> list[int]:
    """`total` split in proportion to the weights, in whole numbers (largest remainders)."""
    if total < 0 or (total and not weights):
        raise CalibrationError(f"cannot share out {total} {what}")
    exact = [total * weight / sum(weights) for weight in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[:total - sum(parts)]:
        parts[i] += 1
    return parts


def plan_history(profiles: Sequence[PartnerProfile], seed: int = 2016) -> list[Step]:
    """Every step of every partner's history, in the order the days bring them."""
    steps: list[Step] = []
    for profile in profiles:
        rng = random.Random(f"{seed}/{profile.partner}")
        planner = _PartnerPlanner(profile, rng)
        families = planner.families()
        steps += _capacities_and(profile, [
            step for family in families for step in _FamilySteps(profile, rng, family).steps])
    steps.sort(key=lambda s: s.order)
    return steps


def location(partner: str) -> str:
    return f"{partner}-centre"[:40]


# -- the families' paths, decided partner by partner --------------------------------------------

Window = tuple[date, date]
"""The first and last day (both included) a fact can fall on."""


def _days(n: int) -> timedelta:
    return timedelta(days=n)


@dataclass(frozen=True, slots=True)
class Session:
    """One childcare place booked for a child, and what became of it."""

    day: date
    daypart: Daypart
    booked_on: date
    outcome: str  # "attended", "no_show", "cancelled"; on the waitlist: "waiting", "withdrawn"


@dataclass(eq=False)
class Child:
    child_id: str
    first_name: str
    birth_month: str
    care: Window | None = None  # the days a session is allowed (age, trajectory)
    booking_from: date | None = None  # the day after enrolment
    bridging_from: date | None = None  # its family keeps places after coaching, from then
    first_session: date | None = None  # attended; set when the child is cared for
    last_session: date | None = None  # attended
    sessions: list[Session] = field(default_factory=list)
    handover: tuple[date, HandoverDestination] | None = None

    @property
    def born(self) -> date:
        year, month = self.birth_month.split("-")
        return date(int(year), int(month), 1)

    def last_day_aged_0_3(self) -> date:
        born = self.born
        return date(born.year + 4, born.month, 1) - timedelta(days=1)


@dataclass(eq=False)
class Family:
    """One family's path: the dates of what happens to it (None: it does not happen)."""

    number: int
    referred_on: date
    children: list[Child]
    consent_on: date = date.min
    enrolled_on: date | None = None  # None: the referral is declined
    ends_on: date = AFTER_HISTORY  # the day the trajectory is completed or dropped
    ending: str = "ongoing"  # "complete", "drop" or "ongoing"
    plan_on: date | None = None
    training_on: date | None = None
    job_on: date | None = None

    @property
    def family_id(self) -> str:
        return f"fam-{self.number:04d}"

    @property
    def childcare(self) -> bool:
        return any(child.first_session for child in self.children)

    def open(self, after: int, until: date = date.max) -> Window:
        """Days a trajectory command can fall on: from `after` days after enrolment to the
        day before the trajectory ends (and not after `until`)."""
        assert self.enrolled_on is not None
        return self.enrolled_on + _days(after), min(self.ends_on - _days(1), until)


def _is_session_day(day: date) -> bool:
    """Tuesdays and Thursdays: the days flexible childcare is open in this history."""
    return day.weekday() in (1, 3)


def _session_days_in(window: Window) -> Window | None:
    """The window narrowed to start and end on session days (None: it has none)."""
    return _clip(window, date.min, date.max, _is_session_day)


def _session_days(first: date, last: date) -> list[date]:
    day, found = first, []
    while day <= last:
        if _is_session_day(day):
            found.append(day)
        day += _days(1)
    return found


class _PartnerPlanner:
    """Decides every family's path for one partner, pass by pass (see the module docstring)."""

    def __init__(self, profile: PartnerProfile, rng: random.Random) -> None:
        self.profile, self.rng = profile, rng
        self.targets = profile.calibration or Calibration()
        self.places: Counter[tuple[date, Daypart]] = Counter()

    def families(self) -> list[Family]:
        families = self.refer()
        self.enrol(families)
        enrolled = [f for f in families if f.enrolled_on is not None]
        self.end_trajectories(enrolled)
        self.agree_plans(enrolled)
        self.find_work(enrolled)
        self.train(enrolled)
        cared = self.childcare(enrolled)
        self.care_periods(cared)
        self.handovers(cared)
        self.book_sessions(cared)
        return families

    def quota(self, what: str, windows: list[Window | None], naturals: list[date | None],
              quotas: list[tuple[date, int]] | None = None, **options: Any) -> list[date | None]:
        return _by_quota(self.rng, what, windows, naturals,
                         self.targets.quotas(what) if quotas is None else quotas, **options)

    # -- intake --------------------------------------------------------------------------------

    def refer(self) -> list[Family]:
        """Referral days spread over the partner's months, as many before each as-of date as
        its `families_referred` target says."""
        profile, rng = self.profile, self.rng
        until = profile.referrals_until or HISTORY_END - _days(120)
        days: list[date] = []
        since, count = profile.starts, 0
        for as_of, total in self.targets.quotas("families_referred"):
            if total < count or (total > count and min(as_of, until) < since):
                raise CalibrationError(f"{profile.partner}: cannot refer {total} families "
                                       f"by {as_of}")
            days += _spread(rng, since, min(as_of, until), total - count)
            since, count = as_of + _days(1), total
        if count > profile.families or (count < profile.families and since > until):
            raise CalibrationError(f"{profile.partner}: {profile.families} families do not "
                                   "fit the families_referred targets")
        days += _spread(rng, since, until, profile.families - count)
        return [Family(number, day, self.children(number, day))
                for number, day in enumerate(days, start=1)]

    def children(self, number: int, referred_on: date) -> list[Child]:
        names = _NAMES[self.profile.language][2]
        count = self.rng.choices((1, 2, 3), (60, 30, 10))[0]
        return [Child(f"chi-{number:04d}-{index}", self.rng.choice(names),
                      f"{referred_on - _days(self.rng.randint(60, 900)):%Y-%m}")
                for index in range(1, count + 1)]

    def enrol(self, families: list[Family]) -> None:
        """Consent a few days after referral; enrolment (trajectories_started) or decline."""
        rng = self.rng
        for family in families:
            family.consent_on = family.referred_on + _days(rng.randint(1, 6))
        naturals = [f.consent_on + _days(rng.randint(5, 30)) if rng.random() < self.profile.enrol
                    else None for f in families]
        windows = [(f.consent_on + _days(5), f.consent_on + _days(40)) for f in families]
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
            completing.append(started + _days(rng.randint(200, 700))
                              if roll < profile.complete else None)
            dropping.append(started + _days(rng.randint(60, 400))
                            if profile.complete <= roll < profile.complete + profile.drop
                            else None)
        completed = self.quota(
            "trajectories_completed", [(f.enrolled_on + _days(150), HISTORY_END) for f in enrolled],
            completing, postpone=True)
        rest = [i for i, day in enumerate(completed) if day is None]
        dropped = self.quota(
            "trajectories_dropped", [(enrolled[i].enrolled_on + _days(30), HISTORY_END)
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
        naturals = [f.enrolled_on + _days(rng.randint(10, 45))
                    if rng.random() < self.profile.plan else None for f in enrolled]
        windows = [f.open(10, f.enrolled_on + _days(90)) for f in enrolled]
        for family, day in zip(enrolled, self.quota("development_plans_agreed", windows,
                                                    naturals), strict=True):
            family.plan_on = day

    def find_work(self, enrolled: list[Family]) -> None:
        """A job started during the trajectory (parents_found_work)."""
        rng = self.rng
        naturals = [f.enrolled_on + _days(rng.randint(60, 500))
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
        naturals = [f.enrolled_on + _days(rng.randint(30, 150))
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

    # -- childcare -----------------------------------------------------------------------------

    def childcare(self, enrolled: list[Family]) -> list[Child]:
        """The children cared for, each with its first (attended) session.

        A family's childcare starts with its youngest child that can come
        (families_with_childcare counts it from that first session); brothers and sisters
        may follow (children_cared_for).
        """
        rng = self.rng
        anchors: list[Child | None] = []
        for family in enrolled:
            bridging = family.ending == "complete" and rng.random() < self.profile.bridging
            care_until = family.ends_on + _days(7 * BRIDGING_WEEKS if bridging else 0)
            for child in family.children:
                child.booking_from = family.enrolled_on + _days(1)
                child.bridging_from = family.ends_on if bridging else None
                lo = max(family.enrolled_on + _days(7), child.born + _days(90))
                hi = min(care_until - _days(1), child.last_day_aged_0_3(), HISTORY_END)
                child.care = _session_days_in((lo, hi))
            able = [c for c in family.children if c.care]
            anchors.append(max(able, key=lambda c: c.care[1]) if able else None)
        naturals = [child.care[0] + _days(rng.randint(0, 40))
                    if child and rng.random() < self.profile.childcare else None
                    for child in anchors]
        firsts = self.quota("families_with_childcare",
                            [child.care if child else None for child in anchors], naturals,
                            days=_is_session_day)
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
        naturals = [window[0] + _days(rng.randint(0, 60))
                    if window and rng.random() < 0.8 else None for window in windows]
        quotas = [(as_of, total - sum(1 for c in cared if c.first_session <= as_of))
                  for as_of, total in self.targets.quotas("children_cared_for")]
        for (_family, child), day in zip(siblings, self.quota(
                "children_cared_for", windows, naturals, quotas, days=_is_session_day),
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
        naturals = {id(c): c.first_session + _days(rng.randint(60, 400)) for c in cared}
        for child in cared:
            if child.bridging_from and child.care[1] >= child.bridging_from:  # kept after
                naturals[id(child)] = max(naturals[id(child)], child.bridging_from
                                          + _days(rng.randint(0, 7 * BRIDGING_WEEKS - 1)))
            if child.care[1] >= dense_from:  # weekly care: kept as long as the child may come
                naturals[id(child)] = max(naturals[id(child)],
                                          child.care[1] - _days(rng.randint(0, 30)))
        spans = {id(c): (c.first_session, c.care[1]) for c in cared}
        year = self.targets.year
        if year is not None:
            starts, ends = date(year.year, 1, 1), date(year.year, 12, 31)
            reaching = [c for c in cared if c.first_session < starts
                        and _clip(c.care, starts - _days(1), ends, _is_session_day)]
            inside = sum(1 for c in cared if starts <= c.first_session <= ends)
            chosen = _pick(rng, reaching, year.children_cared_for - inside,
                           lambda c: naturals[id(c)] >= starts, "children_cared_for",
                           f"the year {year.year}")
            for child in reaching:
                spans[id(child)] = (max(child.first_session, starts), min(child.care[1], ends)) \
                    if child in chosen else (child.first_session, starts - _days(1))
        for child in cared:
            child.last_session = _place(rng, naturals[id(child)],
                                        _session_days_in(spans[id(child)]), _is_session_day)

    def handovers(self, cared: list[Child]) -> None:
        """A warm handover within two weeks of the last session: to a preschool class from
        about two and a half, to regular childcare before. With a year's target, exactly the
        given numbers of the children cared for that year are handed over in it, and no other
        child is; a child moving on to preschool that year may stay in care longer in it,
        until at most four months before it is old enough (the slow handover partners know)."""
        rng = self.rng
        natural: dict[int, date | None] = {}
        for child in cared:
            day = child.last_session + _days(rng.randint(1, 14))
            wanted = rng.random() < self.profile.handover
            natural[id(child)] = day if wanted and day <= HISTORY_END else None
        year = self.targets.year
        chosen: list[Child] = []
        if year is not None:
            starts, ends = date(year.year, 1, 1), date(year.year, 12, 31)
            in_year = [c for c in cared if starts <= c.last_session <= ends]
            of_age = {id(c): c.born + _days(PRESCHOOL_AGE_DAYS + 1) for c in in_year}

            def last_for_preschool(child: Child) -> date | None:
                """Its last session, or a later one in the year at most four months before
                it is old enough for preschool (None: it is not old enough in the year)."""
                if of_age[id(child)] > ends:
                    return None
                span = _session_days_in((max(child.last_session, of_age[id(child)] - _days(120)),
                                         min(child.care[1], ends)))
                return span[0] if span else None

            def soon(child: Child) -> date:
                return min(child.last_session + _days(rng.randint(1, 14)), ends)

            to_preschool = _pick(
                rng, [c for c in in_year if last_for_preschool(c)],
                year.children_handed_over_preschool,
                lambda c: natural[id(c)] is not None and of_age[id(c)] <= c.last_session,
                "children_handed_over_preschool", f"the year {year.year}")
            for child in to_preschool:
                child.last_session = last_for_preschool(child)
                child.handover = (max(soon(child), of_age[id(child)]),
                                  HandoverDestination.PRESCHOOL)
            regular = {id(c): soon(c) for c in in_year if c not in to_preschool}
            to_regular = _pick(
                rng, [c for c in in_year if id(c) in regular and _destination(
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
                child.handover = (day, _destination(child, day))

    def book_sessions(self, cared: list[Child]) -> None:
        """Each child's bookings from its first to its last session (both attended), the
        ones between sometimes missed or cancelled, at most CAPACITY places a session.

        Before `dense_from` a child comes a few times in all (two to five sessions); from
        it on, as the partners describe it, a few day-parts every week (mostly mornings)
        while the parent is coached, so that day-parts fill up and children wait: each
        session's bookings are replayed as the service decides them (`seating.seat`).
        """
        rng, dense_from = self.rng, self.profile.dense_from or AFTER_HISTORY
        by_session: dict[tuple[date, Daypart], list[tuple[Child, Daypart, Request]]] = {}

        def want(child: Child, day: date, daypart: Daypart, anchor: bool, dense: bool) -> None:
            roll = rng.random()
            no_show, cancel = (0.15, 0.05) if dense else (0.3, 0.1)
            intent = "attended" if anchor or roll >= no_show else \
                "no_show" if roll >= cancel else "cancelled"
            booked_on = max(day - _days(rng.randint(0, 6)), child.booking_from)
            if intent == "cancelled" and booked_on == day:
                intent = "no_show"
            request = Request(day, booked_on, (child.child_id,), anchor, intent)
            by_session.setdefault((day, daypart), []).append((child, daypart, request))

        for child in cared:
            for day in sorted({child.first_session, child.last_session}):
                dayparts = rng.sample(list(Daypart), 2)
                daypart = next((d for d in dayparts if self.places[(day, d)] < CAPACITY), None)
                if daypart is None:
                    raise CalibrationError(f"{self.profile.partner}: no place on {day}")
                self.places[(day, daypart)] += 1
                want(child, day, daypart, True, day >= dense_from)
        for child in cared:
            sparse = _session_days(child.first_session + _days(1),
                                   min(child.last_session, dense_from) - _days(1))
            for day in sorted(rng.sample(sparse, min(len(sparse), rng.randint(0, 3)))):
                want(child, day, rng.choice(list(Daypart)), False, False)
            weekly = [d for d in WEEKLY_SLOTS if rng.random() < WEEKLY_SLOTS[d]]
            for day in _session_days(max(child.first_session + _days(1), dense_from),
                                     child.last_session - _days(1)):
                for weekday, daypart in weekly:
                    if day.weekday() == weekday and rng.random() >= 0.05:  # ill, away
                        want(child, day, daypart, False, True)
        for (day, daypart), wishes in sorted(by_session.items()):
            seat([request for _c, _d, request in wishes], CAPACITY)
            for child, _daypart, request in wishes:
                if request.kept:
                    child.sessions.append(Session(day, daypart, request.booked_on,
                                                  request.outcome))
        for child in cared:
            child.sessions.sort(key=lambda session: (session.day, session.daypart))


def _destination(child: Child, on: date) -> HandoverDestination:
    return HandoverDestination.PRESCHOOL if (on - child.born).days > PRESCHOOL_AGE_DAYS \
        else HandoverDestination.REGULAR_CHILDCARE


# -- quotas ------------------------------------------------------------------------------------


def _by_quota(rng: random.Random, what: str, windows: Sequence[Window | None],
              naturals: Sequence[date | None], quotas: Sequence[tuple[date, int]], *,
              postpone: bool = False, days: Callable[[date], bool] | None = None
              ) -> list[date | None]:
    """The day each item (a family, a child) has a fact, or None, meeting the quotas exactly.

    windows[i] are the days item i can have the fact (None: never); naturals[i] the day it
    would have it by chance (None: it would not). For each (as_of, total), in order, exactly
    `total` items have the fact on or before as_of: dated after the previous as-of date,
    those whose natural day falls there first, then others at random. The others have it
    only after as_of (postpone: their natural day moves after it) or not at all. After the
    last as-of date, items have the fact on their natural day if their window allows it.
    `days` limits the fact to some days (e.g. session days).
    """
    natural = list(naturals)
    dates: list[date | None] = [None] * len(windows)
    since, done = date.min, 0
    for as_of, total in quotas:
        open_ = {i: span for i, window in enumerate(windows)
                 if dates[i] is None and (span := _clip(window, since, as_of, days))}
        need = total - done
        if not 0 <= need <= len(open_):
            raise CalibrationError(f"{what} = {total} as of {as_of}: {need} more needed "
                                   f"there, {len(open_)} can")
        fitting = [i for i, (lo, hi) in open_.items()
                   if natural[i] is not None and lo <= natural[i] <= hi]
        room = {i: (hi - lo).days + 1 for i, (lo, hi) in open_.items()}
        chosen = _pick(rng, list(open_), need, fitting.__contains__, what, f"as of {as_of}",
                       weight=room.__getitem__)
        for i in chosen:
            dates[i] = _place(rng, natural[i], open_[i], days)
        for i, day in enumerate(natural):
            if dates[i] is None and day is not None and day <= as_of:
                natural[i] = as_of + _days(rng.randint(1, 240)) if postpone else None
        since, done = as_of, total
    for i, day in enumerate(natural):
        span = _clip(windows[i], since, date.max, days)
        if dates[i] is None and day is not None and span and span[0] <= day <= span[1]:
            dates[i] = _place(rng, day, span, days)
    return dates


def _pick(rng: random.Random, candidates: list[Any], need: int,
          natural: Callable[[Any], bool], what: str, when: str,
          weight: Callable[[Any], float] | None = None) -> list[Any]:
    """`need` of the candidates, at random: among the natural ones, then among the others
    (the more likely the larger their weight: a fact brought in then spreads out in time
    rather than crowding just before an as-of date)."""
    if not 0 <= need <= len(candidates):
        raise CalibrationError(f"{what} ({when}): {need} needed, {len(candidates)} can")
    fitting = [c for c in candidates if natural(c)]
    if len(fitting) >= need:
        return rng.sample(fitting, need)
    others = [c for c in candidates if not natural(c)]
    if weight is not None:  # weighted sampling without replacement (Efraimidis-Spirakis)
        keys = {id(c): rng.random() ** (1 / weight(c)) for c in others}
        others.sort(key=lambda c: keys[id(c)], reverse=True)
        return fitting + others[:need - len(fitting)]
    return fitting + rng.sample(others, need - len(fitting))


def _clip(window: Window | None, since: date, until: date,
          days: Callable[[date], bool] | None = None) -> Window | None:
    """The part of the window after `since` and up to `until` (on allowed days), or None."""
    if window is None:
        return None
    lo, hi = max(window[0], since + _days(1)), min(window[1], until)
    if days is not None:
        while lo <= hi and not days(lo):
            lo += _days(1)
        while hi >= lo and not days(hi):
            hi -= _days(1)
    return (lo, hi) if lo <= hi else None


def _place(rng: random.Random, natural: date | None, window: Window,
           days: Callable[[date], bool] | None = None) -> date:
    """A day in the window, on an allowed day: the natural day if it is in it, a little
    after the start if the natural day is before it (the fact comes late), else anywhere in
    it (the fact is brought forward, or happens where it would not have)."""
    lo, hi = window
    room = (hi - lo).days
    if natural is not None and lo <= natural <= hi:
        day = natural
    elif natural is not None and natural < lo:
        day = lo + _days(rng.randint(0, min(30, room)))
    else:
        day = lo + _days(rng.randint(0, room))
    if days is not None:
        later = next((d for d in _each_day(day, hi) if days(d)), None)
        day = later or next(d for d in _each_day(day, lo, -1) if days(d))
    return day


def _each_day(first: date, last: date, step: int = 1) -> Iterator[date]:
    day = first
    while (day <= last) if step > 0 else (day >= last):
        yield day
        day += _days(step)


def _spread(rng: random.Random, first: date, last: date, count: int) -> list[date]:
    """`count` days from first to last, evenly spread with a random day in each stretch."""
    span = (last - first).days + 1
    return [first + _days(i * span // count + rng.randrange(max(1, (i + 1) * span // count
                                                                - i * span // count)))
            for i in range(count)]


# -- commands ----------------------------------------------------------------------------------


class _FamilySteps:
    """One family's path as the commands staff would send, each on its day."""

    def __init__(self, profile: PartnerProfile, rng: random.Random, family: Family) -> None:
        self.partner, self.rng, self.family = profile.partner, rng, family
        self.steps: list[Step] = []
        self.refer(profile.language)
        if family.enrolled_on is None:
            self.decline()
            return
        self.consent_and_enrol()
        self.trajectory()
        for child in family.children:
            self.childcare(child)

    def add(self, day: date, phase: str, context: str, command: BaseModel) -> None:
        self.steps.append(Step(day, phase, self.partner, context, command,
                               self.family.family_id))

    def refer(self, language: str) -> None:
        rng, family, number = self.rng, self.family, self.family.number
        given, surnames, _ = _NAMES[language]
        surname = rng.choice(surnames)
        parents = [ParentDetails(
            parent_id=f"par-{number:04d}-1", gender=Gender.FEMALE if rng.random() < 0.82
            else Gender.MALE, full_name=f"{rng.choice(given)} {surname}",
            phone=_PHONE[language].format(*(rng.randrange(100) for _ in range(4))),
            national_number=f"{rng.randrange(10**10, 10**11)}")]
        if rng.random() < 0.3:
            parents.append(ParentDetails(parent_id=f"par-{number:04d}-2", gender=Gender.MALE,
                                         full_name=f"{rng.choice(given)} {surname}"))
        self.add(family.referred_on, "intake", "intake", ReferFamily(
            family_id=family.family_id,
            referral_source=rng.choices(*zip(*_SOURCES, strict=True))[0],
            referred_on=family.referred_on, parents=tuple(parents),
            children=tuple(ChildDetails(child_id=c.child_id, first_name=c.first_name,
                                        birth_month=c.birth_month) for c in family.children),
            notes=f"Referred {family.referred_on:%d %B %Y}; {parents[0].full_name} looks for "
                  "work."))

    def decline(self) -> None:
        family = self.family
        # statistics consent is asked at intake: declined families are counted at the hub too
        self.add(family.consent_on, "intake", "intake", RecordConsent(
            family_id=family.family_id, purpose=ConsentPurpose.CROSS_BORDER_STATISTICS,
            given_on=family.consent_on))
        self.add(family.consent_on + _days(self.rng.randint(3, 30)), "intake", "intake",
                 DeclineReferral(family_id=family.family_id,
                                 reason=self.rng.choice(list(DeclineReason)),
                                 declined_on=family.consent_on + _days(3)))

    def consent_and_enrol(self) -> None:
        family = self.family
        purposes = [ConsentPurpose.TRAJECTORY, ConsentPurpose.CROSS_BORDER_STATISTICS]
        if family.childcare:
            purposes.append(ConsentPurpose.CHILDCARE)
        for purpose in purposes:
            self.add(family.consent_on, "intake", "intake", RecordConsent(
                family_id=family.family_id, purpose=purpose, given_on=family.consent_on))
        self.add(family.enrolled_on, "intake", "intake", EnrolFamily(
            family_id=family.family_id, coach_id=f"coach-{self.rng.randint(1, 4)}",
            enrolled_on=family.enrolled_on))

    def trajectory(self) -> None:
        rng, family = self.rng, self.family
        family_id = family.family_id
        first, last = family.open(1)

        def within(day: date) -> date | None:
            return day if first <= day <= last else None

        def note(day: date, command: BaseModel) -> None:
            self.add(day, "trajectory", "trajectory", command)

        if family.plan_on:
            note(family.plan_on, AgreePlan(
                family_id=family_id, goals=tuple(rng.sample(list(LifeDomain), rng.randint(2, 4))),
                agreed_on=family.plan_on))
        if day := family.training_on:
            training_id = f"trn-{family_id}"
            note(day, StartTraining(family_id=family_id, training_id=training_id,
                                    kind=rng.choice(list(TrainingKind)), started_on=day))
            if (done := within(day + _days(rng.randint(40, 180)))) and rng.random() < 0.85:
                note(done, CompleteTraining(family_id=family_id, training_id=training_id,
                                            completed_on=done))
        if day := family.job_on:
            job_id = f"job-{family_id}"
            note(day, StartJob(family_id=family_id, job_id=job_id,
                               kind=rng.choice(list(JobKind)),
                               hours_per_week=float(rng.choice((12, 19, 24, 30, 38))),
                               started_on=day))
            if (gone := within(day + _days(rng.randint(90, 500)))) and rng.random() < 0.3:
                note(gone, EndJob(family_id=family_id, job_id=job_id, ended_on=gone))
        for _ in range(rng.randint(0, 3)):
            if day := within(family.enrolled_on + _days(rng.randint(20, 600))):
                note(day, RecordInvolvementDay(family_id=family_id, attended_on=day))
        if family.ending == "complete":
            outcome = CompletionOutcome.JOB if family.job_on else rng.choice(
                (CompletionOutcome.TRAINING, CompletionOutcome.OTHER))
            note(family.ends_on, CompleteTrajectory(family_id=family_id, outcome=outcome,
                                                    completed_on=family.ends_on))
        elif family.ending == "drop":
            note(family.ends_on, DropTrajectory(family_id=family_id,
                                                reason=rng.choice(list(DropReason)),
                                                dropped_on=family.ends_on))

    def childcare(self, child: Child) -> None:
        rng, family_id = self.rng, self.family.family_id
        for number, session in enumerate(child.sessions, start=1):
            booking_id = f"bk-{child.child_id}-{number}"
            where = dict(location_id=location(self.partner), session_date=session.day,
                         daypart=session.daypart)
            self.add(session.booked_on, "booking", "booking", BookSlot(
                **where, booking_id=booking_id, family_id=family_id, child_id=child.child_id,
                kind=rng.choice(("occasional", "flexible")), hours=float(rng.choice((3, 4, 5)))))
            if session.outcome in ("cancelled", "withdrawn"):  # a place, or off the waitlist
                self.add(session.day - _days(1), "cancel", "booking",
                         CancelBooking(**where, booking_id=booking_id))
            elif session.outcome == "waiting":  # still waiting when the session came
                continue
            elif session.outcome == "no_show":
                self.add(session.day, "attendance", "booking",
                         RecordNoShow(**where, booking_id=booking_id))
            else:
                arrive = datetime.combine(session.day, SESSION_START[session.daypart],
                                          tzinfo=UTC) + timedelta(minutes=rng.randint(0, 40))
                self.add(session.day, "attendance", "booking",
                         CheckIn(**where, booking_id=booking_id, at=arrive))
                self.add(session.day, "attendance", "booking", CheckOut(
                    **where, booking_id=booking_id,
                    at=arrive + timedelta(minutes=rng.randint(120, 300))))
        if child.handover is not None:
            day, destination = child.handover
            self.add(day, "handover", "booking", HandOverChild(
                family_id=family_id, child_id=child.child_id, destination=destination,
                handed_over_on=day))


def _capacities_and(profile: PartnerProfile, steps: list[Step]) -> list[Step]:
    """Each session any step uses gets its capacity set first, on the day it is booked."""
    first_use: dict[tuple[date, Daypart], date] = {}
    for step in steps:
        if isinstance(step.command, BookSlot):
            key = (step.command.session_date, step.command.daypart)
            first_use[key] = min(first_use.get(key, step.day), step.day)
    capacities = [
        Step(booked_on, "capacity", profile.partner, "booking", SetDaypartCapacity(
            location_id=location(profile.partner), session_date=day, daypart=daypart,
            capacity=CAPACITY), session_id(location(profile.partner), day, daypart))
        for (day, daypart), booked_on in sorted(first_use.items())]
    return capacities + steps

