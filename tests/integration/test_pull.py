"""The consumer runner's fetch (`pace.pull`) against a real nats-server."""

from __future__ import annotations

import asyncio

import nats
import nats.errors
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from pace.pull import Puller

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

STREAM = "PULLED"


@pytest.fixture
async def js(nats_url):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=STREAM, subjects=["pulled.>"]))
    yield js
    await js.delete_stream(STREAM)
    await nc.close()


async def puller_for(js, durable: str = "reader", ack_wait: float = 30.0) -> Puller:
    await js.add_consumer(STREAM, ConsumerConfig(durable_name=durable, ack_wait=ack_wait,
                                                 ack_policy=AckPolicy.EXPLICIT))
    puller = Puller(js, STREAM, durable)
    await puller.start()
    return puller


async def publish(js, numbers: range) -> None:
    for n in numbers:
        await js.publish(f"pulled.{n}", str(n).encode())


def numbers(msgs) -> list[int]:
    return [int(msg.data) for msg in msgs]


async def test_batches_come_whole_and_in_order_then_the_rest(js) -> None:
    await publish(js, range(25))
    puller = await puller_for(js)
    try:
        got = [numbers(await puller.fetch(10, timeout=5)) for _ in range(3)]
        assert got == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
        assert await puller.fetch(10, timeout=0.3) == []  # nothing left: empty at the timeout
    finally:
        await puller.stop()


async def test_a_waiting_fetch_ends_with_the_first_message_that_comes(js) -> None:
    puller = await puller_for(js)
    try:
        fetching = asyncio.ensure_future(puller.fetch(100, timeout=30))
        await asyncio.sleep(0.3)  # waiting on an empty stream
        assert not fetching.done()
        await publish(js, range(1))
        async with asyncio.timeout(10):  # a third of the fetch's timeout
            assert numbers(await fetching) == [0]
    finally:
        await puller.stop()


async def test_acked_messages_are_not_fetched_again_and_unacked_ones_are_after_ack_wait(js) -> None:
    await publish(js, range(4))
    puller = await puller_for(js, ack_wait=1.0)
    try:
        first = await puller.fetch(4, timeout=5)
        for msg in first[:2]:
            await msg.ack()
        assert numbers(await puller.fetch(4, timeout=0.3)) == []
        async with asyncio.timeout(10):
            again: list[int] = []
            while len(again) < 2:
                again += numbers(await puller.fetch(4, timeout=0.5))
        assert again == [2, 3]
    finally:
        await puller.stop()


async def test_stop_hands_back_what_was_delivered_but_not_taken(js) -> None:
    """A late answer (its fetch had given up) is filed and handed back at stop, at once:
    another reader gets it long before the ack wait (30 s) would have let it."""
    await publish(js, range(3))
    puller = await puller_for(js)
    await puller._ask({"batch": 3, "no_wait": True})  # an answer no fetch is waiting for  # noqa: SLF001
    async with asyncio.timeout(10):
        while len(puller._ready) < 3:  # noqa: SLF001
            await asyncio.sleep(0.01)
    await puller.stop()
    other = Puller(js, STREAM, "reader")
    await other.start()
    try:
        async with asyncio.timeout(10):  # a third of the ack wait
            got: list[int] = []
            while len(got) < 3:
                got += numbers(await other.fetch(3, timeout=1))
        assert got == [0, 1, 2]
    finally:
        await other.stop()


async def test_a_deleted_consumer_is_an_error_not_an_empty_batch(js) -> None:
    """The runner logs a broker error and pauses; an empty batch would make it ask again at once."""
    puller = await puller_for(js)
    try:
        await js.delete_consumer(STREAM, "reader")
        with pytest.raises(nats.errors.Error):
            await puller.fetch(10, timeout=2)
    finally:
        await puller.stop()


async def test_fetch_before_start_says_so(js) -> None:
    with pytest.raises(RuntimeError, match="start"):
        await Puller(js, STREAM, "reader").fetch(1, timeout=0.1)
