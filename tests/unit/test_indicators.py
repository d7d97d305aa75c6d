"""The indicators' fold: small hand-made histories of two or three partners in two countries.

Every event is built with the contract's own model and fed as `model_dump(mode="json")`, the
shape the hub decodes; ids and dates are chosen so that each figure below can be checked by
hand (the comments say how).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from contracts import indicators as definitions
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
from contracts.indicators import DIMENSIONS, INDICATOR_NAMES, INDICATORS, SECTIONS
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    ConsentRecorded,
    FamilyEnrolled,
    FamilyErased,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralDeclined,
    ReferralSource,
)
from contracts.periods import Period
from contracts.registry import encode
from contracts.report import Report
from contracts.reporting import NetworkFiguresPublished, PartnerFiguresPublished
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
from services.reporting import rows
from services.reporting.domain import Fold
from services.reporting.tally import COUNTERS

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


# -- intake -----------------------------------------------------------------------------------

INTAKE = at("mechelen",
            referred("f1", "2020-01-10"), referred("f2", "2020-02-20"),
            enrolled("f1", "2020-01-20"), referred("f3", "2020-03-05"),
            enrolled("f2", "2020-03-02"), declined("f3", "2020-03-10"))


def test_intake_counts_referrals_enrolments_and_declines_dated_in_the_window() -> None:
    fold = given(INTAKE)
    # when the whole first quarter is over
    quarter = figures_of(fold, END_2020, "2020-Q1").partners["mechelen"]
    # then every intake event of the quarter counts
    assert (quarter["families_referred"], quarter["families_enrolled"],
            quarter["referrals_declined"]) == (3, 2, 1)
    # and a month counts only its own
    february = figures_of(fold, END_2020, "2020-02").partners["mechelen"]
    assert (february["families_referred"], february["families_enrolled"],
            february["referrals_declined"]) == (1, 0, 0)
    march = figures_of(fold, END_2020, "2020-03").partners["mechelen"]
    assert (march["families_referred"], march["families_enrolled"],
            march["referrals_declined"]) == (1, 1, 1)


def test_events_dated_after_the_as_of_date_do_not_count() -> None:
    fold = given(INTAKE)
    # when asked as of the end of February (the March events are already in the fold)
    figures = figures_of(fold, d("2020-02-29")).partners["mechelen"]
    # then only what was dated by then counts
    assert (figures["families_referred"], figures["families_enrolled"],
            figures["referrals_declined"]) == (2, 1, 0)
    # and the as-of date itself is included
    assert figures_of(fold, d("2020-02-20")).partners["mechelen"]["families_referred"] == 2
    assert figures_of(fold, d("2020-02-19")).partners["mechelen"]["families_referred"] == 1


def test_a_year_asked_before_it_ends_is_clipped_to_the_as_of_date() -> None:
    figures = figures_of(given(INTAKE), d("2020-03-04"), "2020").partners["mechelen"]
    assert figures["families_referred"] == 2
    assert figures["families_enrolled"] == 2


# -- trajectories: flows and the ongoing stock ------------------------------------------------

TRAJECTORIES = at("mechelen",
                  started("t1", "f1", "2020-01-15"), started("t2", "f2", "2020-02-01"),
                  dropped("t2", "2020-02-20"), completed("t1", "2020-03-10"),
                  started("t3", "f3", "2020-04-01"))


@pytest.mark.parametrize(("as_of", "period", "flows", "ongoing"), [
    # (started, completed, dropped) in the window; ongoing at its end
    ("2020-02-15", "to-date", (2, 0, 0), 2),
    ("2020-02-29", "to-date", (2, 0, 1), 1),  # t2 dropped on 20 February
    ("2020-03-09", "to-date", (2, 0, 1), 1),
    ("2020-03-10", "to-date", (2, 1, 1), 0),  # completed on the end date: no longer ongoing
    ("2020-12-31", "2020-Q1", (2, 1, 1), 0),
    ("2020-12-31", "2020-Q2", (1, 0, 0), 1),  # t3 started in April, still going on 30 June
    ("2020-02-15", "2020-02", (1, 0, 0), 2),  # a stock counts trajectories started earlier
])
def test_trajectory_flows_count_in_the_window_and_ongoing_is_the_stock_at_its_end(
        as_of: str, period: str, flows: tuple[int, int, int], ongoing: int) -> None:
    figures = figures_of(given(TRAJECTORIES), d(as_of), period).partners["mechelen"]
    assert (figures["trajectories_started"], figures["trajectories_completed"],
            figures["trajectories_dropped"]) == flows
    assert figures["trajectories_ongoing"] == ongoing


# -- plans, training, work, involvement --------------------------------------------------------

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


def activation(as_of: str, period: str) -> tuple[int, ...]:
    figures = figures_of(given(ACTIVATION), d(as_of), period).partners["mechelen"]
    return tuple(figures[name] for name in (
        "development_plans_agreed", "parents_trained", "trainings_completed",
        "parents_found_work", "parents_working", "parents_reduced_distance_to_work",
        "parent_involvement_days"))


def test_activation_in_the_first_quarter() -> None:
    # plans: t1 only (twice); trained: f1-p (two trainings); found work: f2-p (j3) and f1-p
    # (j1); working on 31 March: f1-p (j3 ended in February); reduced distance: f1-p, f2-p
    assert activation("2020-12-31", "2020-Q1") == (1, 1, 1, 2, 1, 2, 2)


def test_activation_in_the_second_quarter() -> None:
    # found work: f1-p (j2 in April); working on 30 June: f1-p (j2)
    assert activation("2020-12-31", "2020-Q2") == (0, 0, 0, 1, 1, 1, 1)


def test_a_job_ended_on_the_end_date_no_longer_counts_as_working() -> None:
    # on 30 April j1 ends, j2 still runs: f1-p is working; as of 29 February j3 has ended
    assert activation("2020-04-30", "2020-04")[3:5] == (1, 1)
    assert activation("2020-02-29", "to-date")[3:5] == (1, 0)


def test_a_parent_holding_two_jobs_is_one_parent_working() -> None:
    assert activation("2020-04-20", "to-date")[4] == 1


# -- childcare ---------------------------------------------------------------------------------

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


def test_childcare_in_february_counts_by_session_date() -> None:
    figures = figures_of(given(CHILDCARE), END_2020, "2020-02").partners["mechelen"]
    # places: f1 (b1 booked in January for a February session), f2, f3 (promoted), f1, f4,
    # f5 and f6 (cancelled later, but they had a place) -> 6 families
    assert figures["families_with_childcare"] == 6
    # checked in: f1-c twice, f2-c, f4-c
    assert figures["children_cared_for"] == 3
    assert figures["childcare_sessions"] == 4
    assert figures["childcare_hours"] == 12.75
    assert figures["no_shows"] == 1
    assert figures["no_show_rate"] == 0.2  # 1 / (1 + 4)
    assert figures["late_cancellations"] == 1
    # mornings: S1 (2 attended / 2 places) and S3 (1 attended / the default 15 places)
    assert figures["occupancy_morning"] == 0.176
    assert figures["occupancy_afternoon"] == 0.25  # S2: 1 attended / 4 places
    # on 29 February only b9 waits (b3 was promoted, b10 cancelled)
    assert figures["waitlist_length"] == 1


def test_childcare_in_march() -> None:
    figures = figures_of(given(CHILDCARE), END_2020, "2020-03").partners["mechelen"]
    assert (figures["families_with_childcare"], figures["children_cared_for"],
            figures["childcare_sessions"], figures["childcare_hours"]) == (1, 1, 1, 3.0)
    assert figures["occupancy_morning"] == 0.333  # 1 / 3
    assert figures["occupancy_afternoon"] == 0.0  # no afternoon capacity in March
    assert figures["no_show_rate"] == 0.0
    assert figures["waitlist_length"] == 0  # b9's session (2 March) is over on 31 March


@pytest.mark.parametrize(("as_of", "waiting"), [
    ("2020-01-24", 0),  # nobody waits yet
    ("2020-01-31", 1),  # b3 waits for 3 February
    ("2020-02-01", 0),  # b3 promoted that day
    ("2020-02-24", 1),  # b10
    ("2020-02-26", 2),  # b10 and b9
    ("2020-02-27", 1),  # b10 cancelled that day
    ("2020-03-02", 1),  # b9, on the day of its session
    ("2020-03-03", 0),  # the session is over
])
def test_the_waitlist_is_a_stock_at_the_end_of_the_window(as_of: str, waiting: int) -> None:
    assert figures_of(given(CHILDCARE), d(as_of)).partners["mechelen"]["waitlist_length"] \
        == waiting


def test_a_released_waitlist_entry_stops_waiting() -> None:
    fold = given(at("mechelen", waitlisted("b1", "f1", *S4, on="2020-02-01"),
                    released("b1", "f1", *S4, on="2020-02-10")))
    assert figures_of(fold, d("2020-02-09")).partners["mechelen"]["waitlist_length"] == 1
    assert figures_of(fold, d("2020-02-10")).partners["mechelen"]["waitlist_length"] == 0


def cared_for(*families: str, day: str = "2020-05-05") -> list[DomainEvent]:
    """Each family's child checked in (and out) once, on `day`."""
    return [event for n, family in enumerate(families)
            for event in [booked(f"care-{n}", family, day),
                          *attended(f"care-{n}", family, day, hours=3.0)]]


def test_children_handed_over_by_destination() -> None:
    fold = given(at("mechelen", *cared_for("f1", "f2", "f4"),
                    handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-01"),
                    handed_over("f2", HandoverDestination.PRESCHOOL, "2020-06-15"),
                    handed_over("f4", HandoverDestination.PRESCHOOL, "2020-07-01")))
    quarter = figures_of(fold, END_2020, "2020-Q2").partners["mechelen"]
    assert (quarter["children_handed_over_regular"],
            quarter["children_handed_over_preschool"]) == (1, 1)
    year = figures_of(fold, END_2020).partners["mechelen"]
    assert (year["children_handed_over_regular"], year["children_handed_over_preschool"]) == (1, 2)


def test_only_children_cared_for_count_as_handed_over() -> None:
    """f2's child was never checked in: its handover is not one of the children in care."""
    fold = given(at("mechelen", *cared_for("f1"), booked("b2", "f2", "2020-05-05"),
                    no_show("b2", "f2", "2020-05-05"),
                    handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-01"),
                    handed_over("f2", HandoverDestination.REGULAR_CHILDCARE, "2020-06-02")))
    figures = figures_of(fold, END_2020).partners["mechelen"]
    assert figures["children_handed_over_regular"] == 1


def test_a_child_cared_for_only_after_the_window_does_not_count_in_it() -> None:
    fold = given(at("mechelen",
                    handed_over("f1", HandoverDestination.PRESCHOOL, "2020-06-01"),
                    *cared_for("f1", day="2020-09-01")))
    assert figures_of(fold, d("2020-06-30")).partners["mechelen"][
        "children_handed_over_preschool"] == 0
    assert figures_of(fold, END_2020).partners["mechelen"][
        "children_handed_over_preschool"] == 1


# -- childcare after coaching ------------------------------------------------------------------

AFTER_COACHING = at(
    "mechelen",
    started("t1", "f1", "2020-01-06"), started("t2", "f2", "2020-01-06"),
    started("t3", "f3", "2020-01-06"),
    booked("b1", "f1", "2020-02-27"),  # before f1's end: not after it
    booked("b2", "f1", "2020-03-03"),  # after it
    booked("b3", "f1", "2020-03-05"), cancelled("b3", "f1", "2020-03-05", on="2020-03-04"),
    booked("b4", "f1", "2020-03-10"), no_show("b4", "f1", "2020-03-10"),  # held the place
    waitlisted("b5", "f1", "2020-03-12", on="2020-03-01"),
    promoted("b5", "f1", "2020-03-12", on="2020-03-02"),
    booked("b6", "f2", "2020-03-03"),  # f2 dropped out on 2020-03-09: before it
    booked("b7", "f2", "2020-03-12"), released("b7", "f2", "2020-03-12", on="2020-03-11"),
    booked("b8", "f3", "2020-04-02"),  # f3's trajectory is still open
    completed("t1", "2020-03-02"), dropped("t2", "2020-03-09"),
)


@pytest.mark.parametrize(("as_of", "places"), [
    ("2020-03-02", 0),  # the trajectory ended that day: its session of the day is not after
    ("2020-03-04", 1),  # b2
    ("2020-03-05", 1),  # b2 (b3 was cancelled the day before)
    ("2020-03-11", 2),  # b2, b4 (a no-show held the place); b7 released
    ("2020-03-31", 3),  # b2, b4, b5 (promoted from the waitlist)
])
def test_places_after_the_trajectory_ended(as_of: str, places: int) -> None:
    figures = figures_of(given(AFTER_COACHING), d(as_of)).partners["mechelen"]
    assert figures["places_after_trajectory_end"] == places


def test_places_after_the_trajectory_ended_count_by_session_date_in_the_window() -> None:
    report = figures_of(given(AFTER_COACHING), END_2020, "2020-03")
    assert report.partners["mechelen"]["places_after_trajectory_end"] == 3
    assert figures_of(given(AFTER_COACHING), END_2020, "2020-04").network[
        "places_after_trajectory_end"] == 0


BRIDGING = at(
    "mechelen",
    started("t1", "f1", "2020-01-06"), started("t2", "f2", "2020-01-06"),
    started("t3", "f3", "2020-01-06"), started("t4", "f4", "2020-01-06"),
    booked("b1", "f1", "2020-02-04"), booked("b2", "f2", "2020-02-04"),
    booked("b3", "f3", "2020-02-04"),  # f4 never had childcare
    completed("t1", "2020-03-02"),  # bridging from 2020-03-02 to 2020-04-26
    completed("t2", "2020-03-02"),
    handed_over("f2", HandoverDestination.REGULAR_CHILDCARE, "2020-03-20"),
    dropped("t3", "2020-03-02"),  # a drop has no bridging period
    completed("t4", "2020-03-02"),
)


@pytest.mark.parametrize(("as_of", "bridging"), [
    ("2020-03-01", 0),  # not completed yet
    ("2020-03-02", 2),  # f1 and f2, completed that day
    ("2020-03-19", 2),
    ("2020-03-20", 1),  # f2's child handed over
    ("2020-04-26", 1),  # the last day of f1's 8 weeks
    ("2020-04-27", 0),  # the bridge has ended
])
def test_families_bridging_is_a_stock_at_the_end_of_the_window(as_of: str, bridging: int
                                                                ) -> None:
    figures = figures_of(given(BRIDGING), d(as_of)).partners["mechelen"]
    assert figures["families_bridging"] == bridging
    assert rows.BRIDGING_WEEKS == 8


def test_the_bridging_period_booking_recorded_wins_over_the_networks_default() -> None:
    """A partner with 4 weeks of bridging: its booking events say when f1's bridge ends."""
    fold = given(BRIDGING)
    place = encode(booked("b9", "f1", "2020-03-10", on="2020-03-03"))
    fold.apply("mechelen", "SlotBooked", {**place, "bridging_ends_on": "2020-03-30"})
    assert figures_of(fold, d("2020-03-29")).partners["mechelen"]["families_bridging"] == 1
    assert figures_of(fold, d("2020-03-30")).partners["mechelen"]["families_bridging"] == 0
    assert figures_of(given(BRIDGING), d("2020-03-30")).partners["mechelen"][
        "families_bridging"] == 1  # 8 weeks without it


def test_a_handover_before_the_completion_does_not_end_the_bridge() -> None:
    fold = given(BRIDGING, at("mechelen", handed_over("f1", HandoverDestination.PRESCHOOL,
                                                      "2020-02-20")))
    assert figures_of(fold, d("2020-03-19")).partners["mechelen"]["families_bridging"] == 2


HANDOVERS = [
    *at("mechelen",
        *(started(f"t{n}", f"f{n}", "2020-01-06") for n in (1, 2, 3, 4)),
        *cared_for("f1", "f2", "f3", "f4", "f5"),
        completed("t1", "2020-06-01"), dropped("t2", "2020-06-01"),
        completed("t3", "2020-06-01"), completed("t4", "2020-09-01"),
        handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-11"),  # 10 days
        handed_over("f2", HandoverDestination.PRESCHOOL, "2020-07-01"),  # 30 days
        handed_over("f3", HandoverDestination.REGULAR_CHILDCARE, "2020-08-10"),  # 70 days
        handed_over("f4", HandoverDestination.PRESCHOOL, "2020-08-01"),  # before the end
        handed_over("f5", HandoverDestination.PRESCHOOL, "2020-08-01")),  # no trajectory
    *at("gent",
        started("t1", "f1", "2020-01-06"), *cared_for("f1"),
        completed("t1", "2020-06-01"),
        handed_over("f1", HandoverDestination.REGULAR_CHILDCARE, "2020-06-16")),  # 15 days
]


def test_median_days_from_the_trajectory_end_to_the_handover() -> None:
    report = figures_of(given(HANDOVERS), END_2020)
    assert report.partners["mechelen"]["median_days_to_handover"] == 30.0  # 10, 30, 70
    assert report.partners["gent"]["median_days_to_handover"] == 15.0
    # the pooled handovers, not a mean of medians: 10, 15, 30, 70
    assert report.countries["BE"]["median_days_to_handover"] == 22.5
    assert report.network["median_days_to_handover"] == 22.5
    assert report.partners["de-mussen"]["median_days_to_handover"] == 0.0


def test_the_median_days_to_handover_takes_the_handovers_in_the_window() -> None:
    fold = given(HANDOVERS)
    assert figures_of(fold, END_2020, "2020-Q2").partners["mechelen"][
        "median_days_to_handover"] == 10.0
    assert fold.trend("median_days_to_handover", "network", [d("2020-06-30")], COUNTRIES) \
        == [(d("2020-06-30"), 12.5)]  # 10 and 15


# -- partners, countries and the network --------------------------------------------------------

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


def test_countries_and_the_network_count_each_partners_entities_once() -> None:
    report = figures_of(given(NETWORK), END_2020)
    # each partner: one parent trained (Mechelen's twice)
    assert [report.partners[p]["parents_trained"] for p in ("mechelen", "gent", "de-mussen")] \
        == [1, 1, 1]
    # Belgium: Mechelen's f1 and Gent's f1 are two families, two parents
    assert report.countries["BE"]["families_referred"] == 2
    assert report.countries["BE"]["parents_trained"] == 2
    assert report.countries["BE"]["families_with_childcare"] == 2 + 4
    assert report.countries["BE"]["children_cared_for"] == 1 + 4
    assert report.network["families_referred"] == 4
    assert report.network["parents_trained"] == 3


def test_ratios_of_a_country_are_recomputed_not_averaged() -> None:
    report = figures_of(given(NETWORK), END_2020)
    assert report.partners["mechelen"]["no_show_rate"] == 0.5  # 1 / (1 + 1)
    assert report.partners["gent"]["no_show_rate"] == 0.0  # 0 / (0 + 4)
    assert report.countries["BE"]["no_show_rate"] == 0.167  # 1 / 6, not (0.5 + 0) / 2
    assert report.network["no_show_rate"] == 0.286  # 2 / 7
    assert report.partners["mechelen"]["occupancy_morning"] == 0.5  # 1 / 2
    assert report.partners["gent"]["occupancy_morning"] == 0.4  # 4 / 10
    assert report.countries["BE"]["occupancy_morning"] == 0.417  # 5 / 12, not 0.45
    assert report.countries["BE"]["childcare_hours"] == 13.33  # 3.33 + 4 x 2.5
    assert report.countries["NL"]["occupancy_morning"] == 0.0  # no childcare sessions


def test_every_partner_is_reported_with_its_country() -> None:
    report = given(NETWORK).figures(END_2020, Period.parse("to-date"),
                                    {**COUNTRIES, "wattrelos": "FR"})
    # Wattrelos sent nothing yet: zeros; Kent is missing from the countries: "??"
    assert list(report.partners) == ["de-mussen", "gent", "kent", "mechelen", "wattrelos"]
    assert set(report.partners["wattrelos"].values()) == {0}
    assert report.country_of == {"de-mussen": "NL", "gent": "BE", "kent": "??",
                                 "mechelen": "BE", "wattrelos": "FR"}
    assert list(report.countries) == ["??", "BE", "FR", "NL"]
    assert report.countries["??"]["families_referred"] == 1
    assert report.countries["FR"]["families_referred"] == 0
    assert sorted(report.breakdowns) == ["??", "BE", "FR", "NL", "de-mussen", "gent", "kent",
                                         "mechelen", "network", "wattrelos"]


def test_figures_follow_the_indicators_order_and_types() -> None:
    report = figures_of(given(NETWORK), END_2020)
    for figures in (*report.partners.values(), *report.countries.values(), report.network):
        assert tuple(figures) == INDICATOR_NAMES
        for indicator in INDICATORS:
            value = figures[indicator.name]
            expected = float if indicator.decimals else int
            assert type(value) is expected, indicator.name


def test_reports_fit_the_published_figures_events() -> None:
    report = figures_of(given(NETWORK, ACTIVATION), END_2020, "2020-Q1")
    published = PartnerFiguresPublished(
        partner_id="mechelen", period=report.period, as_of=report.as_of,
        figures=report.partners["mechelen"], breakdowns=report.breakdowns["mechelen"])
    network = NetworkFiguresPublished(period=report.period, as_of=report.as_of,
                                      figures=report.network,
                                      breakdowns=report.breakdowns["network"])
    # Mechelen's f1-p trains in both histories: the same id in one partner is one parent
    assert published.figures["parents_trained"] == 1
    # f1-p of Mechelen, Gent and De Mussen, all referred as female
    assert network.breakdowns["gender"]["female"]["parents_trained"] == 3


# -- breakdowns --------------------------------------------------------------------------------

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


def test_breakdowns_by_gender_and_referral_source() -> None:
    report = figures_of(given(BREAKDOWNS), END_2020)
    mechelen = report.breakdowns["mechelen"]
    # only the categories with a figure; every indicator of the dimension within them
    assert list(mechelen["gender"]) == ["female", "male", "unknown"]
    assert mechelen["gender"]["female"] == {
        "trajectories_started": 1, "trajectories_completed": 1, "trajectories_ongoing": 0,
        "trajectories_dropped": 0, "development_plans_agreed": 0, "parents_trained": 1,
        "parents_found_work": 0, "parents_working": 0, "parents_reduced_distance_to_work": 1}
    assert mechelen["gender"]["male"]["trajectories_ongoing"] == 2  # f1-q and f2-p
    assert mechelen["gender"]["unknown"]["trajectories_started"] == 1  # f9-p
    assert mechelen["referral_source"] == {
        "public_employment_service": {
            "families_referred": 1, "families_enrolled": 1, "trajectories_started": 2,
            "trajectories_completed": 1, "families_with_childcare": 0},
        "social_services": {
            "families_referred": 1, "families_enrolled": 0, "trajectories_started": 1,
            "trajectories_completed": 0, "families_with_childcare": 1},
        "unknown": {
            "families_referred": 0, "families_enrolled": 1, "trajectories_started": 1,
            "trajectories_completed": 0, "families_with_childcare": 0},
    }


def test_breakdowns_add_up_over_partners() -> None:
    report = figures_of(given(BREAKDOWNS), END_2020)
    assert report.breakdowns["BE"]["gender"]["female"]["trajectories_started"] == 2
    assert report.breakdowns["network"]["gender"]["female"]["trajectories_started"] == 2
    assert report.breakdowns["network"]["referral_source"]["self"]["families_referred"] == 1
    # every category's figures add up to the scope's own figure
    for scope, figures in (("network", report.network), ("BE", report.countries["BE"])):
        for dimension, names in DIMENSIONS.items():
            for name in names:
                assert sum(c[name] for c in report.breakdowns[scope][dimension].values()) \
                    == figures[name], (scope, dimension, name)


def test_a_scope_without_facts_has_empty_breakdowns() -> None:
    report = figures_of(given(BREAKDOWNS), END_2020)
    assert report.breakdowns["de-mussen"] == {"gender": {}, "referral_source": {}}


def test_breakdowns_respect_the_window() -> None:
    report = figures_of(given(BREAKDOWNS), d("2020-01-10"))
    # t2 (f2-p) and t9 start later; t1 and t11 on the as-of date
    assert sorted(report.breakdowns["mechelen"]["gender"]) == ["female", "male"]


# -- robustness: arrival order, ignored events, determinism -----------------------------------


def test_a_trajectory_arriving_before_its_familys_referral_is_still_joined() -> None:
    # given the hub sees Gent's trajectory before the referral that names the parent
    fold = given(at("gent", started("t1", "f1", "2020-01-10", parent="f1-p"),
                    training("t1", "tr1", "2020-01-11")),
                 at("gent", referred("f1", "2020-01-02", source=ReferralSource.SELF,
                                     parents=(("f1-p", Gender.MALE),))))
    # then the join is made when the figures are asked for
    breakdowns = figures_of(fold, END_2020).breakdowns["gent"]
    assert list(breakdowns["gender"]) == ["male"]
    assert breakdowns["gender"]["male"]["parents_trained"] == 1
    assert breakdowns["referral_source"]["self"]["trajectories_started"] == 1


def test_an_erased_family_counts_as_before() -> None:
    # given a family erased at its partner (FamilyErased is not shareable; if it ever reaches
    # the fold it is ignored, like any event of no indicator)
    erasure = at("mechelen", FamilyErased(family_id="f1", erased_on=d("2020-05-01")),
                 ConsentRecorded(family_id="f2", purpose=ConsentPurpose.CHILDCARE,
                                 given_on=d("2020-01-01")))
    # then the figures are those of the history without it
    assert figures_of(given(INTAKE, erasure, TRAJECTORIES), END_2020) \
        == figures_of(given(INTAKE, TRAJECTORIES), END_2020)


def test_unknown_event_types_are_ignored_and_name_no_partner() -> None:
    fold = given(INTAKE)
    fold.apply("mechelen", "SomethingNew", {"family_id": "f1"})
    fold.apply("elsewhere", "SomethingNew", {})
    assert fold.partners() == ["mechelen"]
    assert figures_of(fold, END_2020) == figures_of(given(INTAKE), END_2020)


def test_a_partner_that_only_flagged_a_booking_is_still_reported() -> None:
    fold = given(at("arques", BookingFlaggedForHandover(
        **_b("b1", "f1", *S1), flagged_on=d("2020-02-01"), release_on=d("2020-02-15"))))
    report = figures_of(fold, END_2020)
    assert report.country_of["arques"] == "??"
    assert set(report.partners["arques"].values()) == {0}


def test_the_interleaving_of_partners_does_not_change_the_report() -> None:
    # given the same events, each partner in its own order, interleaved two ways
    histories = [at(p, *events) for p, events in (
        ("mechelen", [e for _p, e in CHILDCARE + ACTIVATION]),
        ("gent", [e for _p, e in BREAKDOWNS if _p == "gent"]),
        ("de-mussen", [e for _p, e in NETWORK if _p == "de-mussen"]))]
    one_by_one = given(*histories)
    round_robin = given([entry for group in itertools.zip_longest(*histories) for entry in group
                         if entry is not None])
    # then the reports are equal, keys in the same order
    first, second = figures_of(one_by_one, END_2020), figures_of(round_robin, END_2020)
    assert first == second
    assert list(first.partners) == list(second.partners) == ["de-mussen", "gent", "mechelen"]
    assert list(first.breakdowns["network"]["gender"]) \
        == list(second.breakdowns["network"]["gender"])


def test_more_events_after_a_report_are_taken_into_the_next() -> None:
    fold = given(INTAKE)
    assert figures_of(fold, END_2020).network["families_referred"] == 3
    fold.apply("mechelen", "FamilyReferred", encode(referred("f4", "2020-04-01")))
    assert figures_of(fold, END_2020).network["families_referred"] == 4


def test_a_period_not_started_by_the_as_of_date_reports_zeros() -> None:
    report = figures_of(given(TRAJECTORIES, INTAKE), d("2020-06-30"), "2021")
    assert report.period == "2021"
    assert set(report.partners["mechelen"].values()) == {0}
    assert report.network["trajectories_ongoing"] == 0  # stocks too
    assert report.breakdowns["network"] == {"gender": {}, "referral_source": {}}


def test_the_period_may_be_given_as_text() -> None:
    fold = given(INTAKE)
    assert fold.figures(END_2020, "2020-Q1", COUNTRIES) == figures_of(fold, END_2020, "2020-Q1")


# -- trends ------------------------------------------------------------------------------------


def test_a_trend_gives_the_to_date_figure_at_each_point() -> None:
    fold = given(NETWORK, TRAJECTORIES)
    points = [d("2020-01-05"), d("2020-01-12"), d("2020-02-10"), d("2020-02-29"),
              d("2020-12-31")]
    # referred: De Mussen and Kent on 5 January, Mechelen on the 10th, Gent on the 12th
    assert fold.trend("families_referred", "network", points) == list(zip(
        points, [2, 4, 4, 4, 4], strict=True))
    # Mechelen: t1 from 15 January to 10 March, t2 from 1 to 20 February, t3 from April
    assert fold.trend("trajectories_ongoing", "mechelen", points) == list(zip(
        points, [0, 0, 2, 1, 1], strict=True))
    assert fold.trend("no_show_rate", "BE", points, COUNTRIES)[-1] == (points[-1], 0.167)


def test_a_trend_of_an_unknown_indicator_or_scope_is_refused() -> None:
    fold = given(NETWORK)
    with pytest.raises(ValueError, match="unknown indicator 'families'"):
        fold.trend("families", "network", [END_2020])
    with pytest.raises(ValueError, match="unknown scope 'FR'"):
        fold.trend("families_referred", "FR", [END_2020], COUNTRIES)


def test_a_trend_point_equals_the_to_date_figure_of_every_indicator() -> None:
    fold = given(NETWORK, CHILDCARE, ACTIVATION, BREAKDOWNS)
    for as_of in (d("2020-02-10"), d("2020-03-31")):
        report = figures_of(fold, as_of)
        for scope, figures in (("network", report.network), ("BE", report.countries["BE"]),
                               ("mechelen", report.partners["mechelen"])):
            for name in INDICATOR_NAMES:
                assert fold.trend(name, scope, [as_of], COUNTRIES) == [(as_of, figures[name])]


# -- documentation -----------------------------------------------------------------------------


def test_every_indicator_has_a_label_a_description_and_a_definition() -> None:
    assert len(INDICATOR_NAMES) == len(set(INDICATOR_NAMES)) == 32
    assert all(i.label and i.description and i.definition and i.unit for i in INDICATORS)


def test_every_section_of_the_table_has_its_counter_and_every_breakdown_known_indicators(
) -> None:
    assert list(COUNTERS) == [section.name for section in SECTIONS]
    assert {i.section for i in INDICATORS} == set(SECTIONS)
    assert all(name in INDICATOR_NAMES for names in DIMENSIONS.values() for name in names)


def test_the_readme_defines_every_indicator_as_the_table_does() -> None:
    """Stale? Run `python -m contracts.indicators --write`."""
    text = definitions.README.read_text(encoding="utf-8")

    assert definitions.with_definitions(text) == text
    generated = definitions.definitions_markdown()
    assert [line.split("`")[1] for line in generated.splitlines()
            if line.startswith("- `")] == list(INDICATOR_NAMES)
    assert "- `no_show_rate` (ratio, 3 decimals): no_shows / (no_shows" in generated


def test_stale_definitions_are_found_and_rewritten(tmp_path, monkeypatch, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Indicators\n{definitions.DEFINITIONS_START}\nold\n"
                      f"{definitions.DEFINITIONS_END}\nmore\n", encoding="utf-8")
    monkeypatch.setattr(definitions, "README", readme)

    assert definitions.main(["--check"]) == 1
    assert definitions.main(["--write"]) == 0
    assert definitions.main(["--check"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith(f"{definitions.DEFINITIONS_END}\nmore\n")
    assert "- `families_referred` (families): families with a FamilyReferred" in text
    assert "stale" in capsys.readouterr().out


def test_a_readme_without_the_markers_is_refused() -> None:
    with pytest.raises(definitions.DefinitionsMarkersError, match="no indicator definition"):
        definitions.with_definitions("# PACE\n")



def unshared(month: str, families: int, on: str) -> DomainEvent:
    from contracts.intake import UnsharedFamiliesCounted

    return UnsharedFamiliesCounted(referred_in=month, families=families, counted_on=d(on))


def test_families_not_shared_are_the_latest_count_of_each_referral_month_as_of_a_date() -> None:
    fold = given(at("mechelen", unshared("2020-01", 1, "2020-01-10"),
                    unshared("2020-01", 0, "2020-01-14"), unshared("2020-02", 2, "2020-02-03"),
                    unshared("2020-02", 3, "2020-02-20")))

    assert figures_of(fold, d("2020-01-12")).network["families_not_shared"] == 1
    assert figures_of(fold, d("2020-02-10")).network["families_not_shared"] == 2
    assert figures_of(fold, d("2020-03-01")).partners["mechelen"]["families_not_shared"] == 3
    assert figures_of(fold, d("2020-03-01"), "2020-01").network["families_not_shared"] == 0
