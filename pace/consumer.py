"""The consumer runner: durable pull consumers, one transaction per batch, ack after commit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError

from contracts.base import DomainEvent
from contracts.envelope import Envelope
from contracts.registry import UnknownEventTypeError, decode
from pace.logging import get_logger
from pace.metrics import DEAD_LETTERS, EVENTS_CONSUMED
from pace.store import EventStore, StoreTransaction, StoreUnavailableError

log = get_logger(__name__)

Handler = Callable[[StoreTransaction, Envelope, DomainEvent], None]
"""A plain function run inside the consumer's transaction; raise to refuse the event."""
Screen = Callable[[Msg, Envelope], str | None]
"""Checks a decoded message before it is handled; a problem returned dead-letters it."""

TRANSIENT = (StoreUnavailableError, OperationalError, InterfaceError, OSError)
REASON_HEADER = "Pace-Dead-Letter-Reason"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One fetched message, decoded when it could be."""

    msg: Msg
    envelope: Envelope | None = None
    event: DomainEvent | None = None
    problem: str | None = None
    event_id: str = ""
    """The envelope's event id as the inbox stores it (computed once, when decoded)."""

    @property
    def attempts(self) -> int:
        return self.msg.metadata.num_delivered


def decode_delivery(msg: Msg) -> Delivery:
    """Parse envelope and event; a message that cannot be parsed carries its problem instead."""
    try:
        envelope = Envelope.model_validate_json(msg.data)
        event = decode(envelope.event_type, envelope.schema_version, envelope.payload)
    except (ValidationError, UnknownEventTypeError, ValueError) as error:
        return Delivery(msg, problem=f"{type(error).__name__}: {_short(error)}")
    tokens = msg.subject.split(".")
    if len(tokens) < 3 or tokens[1] != envelope.partner or tokens[-1] != envelope.event_type:
        return Delivery(msg, problem=f"SubjectMismatch: a {envelope.event_type} of partner "
                                     f"{envelope.partner} arrived on {msg.subject}")
    return Delivery(msg, envelope, event, event_id=str(envelope.event_id))


def reason_kind(reason: str) -> str:
    """A dead letter's reason as a small label: handler_failed, or the problem's type."""
    if reason.startswith("failed "):
        return "handler_failed"
    kind = reason.split(":", 1)[0]
    return kind if kind.isidentifier() and len(kind) <= 40 else "unreadable"


def _short(error: Exception, limit: int = 500) -> str:
    text = str(error).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."


class ConsumerRunner:
    """Feeds a handler from a durable JetStream consumer; its writes and inbox commit together."""

    def __init__(self, js: JetStreamContext, store: EventStore, handler: Handler, *,
                 stream: str, durable: str, filter_subjects: Sequence[str],
                 dead_letter_subject: str, batch: int = 200, max_attempts: int = 6,
                 ack_wait: float = 10.0, retry_delay: float = 1.0,
                 screen: Screen | None = None, in_order: bool = False,
                 applied: Callable[[], None] | None = None, fetch_wait: float = 1.0) -> None:
        self.js = js
        self.screen = screen
        self.store = store
        self.handler = handler
        self.stream = stream
        self.durable = durable
        self.filter_subjects = list(filter_subjects)
        self.dead_letter_subject = dead_letter_subject
        self.batch = batch
        self.max_attempts = max_attempts
        self.ack_wait = ack_wait
        self.retry_delay = retry_delay
        self.in_order = in_order
        """Apply each stream's events in version order: one arriving before the version it
        follows (that event still with another process, or published again after a failed
        publish) waits, with backoff, until that version is applied."""
        self.applied = applied
        """Called after each commit that applied events: a reader of the handler's rows can
        look at once instead of polling."""
        self.fetch_wait = fetch_wait  # seconds a fetch may wait (and hold what came)
        self.handled = 0
        self.dead_lettered = 0
        self._consumed = EVENTS_CONSUMED.labels(getattr(store, "partner", "unknown"), durable)
        self._subscription: JetStreamContext.PullSubscription | None = None
        self._prefetch: asyncio.Future[list[Delivery]] | None = None

    async def start(self) -> None:
        """Create (or reuse) the durable consumer; JetStream never gives up on its own."""
        config = ConsumerConfig(
            durable_name=self.durable, ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL, ack_wait=self.ack_wait, max_deliver=-1,
            filter_subjects=self.filter_subjects, max_ack_pending=self.batch * 10,
        )
        await self.js.add_consumer(self.stream, config)
        self._subscription = await self.js.pull_subscribe_bind(self.durable, stream=self.stream)

    async def run_once(self, timeout: float = 1.0) -> int:
        """Settle one batch while the next is already being fetched; returns the batch size."""
        if self._subscription is None:
            await self.start()
        fetching = self._prefetch or asyncio.ensure_future(self._fetch(timeout))
        self._prefetch = None
        deliveries = await fetching
        if not deliveries:
            return 0
        self._prefetch = asyncio.ensure_future(self._fetch(timeout))
        await self.process(deliveries)
        return len(deliveries)

    async def _fetch(self, timeout: float) -> list[Delivery]:
        """Fetch and decode a batch (decoding overlaps the previous batch's commit).

        An idle consumer mostly gets the first message that comes at once. Under a steady
        flow a fetch was seen to keep what had come until its timeout was over (the hub's,
        about a second every time): `fetch_wait` bounds that for a consumer others wait on.
        """
        assert self._subscription is not None
        try:
            msgs = await self._subscription.fetch(self.batch, timeout=timeout)
        except (nats.errors.TimeoutError, TimeoutError):
            return []
        return [self._screened(decode_delivery(msg)) for msg in msgs]

    def _screened(self, delivery: Delivery) -> Delivery:
        if self.screen is None or delivery.envelope is None:
            return delivery
        problem = self.screen(delivery.msg, delivery.envelope)
        return delivery if problem is None else Delivery(delivery.msg, problem=problem)

    async def stop(self) -> None:
        """Let an outstanding fetch finish and hand its messages back for prompt redelivery."""
        fetching, self._prefetch = self._prefetch, None
        if fetching is None:
            return
        try:
            for delivery in await fetching:
                await delivery.msg.nak()
        except (nats.errors.Error, OSError, asyncio.CancelledError):
            pass  # unacked messages come back after ack_wait

    async def process(self, deliveries: list[Delivery]) -> None:
        """Apply a batch in one transaction; on failure, isolate the culprit one by one."""
        poison = [d for d in deliveries if d.problem]
        good = [d for d in deliveries if not d.problem]
        retry: list[Delivery]
        failed: list[tuple[Delivery, str]]
        try:
            early = await self._apply(good)
        except TRANSIENT as error:
            log.warning("consumer.store_unavailable", consumer=self.durable, error=str(error))
            retry, failed = good, []
        except Exception:  # noqa: BLE001 - some handler failed; find out which
            retry, failed = await self._apply_one_by_one(good)
        else:
            waiting = {id(d) for d in early}
            await _ack_all([d for d in good if id(d) not in waiting])
            retry, failed = self._early(early)
        for delivery in poison:
            await self._dead_letter(delivery, delivery.problem or "unreadable message")
        for delivery, reason in failed:
            await self._dead_letter(delivery, reason)
        for delivery in retry:
            await delivery.msg.nak(delay=self.backoff(delivery.attempts))

    def backoff(self, attempts: int) -> float:
        """Doubling delays (1, 2, 4, 8, 16 s by default) that together outlast the ack wait.

        After a crash, messages the dead process had fetched come back only when their ack
        wait ends, while later ones are delivered at once: an event can arrive before the
        one it follows (an enrolment before its referral). Retrying for longer than the ack
        wait lets the earlier event arrive and be applied before the later one gives up.
        """
        return min(self.retry_delay * 2 ** max(attempts - 1, 0), 60.0)

    def _early(self, early: list[Delivery]
               ) -> tuple[list[Delivery], list[tuple[Delivery, str]]]:
        """Events that came before the version they follow: again later, or parked at last."""
        retry: list[Delivery] = []
        failed: list[tuple[Delivery, str]] = []
        for delivery in early:
            assert delivery.envelope is not None
            reason = (f"StreamGap: version {delivery.envelope.stream_version} of stream "
                      f"{delivery.envelope.stream_id} came before the version it follows")
            if delivery.attempts >= self.max_attempts:
                failed.append((delivery, f"failed {delivery.attempts} times; last: {reason}"))
            else:
                log.info("consumer.early_event", consumer=self.durable, reason=reason,
                         attempt=delivery.attempts)
                retry.append(delivery)
        return retry, failed

    async def _apply(self, deliveries: list[Delivery]) -> list[Delivery]:
        """Apply in one transaction; returns the deliveries that came too early (not applied)."""
        if not deliveries:
            return []
        early = await self.store.in_transaction(self._apply_in, deliveries)
        self.handled += len(deliveries) - len(early)
        self._consumed.inc(len(deliveries) - len(early))
        if self.applied is not None and len(early) < len(deliveries):
            self.applied()
        return early

    def _apply_in(self, tx: StoreTransaction, deliveries: list[Delivery]) -> list[Delivery]:
        """Inside the transaction: skip what this consumer already handled, handle, mark."""
        done = tx.processed_among(self.durable, [d.event_id for d in deliveries])
        order = StreamOrder(tx, self.durable, deliveries) if self.in_order else None
        fresh: list[str] = []
        early: list[Delivery] = []
        for delivery in deliveries:
            envelope = delivery.envelope
            assert envelope is not None and delivery.event is not None
            event_id = delivery.event_id
            if event_id in done:
                continue
            if order is not None:
                if order.applied(envelope):  # the inbox is the usual guard; this one too
                    continue
                if order.early(envelope) and not (delivery.attempts >= self.max_attempts
                                                  and order.begins_midway(envelope)):
                    early.append(delivery)
                    continue
                order.advance(envelope)
            done.add(event_id)
            self.handler(tx, envelope, delivery.event)
            fresh.append(event_id)
        tx.mark_processed(self.durable, fresh)
        if order is not None:
            order.save()
        return early

    async def _apply_one_by_one(self, deliveries: list[Delivery]
                                ) -> tuple[list[Delivery], list[tuple[Delivery, str]]]:
        retry: list[Delivery] = []
        failed: list[tuple[Delivery, str]] = []
        for delivery in deliveries:
            try:
                early = await self._apply([delivery])
            except TRANSIENT:
                retry.append(delivery)
            except Exception as error:  # noqa: BLE001 - retried, then dead-lettered with reason
                reason = f"{type(error).__name__}: {_short(error)}"
                log.warning("consumer.handler_failed", consumer=self.durable, reason=reason,
                            attempt=delivery.attempts)
                if delivery.attempts >= self.max_attempts:
                    failed.append((delivery, f"failed {delivery.attempts} times; last: {reason}"))
                else:
                    retry.append(delivery)
            else:
                if early:
                    late, parked = self._early(early)
                    retry += late
                    failed += parked
                else:
                    await delivery.msg.ack()
        return retry, failed

    async def _dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Park a message with its reason on the dead-letter subject, then ack the original."""
        meta = delivery.msg.metadata
        headers = {
            REASON_HEADER: reason,
            "Pace-Consumer": self.durable,
            "Pace-Original-Subject": delivery.msg.subject,
            "Pace-Original-Sequence": str(meta.sequence.stream),
            "Nats-Msg-Id": f"{self.durable}:{meta.sequence.stream}",
        }
        await self.js.publish(self.dead_letter_subject, delivery.msg.data, headers=headers)
        await delivery.msg.ack()
        self.dead_lettered += 1
        DEAD_LETTERS.labels(getattr(self.store, "partner", "unknown"), self.durable,
                            reason_kind(reason)).inc()
        log.error("consumer.dead_lettered", consumer=self.durable, reason=reason,
                  subject=delivery.msg.subject)

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until stop is set; transient broker errors are logged and retried."""
        try:
            while not stop.is_set():
                try:
                    await self.run_once(self.fetch_wait)
                except (nats.errors.Error, OSError) as error:
                    log.warning("consumer.retry", consumer=self.durable, error=repr(error))
                    await asyncio.sleep(self.retry_delay)
        finally:
            await self.stop()


class StreamOrder:
    """Where an in-order consumer stands in each stream of a batch, inside its transaction."""

    def __init__(self, tx: StoreTransaction, consumer: str, deliveries: list[Delivery]) -> None:
        self.tx = tx
        self.consumer = consumer
        streams = sorted({d.envelope.stream_id for d in deliveries if d.envelope is not None})
        self.stored = tx.positions_among(consumer, streams)
        self.moved: dict[str, int] = {}

    def _at(self, envelope: Envelope) -> int:
        return self.moved.get(envelope.stream_id, self.stored.get(envelope.stream_id, 0))

    def applied(self, envelope: Envelope) -> bool:
        return envelope.stream_version <= self._at(envelope)

    def early(self, envelope: Envelope) -> bool:
        """The version before this one is not applied yet."""
        return envelope.stream_version > self._at(envelope) + 1

    def begins_midway(self, envelope: Envelope) -> bool:
        """Whether an early event, its patience over, may begin its stream here.

        Only a stream this consumer never kept a position for: a consumer that applied the
        stream's first versions before it kept positions (a store from before revision 0013)
        would otherwise wait for them forever. A stream with a position never skips a version.
        """
        if envelope.stream_id in self.stored or envelope.stream_id in self.moved:
            return False
        log.warning("consumer.stream_begun_midway", consumer=self.consumer,
                    stream=envelope.stream_id, version=envelope.stream_version)
        return True

    def advance(self, envelope: Envelope) -> None:
        self.moved[envelope.stream_id] = envelope.stream_version

    def save(self) -> None:
        if self.moved:
            self.tx.move_positions(self.consumer, self.moved, self.stored.keys())


async def _ack_all(deliveries: list[Delivery]) -> None:
    for delivery in deliveries:
        await delivery.msg.ack()
