"""A partner's own figures (its figures service on its leaf node) are the hub's figures of
that partner: the same fold over the same shared copies. A real hub and one partner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from apps.local import LocalNetwork
from contracts import subjects
from contracts.commands import ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from pace.connection import connect
from pace.service import ServiceRunner
from pace.store import EventStore
from services.reporting.partner_figures import build
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

TODAY = datetime.now(UTC).date()
FAMILIES = [  # source, gender, consents to statistics
    *[(ReferralSource.SOCIAL_SERVICES, Gender.FEMALE, True)] * 5,
    *[(ReferralSource.SELF, Gender.MALE, True)] * 2,
    (ReferralSource.PUBLIC_EMPLOYMENT_SERVICE, Gender.FEMALE, True),
    (ReferralSource.SELF, Gender.FEMALE, False),
]


async def test_the_partners_own_figures_are_the_hubs_figures_of_the_partner(tmp_path):
    async with LocalNetwork(tmp_path / "net", ["mechelen"]) as network:
        store = await EventStore.open(tmp_path / "mechelen-figures.db", "mechelen")
        runner = ServiceRunner(network.partner_url("mechelen"),
                               [build("mechelen", store, "BE").service])
        await runner.start()
        staff = PartnerClient(await connect(network.partner_url("mechelen"),
                                            network.partner_auth("mechelen")), "mechelen")
        hub = await connect(network.hub_url, network.coordinator_auth)
        try:
            for n, (source, gender, consents) in enumerate(FAMILIES, 1):
                await staff.do("intake", ReferFamily(
                    family_id=f"fam-{n}", referral_source=source,
                    referred_on=TODAY - timedelta(days=1),
                    parents=(ParentDetails(parent_id=f"par-{n}", gender=gender,
                                           full_name=f"Parent {n}"),)))
                if consents:
                    await staff.do("intake", RecordConsent(
                        family_id=f"fam-{n}", purpose=ConsentPurpose.CROSS_BORDER_STATISTICS,
                        given_on=TODAY - timedelta(days=1)))
            await network.wait_for_hub(timeout=90)

            async def both() -> tuple[dict, dict] | None:
                at_hub = orjson.loads((await hub.request(
                    subjects.network_query_subject("figures"), b"{}", timeout=10)).data)
                own = orjson.loads((await staff.nc.request(
                    "pace.mechelen.qry.figures.figures", b"{}", timeout=10)).data)
                pair = at_hub["report"], own["report"]
                referred = [r["partners"].get("mechelen", {}).get("families_referred")
                            for r in pair]
                return pair if referred == [8, 8] else None

            at_hub, own = await eventually(both, "both folded every shared referral",
                                           seconds=60)
        finally:
            await staff.nc.close()
            await hub.close()
            await runner.stop()
            await store.close()

    assert own["partners"]["mechelen"] == at_hub["partners"]["mechelen"]
    assert own["breakdowns"]["mechelen"] == at_hub["breakdowns"]["mechelen"]
    assert own["partners"]["mechelen"]["families_not_shared"] == 1
    assert own["breakdowns"]["mechelen"]["referral_source"]["social_services"][
        "families_referred"] == 5
