"""Read your own writes: a query may name a command's events and get views that show them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from contracts import subjects
from contracts.registry import UnknownEventTypeError
from pace.logging import get_logger

if TYPE_CHECKING:
    from pace.service import Service

log = get_logger(__name__)

AFTER = "after"  # the query parameter: [{"event_id", "event_type"}], as a command's reply has
WAIT_SECONDS = 5.0  # at most this long; then the query answers with what the views hold
CHECK_EVERY = 0.02
MAX_EVENTS = 100


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS matching: `*` is one token, a final `>` one or more."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for i, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > i
        if i >= len(tokens) or token not in ("*", tokens[i]):
            return False
    return len(tokens) == len(wanted)


def awaited(service: Service, after: Any) -> dict[str, list[str]]:
    """Per reaction of the service (its durable): the named events it takes."""
    if not isinstance(after, list) or len(after) > MAX_EVENTS:
        raise ValueError(f"{AFTER} must be a list of at most {MAX_EVENTS} events")
    named: list[tuple[str, str]] = []
    for event in after:
        if not isinstance(event, dict) or not all(
                isinstance(event.get(k), str) for k in ("event_id", "event_type")):
            raise ValueError(f"each of {AFTER} needs an event_id and an event_type")
        try:
            subject = subjects.event_subject(service.partner, event["event_type"])
        except UnknownEventTypeError as error:
            raise ValueError(str(error)) from error
        named.append((event["event_id"], subject))
    wanted = {r.durable: [i for i, s in named if any(subject_matches(f, s)
                                                     for f in r.filter_subjects)]
              for r in service.reactions}
    return {durable: ids for durable, ids in wanted.items() if ids}


async def caught_up(service: Service, after: Any, timeout: float = WAIT_SECONDS) -> bool:
    """Wait until every reaction of the service that takes one of these events applied it."""
    wanted = awaited(service, after)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while wanted:
        done = await service.store.in_transaction(_applied, wanted)
        wanted = {d: ids for d, ids in wanted.items() if not set(ids) <= done.get(d, set())}
        if not wanted:
            break
        if loop.time() >= deadline:
            log.warning("query.views_behind", context=service.context, waiting=wanted)
            return False
        await asyncio.sleep(CHECK_EVERY)
    return True


def _applied(tx: Any, wanted: dict[str, Sequence[str]]) -> dict[str, set[str]]:
    return {durable: tx.processed_among(durable, ids) for durable, ids in wanted.items()}
