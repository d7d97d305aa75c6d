"""The local network with each partner's services and the hub's in processes of their own
(`pace partner up`, `pace hub up`, as deployed): a consenting family of each partner reaches
the hub's figures, and every child process is gone after the network stops."""

from __future__ import annotations

from datetime import date

import orjson
import pytest

from apps.local_processes import ProcessNetwork, ServiceProcess
from contracts import subjects
from contracts.commands import ChildDetails, ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from pace.connection import connect
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

PARTNERS = ["mechelen", "gent"]


def referral(family: str) -> ReferFamily:
    return ReferFamily(
        family_id=family, referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=date(2026, 1, 5),
        parents=(ParentDetails(parent_id=f"par-{family}", gender=Gender.FEMALE,
                               full_name="Els Claes"),),
        children=(ChildDetails(child_id=f"chi-{family}", first_name="Lotte",
                               birth_month="2025-01"),))


async def test_partners_and_hub_in_their_own_processes_count_each_family(tmp_path) -> None:
    network = ProcessNetwork(tmp_path, PARTNERS)
    async with network:
        children = [p.process for p in network.processes.values()]
        assert len(children) == len(PARTNERS) + 1 and all(c and c.poll() is None
                                                           for c in children)
        # many processes on one machine: no health or metrics ports, and they say so
        assert "Health: off (PACE_HEALTH_PORT=0)" in network.processes["hub"].log()
        for partner in PARTNERS:
            nc = await connect(network.partner_url(partner))
            try:
                client = PartnerClient(nc, partner, actor="test")
                await client.do("intake", referral(f"fam-{partner}"))
                await client.do("intake", RecordConsent(
                    family_id=f"fam-{partner}", given_on=date(2026, 1, 5),
                    purpose=ConsentPurpose.CROSS_BORDER_STATISTICS))
            finally:
                await nc.close()
        hub = await connect(network.hub_url)
        try:
            async def referred() -> dict[str, int] | None:
                reply = await hub.request(subjects.network_query_subject("figures"), b"{}",
                                          timeout=10)
                partners = orjson.loads(reply.data)["report"]["partners"]
                counts = {p: partners.get(p, {}).get("families_referred", 0) for p in PARTNERS}
                return counts if all(counts.values()) else None

            assert await eventually(referred, "the hub's figures count both families",
                                    seconds=120) == {"mechelen": 1, "gent": 1}
        finally:
            await hub.close()
    assert network.processes == {}
    assert all(c is not None and c.poll() is not None for c in children)


async def test_a_child_that_cannot_start_says_why(tmp_path) -> None:
    child = ServiceProcess("nowhere", ["partner", "up", "--partner", "Not A Partner",
                                       "--nats-url", "nats://127.0.0.1:1"],
                           tmp_path / "nowhere.log")
    with pytest.raises(RuntimeError, match="nowhere exited with"):
        await child.start(ready="is up", timeout=60)
