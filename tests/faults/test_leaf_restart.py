"""A partner's leaf nats-server restarted between two stretches of work: nothing lost or doubled.

The partner's services stay up while their NATS goes away and comes back on the same port
and data directory; they reconnect by themselves, the relays and consumers resume, and the
hub's sourcing picks the leaf up again (which can take tens of seconds).
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from apps.local import LocalNetwork
from simulation.planner import plan_history
from tests.network.test_network import (
    PARTNERS,
    PROFILES,
    assert_hub_has_everything_once,
    drive_through,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(300)]

SPLIT = date(2019, 7, 1)


async def test_a_leaf_restart_loses_and_doubles_nothing(tmp_path):
    steps = plan_history(PROFILES, seed=23)
    before = [s for s in steps if s.day < SPLIT]
    after = [s for s in steps if s.day >= SPLIT]
    async with LocalNetwork(tmp_path, list(PARTNERS), history_mode=True) as network:
        await drive_through(network, before)
        leaf = network.leaves["gent"]
        old_pid = leaf.pid
        await leaf.stop()
        await asyncio.sleep(2)  # the services notice and keep trying to reconnect
        await leaf.start()
        assert leaf.pid != old_pid

        await drive_through(network, after)
        shared = await network.settled_shared_counts(timeout=120)
        await assert_hub_has_everything_once(network, steps, shared)
