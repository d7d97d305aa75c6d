"""The partner's own figures as their own process (`pace partner up --only figures`, one
container as deployed), beside the partner's other services: they open only their own
store and answer the figures of the partner's shared events."""

from __future__ import annotations

import nats
import pytest

from apps.bootstrap import Partner
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.integration.test_partner_figures import refer, referred

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]


async def test_the_figures_run_alone_beside_the_other_services(tmp_path, nats_url):
    nc = await nats.connect(nats_url)
    try:
        async with Partner("mechelen", tmp_path, nats_url) as services, \
                Partner("mechelen", tmp_path, nats_url, only="figures") as figures:
            assert set(figures.stores) == {"figures"}
            assert "figures" not in services.stores
            assert set(figures.runner.consumers) == {"figures"}
            await refer(PartnerClient(nc, "mechelen"), 1)

            async def one() -> bool:
                return await referred(nc) == 1
            await eventually(one, "the figures process folds the shared referral", seconds=30)
        assert (tmp_path / "mechelen-figures.db").exists()
    finally:
        await nc.close()


def test_a_service_that_does_not_exist_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ValueError, match="no service 'figure'; choose one of .*sharing, figures"):
        Partner("mechelen", tmp_path, "nats://127.0.0.1:1", only="figure")
