"""The shell every service shares: command endpoints on request/reply, relay and consumers."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import nats
import orjson
from faststream.message import StreamMessage
from faststream.nats import NatsBroker
from nats.js.client import JetStreamContext
from pydantic import BaseModel, ValidationError
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError

from contracts import subjects
from contracts.commands import command_name
from pace.commands import CommandMeta, execute
from pace.connection import NatsAuth, connect, settle
from pace.consumer import ConsumerRunner, Handler, Screen
from pace.domain import Decider, DomainError
from pace.logging import get_logger
from pace.metrics import COMMAND_SECONDS, count_appends, outcome_of
from pace.read_your_writes import AFTER, caught_up
from pace.relay import Relay, event_subject_of
from pace.schedules import Schedule, ScheduleRunner
from pace.store import (
    ConcurrencyError,
    EventStore,
    InlineProjection,
    RecordedEvent,
    StoreUnavailableError,
)

log = get_logger(__name__)

MAX_COMMAND_BYTES = 64 * 1024
COMMAND_ID_HEADER = "Pace-Command-Id"
CORRELATION_HEADER = "Pace-Correlation-Id"
ACTOR_HEADER = "Pace-Actor"
SUBJECT_HEADER = "Pace-Subject"  # set by the shell to the subject a command came on
HISTORY_AT_HEADER = "Pace-History-At"  # honoured only by services running in history mode

UNAVAILABLE = (StoreUnavailableError, DBAPIError, OSError)  # the database is away
DATABASE_DOWN = "the service's database is unavailable"

CommandHandler = Callable[[Any, CommandMeta], Awaitable[list[RecordedEvent]]]
Query = Callable[[dict[str, Any]], Awaitable[list[dict[str, Any]] | dict[str, Any]]]
"""Answers with rows (a list, replied as `rows`) or with named parts of the reply (a dict)."""
Worker = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
"""A loop of a service's own, run until the given stop event is set."""


@dataclass(frozen=True)
class CommandRoute:
    """One command of a service: its wire model and what to do with it."""

    name: str
    model: type[BaseModel]
    handle: CommandHandler


@dataclass(frozen=True)
class Reaction:
    """A durable consumer of events (this partner's, filtered), applied by a plain function."""

    durable: str
    filter_subjects: Sequence[str]
    handler: Handler
    stream: str = subjects.PARTNER_EVENTS_STREAM
    dead_letter_subject: str | None = None  # None: the partner's dead letters for `durable`
    batch: int = 100
    screen: Screen | None = None  # checks each message before the handler sees it
    applied: Callable[[], None] | None = None  # told after each batch it applied is committed
    fetch_wait: float = 1.0  # the longest a fetch waits, and may hold what has come

    @property
    def in_order(self) -> bool:
        """A reaction to one whole context sees every event of each stream it follows, so it
        applies them in version order, even when several processes share the consumer.

        One context only: positions are kept by stream id, and two contexts' stores may
        both have a stream of the same id (a family's), each with its own versions."""
        return (len(self.filter_subjects) == 1
                and subjects.is_context_wildcard(self.filter_subjects[0]))


def routes_for(store: EventStore, decider: Decider[Any, Any], models: Iterable[type[BaseModel]],
               stream_of: Callable[[Any], str],
               prepare: Callable[[Any, CommandMeta], Awaitable[Any]] | None = None
               ) -> list[CommandRoute]:
    """A route per command model, run on the stream it names (as `prepare` makes it, if given)."""
    def route(model: type[BaseModel]) -> CommandRoute:
        async def handle(command: Any, meta: CommandMeta) -> list[RecordedEvent]:
            decided = command if prepare is None else await prepare(command, meta)
            return await execute(store, decider, stream_of(command), decided, meta)
        return CommandRoute(command_name(model), model, handle)
    return [route(model) for model in models]


def error_reply(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"ok": False, "error": error}


def _validation_details(error: ValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(p) for p in e["loc"]) or "(body)", "problem": e["msg"]}
            for e in error.errors()[:20]]


async def answer(routes: dict[str, CommandRoute], name: str, body: bytes,
                 headers: dict[str, str], clock: Callable[[], datetime]) -> dict[str, Any]:
    """Run one command and say what happened; every failure becomes a typed, readable error."""
    route = routes.get(name)
    if route is None:
        return error_reply("invalid_input", f"unknown command {name!r}; known: "
                           + ", ".join(sorted(routes)))
    if len(body) > MAX_COMMAND_BYTES:
        return error_reply("invalid_input", f"command of {len(body):,} bytes refused: "
                           f"the limit is {MAX_COMMAND_BYTES:,} bytes")
    try:
        command = route.model.model_validate_json(body)
        meta = CommandMeta(
            command_id=uuid.UUID(headers.get(COMMAND_ID_HEADER) or str(uuid.uuid4())),
            correlation_id=uuid.UUID(headers.get(CORRELATION_HEADER) or str(uuid.uuid4())),
            actor=(headers.get(ACTOR_HEADER) or "unknown")[:200], now=clock(),
            subject=headers.get(SUBJECT_HEADER, ""))
        recorded = await route.handle(command, meta)
    except ValidationError as error:
        return error_reply("invalid_input", f"{name}: the command is not valid",
                           _validation_details(error))
    except ValueError as error:
        return error_reply("invalid_input", f"{name}: {error}")
    except DomainError as error:
        return error_reply(error.code, str(error))
    except ConcurrencyError as error:
        return error_reply("conflict", f"{name}: too many concurrent changes, try again ({error})")
    except UNAVAILABLE as error:
        log.error("command.unavailable", command=name, error=str(error))
        return error_reply("unavailable", f"{name}: {DATABASE_DOWN}; nothing was changed, "
                           "try again shortly")
    return {"ok": True, "events": [
        {"event_id": r.event_id, "event_type": r.event_type,
         "stream_id": r.row["stream_id"], "stream_version": r.row["stream_version"]}
        for r in recorded]}


COMMAND_WORKERS = 32  # FastStream's default of 1 would handle one command at a time
QUERY_WORKERS = 8


@dataclass
class Service:
    """One context's service for one partner: its store, commands, reactions, relay."""

    partner: str
    context: str
    store: EventStore
    routes: list[CommandRoute]
    reactions: list[Reaction] = field(default_factory=list)
    tables: list[MetaData] = field(default_factory=list)  # read models beside the events
    # Read models of its own events kept in the appending transaction (EventStore.project_inline)
    projections: list[InlineProjection] = field(default_factory=list)
    queries: dict[str, Query] = field(default_factory=dict)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    publishes: bool = True  # relay this store's events to the partner stream
    subject_for: Callable[[RecordedEvent], str] = event_subject_of  # where the relay sends them
    # History mode (demos, calibrated histories): a command may say when it happens, in the
    # Pace-History-At header, so a booking "in 2019" is judged as of 2019. Off in deployments.
    history_mode: bool = False
    schedules: list[Schedule] = field(default_factory=list)  # time-driven work (pace.schedules)
    query_subject: str | None = None  # None: pace.<partner>.qry.<context>.*
    workers: dict[str, Worker] = field(default_factory=dict)  # loops of its own, by name
    relay_name: str | None = None  # the relay's cursor in the store; None: relay-<context>
    command_subject: str | None = None  # None: pace.<partner>.cmd.<context>.*

    def clock_for(self, headers: Mapping[str, str]) -> Callable[[], datetime]:
        at = headers.get(HISTORY_AT_HEADER) if self.history_mode else None
        if at is None:
            return self.clock
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError(f"{HISTORY_AT_HEADER} needs a timezone-aware time, got {at!r}")
        return lambda: moment

    def route_table(self) -> dict[str, CommandRoute]:
        return {route.name: route for route in self.routes}

    async def prepare_store(self) -> None:
        """Create the read models' tables; project the service's own events inline from now."""
        for tables in self.tables:
            await self.store.db.write(tables.create_all)
        for projection in self.projections:
            self.store.project_inline(projection)


async def _raw_message(message: StreamMessage[Any]) -> Any:
    """FastStream's decoder for the command and query handlers: the nats-py message as is."""
    return message.raw_message


class ServiceRunner:
    """Runs services on one NATS connection: FastStream for commands, nats-py for the hot paths."""

    def __init__(self, url: str, services: Sequence[Service],
                 auth: NatsAuth | None = None) -> None:
        self.url = url
        self.auth = auth or NatsAuth()
        self.services = list(services)
        # FastStream routes the commands and queries and documents them (AsyncAPI); their
        # handlers take the raw message and validate its body once themselves, so FastStream
        # neither decodes the body nor resolves dependencies on this hot path.
        self.broker = NatsBroker(url, logger=None, apply_types=False,
                                 **self.auth.broker_options())
        self.stop_event = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._nc: nats.NATS | None = None
        self.consumers: dict[str, ConsumerRunner] = {}
        self.relays: dict[str, Relay] = {}
        self.schedules: dict[str, ScheduleRunner] = {}
        for service in self.services:
            if service.routes:
                self._mount(service)
            if service.queries:
                self._mount_queries(service)

    def _mount(self, service: Service) -> None:
        routes = service.route_table()
        subject = (service.command_subject
                   or subjects.command_subject(service.partner, service.context, "*"))

        # Commands on different sessions run concurrently; the store serialises what must be.
        @self.broker.subscriber(subject, queue=f"{service.partner}-{service.context}",
                                max_workers=COMMAND_WORKERS, decoder=_raw_message)
        async def on_command(raw: Any) -> bytes:
            name = raw.subject.rsplit(".", 1)[-1]
            started = time.perf_counter()
            headers = {**(raw.headers or {}), SUBJECT_HEADER: raw.subject}
            reply = await self._answer(service, routes, name, raw.data, headers)
            COMMAND_SECONDS.labels(service.partner, service.context,
                                   name if name in routes else "unknown",
                                   outcome_of(reply)).observe(time.perf_counter() - started)
            return orjson.dumps(reply)

    @staticmethod
    async def _answer(service: Service, routes: dict[str, CommandRoute], name: str,
                      body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        try:
            clock = service.clock_for(headers)
        except ValueError as error:
            return error_reply("invalid_input", f"{name}: {error}")
        try:
            return await answer(routes, name, body, headers, clock)
        except Exception as error:  # noqa: BLE001 - a command always gets an answer
            log.exception("command.failed", command=name)
            return error_reply("internal_error", f"{name} failed: {type(error).__name__}")

    def _mount_queries(self, service: Service) -> None:
        subject = (service.query_subject
                   or f"pace.{service.partner}.qry.{service.context}.*")

        @self.broker.subscriber(subject, queue=f"{service.partner}-{service.context}-queries",
                                max_workers=QUERY_WORKERS, decoder=_raw_message)
        async def on_query(raw: Any) -> bytes:
            body = raw.data
            name = raw.subject.rsplit(".", 1)[-1]
            query = service.queries.get(name)
            if query is None:
                return orjson.dumps(error_reply("invalid_input", f"unknown query {name!r}; "
                                                "known: " + ", ".join(sorted(service.queries))))
            try:
                params = orjson.loads(body) if body else {}
                if not isinstance(params, dict):
                    raise ValueError("query parameters must be a JSON object")
                if AFTER in params:  # the views first apply the events the asker wrote
                    await caught_up(service, params.pop(AFTER))
                result = await query(params)
                reply = {"ok": True, **(result if isinstance(result, dict) else {"rows": result})}
                return orjson.dumps(reply, option=orjson.OPT_NON_STR_KEYS)
            except (ValueError, TypeError, KeyError) as error:
                return orjson.dumps(error_reply("invalid_input", f"{name}: {error}"))
            except UNAVAILABLE as error:
                log.error("query.unavailable", query=name, error=str(error))
                return orjson.dumps(error_reply("unavailable", f"{name}: {DATABASE_DOWN}"))

    async def start(self, js_setup: Callable[[JetStreamContext], Awaitable[None]] | None = None
                    ) -> None:
        self._nc = await connect(self.url, self.auth, max_reconnect_attempts=-1)
        log.info("nats.connected", url=self.url, **self.auth.describe(),
                 services=[s.context for s in self.services])
        js = self._nc.jetstream()
        if js_setup is not None:
            await js_setup(js)
        for service in self.services:
            await service.prepare_store()
            count_appends(service.store, service.context, await service.store.last_position())
            if service.publishes:
                relay = Relay(service.store, js, service.subject_for,
                              name=service.relay_name or f"relay-{service.context}")
                self.relays[service.context] = relay
                self._tasks.append(asyncio.create_task(relay.run(self.stop_event),
                                                       name=f"relay {service.context}"))
            for reaction in service.reactions:
                consumer = ConsumerRunner(
                    js, service.store, reaction.handler, stream=reaction.stream,
                    durable=reaction.durable, filter_subjects=reaction.filter_subjects,
                    dead_letter_subject=reaction.dead_letter_subject
                    or subjects.dead_letter_subject(service.partner, reaction.durable),
                    batch=reaction.batch, screen=reaction.screen, in_order=reaction.in_order,
                    applied=reaction.applied, fetch_wait=reaction.fetch_wait)
                await consumer.start()
                self.consumers[reaction.durable] = consumer
                self._tasks.append(asyncio.create_task(consumer.run(self.stop_event),
                                                       name=f"consumer {reaction.durable}"))
            for schedule in service.schedules:
                ticks = ScheduleRunner(js, service.partner, schedule)
                await ticks.start()
                self.schedules[schedule.name] = ticks
                self._tasks.append(asyncio.create_task(ticks.run(self.stop_event),
                                                       name=f"schedule {schedule.name}"))
            for name, worker in service.workers.items():
                self._tasks.append(asyncio.create_task(worker(self.stop_event), name=name))
        await self.broker.start()
        # the command subscriptions reach the server before start returns: a request sent
        # right after it must find a responder
        await settle(self.broker.connection)

    @property
    def tasks(self) -> list[asyncio.Task[None]]:
        """The relay and consumer tasks; each must stay alive while the runner is up."""
        return list(self._tasks)

    @property
    def nc(self) -> nats.NATS | None:
        return self._nc

    async def stop(self) -> None:
        """Stop taking commands, then let each relay and consumer finish what it holds."""
        self.stop_event.set()
        await self.broker.stop()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        if self._nc is not None:
            await self._nc.close()


async def side_by_side(calls: Iterable[Callable[[], Awaitable[object]]]) -> None:
    """Run the calls (stops, starts) side by side, each to its end; then raise the first
    error, if any.

    A relay or consumer notices its stop only after its current wait for messages (about a
    second): one stop after another, a partner of five runners took five seconds, the demo's
    ten partners half a minute.
    """
    results = await asyncio.gather(*(call() for call in calls), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
