"""The partner's trajectory pages: each parent's trajectory, re-entry and a new coach."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import orjson
import pytest

from contracts.commands import EnrolFamily, ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from services.web.common import FLASH_COOKIE
from tests.eventually import eventually
from tests.web.conftest import logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

TODAY = datetime.now(UTC).date()
MUM, DAD = "Sara Janssens", "Tom Janssens"


async def both_parents(staff: PartnerClient) -> None:
    """A family of two parents, both enrolled."""
    await staff.do("intake", ReferFamily(
        family_id="fam-001", referral_source=ReferralSource.SELF, referred_on=TODAY,
        parents=(ParentDetails(parent_id="par-001", gender=Gender.FEMALE, full_name=MUM),
                 ParentDetails(parent_id="par-002", gender=Gender.MALE, full_name=DAD))))
    await staff.do("intake", RecordConsent(family_id="fam-001", given_on=TODAY,
                                           purpose=ConsentPurpose.TRAJECTORY))
    await staff.do("intake", EnrolFamily(family_id="fam-001", coach_id="coach-1",
                                         enrolled_on=TODAY, parent_ids=("par-001", "par-002")))


async def post(client, action: str, **form: str) -> dict:
    """Send a trajectory form; the message the page will show (done or refused)."""
    reply = await client.post(f"/trajectories/fam-001/{action}", data={"on": str(TODAY), **form})
    assert reply.status_code == 303
    return orjson.loads(base64.urlsafe_b64decode(reply.cookies[FLASH_COOKIE]))


async def listed(client) -> list[tuple[str, str, str, int]]:
    rows = (await client.get("/api/trajectories")).json()
    return [(r["parent_id"], r["status"], r["coach_id"], r["trainings"]) for r in rows]


async def test_each_parent_has_a_trajectory_a_parent_re_enters_and_a_coach_changes(
        partner_web) -> None:
    web = await partner_web(both_parents)

    async with logged_in(web.url, "carla") as coach:
        page = await eventually(lambda: page_with_both(coach), "both parents' trajectories")
        assert MUM in page and DAD in page and 'id="reenter"' not in page

        assert (await post(coach, "training", kind="language", parent_id="par-002"))["kind"] \
            == "done"
        assert (await post(coach, "training", kind="language", parent_id="par-001"))["kind"] \
            == "done"  # the mother's training id is her own, not the father's
        refused = await post(coach, "involvement")
        assert refused["kind"] == "refused" and "name the parent" in refused["text"]
        assert (await post(coach, "complete", outcome="job", parent_id="par-001"))["kind"] \
            == "done"
        assert (await post(coach, "coach", coach_id="coach-2", parent_id="par-002"))["kind"] \
            == "done"
        page = (await coach.get("/trajectories/fam-001")).text
        assert 'id="reenter"' in page
        assert (await post(coach, "reenter", coach_id="coach-3", parent_id="par-001"))["kind"] \
            == "done"

        assert await listed(coach) == [
            ("par-001", "completed", "coach-1", 1), ("par-002", "ongoing", "coach-2", 1),
            ("par-001", "ongoing", "coach-3", 0)]


async def page_with_both(client) -> str | None:
    reply = await client.get("/trajectories/fam-001")
    text = reply.text if reply.status_code == 200 else ""
    return text if text.count('class="card trajectory"') == 2 else None
