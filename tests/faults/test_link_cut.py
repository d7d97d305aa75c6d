"""The leaf-hub link cut while a partner keeps working, then healed: the hub gets it all, once."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from apps.local import LocalNetwork
from services.reporting import views as network_log
from simulation.planner import plan_history
from tests.faults.link import CuttableLink
from tests.network.test_network import (
    PARTNERS,
    PROFILES,
    assert_hub_has_everything_once,
    drive_through,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(300)]

SPLIT = date(2019, 7, 1)


async def test_a_cut_link_delays_but_loses_and_doubles_nothing(tmp_path):
    steps = plan_history(PROFILES, seed=31)
    before = [s for s in steps if s.day < SPLIT]
    after = [s for s in steps if s.day >= SPLIT]
    network = LocalNetwork(tmp_path, list(PARTNERS), history_mode=True)
    link = await CuttableLink(network.hub_server.config.leaf_listen_port).start()
    network.hub_links["kent"] = link.url
    try:
        async with network:
            await drive_through(network, before)
            await network.wait_for_hub(timeout=120)

            link.cut()
            await drive_through(network, after)  # kent works on, cut off from the hub
            shared = await network.settled_shared_counts(timeout=120)
            await asyncio.sleep(3)
            while_cut = await network.reporting.store.db.read(network_log.counts)
            assert while_cut["kent"] < shared["kent"], "the link was not cut"

            link.heal()
            await assert_hub_has_everything_once(network, steps, shared)
    finally:
        await link.close()
