"""Hand-made histories for the indicators' tests, built with the contracts' own models."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from contracts.base import DomainEvent
from contracts.booking import (
    BookingCancelled,
    BookingFlaggedForHandover,
    BookingKind,
    BookingReleased,
    ChildCheckedIn,
    ChildCheckedOut,
    ChildHandedOver,
    Daypart,
    DaypartCapacitySet,
    HandoverDestination,
    NoShowRecorded,
    SlotBooked,
    SlotWaitlisted,
    WaitlistPromoted,
    session_id,
)
from contracts.intake import (
    ChildRef,
    FamilyEnrolled,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralDeclined,
    ReferralSource,
)
from contracts.periods import Period
from contracts.registry import encode
from contracts.report import Report
from contracts.trajectory import (
    CompletionOutcome,
    DevelopmentPlanAgreed,
    DropReason,
    JobEnded,
    JobKind,
    JobStarted,
    LifeDomain,
    ParentInvolvementDayAttended,
    TrainingCompleted,
    TrainingKind,
    TrainingStarted,
    TrajectoryCompleted,
    TrajectoryDropped,
    TrajectoryStarted,
)
from services.reporting.domain import Fold

COUNTRIES = {"mechelen": "BE", "gent": "BE", "de-mussen": "NL"}
LOCATION = "centrum"
END_2020 = date(2020, 12, 31)
PES = ReferralSource.PUBLIC_EMPLOYMENT_SERVICE

Entry = tuple[str, DomainEvent]


# -- building histories -----------------------------------------------------------------------


def d(text: str) -> date:
    return date.fromisoformat(text)


def at(partner: str, *events: DomainEvent) -> list[Entry]:
    return [(partner, event) for event in events]


def given(*histories: list[Entry]) -> Fold:
    """A fold that has applied these histories, one after the other."""
    fold = Fold()
    for partner, event in itertools.chain(*histories):
        fold.apply(partner, event.event_type, encode(event))
    return fold


def figures_of(fold: Fold, as_of: date, period: str = "to-date") -> Report:
    return fold.figures(as_of, Period.parse(period), COUNTRIES)


def referred(family: str, on: str, *, source: ReferralSource = PES,
             parents: tuple[tuple[str, Gender], ...] | None = None) -> FamilyReferred:
    parents = parents or ((f"{family}-p", Gender.FEMALE),)
    return FamilyReferred(
        family_id=family, referral_source=source, referred_on=d(on),
        parents=tuple(ParentRef(parent_id=p, gender=g) for p, g in parents),
        children=(ChildRef(child_id=f"{family}-c", birth_month="2019-01"),))


def enrolled(family: str, on: str) -> FamilyEnrolled:
    return FamilyEnrolled(family_id=family, coach_id="coach-1", enrolled_on=d(on))


def declined(family: str, on: str) -> ReferralDeclined:
    return ReferralDeclined(family_id=family, reason="unreachable", declined_on=d(on))


def started(trajectory: str, family: str, on: str, parent: str | None = None
            ) -> TrajectoryStarted:
    return TrajectoryStarted(trajectory_id=trajectory, family_id=family,
                             parent_id=parent or f"{family}-p", coach_id="coach-1",
                             started_on=d(on))


def _t(trajectory: str) -> dict[str, str]:
    """Trajectory ids: trajectory t<N> belongs to family f<N>."""
    return {"trajectory_id": trajectory, "family_id": "f" + trajectory[1:]}


def plan(trajectory: str, on: str) -> DevelopmentPlanAgreed:
    return DevelopmentPlanAgreed(**_t(trajectory), goals=(LifeDomain.WORK,), agreed_on=d(on))


def training(trajectory: str, training_id: str, on: str) -> TrainingStarted:
    return TrainingStarted(**_t(trajectory), training_id=training_id,
                           kind=TrainingKind.LANGUAGE, started_on=d(on))


def training_done(trajectory: str, training_id: str, on: str) -> TrainingCompleted:
    return TrainingCompleted(**_t(trajectory), training_id=training_id, completed_on=d(on))


def job(trajectory: str, job_id: str, on: str) -> JobStarted:
    return JobStarted(**_t(trajectory), job_id=job_id, kind=JobKind.REGULAR, hours_per_week=20,
                      started_on=d(on))


def job_ended(trajectory: str, job_id: str, on: str) -> JobEnded:
    return JobEnded(**_t(trajectory), job_id=job_id, ended_on=d(on))


def involvement(trajectory: str, on: str) -> ParentInvolvementDayAttended:
    return ParentInvolvementDayAttended(**_t(trajectory), attended_on=d(on))


def completed(trajectory: str, on: str) -> TrajectoryCompleted:
    return TrajectoryCompleted(**_t(trajectory), outcome=CompletionOutcome.JOB,
                               completed_on=d(on))


def dropped(trajectory: str, on: str) -> TrajectoryDropped:
    return TrajectoryDropped(**_t(trajectory), reason=DropReason.MOVED_AWAY, dropped_on=d(on))


def session(day: str, part: str) -> str:
    return session_id(LOCATION, d(day), Daypart(part))


def capacity(day: str, part: str, places: int) -> DaypartCapacitySet:
    return DaypartCapacitySet(session_id=session(day, part), location_id=LOCATION,
                              session_date=d(day), daypart=Daypart(part), capacity=places)


def _b(booking: str, family: str, day: str, part: str) -> dict[str, str]:
    """Booking ids: family f<N>'s child is f<N>-c."""
    return {"session_id": session(day, part), "booking_id": booking, "family_id": family,
            "child_id": f"{family}-c"}


def booked(booking: str, family: str, day: str, part: str = "morning", *, on: str | None = None
           ) -> SlotBooked:
    return SlotBooked(**_b(booking, family, day, part), kind=BookingKind.FLEXIBLE, hours=3.5,
                      booked_on=d(on or day))


def waitlisted(booking: str, family: str, day: str, part: str = "morning", *, on: str
               ) -> SlotWaitlisted:
    return SlotWaitlisted(**_b(booking, family, day, part), kind=BookingKind.OCCASIONAL,
                          hours=3.0, waitlisted_on=d(on))


def promoted(booking: str, family: str, day: str, part: str = "morning", *, on: str
             ) -> WaitlistPromoted:
    return WaitlistPromoted(**_b(booking, family, day, part), promoted_on=d(on))


def cancelled(booking: str, family: str, day: str, part: str = "morning", *, on: str,
              late: bool = False) -> BookingCancelled:
    return BookingCancelled(**_b(booking, family, day, part), cancelled_on=d(on), late=late)


def released(booking: str, family: str, day: str, part: str = "morning", *, on: str
             ) -> BookingReleased:
    return BookingReleased(**_b(booking, family, day, part), released_on=d(on))


def attended(booking: str, family: str, day: str, part: str = "morning", *, hours: float
             ) -> list[DomainEvent]:
    """Checked in at 8:30 and out again, using `hours`."""
    at_ = datetime.fromisoformat(f"{day}T08:30:00").replace(tzinfo=UTC)
    return [ChildCheckedIn(**_b(booking, family, day, part), checked_in_at=at_),
            ChildCheckedOut(**_b(booking, family, day, part), checked_out_at=at_,
                            hours_used=hours)]


def no_show(booking: str, family: str, day: str, part: str = "morning") -> NoShowRecorded:
    return NoShowRecorded(**_b(booking, family, day, part), recorded_on=d(day))


def handed_over(family: str, destination: HandoverDestination, on: str) -> ChildHandedOver:
    return ChildHandedOver(family_id=family, child_id=f"{family}-c", destination=destination,
                           handed_over_on=d(on))


# -- histories the sections share -------------------------------------------------------------

INTAKE = at("mechelen",
            referred("f1", "2020-01-10"), referred("f2", "2020-02-20"),
            enrolled("f1", "2020-01-20"), referred("f3", "2020-03-05"),
            enrolled("f2", "2020-03-02"), declined("f3", "2020-03-10"))


TRAJECTORIES = at("mechelen",
                  started("t1", "f1", "2020-01-15"), started("t2", "f2", "2020-02-01"),
                  dropped("t2", "2020-02-20"), completed("t1", "2020-03-10"),
                  started("t3", "f3", "2020-04-01"))


ACTIVATION = at(
    "mechelen",
    started("t1", "f1", "2020-01-06"), started("t2", "f2", "2020-01-08"),
    started("t3", "f3", "2020-01-09"),
    plan("t1", "2020-01-10"), plan("t1", "2020-02-10"),  # the plan agreed again: one trajectory
    training("t1", "tr1", "2020-01-20"), training("t1", "tr2", "2020-02-03"),  # one parent
    training_done("t1", "tr1", "2020-02-28"),
    job("t2", "j3", "2020-02-15"), job_ended("t2", "j3", "2020-02-28"),
    job("t1", "j1", "2020-03-02"), job("t1", "j2", "2020-04-15"),  # two jobs for a while
    job_ended("t1", "j1", "2020-04-30"),
    involvement("t3", "2020-01-15"), involvement("t3", "2020-02-15"),
    involvement("t3", "2020-04-15"),
)


S1, S2, S3, S4 = ("2020-02-03", "morning"), ("2020-02-03", "afternoon"), \
    ("2020-02-04", "morning"), ("2020-03-02", "morning")
CHILDCARE = at(
    "mechelen",
    capacity(*S1, 5), capacity(*S1, 2),  # the last capacity set wins: 2
    capacity(*S2, 4), capacity(*S4, 3),  # S3 has no capacity set: the default 15
    booked("b1", "f1", *S1, on="2020-01-20"), *attended("b1", "f1", *S1, hours=3.5),
    booked("b2", "f2", *S1), *attended("b2", "f2", *S1, hours=4.0),
    waitlisted("b3", "f3", *S1, on="2020-01-25"), promoted("b3", "f3", *S1, on="2020-02-01"),
    no_show("b3", "f3", *S1),
    booked("b4", "f1", *S2), *attended("b4", "f1", *S2, hours=2.25),  # f1's child again
    booked("b5", "f4", *S3), *attended("b5", "f4", *S3, hours=3.0),
    booked("b6", "f5", *S2), cancelled("b6", "f5", *S2, on="2020-02-03", late=True),
    booked("b7", "f6", *S2), cancelled("b7", "f6", *S2, on="2020-01-30"),
    waitlisted("b10", "f8", *S4, on="2020-02-20"), cancelled("b10", "f8", *S4, on="2020-02-27"),
    waitlisted("b9", "f7", *S4, on="2020-02-25"),
    booked("b8", "f2", *S4, on="2020-02-10"), *attended("b8", "f2", *S4, hours=3.0),
    BookingFlaggedForHandover(**_b("b8", "f2", *S4), flagged_on=d("2020-03-03"),
                              release_on=d("2020-03-17")),
)


NETWORK = [
    *at("mechelen",
        referred("f1", "2020-01-10"), started("t1", "f1", "2020-01-15"),
        training("t1", "tr1", "2020-01-20"), training("t1", "tr2", "2020-02-01"),
        capacity(*S1, 2), booked("b1", "f1", *S1), *attended("b1", "f1", *S1, hours=3.33),
        booked("b2", "f2", *S1), no_show("b2", "f2", *S1)),
    *at("gent",  # the same id strings as Mechelen's: other families all the same
        referred("f1", "2020-01-12"), started("t1", "f1", "2020-01-20"),
        training("t1", "tr1", "2020-02-03"),
        capacity(*S1, 10),
        *itertools.chain.from_iterable(
            [booked(f"b{n}", f"f{n}", *S1), *attended(f"b{n}", f"f{n}", *S1, hours=2.5)]
            for n in range(1, 5))),
    *at("de-mussen",
        referred("f1", "2020-01-05"), started("t1", "f1", "2020-01-06"),
        training("t1", "tr1", "2020-01-07"),
        booked("b1", "f1", *S1), no_show("b1", "f1", *S1)),
    *at("kent", referred("f1", "2020-01-05")),  # not in COUNTRIES
]


BREAKDOWNS = [
    *at("mechelen",
        referred("f1", "2020-01-02", source=PES,
                 parents=(("f1-p", Gender.FEMALE), ("f1-q", Gender.MALE))),
        referred("f2", "2020-01-03", source=ReferralSource.SOCIAL_SERVICES,
                 parents=(("f2-p", Gender.MALE),)),
        enrolled("f1", "2020-01-05"), enrolled("f9", "2020-01-06"),  # f9's referral unseen
        started("t1", "f1", "2020-01-10", parent="f1-p"),
        started("t11", "f1", "2020-01-10", parent="f1-q"),
        started("t2", "f2", "2020-01-11", parent="f2-p"),
        started("t9", "f9", "2020-01-12", parent="f9-p"),
        training("t1", "tr1", "2020-01-20"), training("t1", "tr2", "2020-01-21"),
        completed("t1", "2020-03-01"),
        booked("b1", "f2", *S1)),
    *at("gent",
        referred("f1", "2020-01-02", source=ReferralSource.SELF),
        started("t1", "f1", "2020-01-10")),
]
