"""A network run as deployed: TLS everywhere, a user per connection, no secret on disk or in logs.

Partner B (Gent) holds its own services' credentials and its leaf link's credentials; with
neither can it read Mechelen's stream, reach the hub's JetStream or another partner's domain
through the hub. The leaf link's allow-list (pace.network.permissions.leaf_link_permissions)
is checked by a rogue leaf node logging in to the hub as Gent's link.
"""

from __future__ import annotations

import io
import ssl
from datetime import date
from pathlib import Path

import nats
import pytest
import pytest_asyncio

from apps.local import LocalNetwork
from contracts import commands as wire
from contracts import subjects
from pace.client import PartnerClient
from pace.connection import NatsAuth, connect, settle
from pace.logging import configure_logging
from pace.nats_server import ManagedNatsServer
from pace.network.permissions import PARTNER_USERS

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

PARTNERS = ["mechelen", "gent"]
A_INFO = f"{subjects.external_api('mechelen')}.STREAM.INFO.{subjects.shared_stream('mechelen')}"


async def _quiet(_error: Exception) -> None:
    """Refused connections are what these tests expect."""


async def refused(url: str, auth: NatsAuth) -> BaseException:
    """The error a connection attempt ends with; fails the test if it gets through."""
    try:
        nc = await connect(url, auth, connect_timeout=3, allow_reconnect=False,
                           max_reconnect_attempts=0, error_cb=_quiet)
    except (nats.errors.Error, OSError, ssl.SSLError) as error:
        return error
    await nc.close()
    raise AssertionError(f"{url} accepted a connection it should refuse")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def secured(tmp_path_factory):
    data_dir: Path = tmp_path_factory.mktemp("secure")
    logs = io.StringIO()
    configure_logging("DEBUG", json=True, stream=logs)
    try:
        async with LocalNetwork(data_dir, PARTNERS, secure=True) as network:
            nc = await connect(network.partner_url("mechelen"), network.partner_auth("mechelen"))
            try:
                staff = PartnerClient(nc, "mechelen")
                reply = await staff.send("intake", wire.ReferFamily(
                    family_id="fam-1", referral_source="social_services",
                    referred_on=date(2024, 3, 1),
                    parents=[{"parent_id": "par-1", "gender": "female",
                              "full_name": "Secure Parent"}],
                    children=[{"child_id": "child-1", "first_name": "Secure",
                               "birth_month": "2021-02"}]))
                assert reply["ok"], reply
            finally:
                await nc.close()
            await network.wait_for_hub(timeout=60)
            yield network, logs
    finally:
        configure_logging("INFO")


@pytest.mark.asyncio(loop_scope="module")
async def test_servers_refuse_plain_anonymous_and_wrong_password_connections(secured):
    network, _ = secured
    ca = str(network.security.authority.ca_file)
    for url in (network.hub_url, network.partner_url("gent")):
        plain = url.replace("tls://", "nats://")
        await refused(plain, NatsAuth())  # no TLS: the server requires it
        await refused(url, NatsAuth(ca_file=ca))  # TLS, no user
        await refused(url, NatsAuth(user="gent", password="guessed", ca_file=ca))
    # Gent's services' credentials are Gent's leaf node's, not the hub's
    await refused(network.hub_url, network.partner_auth("gent"))


@pytest.mark.asyncio(loop_scope="module")
async def test_partner_b_cannot_read_partner_a_stream_from_its_own_leaf(secured):
    network, _ = secured
    own = await connect(network.partner_url("mechelen"), network.ops_auth("mechelen"))
    other = await connect(network.partner_url("gent"), network.ops_auth("gent"),
                          error_cb=_quiet)
    try:
        info = await own.jetstream().stream_info(subjects.shared_stream("mechelen"))
        assert info.state.messages > 0  # the control: Mechelen reads its own stream
        with pytest.raises(nats.errors.Error):  # a permissions error or no responders
            await other.request(A_INFO, b"", timeout=2)
        with pytest.raises(nats.errors.Error):
            await other.request(f"{subjects.external_api('hub')}.INFO", b"", timeout=2)
    finally:
        await own.close()
        await other.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_partner_b_leaf_link_cannot_reach_partner_a_or_the_hub(secured, tmp_path):
    """A leaf node of Gent's own making, logging in with Gent's link credentials: a client
    on it can ask the hub nothing, reach no other domain and overhear no other traffic."""
    network, _ = secured
    security = network.security
    login = network.hub_server.leaf_url.replace(
        "://", f"://leaf-gent:{security.leaf_password('gent')}@", 1)
    rogue = ManagedNatsServer(tmp_path / "rogue", name="rogue", domain="rogue",
                              leaf_remotes=[login], remote_tls=security.remote_tls())
    async with rogue:
        nc = await nats.connect(rogue.url)
        try:
            await _wait_for_link(rogue)
            for subject in (A_INFO, f"{subjects.external_api('hub')}.INFO",
                            subjects.network_query_subject("figures")):
                with pytest.raises(nats.errors.NoRespondersError):
                    await nc.request(subject, b"{}", timeout=2)
            # Mechelen works on; nothing of it reaches the rogue leaf
            overheard = await nc.subscribe(">")
            staff_nc = await connect(network.partner_url("mechelen"),
                                     network.partner_auth("mechelen"))
            try:
                reply = await PartnerClient(staff_nc, "mechelen").send(
                    "intake", wire.RecordConsent(family_id="fam-1", purpose="childcare",
                                                 given_on=date(2024, 3, 2)))
                assert reply["ok"], reply
            finally:
                await staff_nc.close()
            await network.wait_for_hub(timeout=60)
            await settle(nc)
            heard = [m.subject for m in _drain(overheard)]
            assert not [s for s in heard if not s.startswith("_INBOX.")], heard
        finally:
            await nc.close()


def _drain(sub: nats.aio.subscription.Subscription) -> list:
    messages = []
    while not sub._pending_queue.empty():
        messages.append(sub._pending_queue.get_nowait())
    return messages


async def _wait_for_link(server: ManagedNatsServer, timeout: float = 10.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while "Leafnode connection created" not in server.log_tail(200):
        if loop.time() > deadline:
            raise AssertionError(f"the rogue leaf never linked:\n{server.log_tail()}")
        await asyncio.sleep(0.1)


@pytest.mark.asyncio(loop_scope="module")
async def test_the_coordinator_reads_figures_but_not_the_network_stream(secured):
    network, _ = secured
    nc = await connect(network.hub_url, network.coordinator_auth, error_cb=_quiet)
    try:
        reply = await nc.request(subjects.network_query_subject("status"), b"{}", timeout=10)
        assert b'"ok":true' in reply.data
        with pytest.raises(nats.errors.Error):
            await nc.jetstream().stream_info(subjects.NETWORK_STREAM)
    finally:
        await nc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_no_password_is_written_to_a_file_or_a_log(secured):
    network, logs = secured
    secrets = network.security.secrets()
    # reporting, coordinator; per partner its leaf users, its leaf link and its admin
    assert len(secrets) == 2 + (len(PARTNER_USERS) + 2) * len(PARTNERS)
    text = logs.getvalue()
    assert '"nats_user": "intake"' in text and '"tls": true' in text, \
        "the services did not log how they connected"
    files = [p for p in network.data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "nats-server.conf" for p in files)
    for path in files:
        data = path.read_bytes()
        found = [s for s in secrets if s.encode() in data]
        assert not found, f"a password is in {path.relative_to(network.data_dir)}"
    assert not [s for s in secrets if s in text], "a password is in the services' log"
    assert "password: $PACE_NATS_PASSWORD_" in (network.data_dir / "hub" / "nats" /
                                                 "nats-server.conf").read_text()
