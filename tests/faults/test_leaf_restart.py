"""A partner's leaf nats-server restarted between two stretches of work: nothing lost or doubled.

The partner's services stay up while their NATS goes away and comes back on the same port
and data directory; they reconnect by themselves, the relays and consumers resume, and the
hub's sourcing picks the leaf up again (which can take tens of seconds).
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from pace.network.history import plan_history
from pace.network.local import LocalNetwork
from services.reporting import network_log
from tests.network.test_network import (
    INDICATORS,
    PARTNERS,
    PROFILES,
    drive_through,
    expected_figures,
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
        received = await network.wait_for_hub(timeout=150)
        assert received == shared
        kept = await network.reporting.store.db.read(network_log.counts)
        assert kept == shared, "an event was lost or doubled at the hub"

        for partner, running in network.partners.items():
            for context, store in running.stores.items():
                relay = running.runner.relays[context]
                assert await store.cursor(relay.name) == await store.last_position(), (
                    partner, context)

        report = network.reporting.report(date(2022, 12, 31), "to-date")
        expected = expected_figures(steps, date(2022, 12, 31))
        for partner in PARTNERS:
            assert {n: report.partners[partner].get(n, 0) for n in INDICATORS} == \
                {n: expected[partner].get(n, 0) for n in INDICATORS}, partner
