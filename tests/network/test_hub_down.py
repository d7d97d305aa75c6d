"""With the hub stopped, partners keep taking commands; when it is back, it catches up once."""

from __future__ import annotations

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


async def test_partners_work_while_the_hub_is_down_and_the_hub_catches_up(tmp_path):
    steps = plan_history(PROFILES, seed=11)
    before = [s for s in steps if s.day < SPLIT]
    after = [s for s in steps if s.day >= SPLIT]
    assert before and after
    async with LocalNetwork(tmp_path, list(PARTNERS), history_mode=True) as network:
        await drive_through(network, before)
        first = await network.wait_for_hub(timeout=120)

        await network.stop_hub()
        await drive_through(network, after)  # every command accepted with the hub away
        shared = await network.settled_shared_counts()
        assert all(shared[p] > first.get(p, 0) for p in PARTNERS), (shared, first)

        await network.start_hub()
        # After a hub restart, sourcing can take tens of seconds to resume.
        await assert_hub_has_everything_once(network, steps, shared)
