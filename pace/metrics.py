"""Prometheus metrics of a PACE process: events appended, relayed, consumed, dead letters,
consumer lag and command latency, in the default registry (one per process).

Instrumented at the few central places (the command shell, the relay, the consumer runner,
a store's append listener); label children are bound once, so the hot path pays one
counter increment. Consumer lag is read from JetStream when /metrics is scraped
(`refresh_lag`), not on the hot path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from pace.consumer import ConsumerRunner
    from pace.store import EventStore, RecordedEvent

EVENTS_APPENDED = Counter(
    "pace_events_appended", "Events committed to a service's event store.",
    ["partner", "context"])
EVENTS_RELAYED = Counter(
    "pace_events_relayed", "Events the relay published and JetStream confirmed.",
    ["partner", "relay"])
EVENTS_CONSUMED = Counter(
    "pace_events_consumed", "Events a durable consumer applied and committed.",
    ["partner", "durable"])
DEAD_LETTERS = Counter(
    "pace_dead_letters", "Messages a consumer parked on its dead-letter subject.",
    ["partner", "durable", "reason"])
CONSUMER_LAG = Gauge(
    "pace_consumer_lag", "Messages of a durable consumer not yet delivered (num_pending) "
    "plus delivered but not yet acknowledged (num_ack_pending).", ["partner", "durable"])
COMMAND_CONFLICTS = Counter(
    "pace_command_conflicts", "Appends refused because another process moved the stream "
    "first; the command was decided again.", ["partner"])
COMMAND_SECONDS = Histogram(
    "pace_command_seconds", "Time to answer a command, by outcome "
    "(ok, refused, unavailable, error).", ["partner", "context", "command", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))

UNAVAILABLE_CODES = frozenset({"unavailable"})
ERROR_CODES = frozenset({"internal_error"})


def outcome_of(reply: dict[str, Any]) -> str:
    """ok, refused (the caller's or the rules' doing), unavailable (database away) or error."""
    if reply.get("ok"):
        return "ok"
    code = reply.get("error", {}).get("code")
    if code in UNAVAILABLE_CODES:
        return "unavailable"
    return "error" if code in ERROR_CODES else "refused"


def count_appends(store: EventStore, context: str, start: int) -> None:
    """Count every event the store commits from position `start` on (positions are gap-free)."""
    child = EVENTS_APPENDED.labels(store.partner, context)
    seen = start

    def on_commit(records: list[RecordedEvent]) -> None:
        nonlocal seen
        last_position = records[-1].position
        if last_position > seen:
            child.inc(last_position - seen)
            seen = last_position

    store.on_commit(on_commit)


async def refresh_lag(consumers: Iterable[ConsumerRunner], timeout: float = 2.0) -> list[str]:
    """Set the lag gauge of each consumer from JetStream; returns the ones that did not answer."""
    unanswered = []
    for consumer in consumers:
        try:
            async with asyncio.timeout(timeout):
                info = await consumer.js.consumer_info(consumer.stream, consumer.durable)
        except Exception:  # noqa: BLE001 - a scrape must not fail for one consumer
            unanswered.append(consumer.durable)
            continue
        CONSUMER_LAG.labels(consumer.store.partner, consumer.durable).set(
            (info.num_pending or 0) + (info.num_ack_pending or 0))
    return unanswered
