"""The demo's way to use every core: the partners in worker processes (apps.local_workers).

The same three partners, history and expected figures as tests/network/test_network.py, as
deployed (TLS, a user per service), with the partners in two worker processes while the
hub, its reporting service and the driver stay in the test's process.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apps.local import LocalNetwork
from apps.local_workers import PartnerWorker
from simulation.planner import plan_history
from tests.network.test_network import (
    PARTNERS,
    PROFILES,
    assert_hub_has_everything_once,
    drive_through,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(300)]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_partners_in_worker_processes_share_everything_once_with_the_right_figures(
        tmp_path: Path) -> None:
    steps = plan_history(PROFILES, seed=7)
    async with LocalNetwork(tmp_path, list(PARTNERS), history_mode=True, secure=True,
                            workers=2) as network:
        assert network.partners == {}, "a partner ran in the test's process"
        pids = [worker.process.pid for worker in network.running_workers]
        assert len(set(pids)) == 2 and os.getpid() not in pids
        assert sorted(p for w in network.running_workers for p in w.partners) == \
            sorted(PARTNERS)
        await drive_through(network, steps)
        shared = await network.settled_shared_counts(timeout=120)
        assert set(shared) == set(PARTNERS) and all(shared.values()), shared
        await assert_hub_has_everything_once(network, steps, shared)
    assert not [pid for pid in pids if alive(pid)], "a worker outlived the network"


async def test_a_partner_that_cannot_start_in_a_worker_says_why_and_leaves_nothing_running(
        tmp_path: Path) -> None:
    taken = tmp_path / "mechelen"
    taken.write_text("a file where the partner's data directory should be")
    worker = PartnerWorker("worker 1", {"mechelen": {"data_dir": taken,
                                                     "nats_url": "nats://127.0.0.1:4222"}})
    with pytest.raises(RuntimeError, match=r"worker 1 could not start mechelen: \w+Error"):
        await worker.start()
    assert worker.process is None and not multiprocessing.active_children()
    assert worker.partners == {"mechelen": {
        "data_dir": taken, "nats_url": "nats://127.0.0.1:4222"}}


def test_partners_in_workers_run_on_the_wall_clock_only(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="wall clock"):
        LocalNetwork(tmp_path, ["mechelen"], workers=1,
                     clock=lambda: datetime(2020, 1, 6, 9, tzinfo=UTC))
