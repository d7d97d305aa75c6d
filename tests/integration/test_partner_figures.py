"""A partner's own figures service on a real nats-server: it folds the partner's shared
stream, keeps what it folded across a restart, and never counts an event twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import nats
import orjson
import pytest

from apps.bootstrap import Partner
from contracts.commands import ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

TODAY = datetime.now(UTC).date()


async def refer(staff: PartnerClient, n: int, consent: bool = True) -> None:
    family_id = f"fam-{n}"
    await staff.do("intake", ReferFamily(
        family_id=family_id, referral_source=ReferralSource.SELF,
        referred_on=TODAY - timedelta(days=1),
        parents=(ParentDetails(parent_id=f"par-{n}", gender=Gender.MALE, full_name=f"P {n}"),)))
    if consent:
        await staff.do("intake", RecordConsent(
            family_id=family_id, purpose=ConsentPurpose.CROSS_BORDER_STATISTICS,
            given_on=TODAY - timedelta(days=1)))


async def figures(nc: nats.NATS, **params: str) -> dict:
    reply = await nc.request("pace.mechelen.qry.figures.figures", orjson.dumps(params),
                             timeout=5)
    return orjson.loads(reply.data)


async def referred(nc: nats.NATS) -> int | None:
    answer = await figures(nc)
    return answer["report"]["partners"].get("mechelen", {}).get("families_referred")


async def test_the_partners_figures_survive_a_restart_and_count_each_event_once(
        tmp_path, nats_url):
    nc = await nats.connect(nats_url)
    staff = PartnerClient(nc, "mechelen")
    try:
        async with Partner("mechelen", tmp_path, nats_url, figures=True):
            await refer(staff, 1)
            await refer(staff, 2)
            await refer(staff, 3, consent=False)  # counted by the hub's rule: not shared
            await eventually(lambda: _is(nc, 2), "two shared referrals folded", seconds=30)

        async with Partner("mechelen", tmp_path, nats_url, figures=True):
            assert await referred(nc) == 2  # from its own store, at once
            await refer(staff, 4)
            await eventually(lambda: _is(nc, 3), "the new referral folded once", seconds=30)
            answer = await figures(nc)
    finally:
        await nc.close()

    mechelen = answer["report"]["partners"]["mechelen"]
    assert mechelen["families_not_shared"] == 1
    assert set(answer["report"]["partners"]) == {"mechelen"}


async def _is(nc: nats.NATS, expected: int) -> bool:
    return await referred(nc) == expected


async def test_the_partners_figures_keep_the_hubs_as_of_rule(tmp_path, nats_url):
    nc = await nats.connect(nats_url)
    try:
        async with Partner("mechelen", tmp_path, nats_url, figures=True):
            mid_month = TODAY.replace(year=TODAY.year - 1, day=15)  # neither today nor an end
            answer = await figures(nc, as_of=mid_month.isoformat())
    finally:
        await nc.close()

    assert answer["ok"] is False
    assert "could be compared to single out a family" in answer["error"]["message"]


async def test_a_per_service_login_without_a_figures_user_is_refused(tmp_path, nats_url):
    from pace.connection import NatsAuth

    with pytest.raises(ValueError, match="need a NATS user of their own"):
        Partner("mechelen", tmp_path, nats_url, figures=True,
                auth={"intake": NatsAuth(), "sharing": NatsAuth()})
