"""The relay: publishes stored events to the partner's JetStream stream, in order, exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import time
from collections.abc import Callable, Sequence

import orjson
from nats.errors import Error as NatsError
from nats.js.client import JetStreamContext
from sqlalchemy.exc import DBAPIError

from contracts import subjects
from contracts.envelope import Envelope
from pace.logging import get_logger
from pace.metrics import EVENTS_RELAYED
from pace.publish import BatchPublisher, PublishError
from pace.store import EventStore, RecordedEvent, StoreError

log = get_logger(__name__)

MAX_RETRY_DELAY = 10.0  # seconds between retries while NATS or the database is away
MAX_FRESH_BATCHES = 10  # committed events kept for publishing, in batches; beyond: read them


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
    """Publishes the store's events after its cursor, pipelined, in position order.

    The events this process commits come straight from the commit (store.on_commit), not
    read back; the store is read when those do not follow on from the cursor: at start,
    after a failure, after another process's append (a gap in positions, or the idle poll),
    or when more came in than the relay keeps. The store stays the source of truth.
    The cursor is persisted at most every `save_every` seconds while running (and by each
    run_once): after a crash the relay publishes again from the persisted cursor, and
    JetStream drops what it already holds by Msg-Id (the duplicate window is far longer).
    """

    def __init__(self, store: EventStore, js: JetStreamContext,
                 subject_for: Callable[[RecordedEvent], str] = event_subject_of, *,
                 name: str = "relay",
                 batch: int = 1000, ack_timeout: float = 10.0, idle_wait: float = 1.0,
                 save_every: float = 1.0) -> None:
        self.store = store
        self.js = js
        self.subject_for = subject_for
        self.name = name
        self.batch = batch
        self.ack_timeout = ack_timeout
        self.idle_wait = idle_wait
        self.save_every = save_every
        self.published = 0
        self._relayed = EVENTS_RELAYED.labels(store.partner, name)
        self._cursor: int | None = None  # what JetStream confirmed; None: read the saved one
        self._saved: int | None = None  # the cursor as last persisted
        self._saved_at = -math.inf  # time.monotonic() of that save
        self._fresh: list[RecordedEvent] = []  # committed here, not yet published
        self._behind = True  # the store may hold events after the cursor that _fresh lacks
        self._wake = asyncio.Event()
        self._publisher: BatchPublisher | None = None
        store.on_commit(self._committed)

    def _committed(self, records: list[RecordedEvent]) -> None:
        fresh = self._fresh
        if len(fresh) + len(records) > MAX_FRESH_BATCHES * self.batch:
            fresh.clear()  # far behind (NATS away?): read from the store when it can go on
            self._behind = True
        else:
            in_order = not fresh or fresh[-1].position < records[0].position
            fresh += records
            if not in_order:  # commits heard out of order: keep them in position order
                fresh.sort(key=_position)
        self._wake.set()

    async def run_once(self) -> int:
        """Publish the next batch after the cursor, then persist it; how many were confirmed."""
        return await self._relay_batch(save=True)

    async def _relay_batch(self, *, save: bool) -> int:
        if self._cursor is None:
            self._cursor = self._saved = await self.store.cursor(self.name)
            self._behind = True
        records = await self._next_batch(self._cursor)
        if not records:
            return 0
        try:
            await self.publish(records)
            if save:
                await self._save(records[-1].position)
        except BaseException:
            self._cursor = None
            raise
        self._cursor = records[-1].position
        self.published += len(records)
        self._relayed.inc(len(records))
        return len(records)

    async def _next_batch(self, cursor: int) -> list[RecordedEvent]:
        """The events after the cursor: from the commits heard if they follow on, else the store."""
        fresh = self._fresh
        done = 0
        while done < len(fresh) and fresh[done].position <= cursor:
            done += 1
        del fresh[:done]
        taken = 0
        while (taken < len(fresh) and taken < self.batch
               and fresh[taken].position == cursor + taken + 1):
            taken += 1
        if taken:
            batch = fresh[:taken]
            del fresh[:taken]
            return batch
        if not fresh and not self._behind:
            return []
        records = await self.store.read_all(after=cursor, limit=self.batch)
        self._behind = len(records) == self.batch
        return records

    async def _save(self, position: int) -> None:
        await self.store.save_cursor(self.name, position)
        self._saved, self._saved_at = position, time.monotonic()

    async def _save_if_due(self) -> float:
        """Persist the cursor if it moved and the last save is old enough; seconds to the next."""
        if self._cursor is None or self._cursor == self._saved:
            return math.inf
        due = self._saved_at + self.save_every - time.monotonic()
        if due > 0:
            return due
        await self._save(self._cursor)
        return math.inf

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        """Publish a batch, then check every ack at once (Msg-Id makes retries safe)."""
        if self._publisher is None:
            publisher = BatchPublisher(self.js)
            await publisher.start()
            self._publisher = publisher
        subject_for = self.subject_for
        try:
            await self._publisher.publish(
                [(subject_for(record), record.wire_bytes(), record.event_id) for record in records],
                self.ack_timeout)
        except PublishError as error:
            raise RelayError(str(error)) from error

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
                if await self._relay_batch(save=False):
                    await self._save_if_due()
                    delay = retry_delay
                    continue
                save_in = await self._save_if_due()
            except (RelayError, OSError, NatsError, StoreError, DBAPIError) as error:
                self._cursor = None  # go on from the persisted cursor
                log.warning("relay.retry", relay=self.name, error=str(error), delay=delay)
                await sleep_unless(stop, delay)
                delay = min(delay * 2, max_delay)
                continue
            delay = retry_delay
            if not await wait_any(stop, self._wake, min(self.idle_wait, save_in)):
                self._behind = True  # nothing heard: look in the store (another process?)
        await self._save_on_stop()
        if self._publisher is not None:
            publisher, self._publisher = self._publisher, None
            with contextlib.suppress(OSError, NatsError):
                await publisher.stop()

    async def _save_on_stop(self) -> None:
        if self._cursor is not None and self._cursor != self._saved:
            try:
                await self._save(self._cursor)
            except (OSError, StoreError, DBAPIError) as error:
                log.warning("relay.cursor_not_saved", relay=self.name, error=str(error))


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    """Sleep for `seconds`, or less when `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


async def wait_any(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> bool:
    """Wait until stop or wake is set, at most `seconds`; whether one of them was."""
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        done, _pending = await asyncio.wait(waiters, timeout=seconds,
                                            return_when=asyncio.FIRST_COMPLETED)
        return bool(done)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _position(record: RecordedEvent) -> int:
    return record.position
