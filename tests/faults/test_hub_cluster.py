"""The hub as a 3-node JetStream cluster; the PACE_NETWORK leader SIGKILLed mid-load.

A partner's leaf node links to the hub cluster (one remote listing every node). The
partner's sharing relay publishes 5,000 shareable events into its PACE_SHARED stream
while the hub's R3 PACE_NETWORK sources them. When about a fifth of them are at the hub,
the node leading PACE_NETWORK is killed. The two survivors elect a new leader, which
resumes the sourcing: every event arrives, once. The killed node, started again, catches up.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from functools import partial

import nats
import pytest

from contracts import subjects
from contracts.intake import ChildRef, FamilyReferred, Gender, ParentRef, ReferralSource
from pace.nats_server import ManagedNatsServer, managed_cluster, start_all
from pace.network.hub import ensure_hub_streams
from pace.relay import Relay
from pace.store import EventStore, NewEvent
from pace.topology import ensure_streams, partner_streams
from services.sharing.app import SHARED_STREAM_ID, shared_subject_of
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

PARTNER = "gent"
NODES = ("hub-1", "hub-2", "hub-3")
EVENTS = 5000
BATCH = 50
KILL_AT = 1000  # events at the hub when its stream leader is killed
OCCURRED = datetime(2020, 1, 1, 9, 0, tzinfo=UTC)
WAIT = 60.0  # seconds any one stage may take at most


async def _quiet(_error: Exception) -> None:
    """A node going away is the point of this test; nats-py would print every error."""


def referred(n: int) -> NewEvent:
    """A shared copy of a referral, as the sharing service stores it."""
    event = FamilyReferred(
        family_id=f"family-{n:06d}", referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=date(2020, 1, 1),
        parents=(ParentRef(parent_id=f"parent-{n:06d}", gender=Gender.FEMALE),),
        children=(ChildRef(child_id=f"child-{n:06d}", birth_month="2019-05"),))
    return NewEvent(event, uuid.uuid4(), OCCURRED, uuid.uuid4(), None, f"partner:{PARTNER}")


async def produce(store: EventStore) -> None:
    """The partner's sharing service storing shareable events, a batch at a time."""
    for start in range(0, EVENTS, BATCH):
        await store.append(SHARED_STREAM_ID, [referred(n) for n in range(start, start + BATCH)])
        await asyncio.sleep(0.02)


until = partial(eventually, retry_on=(nats.errors.Error, OSError, TimeoutError))


def stored_on(node: ManagedNatsServer) -> tuple[int, int] | None:
    """(messages, last sequence) of this node's own copy of PACE_NETWORK (monitoring)."""
    with urllib.request.urlopen(f"{node.monitor_url}/jsz?streams=true", timeout=5) as reply:
        report = json.load(reply)
    for account in report.get("account_details") or []:
        for stream in account.get("stream_detail") or []:
            if stream["name"] == subjects.NETWORK_STREAM:
                return stream["state"]["messages"], stream["state"]["last_seq"]
    return None


async def network_ids(js) -> list[str]:
    """The Nats-Msg-Id (the partner's event id) of every message in PACE_NETWORK."""
    state = (await js.stream_info(subjects.NETWORK_STREAM)).state
    ids: list[str] = []
    for first in range(state.first_seq, state.last_seq + 1, 100):
        msgs = await asyncio.gather(*(js.get_msg(subjects.NETWORK_STREAM, seq)
                                      for seq in range(first, min(first + 100,
                                                                  state.last_seq + 1))))
        ids += [m.headers["Nats-Msg-Id"] for m in msgs]
    return ids


async def test_the_hub_stream_leader_killed_mid_load_loses_and_doubles_nothing(tmp_path):
    hub = managed_cluster(tmp_path / "hub", NODES, cluster_name="pace-hub",
                          domain=subjects.HUB_DOMAIN, leaf_listen=True, monitor=True)
    leaf = ManagedNatsServer(tmp_path / PARTNER / "nats", name=PARTNER, domain=PARTNER,
                             leaf_remotes=[node.leaf_url for node in hub])
    store = await EventStore.open(tmp_path / PARTNER / f"{PARTNER}-sharing.db", PARTNER)
    stop = asyncio.Event()
    connections: list[nats.NATS] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        await start_all(hub)
        await leaf.start()
        partner_nc = await nats.connect(leaf.url, max_reconnect_attempts=-1, error_cb=_quiet)
        hub_nc = await nats.connect([node.url for node in hub], max_reconnect_attempts=-1,
                                    reconnect_time_wait=0.2, error_cb=_quiet)
        connections += [partner_nc, hub_nc]
        await ensure_streams(partner_nc.jetstream(), partner_streams(PARTNER))
        hub_js = hub_nc.jetstream(timeout=5)
        async def network_stream() -> bool:
            await ensure_hub_streams(hub_js, [PARTNER], replicas=3)
            return True

        await until(network_stream, "PACE_NETWORK at 3 replicas")

        relay = Relay(store, partner_nc.jetstream(), shared_subject_of, name="relay-sharing")
        tasks.append(asyncio.create_task(relay.run(stop)))
        producing = asyncio.create_task(produce(store))
        tasks.append(producing)

        async def at_hub() -> int:
            return (await hub_js.stream_info(subjects.NETWORK_STREAM)).state.messages

        await until(lambda: _at_least(at_hub, KILL_AT), "the first events at the hub")
        info = await hub_js.stream_info(subjects.NETWORK_STREAM)
        assert info.cluster is not None and len(info.cluster.replicas or []) == 2
        victim = next(node for node in hub if node.config.name == info.cluster.leader)
        victim.kill()  # SIGKILL, mid-load
        assert not producing.done(), "the load was over before the leader was killed"
        await producing
        survivors = [node for node in hub if node is not victim]

        await until(lambda: _at_least(at_hub, EVENTS), "all events at the hub", 90)
        expected = Counter(r.event_id for r in await store.read_all(limit=10**6))
        assert len(expected) == EVENTS
        await asyncio.sleep(2)  # anything doubled would have arrived by now
        ids = Counter(await network_ids(hub_js))
        assert ids == expected, (f"{sum(ids.values())} messages, {len(ids)} distinct, "
                                 f"{len(expected - ids)} missing")
        last = (await hub_js.stream_info(subjects.NETWORK_STREAM)).state.last_seq
        for node in survivors:
            assert await until(lambda n=node: _held_by(n, EVENTS), node.config.name) \
                == (EVENTS, last)

        await victim.start()  # the killed node comes back and catches up
        assert await until(lambda: _held_by(victim, EVENTS), "the restarted node", 90) \
            == (EVENTS, last)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for nc in connections:
            await nc.close()
        await store.close()
        await leaf.stop()
        for node in hub:
            await node.stop()


async def _at_least(count, target: int) -> bool:
    return await count() >= target


async def _held_by(node: ManagedNatsServer, target: int) -> tuple[int, int] | None:
    held = await asyncio.to_thread(stored_on, node)
    return held if held is not None and held[0] >= target else None
