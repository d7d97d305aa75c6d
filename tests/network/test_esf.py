"""ESF participant data on real nats-servers: the hub's ESF figures equal the commands' own.

One partner and the hub. Four consenting families: entry data for each parent, exit data
for the three whose trajectory ends, the six-month follow-up for two (after the schedule's
mark). The expected figures are computed here from the commands, without the reporting code;
no message at the hub holds an exact age, ISCED level or months unemployed.
"""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from apps.local import LocalNetwork
from contracts import commands as wire
from contracts import subjects
from contracts.intake import Gender
from contracts.participants import LabourStatus, MarkFollowUpsDue, Moment, RecordParticipantData
from contracts.trajectory import CompletionOutcome, DropReason, TrainingKind
from pace.client import PartnerClient
from pace.connection import connect
from simulation.driver import drive
from simulation.steps import Step
from tests.eventually import eventually
from tests.network.test_network import hub_messages
from tests.network.test_parents import AS_OF, PARTNER, START, consents, family_steps, on, referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

EXACT = {"age", "isced_level", "months_unemployed"}


def data(family: str, moment: Moment, day: int, status: LabourStatus, *,
         months: int | None = None, in_education: bool | None = None,
         parent: str | None = None) -> tuple[int, RecordParticipantData]:
    return day, RecordParticipantData(
        family_id=family, parent_id=parent, moment=moment, recorded_on=on(day),
        labour_status=status, months_unemployed=months, in_education_or_training=in_education,
        age=23 + day % 30, isced_level=day % 9, single_parent_household=parent is None)


def ended(family: str, day: int, completed: bool = True) -> tuple[int, wire.Frozen]:
    if completed:
        return day, wire.CompleteTrajectory(family_id=family, outcome=CompletionOutcome.JOB,
                                            completed_on=on(day))
    return day, wire.DropTrajectory(family_id=family, reason=DropReason.HEALTH,
                                    dropped_on=on(day))


def enrolled(family: str, parent: str, gender: Gender) -> list[tuple[int, wire.Frozen]]:
    return [(0, referral(family, (parent, gender))), *consents(family),
            (1, wire.EnrolFamily(family_id=family, coach_id="coach-1", enrolled_on=on(1)))]


U, E, IN = LabourStatus.UNEMPLOYED, LabourStatus.EMPLOYED, LabourStatus.INACTIVE
STEPS: list[Step] = [
    *family_steps("fam-a", [
        *enrolled("fam-a", "a-mum", Gender.FEMALE),
        data("fam-a", Moment.ENTRY, 2, U, months=20),
        (3, wire.StartTraining(family_id="fam-a", training_id="tr-a1",
                               kind=TrainingKind.VOCATIONAL, started_on=on(3))),
        (40, wire.CompleteTraining(family_id="fam-a", training_id="tr-a1", completed_on=on(40))),
        ended("fam-a", 60), data("fam-a", Moment.EXIT, 61, E),
        (245, MarkFollowUpsDue(family_id="fam-a", today=on(245))),
        data("fam-a", Moment.SIX_MONTHS, 246, E)]),
    *family_steps("fam-b", [
        *enrolled("fam-b", "b-dad", Gender.MALE),
        data("fam-b", Moment.ENTRY, 2, IN, in_education=False),
        ended("fam-b", 90, completed=False), data("fam-b", Moment.EXIT, 91, U, months=1),
        data("fam-b", Moment.SIX_MONTHS, 300, U, months=7)]),
    *family_steps("fam-c", [
        *enrolled("fam-c", "c-mum", Gender.FEMALE),
        data("fam-c", Moment.ENTRY, 2, E),
        ended("fam-c", 120), data("fam-c", Moment.EXIT, 121, IN, in_education=True)]),
    *family_steps("fam-d", [
        *enrolled("fam-d", "d-mum", Gender.FEMALE),
        data("fam-d", Moment.ENTRY, 2, U, months=3)]),
]


def expected_esf(steps: list[Step]) -> dict[str, int]:
    """Straight from the commands: each moment's records, their statuses."""
    entry: dict[str, LabourStatus] = {}
    found = dict.fromkeys(("esf_participants_entered", "esf_participants_left",
                           "esf_employed_upon_leaving", "esf_job_searching_upon_leaving",
                           "esf_in_education_upon_leaving", "esf_qualification_upon_leaving",
                           "esf_employed_six_months_after"), 0)
    vocational_done: set[str] = set()
    for step in steps:
        c = step.command
        if isinstance(c, wire.CompleteTraining):
            vocational_done.add(c.family_id)  # every training here is vocational
        if not isinstance(c, RecordParticipantData):
            continue
        working = c.labour_status in (E, LabourStatus.SELF_EMPLOYED)
        if c.moment is Moment.ENTRY:
            entry[c.family_id] = c.labour_status
            found["esf_participants_entered"] += 1
        elif c.moment is Moment.EXIT:
            found["esf_participants_left"] += 1
            found["esf_employed_upon_leaving"] += working
            found["esf_job_searching_upon_leaving"] += (
                c.labour_status is U and entry.get(c.family_id) is IN)
            found["esf_in_education_upon_leaving"] += bool(c.in_education_or_training)
            found["esf_qualification_upon_leaving"] += c.family_id in vocational_done
        else:
            found["esf_employed_six_months_after"] += working
    return found


def test_the_expected_figures_are_what_the_story_says() -> None:
    assert expected_esf(STEPS) == {
        "esf_participants_entered": 4, "esf_participants_left": 3,
        "esf_employed_upon_leaving": 1, "esf_job_searching_upon_leaving": 1,
        "esf_in_education_upon_leaving": 1, "esf_qualification_upon_leaving": 1,
        "esf_employed_six_months_after": 1}


async def test_the_hubs_esf_figures_equal_the_commands_and_only_bands_cross(tmp_path) -> None:
    async with LocalNetwork(tmp_path, [PARTNER], history_mode=True) as network:
        nc = await connect(network.partner_url(PARTNER), network.partner_auth(PARTNER))
        try:
            client = PartnerClient(nc, PARTNER)
            driven = await drive(STEPS, {PARTNER: client})

            async def follow_up_done() -> bool:
                return await client.query("trajectory", "follow_ups", status="done") != []

            await eventually(follow_up_done, "family A's follow-up recorded")
        finally:
            await nc.close()
        assert driven.refused == [] and driven.sent == len(STEPS), driven.refused
        await network.wait_for_hub(timeout=120)
        report = network.reporting.report(AS_OF + timedelta(days=365), "to-date")
        shared = [orjson.loads(m.data) for m in
                  await hub_messages(network, subjects.NETWORK_STREAM)]

    figures = report.partners[PARTNER]
    assert {name: figures[name] for name in expected_esf(STEPS)} == expected_esf(STEPS)
    records = [m for m in shared if m["event_type"] == "ParticipantDataRecorded"]
    assert len(records) == 9
    assert all(not EXACT & {k for k, v in m["payload"].items() if v is not None}
               for m in records), records[0]
    assert START < on(300) <= AS_OF + timedelta(days=365)
