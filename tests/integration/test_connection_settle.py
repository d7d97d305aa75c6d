"""`settle`: a subscription made just before is on the server when it returns.

nats-py's `flush()` writes its PING straight to the socket, ahead of a SUB still queued for
its flusher task, so its PONG proves nothing about that SUB: a request sent at once from
another connection may find no responder (seen as NoRespondersError on a loaded machine).
These tests read the order of the bytes the client writes, which is deterministic.
"""

from __future__ import annotations

import nats
import pytest

from pace.connection import settle

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]


def wire_of(nc: nats.NATS, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The protocol lines the connection writes from now on, in order."""
    written: list[bytes] = []
    transport = nc._transport
    write, writelines = transport.write, transport.writelines

    def record(data: bytes) -> None:
        written.extend(line + b"\r\n" for line in bytes(data).split(b"\r\n") if line)

    monkeypatch.setattr(transport, "write", lambda data: (record(data), write(data))[1])
    monkeypatch.setattr(transport, "writelines",
                        lambda lines: ([record(d) for d in lines], writelines(lines))[1])
    return written


async def test_flush_alone_sends_its_ping_ahead_of_a_queued_subscription(
        nats_url, monkeypatch) -> None:
    """Why `settle` exists; when nats-py changes this, `settle` can be one flush again."""
    nc = await nats.connect(nats_url)
    try:
        wire = wire_of(nc, monkeypatch)
        await nc.subscribe("pace.test.flush")
        await nc.flush()
    finally:
        await nc.close()
    assert wire[:2] == [b"PING\r\n", b"SUB pace.test.flush  1\r\n"]


async def test_settle_returns_after_a_round_trip_behind_the_subscription(
        nats_url, monkeypatch) -> None:
    responder = await nats.connect(nats_url)
    asker = await nats.connect(nats_url)
    try:
        wire = wire_of(responder, monkeypatch)

        async def answer(msg) -> None:
            await msg.respond(b"here")

        await responder.subscribe("pace.test.flushed", cb=answer)
        await settle(responder)
        reply = await asker.request("pace.test.flushed", b"", timeout=10)
    finally:
        await asker.close()
        await responder.close()
    sub = wire.index(b"SUB pace.test.flushed  1\r\n")
    assert b"PING\r\n" in wire[sub + 1:], wire
    assert reply.data == b"here"
