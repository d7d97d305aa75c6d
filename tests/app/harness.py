"""Given events, when a command, then events or a refusal: a partner's services in process.

The services are the real ones (`apps.bootstrap.build_services`) over in-memory stores.
Commands go to the services' own `CommandRoute` handlers; each store's new events are read
after a cursor, as the relay does, put on the subject the relay would use, decoded as a
consumer decodes them, and handed to every `Reaction` whose filter matches, inside the
store's transaction with its inbox markers, as the consumer runner applies them. No
nats-server, no file: delivery itself is tested against real servers elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet

from apps.bootstrap import STORES, build_services
from contracts.base import DomainEvent
from contracts.booking import ChildHandedOver
from contracts.commands import command_name
from pace.commands import CommandMeta, events_of
from pace.consumer import ConsumerRunner, Delivery, decode_delivery
from pace.domain import DomainError
from pace.service import Reaction, Service, answer
from pace.store import InMemoryEventStore, NewEvent, RecordedEvent
from services.booking.domain import stream_id as session_stream
from services.intake.domain import stream_id as family_stream
from services.intake.vault import VaultKey
from services.sharing.app import PseudonymKey
from services.trajectory.domain import stream_id as trajectory_stream

PARTNER = "mechelen"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
MAX_ROUNDS = 50  # reactions causing events causing reactions: a loop this deep is a bug


def matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: `*` is one token, `>` the rest."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for index, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > index
        if index >= len(tokens) or token not in ("*", tokens[index]):
            return False
    return len(wanted) == len(tokens)


@dataclass(frozen=True)
class Message:
    """What a consumer reads of a JetStream message: its subject and bytes."""

    subject: str
    data: bytes


@dataclass
class Outcome:
    """What a command did: its own events, the events its reactions appended, or the refusal."""

    records: list[RecordedEvent] = field(default_factory=list)
    caused: list[RecordedEvent] = field(default_factory=list)
    error: DomainError | None = None

    @property
    def events(self) -> list[DomainEvent]:
        return events_of(self.records)

    @property
    def reactions(self) -> list[DomainEvent]:
        return events_of(self.caused)

    def then(self, *expected: DomainEvent) -> None:
        assert self.error is None, f"refused: {self.error}"
        assert self.events == list(expected)

    def then_refused(self, error: type[DomainError], match: str = "") -> None:
        assert isinstance(self.error, error), f"expected {error.__name__}, got {self.error!r}"
        assert match in str(self.error), str(self.error)


class InProcessPartner:
    """A partner's intake, booking, trajectory and sharing services with no process at all."""

    def __init__(self, partner: str = PARTNER, now: datetime = NOW,
                 stores: Mapping[str, Any] | None = None, **options: Any) -> None:
        self.partner = partner
        self.now = now
        self.stores = dict(stores) if stores is not None else {
            c: InMemoryEventStore(partner, clock=lambda: self.now) for c in STORES}
        self.services: dict[str, Service] = {s.context: s for s in build_services(
            partner, self.stores, PseudonymKey(bytes(32)),
            VaultKey(Fernet.generate_key().decode()), **options)}
        for service in self.services.values():
            service.clock = lambda: self.now  # queries and ticks judge by the harness's clock
        self._cursors = dict.fromkeys(STORES, 0)
        self._consumers = [(r, _runner(self.stores[s.context], r))
                           for s in self.services.values() for r in s.reactions]

    async def start(self) -> InProcessPartner:
        for service in self.services.values():
            await service.prepare_store()
        return self

    async def close(self) -> None:
        for store in self.stores.values():
            await store.close()

    async def given(self, *events: DomainEvent) -> None:
        """Store events as their own service would have, then let every reaction see them."""
        for event in events:
            await self.stores[event.context].append(_stream_of(event), [NewEvent(
                event, uuid.uuid4(), self.now, uuid.uuid4(), None, "given")])
        await self.settle()

    async def when(self, context: str, command: Any, *, command_id: uuid.UUID | None = None,
                   at: datetime | None = None) -> Outcome:
        """Run a command through the service's own handler, then its consequences."""
        route = self.services[context].route_table()[command_name(type(command))]
        meta = CommandMeta(command_id or uuid.uuid4(), uuid.uuid4(), "staff:test", at or self.now)
        try:
            records = await route.handle(command, meta)
        except DomainError as error:
            return Outcome(error=error)
        return Outcome(records, await self.settle())

    async def reply(self, context: str, name: str, body: bytes) -> dict[str, Any]:
        """The reply staff would get over NATS: events, or a typed error with a reason."""
        service = self.services[context]
        reply = await answer(service.route_table(), name, body, {}, lambda: self.now)
        await self.settle()
        return reply

    async def do(self, context: str, command: Any, **kwargs: Any) -> list[DomainEvent]:
        """A command that must be accepted (arranging a test); returns its events."""
        outcome = await self.when(context, command, **kwargs)
        assert outcome.error is None, f"{type(command).__name__} refused: {outcome.error}"
        return outcome.events

    async def tick(self, schedule: str, at: datetime | None = None) -> list[RecordedEvent]:
        """A schedule's tick, as the server would send it at `at`; returns the events it caused."""
        if at is not None:
            self.now = at
        [handler] = [s.handler for service in self.services.values()
                     for s in service.schedules if s.name == schedule]
        before = {c: await s.last_position() for c, s in self.stores.items()}
        await handler(self.now)
        caused = [r for c, s in self.stores.items()
                  for r in await s.read_all(after=before[c], limit=100_000)]
        return caused + await self.settle()

    async def settle(self) -> list[RecordedEvent]:
        """Relay every store's new events to the matching reactions until nothing new comes."""
        caused: list[RecordedEvent] = []
        for _round in range(MAX_ROUNDS):
            fresh = await self._relay_once()
            if not fresh:
                return caused
            caused += fresh
        raise AssertionError(f"reactions still causing events after {MAX_ROUNDS} rounds")

    async def _relay_once(self) -> list[RecordedEvent]:
        """Deliver what each store appended since last time; returns what reactions appended."""
        before = {c: await s.last_position() for c, s in self.stores.items()}
        delivered: list[tuple[str, Delivery]] = []
        for context, store in self.stores.items():
            service = self.services[context]
            records = await store.read_all(after=self._cursors[context], limit=100_000)
            self._cursors[context] = before[context]
            for record in records if service.publishes else ():
                subject = service.subject_for(record)
                delivery = decode_delivery(Message(subject, record.wire_bytes()))  # type: ignore[arg-type]
                assert delivery.problem is None, delivery.problem
                delivered.append((subject, delivery))
        for reaction, runner in self._consumers:
            wanted = [d for subject, d in delivered
                      if any(matches(p, subject) for p in reaction.filter_subjects)]
            if wanted:
                await runner._apply(wanted)  # the consumer runner's own transaction and inbox
        caused: list[RecordedEvent] = []
        for context, store in self.stores.items():
            caused += await store.read_all(after=before[context], limit=100_000)
        return caused

    async def redeliver(self) -> list[RecordedEvent]:
        """Deliver every stored event again, as after lost acks; returns what that appended."""
        self._cursors = dict.fromkeys(self._cursors, 0)
        return await self.settle()

    def events(self, context: str) -> list[DomainEvent]:
        """Every event the context's store holds, in order."""
        return events_of([RecordedEvent.from_row(row) for row in self.stores[context].log.rows])

    async def query(self, context: str, name: str, **params: Any) -> list[dict[str, Any]]:
        """A service's query, as staff would send it."""
        return await self.services[context].queries[name](params)


def _runner(store: InMemoryEventStore, reaction: Reaction) -> ConsumerRunner:
    return ConsumerRunner(None, store, reaction.handler,  # type: ignore[arg-type]
                          stream="in-process", durable=reaction.durable,
                          filter_subjects=reaction.filter_subjects,
                          dead_letter_subject="in-process", in_order=reaction.in_order)


def _stream_of(event: DomainEvent) -> str:
    """The stream its own service keeps an event in."""
    if isinstance(event, ChildHandedOver):
        return f"child-{event.child_id}"
    if event.context == "booking":
        return session_stream(event.session_id)  # type: ignore[attr-defined]
    family = event.family_id  # type: ignore[attr-defined]
    return trajectory_stream(family) if event.context == "trajectory" else family_stream(family)
