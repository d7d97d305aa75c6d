"""A trajectory per parent on real nats-servers: the hub's figures equal the commands' own.

One partner and the hub. Family A enrols both parents; the mother completes, a new coach
takes over, and she re-enters; the father drops. Family B has one parent; family C two, of
whom the enrolment names none (so the first). The expected figures are computed here from
the commands, without the reporting code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import orjson
import pytest

from apps.local import LocalNetwork
from contracts import commands as wire
from contracts import subjects
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from pace.client import PartnerClient
from pace.connection import connect
from simulation.driver import drive
from simulation.steps import Step
from tests.eventually import eventually
from tests.network.test_network import hub_messages

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

PARTNER = "mechelen"
START = date(2021, 1, 4)
AS_OF = date(2021, 12, 31)
COUNTED = ["families_referred", "families_enrolled", "trajectories_started",
           "trajectories_completed", "trajectories_dropped", "trajectories_ongoing",
           "development_plans_agreed", "parents_trained", "parents_found_work"]


def referral(family: str, *parents: tuple[str, Gender]) -> wire.ReferFamily:
    return wire.ReferFamily(
        family_id=family, referral_source=ReferralSource.SOCIAL_SERVICES, referred_on=START,
        parents=tuple(wire.ParentDetails(parent_id=p, gender=g, full_name=f"Parent {p}")
                      for p, g in parents))


def family_steps(family: str, commands: list[tuple[int, wire.Frozen]]) -> list[Step]:
    """A family's commands on days after START, the referral's consents included."""
    steps = []
    for day, command in commands:
        context = next(c for c, named in wire.COMMANDS.items() if type(command) in
                       named.values())
        steps.append(Step(START + timedelta(days=day),
                          "intake" if context == "intake" else "trajectory", PARTNER, context,
                          command, family))
    return steps


def consents(family: str) -> list[tuple[int, wire.Frozen]]:
    return [(0, wire.RecordConsent(family_id=family, purpose=purpose, given_on=START))
            for purpose in (ConsentPurpose.TRAJECTORY, ConsentPurpose.CROSS_BORDER_STATISTICS)]


def on(day: int) -> date:
    return START + timedelta(days=day)


STEPS = [
    *family_steps("fam-a", [
        (0, referral("fam-a", ("a-mum", Gender.FEMALE), ("a-dad", Gender.MALE))),
        *consents("fam-a"),
        (1, wire.EnrolFamily(family_id="fam-a", coach_id="coach-1", enrolled_on=on(1),
                             parent_ids=("a-mum", "a-dad"))),
        (2, wire.AgreePlan(family_id="fam-a", parent_id="a-mum", goals=(LifeDomain.WORK,),
                           agreed_on=on(2))),
        (3, wire.StartTraining(family_id="fam-a", parent_id="a-dad", training_id="tr-a1",
                               kind=TrainingKind.LANGUAGE, started_on=on(3))),
        (4, wire.StartJob(family_id="fam-a", parent_id="a-mum", job_id="job-a1",
                          kind=JobKind.REGULAR, hours_per_week=20, started_on=on(4))),
        (5, wire.ReassignCoach(family_id="fam-a", coach_id="coach-2", reassigned_on=on(5))),
        (60, wire.CompleteTrajectory(family_id="fam-a", parent_id="a-mum",
                                     outcome=CompletionOutcome.JOB, completed_on=on(60))),
        (150, wire.ReenterTrajectory(family_id="fam-a", parent_id="a-mum", coach_id="coach-3",
                                     started_on=on(150))),
        (151, wire.StartTraining(family_id="fam-a", parent_id="a-mum", training_id="tr-a2",
                                 kind=TrainingKind.VOCATIONAL, started_on=on(151))),
        (160, wire.DropTrajectory(family_id="fam-a", parent_id="a-dad",
                                  reason=DropReason.MOVED_AWAY, dropped_on=on(160))),
    ]),
    *family_steps("fam-b", [
        (0, referral("fam-b", ("b-dad", Gender.MALE))), *consents("fam-b"),
        (1, wire.EnrolFamily(family_id="fam-b", coach_id="coach-1", enrolled_on=on(1))),
        (10, wire.StartJob(family_id="fam-b", job_id="job-b1", kind=JobKind.TEMPORARY,
                           hours_per_week=30, started_on=on(10))),
        (90, wire.CompleteTrajectory(family_id="fam-b", outcome=CompletionOutcome.JOB,
                                     completed_on=on(90))),
    ]),
    *family_steps("fam-c", [
        (0, referral("fam-c", ("c-mum", Gender.FEMALE), ("c-dad", Gender.MALE))),
        *consents("fam-c"),
        (2, wire.EnrolFamily(family_id="fam-c", coach_id="coach-2", enrolled_on=on(2))),
    ]),
]


LISTED = [("a-mum", "coach-2", "completed"), ("a-dad", "coach-2", "dropped"),
          ("a-mum", "coach-3", "ongoing")]
"""Family A's trajectories as the partner's list shows them, in the order they started."""


def expected_figures(steps: Iterable[Step]) -> dict[str, int]:
    """Straight from the commands: parents taken in, trajectories and what they recorded."""
    parents_of: dict[str, list[str]] = {}
    seen: dict[str, set[object]] = defaultdict(set)
    trajectories = 0
    for step in steps:
        c = step.command
        match c:
            case wire.ReferFamily():
                parents_of[c.family_id] = [p.parent_id for p in c.parents]
                seen["families_referred"].add(c.family_id)
            case wire.EnrolFamily():
                seen["families_enrolled"].add(c.family_id)
                taken = c.parent_ids or parents_of[c.family_id][:1]
                seen["trajectories_started"] |= {(c.family_id, p) for p in taken}
                trajectories += len(taken)
            case wire.ReenterTrajectory():
                seen["trajectories_started"].add((c.family_id, c.parent_id))
                trajectories += 1
            case wire.CompleteTrajectory():
                seen["trajectories_completed"].add(step.day)
            case wire.DropTrajectory():
                seen["trajectories_dropped"].add(step.day)
            case wire.AgreePlan():
                seen["development_plans_agreed"].add((c.family_id, c.parent_id))
            case wire.StartTraining():
                seen["parents_trained"].add(c.parent_id or parents_of[c.family_id][0])
            case wire.StartJob():
                seen["parents_found_work"].add(c.parent_id or parents_of[c.family_id][0])
    figures = {name: len(found) for name, found in seen.items()}
    figures["trajectories_ongoing"] = (trajectories - figures["trajectories_completed"]
                                       - figures["trajectories_dropped"])
    return figures


def expected_genders(steps: Iterable[Step]) -> dict[str, int]:
    """Parents taken into a trajectory by their own gender, from the referrals."""
    gender_of: dict[str, str] = {}
    first_of: dict[str, str] = {}
    taken: set[str] = set()
    for step in steps:
        c = step.command
        match c:
            case wire.ReferFamily():
                gender_of |= {p.parent_id: p.gender.value for p in c.parents}
                first_of[c.family_id] = c.parents[0].parent_id
            case wire.EnrolFamily():
                taken |= set(c.parent_ids or (first_of[c.family_id],))
            case wire.ReenterTrajectory():
                taken.add(str(c.parent_id))
    found: dict[str, int] = defaultdict(int)
    for parent in taken:
        found[gender_of[parent]] += 1
    return dict(found)


def test_the_expected_figures_are_what_the_story_says() -> None:
    assert expected_figures(STEPS) == {
        "families_referred": 3, "families_enrolled": 3, "trajectories_started": 4,
        "trajectories_completed": 2, "trajectories_dropped": 1, "trajectories_ongoing": 2,
        "development_plans_agreed": 1, "parents_trained": 2, "parents_found_work": 2}
    assert expected_genders(STEPS) == {"female": 2, "male": 2}


async def test_two_parents_a_re_entry_and_a_new_coach_give_the_same_figures_at_the_hub(
        tmp_path) -> None:
    async with LocalNetwork(tmp_path, [PARTNER], history_mode=True) as network:
        nc = await connect(network.partner_url(PARTNER), network.partner_auth(PARTNER))
        try:
            client = PartnerClient(nc, PARTNER)
            driven = await drive(STEPS, {PARTNER: client})

            async def family_a_listed() -> list[tuple[str, str, str]] | None:
                rows = [(t["parent_id"], t["coach_id"], t["status"]) for t in
                        await client.query("trajectory", "trajectories", family_id="fam-a")]
                return rows if rows == LISTED else None

            await eventually(family_a_listed, "family A's trajectories in the list")
        finally:
            await nc.close()
        assert driven.refused == [] and driven.sent == len(STEPS), driven.refused
        await network.wait_for_hub(timeout=120)
        report = network.reporting.report(AS_OF, "to-date")
        figures = report.partners[PARTNER]
        shared_types = {orjson.loads(m.data)["event_type"]
                        for m in await hub_messages(network, subjects.NETWORK_STREAM)}

    assert {name: figures[name] for name in COUNTED} == expected_figures(STEPS)
    by_gender = report.breakdowns[PARTNER]["gender"]
    assert {g: by_gender[g]["trajectories_started"] for g in by_gender} == \
        expected_genders(STEPS)
    assert "TrajectoryStarted" in shared_types and "CoachReassigned" not in shared_types
