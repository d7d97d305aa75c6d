"""The hub counts an event for a partner only when it came through that partner's source,
and the hub's end of a leaf link reaches nothing of a partner but its shared stream.

Real nats-servers: a hub and two partners' leaf nodes. Gent is the attacker here: it
controls its own leaf, widens its PACE_SHARED_GENT to Mechelen's subjects and puts a forged
Mechelen event there.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import nats
import pytest
from nats.js.api import StreamConfig

from contracts import subjects
from pace.connection import NatsAuth, connect
from pace.consumer import REASON_HEADER
from pace.nats_server import ManagedNatsServer
from pace.network.hub import HUB_DEAD_LETTERS, ensure_hub_streams, hub_streams
from pace.network.permissions import (
    Permissions,
    Secret,
    User,
    authorization_lines,
    leaf_user,
)
from pace.store import EventStore
from pace.topology import ensure_streams, partner_streams
from services.reporting.app import ReportingService
from tests.eventually import eventually
from tests.integration.test_relay_and_consumer import referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(150)]

FORGED = subjects.shared_subject("mechelen", "FamilyReferred")
ADMIN = User(
    "admin", Permissions(publish=(">",), subscribe=(">",)), password=Secret.value("pwadmin")
)
AS_ADMIN = NatsAuth(user="admin", password="pwadmin")
LINKS = [leaf_user(p, Secret.value("pwlink")) for p in ("mechelen", "gent")]
OWN = subjects.shared_subject("gent", "FamilyReferred")


async def envelope_bytes(tmp_path: Path, partner: str) -> bytes:
    store = await EventStore.open(tmp_path / f"{partner}-made.db", partner)
    try:
        (record,) = await store.append(f"stage-{partner}", [referral(1)])
        return record.wire_bytes()
    finally:
        await store.close()


until = partial(eventually, retry_on=(nats.errors.Error, TimeoutError, KeyError))


async def attack(tmp_path: Path, *, filtered: bool) -> tuple[dict, int, str | None]:
    """Gent forges a Mechelen event in its shared stream; returns what the hub counted,
    PACE_NETWORK's size and the reporting service's dead-letter reason, if any."""
    hub = ManagedNatsServer(
        tmp_path / "hub",
        name="hub",
        domain="hub",
        leaf_listen=True,
        authorization=authorization_lines([ADMIN, *LINKS]),
        client=AS_ADMIN,
    )
    async with hub:
        leaves = [
            ManagedNatsServer(
                tmp_path / p,
                name=p,
                domain=p,
                leaf_remotes=[hub.leaf_url.replace("://", f"://leaf-{p}:pwlink@", 1)],
            )
            for p in ("mechelen", "gent")
        ]
        async with leaves[0], leaves[1]:
            for leaf, partner in zip(leaves, ("mechelen", "gent"), strict=True):
                nc = await nats.connect(leaf.url)
                js = nc.jetstream()
                await ensure_streams(js, partner_streams(partner))
                if partner == "gent":  # the attacker widens its own shared stream
                    await js.update_stream(
                        StreamConfig(
                            name=subjects.shared_stream("gent"),
                            subjects=[
                                subjects.partner_shared_subjects("gent"),
                                subjects.partner_shared_subjects("mechelen"),
                            ],
                        )
                    )
                    await js.publish(OWN, await envelope_bytes(tmp_path, "gent"))
                    await js.publish(FORGED, await envelope_bytes(tmp_path, "mechelen"))
                await nc.close()
            nc = await connect(hub.url, AS_ADMIN)
            js = nc.jetstream()
            if filtered:
                await ensure_hub_streams(js, ["mechelen", "gent"])
            else:  # a source without its filter: the check of Nats-Stream-Source remains
                network, *others = hub_streams(["mechelen", "gent"])
                sources = [replace(s, filter_subject=None) for s in network.sources or []]
                await ensure_streams(js, [replace(network, sources=sources), *others])
            store = await EventStore.open(tmp_path / "hub.db", "hub")
            reporting = await ReportingService(
                hub.url, store, {"mechelen": "BE", "gent": "BE"}, auth=AS_ADMIN
            ).start()
            try:

                async def gent_counted() -> dict:
                    status = await reporting.answer("status", {})
                    return status["received"] if status["received"].get("gent") else {}

                received = await until(gent_counted, what="Gent's own event at the hub")
                size = (await js.stream_info(subjects.NETWORK_STREAM)).state.messages
                reason = None
                if not filtered:
                    dead = await until(
                        lambda: js.get_last_msg(
                            subjects.DEAD_LETTER_STREAM, HUB_DEAD_LETTERS.replace("*", "reporting")
                        ),
                        what="the forged event's dead letter",
                    )
                    reason = dead.headers[REASON_HEADER]
                    received = (await reporting.answer("status", {}))["received"]
            finally:
                await reporting.stop()
                await store.close()
                await nc.close()
    return received, size, reason


async def test_a_partners_source_carries_only_its_own_subjects(tmp_path):
    received, size, _ = await attack(tmp_path, filtered=True)

    assert received == {"gent": 1}
    assert size == 1  # the forged Mechelen event never left Gent's leaf


async def test_an_event_through_another_partners_source_is_dead_lettered_with_the_reason(tmp_path):
    received, size, reason = await attack(tmp_path, filtered=False)

    assert size == 2  # it reached PACE_NETWORK...
    assert received == {"gent": 1}  # ...but was not counted for Mechelen
    assert reason is not None and reason.startswith("WrongSource:")
    assert "PACE_SHARED_GENT" in reason and "PACE_SHARED_MECHELEN" in reason


async def test_the_hubs_end_of_a_leaf_link_cannot_read_a_partners_events_or_dead_letters(tmp_path):
    """Whoever controls the hub asks through Mechelen's link: only sourcing gets through."""
    hub = ManagedNatsServer(
        tmp_path / "hub",
        name="hub",
        domain="hub",
        leaf_listen=True,
        authorization=authorization_lines([ADMIN, LINKS[0]]),
        client=AS_ADMIN,
    )
    async with hub:
        leaf = ManagedNatsServer(
            tmp_path / "mechelen",
            name="mechelen",
            domain="mechelen",
            leaf_remotes=[hub.leaf_url.replace("://", "://leaf-mechelen:pwlink@", 1)],
        )
        async with leaf:
            nc = await nats.connect(leaf.url)
            js = nc.jetstream()
            await ensure_streams(js, partner_streams("mechelen"))
            await js.publish(subjects.event_subject("mechelen", "FamilyReferred"), b"secret")
            await js.publish(subjects.dead_letter_subject("mechelen", "booking"), b"secret")
            await js.publish(subjects.shared_subject("mechelen", "FamilyReferred"), b"{}")
            await nc.close()
            hub_nc = await connect(hub.url, AS_ADMIN)
            try:
                hub_js = hub_nc.jetstream()
                await ensure_hub_streams(hub_js, ["mechelen"])

                async def sourced() -> int:
                    return (await hub_js.stream_info(subjects.NETWORK_STREAM)).state.messages

                assert await until(sourced, what="sourcing through the link") == 1
                api = subjects.external_api("mechelen")
                for stream in (subjects.PARTNER_EVENTS_STREAM, subjects.DEAD_LETTER_STREAM):
                    for request in (
                        f"STREAM.INFO.{stream}",
                        f"STREAM.MSG.GET.{stream}",
                        f"DIRECT.GET.{stream}",
                        f"CONSUMER.CREATE.{stream}",
                        f"CONSUMER.CREATE.{stream}.thief",
                        f"STREAM.PURGE.{stream}",
                        f"STREAM.DELETE.{stream}",
                    ):
                        with pytest.raises((nats.errors.Error, TimeoutError)):
                            reply = await hub_nc.request(
                                f"{api}.{request}", b'{"seq": 1}', timeout=1
                            )
                            raise AssertionError(f"{request} answered: {reply.data[:200]!r}")
            finally:
                await hub_nc.close()
            nc = await nats.connect(leaf.url)
            try:  # nothing was taken away
                info = await nc.jetstream().stream_info(subjects.PARTNER_EVENTS_STREAM)
                assert info.state.messages == 1
            finally:
                await nc.close()
