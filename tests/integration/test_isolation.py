"""Partners isolated by nats-server users and accounts, proven on real servers.

One server carries two partners' users (mechelen = A, gent = B) and the hub's reporting and
coordinator users, each with the allow-lists of pace.network.permissions; a second server
gives each partner its own account. Passwords come from the environment (`$VAR`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import nats
import pytest
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, StreamConfig
from nats.js.errors import NotFoundError

from contracts import subjects
from pace.connection import settle
from pace.nats_server import ManagedNatsServer, validate_config
from pace.network.configs import hub_config, leaf_config
from pace.network.permissions import (
    Account,
    Secret,
    accounts_lines,
    authorization_block,
    coordinator_user,
    partner_user,
    reporting_user,
)
from pace.topology import ensure_streams, partner_streams

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

PASSWORDS = {"mechelen": "pw-a", "gent": "pw-b", "reporting": "pw-r", "coordinator": "pw-c"}
INBOXES = {"reporting": "_INBOX.reporting", "coordinator": "_INBOX.coordinator"}
REFUSED = 0.5  # a refused request is dropped by the server: it can only time out


def env(user: str) -> str:
    return f"PACE_TEST_NATS_PASSWORD_{user.upper()}"


class AuthServer(ManagedNatsServer):
    """A managed server whose readiness probe logs in (anonymous clients are refused)."""

    probe_user = "mechelen"

    async def _probe(self) -> None:
        nc = await nats.connect(self.url, user=self.probe_user,
                                password=PASSWORDS[self.probe_user], connect_timeout=1,
                                allow_reconnect=False, max_reconnect_attempts=0,
                                error_cb=_ignore)
        try:
            await nc.jetstream().account_info()
        finally:
            await nc.close()


async def _ignore(_error: Exception) -> None:
    pass


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    for user, password in PASSWORDS.items():
        monkeypatch.setenv(env(user), password)


@asynccontextmanager
async def server(tmp_path: Path, extra: str) -> AsyncIterator[ManagedNatsServer]:
    managed = AuthServer(tmp_path, name="isolation", extra=extra)
    try:
        await managed.start()
        yield managed
    finally:
        await managed.stop()  # our PID only


class Client:
    """A connection as one user, collecting the errors the server reports to it."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.nc: nats.NATS | None = None

    async def _error(self, error: Exception) -> None:
        self.errors.append(str(error))

    async def violation(self, text: str, timeout: float = 2.0) -> str:
        """The server's -ERR for `text` (nats-py lowercases it, so compare without case)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for error in self.errors:
                if "permissions violation" in error.lower() and text.lower() in error.lower():
                    return error
            await asyncio.sleep(0.02)
        raise AssertionError(f"no permissions violation for {text!r}; errors: {self.errors}")


@asynccontextmanager
async def login(url: str, user: str) -> AsyncIterator[tuple[nats.NATS, Client]]:
    client = Client()
    nc = await nats.connect(url, user=user, password=PASSWORDS[user], connect_timeout=2,
                            allow_reconnect=False, error_cb=client._error,
                            inbox_prefix=INBOXES.get(user, "_INBOX"))
    client.nc = nc
    try:
        yield nc, client
    finally:
        await nc.close()


async def refused(call: Callable[[], object]) -> None:
    with pytest.raises((asyncio.TimeoutError, nats.errors.TimeoutError,
                        nats.errors.NoRespondersError, NotFoundError)):
        await call()  # type: ignore[misc]


def answer(data: bytes) -> Callable[[Msg], Awaitable[None]]:
    async def respond(msg: Msg) -> None:
        await msg.respond(data)
    return respond


def users_block() -> str:
    users = [partner_user(p, Secret.from_env(env(p))) for p in ("mechelen", "gent")]
    users += [reporting_user(Secret.from_env(env("reporting"))),
              coordinator_user(Secret.from_env(env("coordinator")))]
    return authorization_block(users)


async def test_a_partner_reaches_only_its_own_subjects_and_streams(tmp_path, passwords):
    mechelen_event = subjects.event_subject("mechelen", "FamilyReferred")
    mechelen_shared = "pace.mechelen.net.intake.Test"
    shared = subjects.shared_stream("mechelen")
    async with server(tmp_path, users_block()) as nats_server, \
            login(nats_server.url, "mechelen") as (a, _), \
            login(nats_server.url, "gent") as (b, b_client):
        # A: its streams, publish with acks, a pull consumer fetching and acking
        ajs = a.jetstream(timeout=2)
        await ensure_streams(ajs, partner_streams("mechelen"))
        assert (await ajs.publish(mechelen_event, b"a1")).stream == subjects.PARTNER_EVENTS_STREAM
        assert (await ajs.publish(mechelen_shared, b"s1")).stream == shared
        sub = await ajs.pull_subscribe(">", durable="mine", stream=shared)
        [msg] = await sub.fetch(1, timeout=2)
        await msg.ack_sync()
        assert (await ajs.consumer_info(shared, "mine")).ack_floor.stream_seq == 1
        assert (await ajs.get_msg(shared, 1)).data == b"s1"
        # A: a live subscription and request/reply on its own subjects
        # (not "pace.mechelen.>": two of a connection's subscriptions matching one request
        # made nats-server refuse the reply despite allow_responses, see the module doc)
        live = await a.subscribe("pace.mechelen.evt.>")
        responder = await a.subscribe("pace.mechelen.cmd.intake.*",
                                      cb=answer(b"ok"))
        assert (await a.request("pace.mechelen.cmd.intake.Refer", b"", timeout=2)).data == b"ok"
        await settle(a)

        # B: publishing into A's subjects is refused and reported
        await b.publish(mechelen_event, b"forged")
        await b_client.violation(f"Publish to \"{mechelen_event}\"")
        await refused(lambda: b.jetstream(timeout=REFUSED).publish(mechelen_event, b"x"))
        # B: subscribing to A's subjects is refused and delivers nothing
        spy = await b.subscribe("pace.mechelen.>")
        await b_client.violation('Subscription to "pace.mechelen.>"')
        await a.publish("pace.mechelen.evt.intake.Live", b"private")
        await settle(a)
        await refused(lambda: spy.next_msg(timeout=REFUSED))
        assert (await live.next_msg(timeout=2)).data == b"private"  # A itself sees it
        # B: A's stream cannot be read: info, consumer, message get, direct get, fetch
        bjs = b.jetstream(timeout=REFUSED)
        await refused(lambda: bjs.stream_info(shared))
        await refused(lambda: bjs.add_consumer(shared, ConsumerConfig(durable_name="spy")))
        await refused(lambda: bjs.get_msg(shared, 1))
        await refused(lambda: bjs.get_msg(shared, 1, direct=True))
        await refused(lambda: b.request(f"$JS.API.CONSUMER.MSG.NEXT.{shared}.mine", b"1",
                                        timeout=REFUSED))
        # B: nor through another domain's API prefix (that would cross a leaf link)
        await refused(lambda: b.jetstream(domain="mechelen", timeout=REFUSED)
                      .stream_info(shared))
        # B: nor by stealing A's acks, nor by answering A's commands
        await b.publish(f"$JS.ACK.{shared}.mine.1.1.1.0.0", b"+ACK")
        await b_client.violation(f"$JS.ACK.{shared}")
        assert (await ajs.stream_info(shared)).state.messages == 1  # untouched
        await responder.unsubscribe()


async def test_the_coordinator_reads_figures_and_cannot_command_a_partner(tmp_path, passwords):
    figure = subjects.figures_subject("mechelen")
    async with server(tmp_path, users_block()) as nats_server, \
            login(nats_server.url, "reporting") as (reporting, _), \
            login(nats_server.url, "coordinator") as (coordinator, c_client):
        rjs = reporting.jetstream(timeout=2)
        await rjs.add_stream(StreamConfig(name=subjects.FIGURES_STREAM,
                                          subjects=[subjects.figures_subjects()]))
        await rjs.add_stream(StreamConfig(name=subjects.NETWORK_STREAM,
                                          subjects=["pace.test.network"]))
        live = await coordinator.subscribe("pace.network.figures.>")
        await settle(coordinator)
        assert (await rjs.publish(figure, b"86")).stream == subjects.FIGURES_STREAM
        answers = await reporting.subscribe("pace.network.qry.*",
                                            cb=answer(b"answer"))

        # the coordinator reads figures, live and from PACE_FIGURES, and asks queries
        assert (await live.next_msg(timeout=2)).data == b"86"
        cjs = coordinator.jetstream(timeout=2)
        sub = await cjs.pull_subscribe(">", durable="coordinator",
                                       stream=subjects.FIGURES_STREAM)
        [msg] = await sub.fetch(1, timeout=2)
        assert msg.data == b"86"
        await msg.ack_sync()
        reply = await coordinator.request(subjects.network_query_subject("report"), b"",
                                          timeout=2)
        assert reply.data == b"answer"

        # ... and nothing else
        command = subjects.command_subject("mechelen", "intake", "ReferFamily")
        await coordinator.publish(command, b"{}")
        await c_client.violation(f'Publish to "{command}"')
        await refused(lambda: coordinator.request(command, b"{}", timeout=REFUSED))
        await coordinator.publish(figure, b"999")
        await c_client.violation(f'Publish to "{figure}"')
        cjs_fast = coordinator.jetstream(timeout=REFUSED)
        await refused(lambda: cjs_fast.stream_info(subjects.NETWORK_STREAM))
        await refused(lambda: cjs_fast.add_stream(StreamConfig(name="MINE", subjects=["x"])))
        await coordinator.subscribe("_INBOX.>")  # another user's replies are not its own
        await c_client.violation('Subscription to "_INBOX.>"')
        await coordinator.subscribe("pace.mechelen.>")
        await c_client.violation('Subscription to "pace.mechelen.>"')
        assert (await rjs.stream_info(subjects.FIGURES_STREAM)).state.messages == 1
        await answers.unsubscribe()


async def test_one_account_per_partner_hides_even_same_named_streams(tmp_path, passwords):
    accounts = [Account(p.upper(), [partner_user(p, Secret.from_env(env(p)))])
                for p in ("mechelen", "gent")]
    async with server(tmp_path, "\n".join(accounts_lines(accounts))) as nats_server, \
            login(nats_server.url, "mechelen") as (a, _), \
            login(nats_server.url, "gent") as (b, _):
        ajs, bjs = a.jetstream(timeout=2), b.jetstream(timeout=2)
        await ensure_streams(ajs, partner_streams("mechelen"))
        await ajs.publish("pace.mechelen.evt.intake.Test", b"a1")
        # B may call STREAM.INFO.PACE_EVENTS, but in its own account there is none yet
        with pytest.raises(NotFoundError):
            await bjs.stream_info(subjects.PARTNER_EVENTS_STREAM)
        await ensure_streams(bjs, partner_streams("gent"))
        info = await bjs.stream_info(subjects.PARTNER_EVENTS_STREAM)
        assert info.config.subjects == ["pace.gent.evt.>"] and info.state.messages == 0
        assert (await ajs.stream_info(subjects.PARTNER_EVENTS_STREAM)).state.messages == 1



def test_generated_leaf_and_hub_configs_carry_the_users_and_pass_nats_server_t(
        tmp_path, passwords):
    leaf = leaf_config("mechelen", ["nats-leaf://127.0.0.1:7422"], bind="127.0.0.1",
                       store_dir=tmp_path / "leaf",
                       authorization=[partner_user("mechelen", Secret.from_env(env("mechelen")))])
    hub = hub_config(bind="127.0.0.1", store_dir=tmp_path / "hub", authorization=[
        reporting_user(Secret.from_env(env("reporting"))),
        coordinator_user(Secret.from_env(env("coordinator")))])
    for name, text in (("leaf", leaf), ("hub", hub)):
        assert "authorization {" in text and "pw-" not in text  # only $VAR references
        path = tmp_path / f"{name}.conf"
        path.write_text(text, encoding="utf-8")
        validate_config(path)
