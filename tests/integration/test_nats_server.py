"""ManagedNatsServer against the real nats-server binary: JetStream, durability, faults, leaves."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import nats
import pytest
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from pace import nats_server as nats_server_module
from pace.nats_server import (
    ManagedNatsServer,
    NatsServerError,
    ServerConfig,
    config_text,
    nats_url_or_managed,
    validate_config,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

STREAM = StreamConfig(name="ORDERS", subjects=["orders.>"], duplicate_window=60)


@asynccontextmanager
async def jetstream(url: str) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=0)
    try:
        yield nc.jetstream(timeout=5)
    finally:
        await nc.close()


async def publish_orders(url: str, *ids: str) -> None:
    async with jetstream(url) as js:
        await js.add_stream(STREAM)
        for msg_id in ids:
            await js.publish("orders.placed", msg_id.encode(), headers={"Nats-Msg-Id": msg_id})


async def stored_messages(url: str) -> int:
    async with jetstream(url) as js:
        return (await js.stream_info(STREAM.name)).state.messages


async def test_a_repeated_msg_id_is_acked_as_a_duplicate_of_the_first(nats_server):
    async with jetstream(nats_server.url) as js:
        await js.add_stream(STREAM)

        first = await js.publish("orders.placed", b"1", headers={"Nats-Msg-Id": "order-1"})
        again = await js.publish("orders.placed", b"1", headers={"Nats-Msg-Id": "order-1"})

        assert first.duplicate is None
        assert again.duplicate is True
        assert again.seq == first.seq
        assert (await js.stream_info(STREAM.name)).state.messages == 1


async def test_restart_keeps_the_url_and_the_stored_messages(nats_server):
    await publish_orders(nats_server.url, "order-1", "order-2")
    url, pid = nats_server.url, nats_server.pid

    await nats_server.restart()

    assert nats_server.url == url
    assert nats_server.pid != pid
    assert await stored_messages(nats_server.url) == 2


async def test_a_killed_server_starts_again_with_its_data(nats_server):
    await publish_orders(nats_server.url, "order-1")

    nats_server.kill()
    assert not nats_server.running
    await nats_server.start()

    assert await stored_messages(nats_server.url) == 1


async def test_starting_a_running_server_again_is_refused(nats_server):
    with pytest.raises(NatsServerError, match="already running"):
        await nats_server.start()


async def test_a_hub_and_a_leaf_with_their_own_domains_both_start(nats_servers):
    hub = await nats_servers("hub", domain="hub", leaf_listen=True, monitor=True)
    leaf = await nats_servers("mechelen", domain="mechelen", leaf_remotes=[hub.leaf_url])

    async with jetstream(leaf.url) as js:
        assert (await js.account_info()).domain == "mechelen"
    async with jetstream(hub.url) as js:
        assert (await js.account_info()).domain == "hub"
    async with asyncio.timeout(10):
        while (await monitor(hub, "/leafz"))["leafnodes"] < 1:
            await asyncio.sleep(0.05)
    assert (await monitor(hub, "/healthz?js-enabled-only=true"))["status"] == "ok"


async def monitor(server: ManagedNatsServer, path: str) -> dict:
    def get() -> dict:
        with urllib.request.urlopen(server.monitor_url + path, timeout=5) as response:
            return json.load(response)

    return await asyncio.to_thread(get)


async def test_a_generated_hub_config_passes_the_servers_own_check(tmp_path):
    path = tmp_path / "hub.conf"
    path.write_text(config_text(ServerConfig(
        name="hub", store_dir=tmp_path / "js", host="0.0.0.0", domain="hub",
        leaf_listen_port=7422, monitor_port=8222)))

    validate_config(path)


async def test_a_generated_leaf_config_passes_the_servers_own_check(tmp_path):
    path = tmp_path / "leaf.conf"
    path.write_text(config_text(ServerConfig(
        name="mechelen", store_dir=tmp_path / "js", domain="mechelen",
        leaf_remotes=["nats-leaf://hub.example.org:7422"])))

    validate_config(path)


async def test_a_broken_config_is_refused_with_the_servers_reason(tmp_path):
    path = tmp_path / "broken.conf"
    path.write_text("jetstream {\n")

    with pytest.raises(NatsServerError, match="Parse error"):
        validate_config(path)


async def test_a_taken_port_fails_start_with_the_servers_reason(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        server = ManagedNatsServer(tmp_path / "nats", port=squatter.getsockname()[1])

        with pytest.raises(NatsServerError, match="address already in use") as failure:
            await server.start(timeout=10)

    assert "exited with code" in str(failure.value)
    assert not server.running


async def test_a_port_taken_between_choosing_and_binding_is_chosen_again(tmp_path, monkeypatch):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        real_free_ports = nats_server_module.free_ports
        choices = iter([[taken, taken, taken]])
        monkeypatch.setattr(nats_server_module, "free_ports",
                            lambda count: next(choices, None) or real_free_ports(count))
        server = ManagedNatsServer(tmp_path / "nats")

        async with server:
            assert server.config.port != taken
            assert "address already in use" not in server.log_tail()


async def test_nats_url_from_the_environment_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")

    async with nats_url_or_managed(tmp_path / "nats") as url:
        assert url == "nats://127.0.0.1:1"

    assert not (tmp_path / "nats").exists()


async def test_without_nats_url_a_managed_server_runs_for_the_block(tmp_path, monkeypatch):
    monkeypatch.delenv("NATS_URL", raising=False)

    async with nats_url_or_managed(tmp_path / "nats") as url, jetstream(url) as js:
        await js.account_info()

    assert (tmp_path / "nats" / "nats-server.log").exists()


def test_the_data_directory_is_created_and_holds_the_config_and_log(tmp_path: Path):
    server = ManagedNatsServer(tmp_path / "a" / "b", name="fresh")

    assert server.data_dir.is_dir()
    assert server.config_path.parent == server.log_path.parent == server.data_dir
