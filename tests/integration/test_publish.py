"""The relay's batch publisher (`pace.publish`) against a real nats-server."""

from __future__ import annotations

import asyncio

import nats
import pytest
from nats.js.api import DiscardPolicy, StreamConfig

from pace.publish import BatchPublisher, PublishError

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

STREAM = "PUBLISHED"


@pytest.fixture
async def js(nats_url):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    yield js
    await nc.close()


@pytest.fixture
async def publisher(js):
    publisher = BatchPublisher(js)
    await publisher.start()
    yield publisher
    await publisher.stop()


def batch(numbers: range) -> list[tuple[str, bytes, str]]:
    return [(f"published.{n}", str(n).encode(), f"id-{n}") for n in numbers]


async def stored(js) -> list[int]:
    info = await js.stream_info(STREAM)
    return [int((await js.get_msg(STREAM, seq)).data)
            for seq in range(info.state.first_seq, info.state.last_seq + 1)]


async def test_a_batch_is_stored_in_order_and_once_when_published_again(js, publisher) -> None:
    await js.add_stream(StreamConfig(name=STREAM, subjects=["published.>"]))
    try:
        await publisher.publish(batch(range(300)), timeout=10)
        await publisher.publish(batch(range(250, 310)), timeout=10)  # after a lost ack: again
        assert await stored(js) == list(range(310))
    finally:
        await js.delete_stream(STREAM)


async def test_a_subject_no_stream_takes_is_an_error(publisher) -> None:
    with pytest.raises(PublishError, match="no responders"):
        await publisher.publish(batch(range(3)), timeout=10)


async def test_messages_the_stream_refuses_are_counted_in_the_error(js, publisher) -> None:
    await js.add_stream(StreamConfig(name=STREAM, subjects=["published.>"], max_msgs=2,
                                     discard=DiscardPolicy.NEW))
    try:
        with pytest.raises(PublishError, match="1 of 3 messages were not stored"):
            await publisher.publish(batch(range(3)), timeout=10)
        assert await stored(js) == [0, 1]
        await publisher.publish(batch(range(2)), timeout=10)  # duplicates: stored already, no error
    finally:
        await js.delete_stream(STREAM)


async def test_publishing_before_start_says_so(js) -> None:
    with pytest.raises(RuntimeError, match="start"):
        await BatchPublisher(js).publish(batch(range(1)), timeout=1)


async def test_a_second_batch_while_one_waits_for_its_acks_is_refused(js, publisher) -> None:
    await js.add_stream(StreamConfig(name=STREAM, subjects=["published.>"]))
    try:
        first = asyncio.ensure_future(publisher.publish(batch(range(100)), timeout=10))
        await asyncio.sleep(0)  # the first is publishing, or waiting for its acks
        with pytest.raises(RuntimeError, match="one batch at a time"):
            await publisher.publish(batch(range(100, 101)), timeout=10)
        await first
        assert await stored(js) == list(range(100))
    finally:
        await js.delete_stream(STREAM)
