"""The relay: publishes stored events to the partner's JetStream stream, in order, exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Sequence

import orjson
from nats.errors import Error as NatsError
from nats.js.client import JetStreamContext
from sqlalchemy.exc import DBAPIError

from contracts import subjects
from contracts.envelope import Envelope
from pace.logging import get_logger
from pace.metrics import EVENTS_RELAYED
from pace.store import EventStore, RecordedEvent, StoreError

log = get_logger(__name__)

MAX_RETRY_DELAY = 10.0  # seconds between retries while NATS or the database is away


class RelayError(Exception):
    """A batch could not be confirmed by JetStream; the cursor stays where it was."""


_event_subject = functools.lru_cache(maxsize=4096)(subjects.event_subject)


def event_subject_of(record: RecordedEvent) -> str:
    """pace.<partner>.evt.<context>.<EventType> for a stored record (checked once per pair)."""
    return _event_subject(record.partner, record.event_type)


def envelope_bytes(envelope: Envelope) -> bytes:
    """The wire form of an envelope: compact JSON."""
    return orjson.dumps(envelope.model_dump(mode="json"))


class Relay:
    """Reads the store after its persisted cursor, publishes pipelined, then advances the cursor."""

    def __init__(self, store: EventStore, js: JetStreamContext,
                 subject_for: Callable[[RecordedEvent], str] = event_subject_of, *,
                 name: str = "relay",
                 batch: int = 1000, ack_timeout: float = 10.0, idle_wait: float = 1.0) -> None:
        self.store = store
        self.js = js
        self.subject_for = subject_for
        self.name = name
        self.batch = batch
        self.ack_timeout = ack_timeout
        self.idle_wait = idle_wait
        self.published = 0
        self._relayed = EVENTS_RELAYED.labels(store.partner, name)
        self._cursor: int | None = None  # as last saved; read again after any failure
        self._wake = asyncio.Event()
        store.on_append(lambda _position: self._wake.set())

    async def run_once(self) -> int:
        """Publish the next batch after the cursor; returns how many events it confirmed."""
        if self._cursor is None:
            self._cursor = await self.store.cursor(self.name)
        records = await self.store.read_all(after=self._cursor, limit=self.batch)
        if not records:
            return 0
        try:
            await self.publish(records)
            await self.store.save_cursor(self.name, records[-1].position)
        except BaseException:
            self._cursor = None
            raise
        self._cursor = records[-1].position
        self.published += len(records)
        self._relayed.inc(len(records))
        return len(records)

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        """Publish without awaiting each ack, then check them all (Msg-Id makes retries safe)."""
        pending = []
        publish, subject_for = self.js.publish_async, self.subject_for
        for record in records:
            pending.append(await publish(subject_for(record), record.wire_bytes(),
                                         headers={"Nats-Msg-Id": record.event_id}))
        try:
            async with asyncio.timeout(self.ack_timeout):
                acks = await asyncio.gather(*pending, return_exceptions=True)
        except TimeoutError as error:
            raise RelayError(f"JetStream did not confirm {len(pending)} events in time") from error
        failed = [a for a in acks if isinstance(a, BaseException)]
        if failed:
            raise RelayError(f"{len(failed)} of {len(acks)} publishes failed: {failed[0]!r}")

    async def run(self, stop: asyncio.Event, retry_delay: float = 1.0,
                  max_delay: float = MAX_RETRY_DELAY) -> None:
        """Relay until stop is set; waits for new appends (or a poll) when caught up.

        NATS or the database being away is waited out: retried with doubling delays up to
        max_delay, from the persisted cursor (Msg-Id drops what JetStream already holds).
        """
        delay = retry_delay
        while not stop.is_set():
            self._wake.clear()
            try:
                if await self.run_once():
                    delay = retry_delay
                    continue
            except (RelayError, OSError, NatsError, StoreError, DBAPIError) as error:
                log.warning("relay.retry", relay=self.name, error=str(error), delay=delay)
                await sleep_unless(stop, delay)
                delay = min(delay * 2, max_delay)
                continue
            delay = retry_delay
            await _wait_any(stop, self._wake, self.idle_wait)


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    """Sleep for `seconds`, or less when `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
