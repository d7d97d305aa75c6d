"""Staff withdraw consent per purpose; a partner admin sees who read a family's record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts.commands import RecordConsent
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.integration.test_services import referral
from tests.web.conftest import logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

TODAY = datetime.now(UTC).date()
WITHDRAW = 'action="/families/fam-001/withdraw"'


async def page_with(client, path: str, text: str, times: int | None = None):
    reply = await client.get(path)
    found = reply.status_code == 200 and text in reply.text
    return reply if found and times in (None, reply.text.count(text)) else None


async def consenting_family(staff: PartnerClient) -> None:
    """A family consenting to a trajectory and to cross-border statistics."""
    await staff.do("intake", referral(1))
    for purpose in (ConsentPurpose.TRAJECTORY, ConsentPurpose.CROSS_BORDER_STATISTICS):
        await staff.do(
            "intake", RecordConsent(family_id="fam-001", purpose=purpose, given_on=TODAY)
        )


async def test_staff_withdraw_consent_for_one_purpose(tmp_path, partner_web):
    web = await partner_web(consenting_family, data=tmp_path / "data", key_dir=tmp_path / "keys")

    async with logged_in(web.url, "carla") as coach:
        before = await eventually(
            lambda: page_with(coach, "/families/fam-001", "cross-border statistics</h3>")
        )
        reply = await coach.post(
            "/families/fam-001/withdraw",
            data={"purpose": "cross_border_statistics", "on": str(TODAY)},
        )
        after = await eventually(lambda: page_with(coach, "/families/fam-001", WITHDRAW, 1))
        assert "Access" not in after.text and "Who read" not in after.text

    async with logged_in(web.url, "ada") as admin:
        audited = (await admin.get("/families/fam-001")).text

    assert before.text.count(WITHDRAW) == 2
    assert reply.status_code == 303 and "refused" not in reply.headers["location"]
    assert after.text.count(WITHDRAW) == 1 and 'value="trajectory"' in after.text
    assert "Who read this record" in audited and "web:carla" in audited
    assert "/families/fam-001" in audited
