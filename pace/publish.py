"""Publishing a batch to JetStream and checking every ack, at a few microseconds per message.

nats-py's `publish_async` spends on each message a semaphore wait, a new NUID and random
token, a future with its callback, and on each ack the standard library's JSON parser and
a `PubAck` object (the relay and consumer benchmark: its raw `publish_async` loop runs at
about 25 us per message). The relay needs less: publish a batch, then know that JetStream
stored every message of it, or that it did not. A `BatchPublisher` publishes a batch on the
connection with one reply subject, numbered per batch under one subscription of its own
(JetStream answers each message once); its callback counts the acks of the batch in flight
and keeps the first error; the batch waits once. One batch at a time.
Each message carries its Msg-Id, so a batch published again after an error or a timeout is
stored once (JetStream's duplicate window).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.client import JetStreamContext

MSG_ID = "Nats-Msg-Id"
STATUS = "Status"
NO_RESPONDERS = "503"


class PublishError(Exception):
    """JetStream did not store every message of a batch (refused, no stream, or no ack in time)."""


class BatchPublisher:
    """Publishes batches of (subject, data, msg id) and waits for all their acks at once."""

    def __init__(self, js: JetStreamContext) -> None:
        self.nc: Client = js._nc  # noqa: SLF001 - nats-py keeps the connection on the context
        self._inbox = ""
        self._sub: Subscription | None = None
        self._batch = 0  # the number of the last batch
        self._reply = ""  # the reply subject of the batch in flight
        self._waiting = 0  # acks of that batch still to come
        self._problem: str | None = None  # the first error of that batch
        self._failed = 0  # how many of its messages were not stored
        self._done: asyncio.Future[None] | None = None

    async def start(self) -> None:
        self._inbox = self.nc.new_inbox()
        self._sub = await self.nc.subscribe(f"{self._inbox}.*", cb=self._acked)

    async def _acked(self, msg: Msg) -> None:
        if self._done is None or msg.subject != self._reply:
            return  # a late ack of an earlier batch, already given up
        if msg.headers and msg.headers.get(STATUS) == NO_RESPONDERS:
            problem: str | None = "no stream takes the subject (no responders)"
        else:
            try:
                error = orjson.loads(msg.data).get("error")
            except (orjson.JSONDecodeError, AttributeError):
                error = f"an ack that is not a JSON object: {msg.data[:100]!r}"
            problem = None if error is None else f"refused: {error}"
        if problem is not None:
            self._failed += 1
            self._problem = self._problem or problem
        self._waiting -= 1
        if self._waiting == 0 and not self._done.done():
            self._done.set_result(None)

    async def publish(self, messages: Sequence[tuple[str, bytes, str]], timeout: float) -> None:
        """Publish every (subject, data, msg id) in order; return when JetStream stored all.

        Raises PublishError when one was refused or not acked within `timeout` seconds.
        """
        if self._sub is None:
            raise RuntimeError("start() the publisher first")
        if self._done is not None:
            raise RuntimeError("one batch at a time: the last one is still waiting for its acks")
        if not messages:
            return
        self._batch += 1
        reply = self._reply = f"{self._inbox}.{self._batch}"
        self._waiting, self._problem, self._failed = len(messages), None, 0
        done = self._done = asyncio.get_running_loop().create_future()
        publish = self.nc.publish
        try:
            for subject, data, msg_id in messages:
                await publish(subject, data, reply=reply, headers={MSG_ID: msg_id})
            try:
                async with asyncio.timeout(timeout):
                    await done
            except TimeoutError as error:
                raise PublishError(f"JetStream did not confirm {self._waiting} of "
                                   f"{len(messages)} messages in time") from error
        finally:
            self._done = None
        if self._problem is not None:
            raise PublishError(f"{self._failed} of {len(messages)} messages were not stored; "
                               f"the first: {self._problem}")

    async def stop(self) -> None:
        if self._sub is not None:
            sub, self._sub = self._sub, None
            await sub.unsubscribe()
