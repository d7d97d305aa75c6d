"""The partner's ESF pages: a follow-up due is listed and recorded; a parent's exit data."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from contracts.commands import (
    CompleteTrajectory,
    EnrolFamily,
    ParentDetails,
    RecordConsent,
    ReferFamily,
)
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from contracts.trajectory import CompletionOutcome
from pace.client import PartnerClient
from services.web.common import FLASH_COOKIE
from tests.eventually import eventually
from tests.web.conftest import logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

TODAY = datetime.now(UTC).date()
STARTED = TODAY - timedelta(days=400)
ENDED = TODAY - timedelta(days=200)  # more than six months ago: the follow-up is due


async def ended_long_ago(staff: PartnerClient) -> None:
    """A parent whose trajectory ended 200 days ago, and the schedule's mark for today."""
    await staff.do("intake", ReferFamily(
        family_id="fam-001", referral_source=ReferralSource.SELF, referred_on=STARTED,
        parents=(ParentDetails(parent_id="par-001", gender=Gender.FEMALE,
                               full_name="Sara Janssens"),)))
    await staff.do("intake", RecordConsent(family_id="fam-001", given_on=STARTED,
                                           purpose=ConsentPurpose.TRAJECTORY))
    await staff.do("intake", EnrolFamily(family_id="fam-001", coach_id="carla",
                                         enrolled_on=STARTED))
    await eventually(lambda: _started(staff), "the trajectory started")
    await staff.do("trajectory", CompleteTrajectory(
        family_id="fam-001", outcome=CompletionOutcome.JOB, completed_on=ENDED))


async def _started(staff: PartnerClient) -> bool:
    return bool(await staff.query("trajectory", "trajectories", family_id="fam-001"))


async def listed(client, path: str = "/follow-ups") -> str | None:
    text = (await client.get(path)).text
    return text if 'data-trajectory="traj-fam-001"' in text else None


async def test_a_due_follow_up_is_listed_for_its_coach_and_leaves_once_recorded(
        partner_web) -> None:
    web = await partner_web(ended_long_ago)

    async with logged_in(web.url, "carla") as coach:
        assert (await coach.get("/follow-ups")).status_code == 200
        reply = await coach.post("/api/commands/trajectory/mark_follow_ups_due", json={
            "family_id": "fam-001", "today": TODAY.isoformat()})
        assert reply.status_code in (200, 201), reply.text
        page = await eventually(lambda: listed(coach, "/follow-ups?mine=true"),
                                "the follow-up on the coach's list")
        assert ENDED.isoformat() in page

        sent = await coach.post("/follow-ups/fam-001", data={
            "parent_id": "par-001", "recorded_on": TODAY.isoformat(),
            "labour_status": "employed", "age": "34", "isced_level": "3",
            "single_parent_household": "yes"})
        assert sent.status_code == 303
        flash = orjson.loads(base64.urlsafe_b64decode(sent.cookies[FLASH_COOKIE]))
        assert flash["kind"] == "done" and "ParticipantDataRecorded" in flash["text"]
        await eventually(lambda: _gone(coach), "the follow-up off the list")

        page = (await coach.get("/participants/fam-001")).text
        assert 'data-trajectory="traj-fam-001"' in page
        sent = await coach.post("/participants/fam-001", data={
            "moment": "exit", "parent_id": "par-001", "recorded_on": TODAY.isoformat(),
            "labour_status": "unemployed", "months_unemployed": "2", "age": "34",
            "isced_level": "3"})
        flash = orjson.loads(base64.urlsafe_b64decode(sent.cookies[FLASH_COOKIE]))
        assert flash["kind"] == "done" and "ParticipantDataRecorded" in flash["text"]
        sent = await coach.post("/participants/fam-001", data={
            "moment": "exit", "parent_id": "par-001", "recorded_on": TODAY.isoformat(),
            "labour_status": "unemployed", "age": "34", "isced_level": "3"})
        flash = orjson.loads(base64.urlsafe_b64decode(sent.cookies[FLASH_COOKIE]))
        assert flash["kind"] == "refused" and "months unemployed" in flash["text"]
        assert (await coach.post("/participants/fam-001", data={"moment": "later"})
                ).status_code == 400


async def _gone(client) -> bool:
    return 'id="no-follow-ups"' in (await client.get("/follow-ups")).text
