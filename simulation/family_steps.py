"""One family's planned path as the commands staff would send, each on its day."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel

from contracts.booking import Daypart, session_id
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
from contracts.intake import ConsentPurpose, DeclineReason, Gender
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from simulation.dates import days
from simulation.families import Child, Family
from simulation.names import NAMES, PHONES, REFERRAL_SOURCES
from simulation.profiles import PartnerProfile
from simulation.steps import SESSION_START, Step, location


class FamilySteps:
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
        """One command of this family, on its day and at its phase's time."""
        self.steps.append(Step(day, phase, self.partner, context, command,
                               self.family.family_id))

    def refer(self, language: str) -> None:
        """The referral: invented parents and the children, in the partner's language."""
        rng, family, number = self.rng, self.family, self.family.number
        given, surnames, _ = NAMES[language]
        surname = rng.choice(surnames)
        parents = [ParentDetails(
            parent_id=f"par-{number:04d}-1", gender=Gender.FEMALE if rng.random() < 0.82
            else Gender.MALE, full_name=f"{rng.choice(given)} {surname}",
            phone=PHONES[language].format(*(rng.randrange(100) for _ in range(4))),
            national_number=f"{rng.randrange(10**10, 10**11)}")]
        if rng.random() < 0.3:
            parents.append(ParentDetails(parent_id=f"par-{number:04d}-2", gender=Gender.MALE,
                                         full_name=f"{rng.choice(given)} {surname}"))
        self.add(family.referred_on, "intake", "intake", ReferFamily(
            family_id=family.family_id,
            referral_source=rng.choices(*zip(*REFERRAL_SOURCES, strict=True))[0],
            referred_on=family.referred_on, parents=tuple(parents),
            children=tuple(ChildDetails(child_id=c.child_id, first_name=c.first_name,
                                        birth_month=c.birth_month) for c in family.children),
            notes=f"Referred {family.referred_on:%d %B %Y}; {parents[0].full_name} looks for "
                  "work."))

    def decline(self) -> None:
        """Statistics consent, then the referral declined."""
        family = self.family
        # statistics consent is asked at intake: declined families are counted at the hub too
        self.add(family.consent_on, "intake", "intake", RecordConsent(
            family_id=family.family_id, purpose=ConsentPurpose.CROSS_BORDER_STATISTICS,
            given_on=family.consent_on))
        self.add(family.consent_on + days(self.rng.randint(3, 30)), "intake", "intake",
                 DeclineReferral(family_id=family.family_id,
                                 reason=self.rng.choice(list(DeclineReason)),
                                 declined_on=family.consent_on + days(3)))

    def consent_and_enrol(self) -> None:
        """The family's consents (childcare only when it is cared for), then enrolment."""
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
        """Plan, training, job, involvement days and the end of the trajectory."""
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
            if (done := within(day + days(rng.randint(40, 180)))) and rng.random() < 0.85:
                note(done, CompleteTraining(family_id=family_id, training_id=training_id,
                                            completed_on=done))
        if day := family.job_on:
            job_id = f"job-{family_id}"
            note(day, StartJob(family_id=family_id, job_id=job_id,
                               kind=rng.choice(list(JobKind)),
                               hours_per_week=float(rng.choice((12, 19, 24, 30, 38))),
                               started_on=day))
            if (gone := within(day + days(rng.randint(90, 500)))) and rng.random() < 0.3:
                note(gone, EndJob(family_id=family_id, job_id=job_id, ended_on=gone))
        for _ in range(rng.randint(0, 3)):
            if day := within(family.enrolled_on + days(rng.randint(20, 600))):
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
        """A child's bookings and what became of each, then its handover."""
        rng, family_id = self.rng, self.family.family_id
        for number, session in enumerate(child.sessions, start=1):
            booking_id = f"bk-{child.child_id}-{number}"
            where = dict(location_id=location(self.partner), session_date=session.day,
                         daypart=session.daypart)
            self.add(session.booked_on, "booking", "booking", BookSlot(
                **where, booking_id=booking_id, family_id=family_id, child_id=child.child_id,
                kind=rng.choice(("occasional", "flexible")), hours=float(rng.choice((3, 4, 5)))))
            if session.outcome in ("cancelled", "withdrawn"):  # a place, or off the waitlist
                self.add(session.day - days(1), "cancel", "booking",
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


def capacities_and(profile: PartnerProfile, steps: list[Step]) -> list[Step]:
    """Each session any step uses gets its capacity set first, on the day it is booked."""
    first_use: dict[tuple[date, Daypart], date] = {}
    for step in steps:
        if isinstance(step.command, BookSlot):
            key = (step.command.session_date, step.command.daypart)
            first_use[key] = min(first_use.get(key, step.day), step.day)
    where, capacity = location(profile.partner), profile.policy.max_places_per_daypart
    capacities = [
        Step(booked_on, "capacity", profile.partner, "booking",
             SetDaypartCapacity(location_id=where, session_date=day, daypart=daypart,
                                capacity=capacity),
             session_id(where, day, daypart))
        for (day, daypart), booked_on in sorted(first_use.items())]
    return capacities + steps

