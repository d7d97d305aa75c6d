"""ESF participant data through a partner's services: recorded, followed up, shared in bands.

The hub's fold over what sharing sends must give the ESF indicators this test computes from
its own commands, for entry, exit and six months after exit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from contracts.commands import CompleteTraining, CompleteTrajectory, DropTrajectory, StartTraining
from contracts.intake import ConsentPurpose
from contracts.participants import (
    FollowUpFellDue,
    LabourStatus,
    Moment,
    ParticipantDataRecorded,
    RecordParticipantData,
)
from contracts.registry import encode
from contracts.trajectory import CompletionOutcome, DropReason, TrainingKind
from pace.commands import events_of
from pace.domain import RuleBrokenError
from services.reporting.disclosure import SMALL, protect
from services.reporting.domain import Fold
from services.reporting.esf import EMPLOYED
from services.trajectory.follow_ups import FOLLOW_UP_SCHEDULE
from tests.app.families import TODAY, consented, enrolled

STATISTICS = ConsentPurpose.CROSS_BORDER_STATISTICS
EXIT_JUNE = date(2026, 6, 30)  # follow-up due 2026-12-30
EXIT_AUGUST = date(2026, 8, 31)  # follow-up due 2027-02-28
AS_OF = date(2027, 12, 31)
COUNTRIES = {"mechelen": "BE"}

ENTRY = {  # family -> (status at entry, months unemployed, in education)
    1: (LabourStatus.UNEMPLOYED, 3, None), 2: (LabourStatus.UNEMPLOYED, 20, None),
    3: (LabourStatus.INACTIVE, None, False), 4: (LabourStatus.INACTIVE, None, True),
    5: (LabourStatus.EMPLOYED, None, None), 6: (LabourStatus.UNEMPLOYED, 14, None),
}
EXIT = {  # family -> (exit date, status, months unemployed, in education)
    1: (EXIT_JUNE, LabourStatus.EMPLOYED, None, None),
    2: (EXIT_JUNE, LabourStatus.UNEMPLOYED, 24, None),
    3: (EXIT_AUGUST, LabourStatus.UNEMPLOYED, 0, None),
    4: (EXIT_AUGUST, LabourStatus.INACTIVE, None, True),
    5: (EXIT_JUNE, LabourStatus.SELF_EMPLOYED, None, None),
}
SIX_MONTHS = {1: LabourStatus.EMPLOYED, 2: LabourStatus.SELF_EMPLOYED, 3: LabourStatus.EMPLOYED,
              5: LabourStatus.UNEMPLOYED}
QUALIFIED = {1}  # a vocational training completed


def data(n: int, moment: Moment, on: date, status: LabourStatus, months: int | None,
         in_education: bool | None) -> RecordParticipantData:
    return RecordParticipantData(
        family_id=f"fam-{n}", moment=moment, recorded_on=on, labour_status=status,
        months_unemployed=months, in_education_or_training=in_education, age=20 + 5 * n,
        isced_level=n % 9, single_parent_household=n % 2 == 0)


def due_on(exit_on: date) -> date:
    return date(2026, 12, 30) if exit_on == EXIT_JUNE else date(2027, 2, 28)


async def run_programme(partner) -> None:
    """Six consenting families: entry data for all, exits for five, follow-ups for four."""
    for n, (status, months, in_education) in ENTRY.items():
        await partner.given(*enrolled(n), *consented(n, STATISTICS))
        await partner.do("trajectory", data(n, Moment.ENTRY, TODAY, status, months,
                                            in_education))
    for n in QUALIFIED:
        await partner.do("trajectory", StartTraining(
            family_id=f"fam-{n}", training_id=f"tr-{n}", kind=TrainingKind.VOCATIONAL,
            started_on=TODAY))
        await partner.do("trajectory", CompleteTraining(
            family_id=f"fam-{n}", training_id=f"tr-{n}", completed_on=EXIT_JUNE))
    for n, (on, status, months, in_education) in EXIT.items():
        end = (CompleteTrajectory(family_id=f"fam-{n}", outcome=CompletionOutcome.OTHER,
                                  completed_on=on) if n % 2 else
               DropTrajectory(family_id=f"fam-{n}", reason=DropReason.OTHER, dropped_on=on))
        await partner.do("trajectory", end)
        await partner.do("trajectory", data(n, Moment.EXIT, on, status, months, in_education))
    for tick in (date(2026, 12, 30), date(2027, 2, 28)):
        await partner.tick(FOLLOW_UP_SCHEDULE, at=datetime(tick.year, tick.month, tick.day, 1,
                                                           tzinfo=UTC))
    for n, status in SIX_MONTHS.items():
        months = 1 if status is LabourStatus.UNEMPLOYED else None
        await partner.do("trajectory", data(n, Moment.SIX_MONTHS, due_on(EXIT[n][0]), status,
                                            months, None))


def hub_fold(partner) -> Fold:
    fold = Fold()
    for event in partner.events("sharing"):
        fold.apply("mechelen", event.event_type, encode(event))
    return fold


def expected(year: int) -> dict[str, int]:
    """The ESF figures of a year, computed from this test's own commands."""
    def within(on: date) -> bool:
        return on.year == year
    exits = {n: e for n, e in EXIT.items() if within(e[0])}
    return {
        "esf_participants_entered": len(ENTRY) if within(TODAY) else 0,
        "esf_participants_left": len(exits),
        "esf_employed_upon_leaving": sum(e[1] in EMPLOYED for e in exits.values()),
        "esf_job_searching_upon_leaving": sum(
            e[1] is LabourStatus.UNEMPLOYED and ENTRY[n][0] is LabourStatus.INACTIVE
            for n, e in exits.items()),
        "esf_in_education_upon_leaving": sum(
            e[1] is LabourStatus.INACTIVE and bool(e[3]) for e in exits.values()),
        "esf_qualification_upon_leaving": len(QUALIFIED & set(exits)),
        "esf_employed_six_months_after": sum(
            status in EMPLOYED for n, status in SIX_MONTHS.items()
            if due_on(EXIT[n][0]).year == year),
    }


async def test_the_hubs_esf_figures_equal_those_computed_from_the_commands(partner) -> None:
    await run_programme(partner)

    fold = hub_fold(partner)

    for year in (2026, 2027):
        figures = fold.figures(AS_OF, str(year), COUNTRIES).partners["mechelen"]
        assert {name: figures[name] for name in expected(year)} == expected(year)
    assert expected(2026)["esf_participants_entered"] == 6  # the scenario covers every rule
    assert expected(2026)["esf_employed_upon_leaving"] == 2
    assert expected(2026)["esf_job_searching_upon_leaving"] == 1
    assert expected(2026)["esf_in_education_upon_leaving"] == 1
    assert expected(2026)["esf_qualification_upon_leaving"] == 1
    assert (expected(2026)["esf_employed_six_months_after"],
            expected(2027)["esf_employed_six_months_after"]) == (2, 1)


async def test_the_entry_status_breakdown_counts_each_participant_once(partner) -> None:
    await run_programme(partner)

    report = hub_fold(partner).figures(AS_OF, "2026", COUNTRIES)

    by_status = report.breakdowns["mechelen"]["entry_status"]
    assert {status: row["esf_participants_entered"] for status, row in by_status.items()} == {
        "unemployed": 1, "long_term_unemployed": 2, "inactive": 2, "employed": 1}
    shown = protect(report).breakdowns["mechelen"]["entry_status"]
    assert shown["long_term_unemployed"]["esf_participants_entered"] == SMALL  # 2 < 5


async def test_nothing_finer_than_a_band_reaches_the_hub(partner) -> None:
    await run_programme(partner)

    local = [e for e in partner.events("trajectory") if isinstance(e, ParticipantDataRecorded)]
    copies = [e for e in partner.events("sharing") if isinstance(e, ParticipantDataRecorded)]

    assert len(copies) == len(local) == len(ENTRY) + len(EXIT) + len(SIX_MONTHS)
    assert all(e.age is not None and e.isced_level is not None for e in local)
    for copy in copies:
        assert (copy.age, copy.isced_level, copy.months_unemployed) == (None, None, None)
        payload = encode(copy)
        assert not {"age", "isced_level", "months_unemployed"} & {
            k for k, v in payload.items() if v is not None}
        assert not copy.trajectory_id.startswith("traj-fam")  # re-keyed
    assert not [e for e in partner.events("sharing") if isinstance(e, FollowUpFellDue)]


async def test_the_tick_puts_due_follow_ups_on_the_coachs_list(partner) -> None:
    await partner.given(*enrolled(1), *enrolled(2))
    for n in (1, 2):
        await partner.do("trajectory", CompleteTrajectory(
            family_id=f"fam-{n}", outcome=CompletionOutcome.JOB,
            completed_on=EXIT_JUNE if n == 1 else EXIT_AUGUST))

    early = await partner.tick(FOLLOW_UP_SCHEDULE, at=datetime(2026, 12, 29, 1, tzinfo=UTC))
    caused = await partner.tick(FOLLOW_UP_SCHEDULE, at=datetime(2026, 12, 30, 1, tzinfo=UTC))
    again = await partner.tick(FOLLOW_UP_SCHEDULE, at=datetime(2026, 12, 31, 1, tzinfo=UTC))

    assert early == again == []
    assert [e for e in events_of(caused) if isinstance(e, FollowUpFellDue)] == [FollowUpFellDue(
        trajectory_id="traj-fam-1", family_id="fam-1", due_on=date(2026, 12, 30))]
    rows = await partner.query("trajectory", "follow_ups", coach_id="coach-1")
    assert [(r["trajectory_id"], r["due_on"], r["parent_id"]) for r in rows] == [
        ("traj-fam-1", "2026-12-30", "par-1")]
    await partner.do("trajectory", data(1, Moment.SIX_MONTHS, date(2027, 1, 4),
                                        LabourStatus.EMPLOYED, None, None))
    assert await partner.query("trajectory", "follow_ups") == []


async def test_exit_data_before_the_end_is_refused_with_a_reason(partner) -> None:
    await partner.given(*enrolled(1))

    outcome = await partner.when("trajectory", data(1, Moment.EXIT, TODAY,
                                                    LabourStatus.EMPLOYED, None, None))

    outcome.then_refused(RuleBrokenError, "has not ended")
