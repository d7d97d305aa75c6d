"""The command shell: load a stream, fold, decide, append with the expected version, retry."""

from __future__ import annotations

import asyncio
import random
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.base import DomainEvent
from contracts.registry import decode
from pace.domain import Decider
from pace.metrics import COMMAND_CONFLICTS
from pace.store import ConcurrencyError, EventStore, NewEvent, RecordedEvent

MAX_CONFLICT_RETRIES = 20

# Commands on one stream inside one process take turns: the optimistic check then only
# has to settle races between processes, which are rare, instead of a crowd retrying.
_stream_locks: weakref.WeakValueDictionary[tuple[int, str], asyncio.Lock] = (
    weakref.WeakValueDictionary())


def _lock_for(store: EventStore, stream_id: str) -> asyncio.Lock:
    key = (id(store), stream_id)
    lock = _stream_locks.get(key)
    if lock is None:
        lock = _stream_locks[key] = asyncio.Lock()
    return lock


@dataclass(frozen=True, slots=True)
class CommandMeta:
    """What the shell knows about a command besides its content: who, when, which request."""

    command_id: uuid.UUID
    correlation_id: uuid.UUID
    actor: str
    now: datetime
    subject: str = ""  # the subject the command came on (set by the shell, not the sender)

    def event_id(self, stream_id: str, index: int) -> uuid.UUID:
        """Deterministic per command: a re-sent command appends nothing new."""
        return uuid.uuid5(self.command_id, f"{stream_id}/{index}")


def events_of(records: Sequence[RecordedEvent]) -> list[DomainEvent]:
    return [decode(r.event_type, r.row["schema_version"], r.envelope.payload) for r in records]


async def execute(store: EventStore, decider: Decider[Any, Any], stream_id: str, command: Any,
                  meta: CommandMeta) -> list[RecordedEvent]:
    """Decide against the stream's current state and append; on a conflict, decide again."""
    async with _lock_for(store, stream_id):
        return await _execute(store, decider, stream_id, command, meta)


def _decision(records: Sequence[RecordedEvent], decider: Decider[Any, Any], stream_id: str,
              command: Any, meta: CommandMeta) -> tuple[list[RecordedEvent], list[NewEvent]]:
    """(what this command already appended, what it appends now): the one decision path."""
    already = [r for r in records if r.row["causation_id"] == str(meta.command_id)]
    if already:
        return already, []  # the same command sent again: answer as the first time
    decided = decider.decide(command, decider.fold(events_of(records)))
    return [], [NewEvent(event, meta.event_id(stream_id, i), meta.now, meta.correlation_id,
                         meta.command_id, meta.actor) for i, event in enumerate(decided)]


async def _execute(store: EventStore, decider: Decider[Any, Any], stream_id: str, command: Any,
                   meta: CommandMeta) -> list[RecordedEvent]:
    """Read, decide and append in one write transaction of the store (one trip to it).

    When another process appended first, the store's writer decides again on what it then
    reads (counted as a conflict); a ConcurrencyError is retried here with a backoff.
    """
    decisions = 0

    def decide(records: list[RecordedEvent]) -> tuple[list[RecordedEvent], list[NewEvent]]:
        nonlocal decisions
        decisions += 1
        return _decision(records, decider, stream_id, command, meta)

    conflict: ConcurrencyError | None = None
    try:
        for attempt in range(MAX_CONFLICT_RETRIES):
            if attempt:  # another process won the race: back off a little, with jitter
                await asyncio.sleep(random.uniform(0, 0.001 * 2 ** min(attempt, 7)))
            try:
                return await store.decide_and_append(stream_id, decide)
            except ConcurrencyError as error:
                conflict = error
    finally:
        if decisions > 1:
            COMMAND_CONFLICTS.labels(store.partner).inc(decisions - 1)
    assert conflict is not None
    raise conflict


def decide_and_append(tx: Any, decider: Decider[Any, Any], stream_id: str, command: Any,
                      meta: CommandMeta,
                      alongside: Callable[[Any, list[DomainEvent]], None] | None = None
                      ) -> list[RecordedEvent]:
    """Inside an open write transaction: load, fold, decide, append (and alongside, if any)."""
    records = tx.read_stream(stream_id)
    already, new = _decision(records, decider, stream_id, command, meta)
    if not new:
        return already
    if alongside is not None:
        alongside(tx, [n.event for n in new])
    return tx.append(stream_id, new, expected_version=len(records))


async def execute_with(store: EventStore, decider: Decider[Any, Any], stream_id: str,
                       command: Any, meta: CommandMeta,
                       alongside: Callable[[Any, list[DomainEvent]], None]) -> list[RecordedEvent]:
    """Decide and append inside one write transaction, with alongside(tx, events) in it too.

    For commands whose effects reach beyond the stream (intake's vault): both commit or
    neither does. Reading inside the write transaction needs no conflict retry.
    """
    return await store.in_transaction(
        decide_and_append, decider, stream_id, command, meta, alongside)


def reaction_meta(envelope: Any, consumer: str) -> CommandMeta:
    """The meta of a command a consumer issues in reaction to an event: deterministic ids."""
    return CommandMeta(
        command_id=uuid.uuid5(envelope.event_id, consumer),
        correlation_id=envelope.correlation_id, actor=f"reaction:{consumer}",
        now=envelope.occurred_at)
