"""Over NATS: a query that names a command's events answers with views that show them."""

from __future__ import annotations

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import EnrolFamily, RecordConsent
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from tests.integration.test_services import referral

TRAJECTORY = ConsentPurpose.TRAJECTORY

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]


async def test_each_referral_and_enrolment_is_in_the_next_answer(tmp_path, nats_url):
    async with Partner("mechelen", tmp_path, nats_url):
        nc = await nats.connect(nats_url)
        try:
            staff = PartnerClient(nc, "mechelen")
            for n in range(1, 11):
                referred = await staff.do("intake", referral(n))
                [family] = await staff.query("intake", "family", family_id=f"fam-{n:03d}",
                                             after=referred)
                assert family["status"] == "referred"

            await staff.do("intake", RecordConsent(family_id="fam-001", purpose=TRAJECTORY,
                                                   given_on=referral(1).referred_on))
            enrolled = await staff.do("intake", EnrolFamily(
                family_id="fam-001", coach_id="carla", enrolled_on=referral(1).referred_on))
            [family] = await staff.query("intake", "family", family_id="fam-001",
                                         after=enrolled)
            refused = await nc.request("pace.mechelen.qry.intake.families",
                                       b'{"after": [{"event_id": "x"}]}', timeout=5)
        finally:
            await nc.close()

    assert family["status"] == "enrolled"
    assert b"needs an event_id and an event_type" in refused.data
