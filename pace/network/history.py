"""A synthetic, realistic history of the PACE network, as dated commands for the real services.

`plan_history()` is pure: from a seed and the partners it plans each family's path
(referral, consent, enrolment or decline, development plan, trainings, jobs, involvement
days, completion or drop-out, its children's childcare sessions and their handover) and
turns the plans into `Step`s: one command for one partner's service on one day, in the
order a real week would see them. `drive()` (in pace.network.driver) sends them.

Names and places fit each partner's language; every name, phone number and national
number is invented. Dates run from the programme's start in October 2016 to the end of
2022; each partner starts in its own month.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

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

HISTORY_START = date(2016, 10, 3)
HISTORY_END = date(2022, 12, 31)
CAPACITY = 15

# The time of day each kind of step happens; steps of one day run in this order.
PHASES: dict[str, time] = {
    "capacity": time(6, 0), "booking": time(6, 30), "intake": time(9, 0),
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


@dataclass(frozen=True, slots=True)
class PartnerProfile:
    """How a partner's history is shaped: size, start, and the odds of each path."""

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


@dataclass
class Child:
    child_id: str
    first_name: str
    birth_month: str

    @property
    def born(self) -> date:
        year, month = self.birth_month.split("-")
        return date(int(year), int(month), 1)

    def last_day_aged_0_3(self) -> date:
        born = self.born
        return date(born.year + 4, born.month, 1) - timedelta(days=1)


@dataclass
class FamilyPlan:
    partner: str
    family_id: str
    referred_on: date
    steps: list[Step] = field(default_factory=list)

    def add(self, day: date, phase: str, context: str, command: BaseModel) -> None:
        self.steps.append(Step(day, phase, self.partner, context, command, self.family_id))


def default_profiles(partners: Sequence[Any], scale: float = 1.0) -> list[PartnerProfile]:
    """Profiles for the delivery partners: the lead partner first, the others smaller."""
    profiles = []
    for index, info in enumerate(partners):
        families = 167 if info.lead else 60 + (index * 17) % 45
        starts = date(2017, 1, 9) if info.lead else date(2017, 1 + index % 9, 2)
        profiles.append(PartnerProfile(info.id, info.language,
                                       max(1, round(families * scale)), starts))
    return profiles


def plan_history(profiles: Sequence[PartnerProfile], seed: int = 2016) -> list[Step]:
    """Every step of every partner's history, in the order the days bring them."""
    steps: list[Step] = []
    for profile in profiles:
        rng = random.Random(f"{seed}/{profile.partner}")
        steps += _capacities_and(profile, [
            step for plan in _families(profile, rng) for step in plan.steps])
    steps.sort(key=lambda s: s.order)
    return steps


def _families(profile: PartnerProfile, rng: random.Random) -> Iterator[FamilyPlan]:
    span = (HISTORY_END - timedelta(days=120) - profile.starts).days
    days = sorted(rng.randrange(span) for _ in range(profile.families))
    for number, offset in enumerate(days, start=1):
        yield _family(profile, rng, number, profile.starts + timedelta(days=offset))


def _family(profile: PartnerProfile, rng: random.Random, number: int,
            referred_on: date) -> FamilyPlan:
    family_id = f"fam-{number:04d}"
    plan = FamilyPlan(profile.partner, family_id, referred_on)
    given, surnames, child_names = _NAMES[profile.language]
    surname = rng.choice(surnames)
    parents = [ParentDetails(
        parent_id=f"par-{number:04d}-1", gender=Gender.FEMALE if rng.random() < 0.82
        else Gender.MALE, full_name=f"{rng.choice(given)} {surname}",
        phone=_PHONE[profile.language].format(*(rng.randrange(100) for _ in range(4))),
        national_number=f"{rng.randrange(10**10, 10**11)}")]
    if rng.random() < 0.3:
        parents.append(ParentDetails(parent_id=f"par-{number:04d}-2", gender=Gender.MALE,
                                     full_name=f"{rng.choice(given)} {surname}"))
    children = [_child(rng, number, i, referred_on, child_names)
                for i in range(1, 1 + rng.choices((1, 2, 3), (60, 30, 10))[0])]
    plan.add(referred_on, "intake", "intake", ReferFamily(
        family_id=family_id, referral_source=rng.choices(*zip(*_SOURCES, strict=True))[0],
        referred_on=referred_on, parents=tuple(parents),
        children=tuple(ChildDetails(child_id=c.child_id, first_name=c.first_name,
                                    birth_month=c.birth_month) for c in children),
        notes=f"Referred {referred_on:%d %B %Y}; {parents[0].full_name} looks for work."))
    consent_on = referred_on + timedelta(days=rng.randint(1, 6))
    if rng.random() >= profile.enrol:
        plan.add(consent_on + timedelta(days=rng.randint(3, 30)), "intake", "intake",
                 DeclineReferral(family_id=family_id, reason=rng.choice(list(DeclineReason)),
                                 declined_on=consent_on + timedelta(days=3)))
        return plan
    purposes = [ConsentPurpose.TRAJECTORY, ConsentPurpose.CROSS_BORDER_STATISTICS]
    childcare = bool(children) and rng.random() < profile.childcare
    if childcare:
        purposes.append(ConsentPurpose.CHILDCARE)
    for purpose in purposes:
        plan.add(consent_on, "intake", "intake",
                 RecordConsent(family_id=family_id, purpose=purpose, given_on=consent_on))
    enrolled_on = consent_on + timedelta(days=rng.randint(5, 30))
    plan.add(enrolled_on, "intake", "intake", EnrolFamily(
        family_id=family_id, coach_id=f"coach-{rng.randint(1, 4)}", enrolled_on=enrolled_on))
    ends_on = _trajectory(plan, profile, rng, enrolled_on)
    if childcare:
        _childcare(plan, profile, rng, children, enrolled_on, ends_on)
    return plan


def _child(rng: random.Random, number: int, index: int, referred_on: date,
           names: list[str]) -> Child:
    born = referred_on - timedelta(days=rng.randint(60, 900))
    return Child(f"chi-{number:04d}-{index}", rng.choice(names), f"{born:%Y-%m}")


def _trajectory(plan: FamilyPlan, profile: PartnerProfile, rng: random.Random,
                started_on: date) -> date:
    """The trajectory's steps; returns the day it ends (or the end of history)."""
    family_id = plan.family_id
    roll = rng.random()
    if roll < profile.complete:
        ends_on, ending = started_on + timedelta(days=rng.randint(200, 700)), "complete"
    elif roll < profile.complete + profile.drop:
        ends_on, ending = started_on + timedelta(days=rng.randint(60, 400)), "drop"
    else:
        ends_on, ending = HISTORY_END + timedelta(days=1), "ongoing"
    if ends_on > HISTORY_END:
        ends_on, ending = HISTORY_END + timedelta(days=1), "ongoing"
    first = started_on + timedelta(days=1)  # the trajectory opens by reaction on enrolment

    def within(day: date) -> date | None:
        return day if first <= day < ends_on else None

    if (day := within(started_on + timedelta(days=rng.randint(10, 45)))) \
            and rng.random() < profile.plan:
        goals = rng.sample(list(LifeDomain), rng.randint(2, 4))
        plan.add(day, "trajectory", "trajectory",
                 AgreePlan(family_id=family_id, goals=tuple(goals), agreed_on=day))
    worked = False
    if (day := within(started_on + timedelta(days=rng.randint(30, 150)))) \
            and rng.random() < profile.training:
        training_id = f"trn-{family_id}"
        plan.add(day, "trajectory", "trajectory", StartTraining(
            family_id=family_id, training_id=training_id, kind=rng.choice(list(TrainingKind)),
            started_on=day))
        if (done := within(day + timedelta(days=rng.randint(40, 180)))) and rng.random() < 0.85:
            plan.add(done, "trajectory", "trajectory", CompleteTraining(
                family_id=family_id, training_id=training_id, completed_on=done))
    if (day := within(started_on + timedelta(days=rng.randint(60, 500)))) \
            and rng.random() < profile.job:
        worked = True
        job_id = f"job-{family_id}"
        plan.add(day, "trajectory", "trajectory", StartJob(
            family_id=family_id, job_id=job_id, kind=rng.choice(list(JobKind)),
            hours_per_week=float(rng.choice((12, 19, 24, 30, 38))), started_on=day))
        if (gone := within(day + timedelta(days=rng.randint(90, 500)))) and rng.random() < 0.3:
            plan.add(gone, "trajectory", "trajectory",
                     EndJob(family_id=family_id, job_id=job_id, ended_on=gone))
    for _ in range(rng.randint(0, 3)):
        if day := within(started_on + timedelta(days=rng.randint(20, 600))):
            plan.add(day, "trajectory", "trajectory",
                     RecordInvolvementDay(family_id=family_id, attended_on=day))
    if ending == "complete":
        outcome = CompletionOutcome.JOB if worked else rng.choice(
            (CompletionOutcome.TRAINING, CompletionOutcome.OTHER))
        plan.add(ends_on, "trajectory", "trajectory", CompleteTrajectory(
            family_id=family_id, outcome=outcome, completed_on=ends_on))
    elif ending == "drop":
        plan.add(ends_on, "trajectory", "trajectory", DropTrajectory(
            family_id=family_id, reason=rng.choice(list(DropReason)), dropped_on=ends_on))
    return ends_on


def location(partner: str) -> str:
    return f"{partner}-centre"[:40]


def _session_days(first: date, last: date) -> list[date]:
    """Tuesdays and Thursdays: the days flexible childcare is open in this history."""
    day, found = first, []
    while day <= last:
        if day.weekday() in (1, 3):
            found.append(day)
        day += timedelta(days=1)
    return found


def _childcare(plan: FamilyPlan, profile: PartnerProfile, rng: random.Random,
               children: list[Child], enrolled_on: date, ends_on: date) -> None:
    """Occasional sessions while the parent is in the trajectory, then a warm handover."""
    family_id = plan.family_id
    for child in children:
        first = max(enrolled_on + timedelta(days=7), child.born + timedelta(days=90))
        last = min(ends_on - timedelta(days=1), child.last_day_aged_0_3(),
                   first + timedelta(days=rng.randint(60, 400)), HISTORY_END)
        days = _session_days(first, last)
        if not days:
            continue
        chosen = sorted(rng.sample(days, min(len(days), rng.randint(2, 8))))
        for number, day in enumerate(chosen, start=1):
            daypart = rng.choice(list(Daypart))
            booking_id = f"bk-{child.child_id}-{number}"
            where = dict(location_id=location(plan.partner), session_date=day, daypart=daypart)
            booked_on = max(day - timedelta(days=rng.randint(0, 6)), enrolled_on + timedelta(1))
            plan.add(booked_on, "booking", "booking", BookSlot(
                **where, booking_id=booking_id, family_id=family_id, child_id=child.child_id,
                kind=rng.choice(("occasional", "flexible")), hours=float(rng.choice((3, 4, 5)))))
            roll = rng.random()
            if roll < 0.06 and booked_on < day:
                plan.add(day - timedelta(days=1), "cancel", "booking",
                         CancelBooking(**where, booking_id=booking_id))
            elif roll < 0.14:
                plan.add(day, "attendance", "booking",
                         RecordNoShow(**where, booking_id=booking_id))
            else:
                arrive = datetime.combine(day, SESSION_START[daypart], tzinfo=UTC) + \
                    timedelta(minutes=rng.randint(0, 40))
                plan.add(day, "attendance", "booking",
                         CheckIn(**where, booking_id=booking_id, at=arrive))
                plan.add(day, "attendance", "booking", CheckOut(
                    **where, booking_id=booking_id,
                    at=arrive + timedelta(minutes=rng.randint(120, 300))))
        handed_over_on = chosen[-1] + timedelta(days=rng.randint(1, 14))
        if rng.random() < profile.handover and handed_over_on <= HISTORY_END:
            age_days = (handed_over_on - child.born).days
            destination = HandoverDestination.PRESCHOOL if age_days > 900 \
                else HandoverDestination.REGULAR_CHILDCARE
            plan.add(handed_over_on, "handover", "booking", HandOverChild(
                family_id=family_id, child_id=child.child_id, destination=destination,
                handed_over_on=handed_over_on))


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
