"""The ESF result indicators in the fold: moments, corrections, entry status, windows."""

from __future__ import annotations

from contracts.participants import (
    EducationBand,
    LabourStatus,
    Moment,
    ParticipantAgeBand,
    ParticipantDataRecorded,
)
from services.reporting.disclosure import SMALL, protect
from tests.unit.indicator_facts import END_2020, at, d, figures_of, given

EMPLOYED, UNEMPLOYED, INACTIVE = (LabourStatus.EMPLOYED, LabourStatus.UNEMPLOYED,
                                  LabourStatus.INACTIVE)


def record(trajectory: str, moment: Moment, on: str, status: LabourStatus, *,
           long_term: bool | None = None, in_education: bool | None = None,
           qualified: bool | None = None) -> ParticipantDataRecorded:
    """As the hub sees it: bands only."""
    return ParticipantDataRecorded(
        trajectory_id=trajectory, family_id=f"f-{trajectory}", moment=moment,
        situation_on=d(on), recorded_on=d(on), labour_status=status,
        long_term_unemployed=long_term, in_education_or_training=in_education,
        age_band=ParticipantAgeBand.FROM_25_TO_54, education=EducationBand.ISCED_3_4,
        single_parent_household=False, qualification_gained=qualified)


def test_each_moment_feeds_its_own_indicators() -> None:
    fold = given(at("mechelen",
                    record("t1", Moment.ENTRY, "2020-01-06", UNEMPLOYED, long_term=False),
                    record("t1", Moment.EXIT, "2020-06-30", EMPLOYED, qualified=True),
                    record("t1", Moment.SIX_MONTHS, "2020-12-30", LabourStatus.SELF_EMPLOYED)))

    figures = figures_of(fold, END_2020).partners["mechelen"]

    assert {name: figures[name] for name in figures if name.startswith("esf_")} == {
        "esf_participants_entered": 1, "esf_participants_left": 1,
        "esf_employed_upon_leaving": 1, "esf_job_searching_upon_leaving": 0,
        "esf_in_education_upon_leaving": 0, "esf_qualification_upon_leaving": 1,
        "esf_employed_six_months_after": 1}


def test_a_later_record_of_the_same_moment_is_a_correction() -> None:
    fold = given(at("mechelen",
                    record("t1", Moment.EXIT, "2020-06-30", EMPLOYED),
                    record("t1", Moment.EXIT, "2020-06-30", UNEMPLOYED, long_term=False)))

    figures = figures_of(fold, END_2020).partners["mechelen"]

    assert (figures["esf_participants_left"], figures["esf_employed_upon_leaving"]) == (1, 0)


def test_job_searching_upon_leaving_counts_only_those_inactive_at_entry() -> None:
    fold = given(at("mechelen",
                    record("t1", Moment.ENTRY, "2020-01-06", INACTIVE, in_education=False),
                    record("t1", Moment.EXIT, "2020-06-30", UNEMPLOYED, long_term=False),
                    record("t2", Moment.ENTRY, "2020-01-06", UNEMPLOYED, long_term=True),
                    record("t2", Moment.EXIT, "2020-06-30", UNEMPLOYED, long_term=True),
                    record("t3", Moment.EXIT, "2020-06-30", UNEMPLOYED, long_term=False),
                    record("t4", Moment.EXIT, "2020-06-30", INACTIVE, in_education=True)))

    report = figures_of(fold, END_2020)

    assert report.partners["mechelen"]["esf_job_searching_upon_leaving"] == 1
    assert report.partners["mechelen"]["esf_in_education_upon_leaving"] == 1
    left = {status: row["esf_participants_left"]
            for status, row in report.breakdowns["mechelen"]["entry_status"].items()}
    assert left == {"inactive": 1, "long_term_unemployed": 1, "unknown": 2}


def test_records_count_in_the_window_of_the_date_they_describe() -> None:
    fold = given(at("gent",
                    record("t1", Moment.EXIT, "2020-06-30", EMPLOYED),
                    record("t1", Moment.SIX_MONTHS, "2020-12-30", EMPLOYED),
                    record("t2", Moment.SIX_MONTHS, "2021-01-31", EMPLOYED)))

    assert figures_of(fold, END_2020, "2020-Q2").partners["gent"][
        "esf_employed_upon_leaving"] == 1
    assert figures_of(fold, END_2020, "2020-Q2").partners["gent"][
        "esf_employed_six_months_after"] == 0
    assert figures_of(fold, END_2020, "2020").partners["gent"][
        "esf_employed_six_months_after"] == 1
    assert figures_of(fold, d("2021-03-31"), "2021").network[
        "esf_employed_six_months_after"] == 1


def test_small_entry_status_cells_are_suppressed_and_totals_shown() -> None:
    fold = given(at("mechelen", *(
        record(f"t{n}", Moment.ENTRY, "2020-01-06", UNEMPLOYED, long_term=n < 2)
        for n in range(8))))

    report = protect(figures_of(fold, END_2020))

    assert report.partners["mechelen"]["esf_participants_entered"] == 8
    cells = report.breakdowns["mechelen"]["entry_status"]
    assert cells["long_term_unemployed"]["esf_participants_entered"] == SMALL
    hidden = [status for status, row in cells.items()
              if isinstance(row["esf_participants_entered"], str)]
    assert len(hidden) >= 2  # a second cell, so that 8 minus the rest does not give the 2
