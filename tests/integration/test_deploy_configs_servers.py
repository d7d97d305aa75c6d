"""Real nats-servers from the generated configs: a hub cluster and leaves that log in and share."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.api import StreamConfig

from contracts import subjects
from pace.connection import NatsAuth
from pace.nats_server import free_ports, nats_server_binary, validate_config
from pace.network.configs import (
    COORDINATOR_PASSWORD_ENV,
    REPORTING_PASSWORD_ENV,
    HubNode,
    TlsFiles,
    admin_password_env,
    env_references,
    hub_cluster_configs,
    hub_config,
    hub_leaf_url_envs,
    hub_leaf_urls,
    hub_security,
    leaf_config,
    leaf_password_env,
    leaf_security,
    partner_password_env,
)
from pace.network.hub import ensure_hub_streams
from pace.network.permissions import OPS_USER, PARTNER_USERS, REPORTING_USER, inbox_of
from pace.network.registry import load_registry
from pace.tls import TestAuthority
from pace.topology import ensure_streams, partner_streams
from tests.integration.nats_conf_facts import LOOPBACK, REAL_DEADLINE, password


@pytest.fixture(scope="module")
def test_tls(tmp_path_factory) -> TlsFiles:
    """A test CA and one loopback server certificate (also a client one), as TlsFiles."""
    authority = TestAuthority(tmp_path_factory.mktemp("tls"))
    server = authority.issue("server", [LOOPBACK, "localhost"])
    return TlsFiles(ca_file=str(authority.ca_file), cert_file=str(server.cert_file),
                    key_file=str(server.key_file))


# -- real servers from the generated configs ------------------------------------------------


async def _quiet(_error: Exception) -> None:
    """Readiness polling expects refused connections; nats-py would print each one."""


@contextmanager
def started(tmp_path: Path) -> Iterator[Any]:
    """start(name, text, env) runs a nats-server on that config, with `env` added to its
    environment (the config's `$VAR`s); stops exactly those PIDs after."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, text: str, env: dict[str, str] | None = None
              ) -> subprocess.Popen[bytes]:
        path = tmp_path / f"{name}.conf"
        path.write_text(text, encoding="utf-8")
        validate_config(path, env)
        with (tmp_path / f"{name}.log").open("wb") as log:
            processes.append(subprocess.Popen([nats_server_binary(), "-c", str(path)],
                                              stdout=log, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL,
                                              env={**os.environ, **(env or {})}))
        return processes[-1]

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


async def until(probe: Any, deadline: float, what: str) -> Any:
    """Retry an async probe until it returns, or fail at the deadline with its last error."""
    while True:
        try:
            return await probe()
        except Exception as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: still failing at the deadline: {error!r}") from error
            await asyncio.sleep(0.1)


async def connect(port: int, auth: NatsAuth | None = None) -> nats.NATS:
    auth = auth or NatsAuth()
    scheme = "tls" if auth.uses_tls else "nats"
    return await nats.connect(f"{scheme}://{LOOPBACK}:{port}", connect_timeout=1,
                              allow_reconnect=False, max_reconnect_attempts=0, error_cb=_quiet,
                              **auth.connect_options())


async def account_domain(port: int, auth: NatsAuth | None = None) -> str | None:
    nc = await connect(port, auth)
    try:
        return (await nc.jetstream(timeout=1).account_info()).domain
    finally:
        await nc.close()


async def publish_events(port: int, partner: str, count: int) -> None:
    nc = await connect(port)
    try:
        js = nc.jetstream(timeout=2)
        await js.add_stream(StreamConfig(name="PACE_EVENTS",
                                         subjects=[f"pace.{partner}.evt.>"]))
        for n in range(count):
            await js.publish(f"pace.{partner}.evt.intake.FamilyReferred", b"{}",
                             headers={"Nats-Msg-Id": f"{partner}-{n}"})
    finally:
        await nc.close()


async def seen_from(hub: nats.NATS, domain: str) -> tuple[int, list[str]]:
    info = await hub.jetstream(domain=domain, timeout=1).stream_info("PACE_EVENTS")
    return info.state.messages, list(info.config.subjects or [])


@pytest.mark.nats
@pytest.mark.timeout(30)
async def test_a_stream_in_a_leaf_domain_is_visible_from_the_hub(tmp_path):
    hub_client, hub_leaf, mechelen_client, gent_client = free_ports(4)
    hub_store = tmp_path / 'hub "store" $HOME #1'  # the quoting, proven by a real server
    deadline = time.monotonic() + REAL_DEADLINE
    with started(tmp_path) as start:
        start("hub", hub_config(bind=LOOPBACK, client_port=hub_client, leaf_port=hub_leaf,
                                monitor_port=None, store_dir=hub_store))
        urls = [f"nats-leaf://{LOOPBACK}:{hub_leaf}"]
        for partner, port in (("mechelen", mechelen_client), ("gent", gent_client)):
            start(partner, leaf_config(partner, urls, bind=LOOPBACK, client_port=port,
                                       monitor_port=None, store_dir=tmp_path / partner))

        assert await until(lambda: account_domain(hub_client), deadline, "hub") == "hub"
        assert await until(lambda: account_domain(mechelen_client), deadline,
                           "mechelen") == "mechelen"
        assert await until(lambda: account_domain(gent_client), deadline, "gent") == "gent"
        await publish_events(mechelen_client, "mechelen", 3)
        await publish_events(gent_client, "gent", 1)

        hub = await connect(hub_client)
        try:
            assert await until(lambda: seen_from(hub, "mechelen"), deadline,
                               "mechelen from the hub") == (3, ["pace.mechelen.evt.>"])
            assert await until(lambda: seen_from(hub, "gent"), deadline,
                               "gent from the hub") == (1, ["pace.gent.evt.>"])
        finally:
            await hub.close()
    assert (hub_store / "jetstream").is_dir()


async def refused(port: int, auth: NatsAuth) -> None:
    """A connection attempt with these options fails; the test fails if it gets through."""
    try:
        nc = await connect(port, auth)
    except Exception:
        return
    await nc.close()
    raise AssertionError(f"port {port} accepted {auth.describe()}")


async def publish_shared(port: int, ops: NatsAuth, sharing: NatsAuth, partner: str,
                         count: int) -> None:
    """The partner's streams made by ops, `count` events put on its shared stream by sharing."""
    nc = await connect(port, ops)
    try:
        await ensure_streams(nc.jetstream(timeout=2), partner_streams(partner))
    finally:
        await nc.close()
    nc = await connect(port, sharing)
    try:
        js = nc.jetstream(timeout=2)
        for n in range(count):
            await js.publish(subjects.shared_subject(partner, "FamilyReferred"), b"{}",
                             headers={"Nats-Msg-Id": f"{partner}-{n}"})
    finally:
        await nc.close()


async def network_messages(hub: nats.NATS) -> int:
    info = await hub.jetstream(timeout=1).stream_info(subjects.NETWORK_STREAM)
    if not info.state.messages:
        raise AssertionError("PACE_NETWORK is still empty")
    return info.state.messages


@pytest.mark.nats
@pytest.mark.timeout(60)
async def test_the_secure_hub_cluster_serves_a_leaf_that_logs_in_and_is_sourced(tmp_path,
                                                                               test_tls):
    """The generated hub cluster and a partner's leaf, as deployed (TLS, mutual TLS on the
    link and the routes, users) but on loopback: the leaf links as `leaf-mechelen`, the
    partner's services user works on it, the hub sources PACE_SHARED_MECHELEN, and clients
    without credentials are refused by both."""
    ports = free_ports(13)
    nodes = [HubNode(f"hub-{n}", host=LOOPBACK, client_port=ports[3 * n - 3],
                     leaf_port=ports[3 * n - 2], cluster_port=ports[3 * n - 1],
                     monitor_port=None) for n in (1, 2, 3)]
    leaf_client = ports[9]
    partner = "mechelen"
    hub_env = {REPORTING_PASSWORD_ENV: password(), COORDINATOR_PASSWORD_ENV: password(),
               **{leaf_password_env(p.id): password() for p in load_registry().delivery},
               **{admin_password_env(p.id): password() for p in load_registry().delivery}}
    leaf_login = f"leaf-{partner}:{hub_env[leaf_password_env(partner)]}"
    leaf_env = {**{partner_password_env(u): password() for u in PARTNER_USERS},
                **{name: url.replace("://", f"://{leaf_login}@", 1)
                   for name, url in zip(hub_leaf_url_envs(3), hub_leaf_urls(nodes),
                                        strict=True)}}
    ca = test_tls.ca_file
    reporting = NatsAuth(user=REPORTING_USER, password=hub_env[REPORTING_PASSWORD_ENV],
                         ca_file=ca, inbox_prefix=f"_INBOX.{REPORTING_USER}")
    services = NatsAuth(user=OPS_USER, password=leaf_env[partner_password_env(OPS_USER)],
                        ca_file=ca, inbox_prefix=inbox_of(OPS_USER))
    deadline = time.monotonic() + REAL_DEADLINE
    with started(tmp_path) as start:
        for node in nodes:  # only the addresses, ports, store and TLS paths are the test's
            text = hub_cluster_configs(nodes, bind=LOOPBACK, store_dir=tmp_path / node.name,
                                       **hub_security(tls=test_tls, cluster=True,
                                                    cluster_tls=test_tls))[node.name]
            assert env_references(text) == set(hub_env)
            start(node.name, text, hub_env)
        text = leaf_config(partner, [f"${name}" for name in hub_leaf_url_envs(3)],
                           bind=LOOPBACK, client_port=leaf_client, monitor_port=None,
                           store_dir=tmp_path / partner, **leaf_security(partner, test_tls))
        assert env_references(text) == set(leaf_env)
        start(partner, text, leaf_env)

        for port in (nodes[0].client_port, leaf_client):
            await until(lambda p=port: account_domain(p, services if p == leaf_client
                                                      else reporting), deadline, str(port))
            await refused(port, NatsAuth())  # plain: TLS is required
            await refused(port, NatsAuth(ca_file=ca))  # TLS without a user
            await refused(port, NatsAuth(user=OPS_USER, password="pwguessed", ca_file=ca))
        await refused(nodes[0].client_port, services)  # the partner's user is the leaf's

        sharing = NatsAuth(user="sharing", password=leaf_env[partner_password_env("sharing")],
                           ca_file=ca, inbox_prefix=inbox_of("sharing"))
        await publish_shared(leaf_client, services, sharing, partner, 2)
        hub = await connect(nodes[0].client_port, reporting)
        try:
            js = hub.jetstream(timeout=2)
            await until(lambda: ensure_hub_streams(js, [partner], replicas=3), deadline,
                        "the R3 hub streams")
            info = await js.stream_info(subjects.NETWORK_STREAM)
            assert info.cluster is not None and info.cluster.name == "pace-hub"
            assert len(info.cluster.replicas or []) == 2
            assert await until(lambda: network_messages(hub), deadline,
                               "PACE_NETWORK sourcing over the leaf link") == 2
        finally:
            await hub.close()
