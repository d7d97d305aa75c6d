"""Participant data (ESF) on a parent's trajectory: bands, moments, the six-month follow-up."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import participants as pd
from contracts import trajectory as ev
from contracts.participants import (
    EducationBand,
    LabourStatus,
    MarkFollowUpsDue,
    Moment,
    ParticipantAgeBand,
    RecordParticipantData,
)
from contracts.trajectory import CompletionOutcome, DropReason, TrainingKind
from pace.domain import RuleBrokenError, UnknownFamilyError
from services.trajectory.participants import (
    age_band,
    decider,
    education_band,
    long_term_unemployed,
    months_after,
)
from tests.unit.deciders import given

FAMILY = "fam-1"
STARTED_ON = date(2020, 3, 2)
ENDED_ON = date(2020, 8, 31)
DUE_ON = date(2021, 2, 28)  # six months after 31 August: the month's last day
MUM = {"trajectory_id": "traj-fam-1", "family_id": FAMILY}
DAD = {"trajectory_id": "traj-fam-1.2", "family_id": FAMILY}
MUM_STARTED = ev.TrajectoryStarted(**MUM, parent_id="mum", coach_id="coach-7",
                                   started_on=STARTED_ON)
DAD_STARTED = ev.TrajectoryStarted(**DAD, parent_id="dad", coach_id="coach-7",
                                   started_on=STARTED_ON)
MUM_COMPLETED = ev.TrajectoryCompleted(**MUM, outcome=CompletionOutcome.JOB,
                                       completed_on=ENDED_ON)
MUM_DROPPED = ev.TrajectoryDropped(**MUM, reason=DropReason.HEALTH, dropped_on=ENDED_ON)


def data(moment: Moment = Moment.ENTRY, recorded_on: date = STARTED_ON,
         **changes: object) -> RecordParticipantData:
    fields: dict[str, object] = {
        "family_id": FAMILY, "moment": moment, "recorded_on": recorded_on,
        "labour_status": LabourStatus.UNEMPLOYED, "months_unemployed": 14, "age": 31,
        "isced_level": 2, "single_parent_household": True}
    return RecordParticipantData(**{**fields, **changes})


def recorded(moment: Moment = Moment.ENTRY, situation_on: date = STARTED_ON,
             recorded_on: date = STARTED_ON, **changes: object) -> pd.ParticipantDataRecorded:
    fields: dict[str, object] = {
        **MUM, "moment": moment, "situation_on": situation_on, "recorded_on": recorded_on,
        "labour_status": LabourStatus.UNEMPLOYED, "long_term_unemployed": True,
        "months_unemployed": 14, "age_band": ParticipantAgeBand.FROM_25_TO_54, "age": 31,
        "education": EducationBand.ISCED_0_2, "isced_level": 2,
        "single_parent_household": True}
    return pd.ParticipantDataRecorded(**{**fields, **changes})


# -- the bands ------------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "band"), [
    (15, ParticipantAgeBand.UNDER_25), (24, ParticipantAgeBand.UNDER_25),
    (25, ParticipantAgeBand.FROM_25_TO_54), (54, ParticipantAgeBand.FROM_25_TO_54),
    (55, ParticipantAgeBand.OVER_54)])
def test_an_age_falls_in_its_esf_band(age, band):
    assert age_band(age) is band


@pytest.mark.parametrize(("level", "band"), [
    (0, EducationBand.ISCED_0_2), (2, EducationBand.ISCED_0_2), (3, EducationBand.ISCED_3_4),
    (4, EducationBand.ISCED_3_4), (5, EducationBand.ISCED_5_8), (8, EducationBand.ISCED_5_8)])
def test_an_isced_level_falls_in_its_band(level, band):
    assert education_band(level) is band


@pytest.mark.parametrize(("months", "band", "long_term"), [
    (6, ParticipantAgeBand.UNDER_25, False), (7, ParticipantAgeBand.UNDER_25, True),
    (12, ParticipantAgeBand.FROM_25_TO_54, False), (13, ParticipantAgeBand.FROM_25_TO_54, True),
    (13, ParticipantAgeBand.OVER_54, True)])
def test_long_term_unemployment_is_over_6_months_under_25_and_over_12_from_25(
        months, band, long_term):
    assert long_term_unemployed(months, band) is long_term


def test_six_months_after_a_month_end_is_the_last_day_of_the_month():
    assert months_after(date(2020, 8, 31), 6) == date(2021, 2, 28)
    assert months_after(date(2020, 9, 15), 6) == date(2021, 3, 15)


# -- entry ----------------------------------------------------------------------------------

def test_entry_data_describes_the_parent_at_the_trajectory_start_in_bands():
    given(decider, MUM_STARTED).when(data(recorded_on=date(2020, 3, 9))).then(
        recorded(recorded_on=date(2020, 3, 9)))


def test_an_unemployed_parent_under_25_is_long_term_unemployed_after_6_months():
    given(decider, MUM_STARTED).when(data(age=22, months_unemployed=7)).then(
        recorded(age=22, age_band=ParticipantAgeBand.UNDER_25, months_unemployed=7))


def test_an_inactive_parent_says_whether_in_education_or_training():
    given(decider, MUM_STARTED).when(data(
        labour_status=LabourStatus.INACTIVE, months_unemployed=None,
        in_education_or_training=False)).then(recorded(
            labour_status=LabourStatus.INACTIVE, months_unemployed=None,
            long_term_unemployed=None, in_education_or_training=False))
    given(decider, MUM_STARTED).when(data(
        labour_status=LabourStatus.INACTIVE, months_unemployed=None)).then_raises(
            RuleBrokenError, match="in education or training")


def test_the_months_unemployed_belong_to_unemployed_parents_only():
    given(decider, MUM_STARTED).when(data(months_unemployed=None)).then_raises(
        RuleBrokenError, match="months unemployed")
    given(decider, MUM_STARTED).when(data(labour_status=LabourStatus.EMPLOYED)).then_raises(
        RuleBrokenError, match="months_unemployed is for unemployed parents")
    given(decider, MUM_STARTED).when(data(
        labour_status=LabourStatus.EMPLOYED, months_unemployed=None,
        in_education_or_training=True)).then_raises(RuleBrokenError, match="inactive parents")


def test_data_for_a_family_without_trajectory_is_refused():
    given(decider).when(data()).then_raises(UnknownFamilyError, match="no trajectory")


def test_with_two_parents_the_data_names_the_parent():
    given(decider, MUM_STARTED, DAD_STARTED).when(data()).then_raises(
        RuleBrokenError, match="name the parent")
    given(decider, MUM_STARTED, DAD_STARTED).when(data(parent_id="dad")).then(
        recorded(**DAD))
    given(decider, MUM_STARTED).when(data(parent_id="gran")).then_raises(
        RuleBrokenError, match="parent gran has no trajectory")


def test_a_trajectory_named_is_the_one_the_data_is_for():
    reentered = ev.TrajectoryStarted(trajectory_id="traj-fam-1.2", family_id=FAMILY,
                                     parent_id="mum", coach_id="coach-7",
                                     started_on=date(2021, 1, 4))
    history = (MUM_STARTED, MUM_COMPLETED, reentered)
    given(decider, *history).when(data(Moment.EXIT, ENDED_ON)).then_raises(
        RuleBrokenError, match="traj-fam-1.2 has not ended")  # the latest, by default
    given(decider, *history).when(data(Moment.EXIT, ENDED_ON, trajectory_id="traj-fam-1")).then(
        recorded(Moment.EXIT, ENDED_ON, ENDED_ON, qualification_gained=False))
    given(decider, *history).when(data(trajectory_id="traj-fam-9")).then_raises(
        RuleBrokenError, match="no trajectory traj-fam-9")
    given(decider, *history).when(data(trajectory_id="traj-fam-1", parent_id="dad")
                                  ).then_raises(RuleBrokenError, match="of parent dad")


# -- exit -----------------------------------------------------------------------------------

def test_exit_data_waits_for_the_trajectory_to_end():
    given(decider, MUM_STARTED).when(data(Moment.EXIT)).then_raises(
        RuleBrokenError, match="has not ended")


def test_exit_data_describes_the_parent_at_the_trajectory_end():
    given(decider, MUM_STARTED, MUM_DROPPED).when(data(
        Moment.EXIT, ENDED_ON, labour_status=LabourStatus.SELF_EMPLOYED,
        months_unemployed=None)).then(recorded(
            Moment.EXIT, ENDED_ON, ENDED_ON, labour_status=LabourStatus.SELF_EMPLOYED,
            months_unemployed=None, long_term_unemployed=None, qualification_gained=False))


def test_a_completed_vocational_training_is_a_qualification_gained_at_exit():
    history = (MUM_STARTED,
               ev.TrainingStarted(**MUM, training_id="t1", kind=TrainingKind.VOCATIONAL,
                                  started_on=STARTED_ON),
               ev.TrainingCompleted(**MUM, training_id="t1", completed_on=ENDED_ON),
               MUM_COMPLETED)
    given(decider, *history).when(data(Moment.EXIT, ENDED_ON)).then(
        recorded(Moment.EXIT, ENDED_ON, ENDED_ON, qualification_gained=True))


def test_a_language_course_or_an_unfinished_training_is_no_qualification():
    history = (MUM_STARTED,
               ev.TrainingStarted(**MUM, training_id="t1", kind=TrainingKind.LANGUAGE,
                                  started_on=STARTED_ON),
               ev.TrainingCompleted(**MUM, training_id="t1", completed_on=ENDED_ON),
               ev.TrainingStarted(**MUM, training_id="t2", kind=TrainingKind.VOCATIONAL,
                                  started_on=STARTED_ON),
               MUM_COMPLETED)
    given(decider, *history).when(data(Moment.EXIT, ENDED_ON)).then(
        recorded(Moment.EXIT, ENDED_ON, ENDED_ON, qualification_gained=False))


def test_the_coach_may_say_a_qualification_was_gained_elsewhere_but_only_at_exit():
    given(decider, MUM_STARTED, MUM_COMPLETED).when(data(
        Moment.EXIT, ENDED_ON, qualification_gained=True)).then(
            recorded(Moment.EXIT, ENDED_ON, ENDED_ON, qualification_gained=True))
    given(decider, MUM_STARTED).when(data(qualification_gained=True)).then_raises(
        RuleBrokenError, match="at exit only")


# -- six months after exit ----------------------------------------------------------------

def test_the_six_month_follow_up_is_refused_before_it_is_due():
    given(decider, MUM_STARTED, MUM_COMPLETED).when(data(
        Moment.SIX_MONTHS, date(2021, 2, 27))).then_raises(RuleBrokenError, match="2021-02-28")


def test_the_six_month_follow_up_describes_the_parent_on_its_due_date():
    given(decider, MUM_STARTED, MUM_COMPLETED).when(data(
        Moment.SIX_MONTHS, date(2021, 3, 10))).then(
            recorded(Moment.SIX_MONTHS, DUE_ON, date(2021, 3, 10)))


def test_a_follow_up_falls_due_six_months_after_the_trajectory_ends():
    due = pd.FollowUpFellDue(**MUM, due_on=DUE_ON)
    given(decider, MUM_STARTED, MUM_COMPLETED).when(MarkFollowUpsDue(
        family_id=FAMILY, today=date(2021, 2, 27))).then_nothing()
    given(decider, MUM_STARTED, MUM_COMPLETED).when(MarkFollowUpsDue(
        family_id=FAMILY, today=DUE_ON)).then(due)


def test_a_follow_up_falls_due_once_and_not_when_already_recorded():
    tick = MarkFollowUpsDue(family_id=FAMILY, today=date(2021, 6, 1))
    due = pd.FollowUpFellDue(**MUM, due_on=DUE_ON)
    given(decider, MUM_STARTED, MUM_COMPLETED, due).when(tick).then_nothing()
    given(decider, MUM_STARTED, MUM_COMPLETED,
          recorded(Moment.SIX_MONTHS, DUE_ON, DUE_ON)).when(tick).then_nothing()
    given(decider, MUM_STARTED, DAD_STARTED).when(tick).then_nothing()  # nothing ended yet
