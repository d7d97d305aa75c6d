"""The AsyncAPI document of the whole PACE network, generated from the FastStream apps.

Usage: python -m apps.asyncapi [--check]

How the document is made (`document()`):

1. The real services are built for the placeholder partner id `partner`, exactly as
   `apps.bootstrap.Partner` builds them, but without stores (`build()` only closes over its
   store; a stand-in that refuses every use proves it), and mounted on a real
   `ServiceRunner`: its NatsBroker declares the real command and query subscribers. The
   hub's `ReportingService` is constructed the same way for its network query subscriber.
   Nothing connects to NATS.
2. FastStream cannot tie one message schema to each subject of a wildcard subscriber, and
   the relays and consumers publish with nats-py, so documentation-only endpoints are
   declared on two separate brokers built here: one channel per command route and query
   of the real services, per event type (in its envelope), per shareable event's hub copy,
   per consumer's dead letters, the figures and the network queries, and the replies.
3. `FastStream(*brokers, specification=AsyncAPI(...))` makes the document
   (`app.schema.to_specification()`). A last pass adds what FastStream 0.7.8 cannot say:
   the `{partner}` channel parameter, request/reply links, the headers and correlation id
   each message really carries, the payloads of the real wildcard subscribers, named
   servers and where each channel comes from (`x-pace-origin`).

The output is canonical JSON (sorted keys, two-space indent), so it only changes when the
network does; `--check` exits 1 naming what is stale.
"""

from __future__ import annotations

import functools
import json
import operator
import sys
import tomllib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, cast
from urllib.parse import unquote
from uuid import UUID

from faststream import FastStream
from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.utils import ref
from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from contracts import subjects
from contracts.base import DomainEvent
from contracts.envelope import Envelope
from contracts.registry import EVENT_TYPES, all_types, shareable_types
from contracts.reporting import PERIOD_PATTERN, NetworkFiguresPublished, PartnerFiguresPublished
from pace.consumer import REASON_HEADER
from pace.domain import DomainError
from pace.network.hub import hub_dead_letter_subject
from pace.relay import event_subject_of
from pace.service import (
    ACTOR_HEADER,
    COMMAND_ID_HEADER,
    CORRELATION_HEADER,
    MAX_COMMAND_BYTES,
    Service,
    ServiceRunner,
)
from pace.store import EventStore
from pace.topology import DUPLICATE_WINDOW_SECONDS
from services.reporting import app as reporting_app

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "contracts" / "asyncapi.json"
REGENERATE = "python -m apps.asyncapi"

PARTNER = "partner"
"""The placeholder partner id the services are built for; `{partner}` in the document."""
PARAMETER = "{partner}"
PARTNER_URL = "nats://partner-nats:4222"
HUB_URL = "nats://hub-nats:4222"
SERVER_NAMES = {"partner-nats:4222": "partner", "hub-nats:4222": "hub"}
REPORTING_CONSUMER = reporting_app.CONSUMER  # the durable ReportingService.start() declares
NETWORK_QUERIES = reporting_app.QUERIES  # what ReportingService.answer() knows
INBOX = "_INBOX.>"

ORIGIN = "x-pace-origin"
FROM_RUNNER = "faststream: pace.service.ServiceRunner"
FROM_REPORTING = "faststream: services.reporting.app.ReportingService"
DOCUMENTATION = "documentation: apps.asyncapi"


# -- what the replies look like (pace.service.answer, ServiceRunner, ReportingService) ---

class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordedEventRef(_Reply):
    """One event the command appended to the service's event store."""

    event_id: UUID
    event_type: str
    stream_id: str
    stream_version: int = Field(ge=1)


class Problem(_Reply):
    """One field of an invalid command and what is wrong with it."""

    field: str
    problem: str


class ErrorBody(_Reply):
    """Why a request was refused."""

    code: str = Field(description=(
        "invalid_input, conflict (too many concurrent changes: try again), unavailable "
        "(the service's database: nothing was changed), internal_error, or the code of a "
        "refusal by the rules (a DomainError)"))
    message: str
    details: list[Problem] | None = Field(
        default=None, description="The fields of an invalid command (absent otherwise)")


class Refused(_Reply):
    """The request was refused or failed; nothing was changed."""

    ok: Literal[False]
    error: ErrorBody


class CommandAccepted(_Reply):
    """The command was carried out: the events it appended, in order (possibly none)."""

    ok: Literal[True]
    events: list[RecordedEventRef]


class QueryRows(_Reply):
    """The rows of a partner service's read model that match the query."""

    ok: Literal[True]
    rows: list[dict[str, Any]]


class FiguresAnswer(_Reply):
    """A whole report (contracts.report.report_to_dict) for an as-of date and period."""

    ok: Literal[True]
    report: dict[str, Any]


class StatusAnswer(_Reply):
    """Envelopes received per partner, and the network log position folded so far."""

    ok: Literal[True]
    received: dict[str, int]
    position: int = Field(ge=0)


class TrendsAnswer(_Reply):
    """Per indicator, [date, value] pairs: the to-date value at each point asked for."""

    ok: Literal[True]
    trends: dict[str, list[tuple[date, int | float]]]


class TrendsQuery(BaseModel):
    """Parameters of `trends`: indicators (default the key four), points, scope."""

    indicators: list[str] | None = Field(default=None, max_length=20)
    points: list[date] = Field(default_factory=list, max_length=200)
    scope: str | None = Field(default=None, description="A partner, a country or network")


class QueryParameters(RootModel[dict[str, Any]]):
    """A JSON object of query parameters; an empty body counts as {}."""


class FiguresQuery(BaseModel):
    """Parameters of `figures`: both optional; other keys are ignored."""

    as_of: date | None = Field(default=None, description="Defaults to today (hub clock)")
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN,
                               description="to-date (default), a year, quarter, month or range")


CommandReply = Annotated[CommandAccepted | Refused, Field(discriminator="ok")]
QueryReply = Annotated[QueryRows | Refused, Field(discriminator="ok")]
NetworkQueryReply = FiguresAnswer | StatusAnswer | TrendsAnswer | Refused


# -- building the real apps without connecting or opening stores --------------------------

class _NoStore:
    """Stands in for every event store: building a service must not touch its store."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"the AsyncAPI generator builds services without stores, but "
                           f"construction used store.{name}")


def partner_services(partner: str = PARTNER) -> list[Service]:
    """The services apps.bootstrap.Partner runs for a partner, built without stores."""
    from cryptography.fernet import Fernet

    from apps.bootstrap import STORES, build_services
    from services.intake.vault import VaultKey
    from services.sharing.app import PseudonymKey

    store = cast(EventStore, _NoStore())
    return build_services(partner, dict.fromkeys(STORES, store), PseudonymKey(bytes(32)),
                          VaultKey(Fernet.generate_key().decode()))


def reporting_broker() -> tuple[NatsBroker | None, str]:
    """The hub reporting service's real broker, or None and why it cannot be built yet."""
    try:
        from services.reporting.app import ReportingService
    except ImportError as error:
        return None, f"{type(error).__name__}: {error}"
    service = ReportingService(HUB_URL, cast(EventStore, _NoStore()), {})
    return service.broker, ""


# -- documentation-only endpoints -------------------------------------------------------

@dataclass(frozen=True)
class Note:
    """What the last pass needs to know about one channel."""

    kind: str  # command, query, network-query, event, dead-letter, reply
    origin: str
    context: str = ""
    reply: str = ""  # the key of the reply channel of a request


def templated(subject: str) -> str:
    """A subject built for the placeholder partner, with `{partner}` in its place."""
    parts = subject.split(".")
    if len(parts) > 1 and parts[0] == "pace" and parts[1] == PARTNER:
        parts[1] = PARAMETER
    if parts[:3] == ["pace", subjects.NETWORK_SCOPE, "figures"] and parts[3:] == [PARTNER]:
        parts[3] = PARAMETER
    return ".".join(parts)


def _receiver(model: Any) -> Any:
    async def documented(body: Any) -> None:
        """Documentation only: never subscribed."""

    documented.__annotations__ = {"body": model, "return": None}
    return documented


def _envelope_model(model: type[DomainEvent]) -> type[Envelope]:
    current = EVENT_TYPES[model.event_type] is model
    return create_model(
        f"{model.__name__}Envelope", __base__=Envelope,
        __doc__=(f"The envelope (contracts/envelope.py) of a {model.event_type} event, schema "
                 f"version {model.schema_version} ({'current' if current else 'superseded'}), "
                 "with the event in `payload`; compact JSON on the wire."),
        event_type=(Literal[model.event_type], ...),
        schema_version=(Literal[model.schema_version], ...),
        payload=(model, ...),
    )


def _first_line(model: type) -> str:
    return (model.__doc__ or "").strip().split("\n")[0]


class Endpoints:
    """The documentation-only brokers and what each declared channel is."""

    def __init__(self, services: list[Service]) -> None:
        self.partner = NatsBroker(PARTNER_URL, logger=None)
        self.hub = NatsBroker(HUB_URL, logger=None)
        self.notes: dict[str, Note] = {}
        self._envelopes: dict[type[DomainEvent], type[Envelope]] = {}
        self.services = services
        self.fallback = ""  # the address of a stand-in for a real subscriber, if any

    def envelope(self, model: type[DomainEvent]) -> type[Envelope]:
        if model not in self._envelopes:
            self._envelopes[model] = _envelope_model(model)
        return self._envelopes[model]

    def receive(self, broker: NatsBroker, subject: str, title: str, model: Any,
                description: str, note: Note) -> None:
        broker.subscriber(subject, title=title, description=description)(_receiver(model))
        self.notes[title] = note

    def send(self, broker: NatsBroker, subject: str, title: str, schema: Any,
             description: str, note: Note) -> None:
        broker.publisher(subject, title=title, description=description, schema=schema)
        self.notes[title] = note

    def declare(self) -> None:
        self.replies()
        for service in self.services:
            self.commands(service)
            self.queries(service)
            self.dead_letters(service)
        self.events()
        self.shared()
        self.hub_side()

    def replies(self) -> None:
        answer = ("The service's answer to a request, sent to the requester's reply subject "
                  f"(an inbox: `{INBOX}` for nats-py and FastStream clients).")
        self.send(self.partner, INBOX, "reply.command", CommandReply,
                  f"{answer} Commands: the events appended, or a typed error "
                  "(pace.service.answer).", Note("reply", DOCUMENTATION))
        self.send(self.partner, INBOX, "reply.query", QueryReply,
                  f"{answer} Partner queries: the matching rows of a read model.",
                  Note("reply", DOCUMENTATION))
        self.send(self.hub, INBOX, "reply.network-query", NetworkQueryReply,
                  f"{answer} Network queries: a report (`figures`) or what arrived (`status`).",
                  Note("reply", DOCUMENTATION))

    def commands(self, service: Service) -> None:
        wildcard = templated(subjects.command_subject(service.partner, service.context, "*"))
        for route in service.routes:
            subject = subjects.command_subject(service.partner, service.context, route.name)
            self.receive(
                self.partner, subject, f"cmd.{service.context}.{route.name}", route.model,
                f"Command {route.model.__name__} to partner {{partner}}'s {service.context} "
                "service: NATS request/reply, never stored. The body is the command as JSON "
                f"(at most {MAX_COMMAND_BYTES:,} bytes); the reply lists the events it "
                f"appended or says why it was refused. Served by the real wildcard subscriber "
                f"`{wildcard}` (this route table: `services.{service.context}.app.build`).",
                Note("command", DOCUMENTATION, service.context, "reply.command"))

    def queries(self, service: Service) -> None:
        for name in sorted(service.queries):
            self.receive(
                self.partner, f"pace.{service.partner}.qry.{service.context}.{name}",
                f"qry.{service.context}.{name}", QueryParameters,
                f"Query `{name}` of partner {{partner}}'s {service.context} read model: "
                "request/reply; the body is a JSON object of parameters (empty means {}). "
                f"Served by the real wildcard subscriber "
                f"`pace.{{partner}}.qry.{service.context}.*`.",
                Note("query", DOCUMENTATION, service.context, "reply.query"))

    def dead_letters(self, service: Service) -> None:
        for reaction in service.reactions:
            filters = ", ".join(f"`{templated(s)}`" for s in reaction.filter_subjects)
            self.send(
                self.partner, subjects.dead_letter_subject(service.partner, reaction.durable),
                f"dlq.{reaction.durable}", Envelope,
                f"Dead letters of the {service.context} service's durable consumer "
                f"`{reaction.durable}` (on {subjects.PARTNER_EVENTS_STREAM}, filter {filters}): "
                "a message it could not decode, or failed to apply after its retries, copied "
                f"byte for byte (normally an event envelope) with the reason in the "
                f"`{REASON_HEADER}` header, then acked. Stream {subjects.DEAD_LETTER_STREAM} "
                "in the partner's JetStream domain.",
                Note("dead-letter", DOCUMENTATION, service.context))

    def events(self) -> None:
        relayed = {s.context: s for s in self.services
                   if s.publishes and s.subject_for is event_subject_of}
        versions: dict[str, list[type[DomainEvent]]] = {}
        for model in all_types():
            if model.context in relayed:
                versions.setdefault(model.event_type, []).append(model)
        for event_type, models in versions.items():
            current = EVENT_TYPES[event_type]
            schemas = [self.envelope(m) for m in models]
            schema: Any = schemas[0] if len(schemas) == 1 else Annotated[
                functools.reduce(operator.or_, schemas), Field(discriminator="schema_version")]
            listed = ", ".join(
                f"v{m.schema_version}" + ("" if m is current else " (superseded: upcast when "
                                          "read, see contracts.registry.UPCASTERS)")
                for m in models)
            travels = (f"Shareable: a minimised, re-keyed copy goes to the hub on "
                       f"`{templated(subjects.shared_subject(PARTNER, event_type))}`."
                       if current.shareable else "Never leaves the partner.")
            self.send(
                self.partner, subjects.event_subject(PARTNER, event_type),
                f"evt.{current.context}.{event_type}", schema,
                f"{event_type}: {_first_line(current)} Each message is one event in its "
                "envelope, published by the "
                f"{current.context} service's relay from its event store, in store order, "
                "exactly once (Nats-Msg-Id = event id). Stream "
                f"{subjects.PARTNER_EVENTS_STREAM} in the partner's JetStream domain (the "
                f"partner id). Schema versions: {listed}. {travels}",
                Note("event", DOCUMENTATION, current.context))

    def shared(self) -> None:
        from services.sharing.app import SHARED_STREAM_ID

        for model in shareable_types():
            self.send(
                self.partner, subjects.shared_subject(PARTNER, model.event_type),
                f"net.{model.context}.{model.event_type}", self.envelope(model),
                f"The hub's copy of {model.event_type}: made by partner {{partner}}'s sharing "
                "service (contracts.registry.share: personal and unclassified fields dropped, "
                "every pseudonymous id re-keyed with the partner's own HMAC key), stored with "
                f"stream_id `{SHARED_STREAM_ID}` and actor `partner:{{partner}}`, and relayed in "
                "its envelope (Nats-Msg-Id = event id). Stream PACE_SHARED_<PARTNER> (e.g. "
                f"{subjects.shared_stream('mechelen')}) in the partner's domain; the hub's "
                f"{subjects.NETWORK_STREAM} stream (domain {subjects.HUB_DOMAIN}) sources it "
                "across the leaf-node link, so it arrives once, also after the hub was away.",
                Note("event", DOCUMENTATION, model.context))

    def hub_side(self) -> None:
        figures = ("Published by the hub's reporting service (its relay, Nats-Msg-Id = event "
                   "id, the id derived from the content: the same figures twice are one "
                   "message): the to-date figures whenever they change, and each closed year "
                   f"and quarter. Stream {subjects.FIGURES_STREAM} in domain "
                   f"{subjects.HUB_DOMAIN}, for the central coordinator.")
        self.send(self.hub, subjects.figures_subject(PARTNER), "figures.partner",
                  self.envelope(PartnerFiguresPublished),
                  f"One partner's indicators, as PartnerFiguresPublished in its envelope. "
                  f"{figures}", Note("event", DOCUMENTATION, "reporting"))
        self.send(self.hub, subjects.figures_subject(subjects.NETWORK_SCOPE), "figures.network",
                  self.envelope(NetworkFiguresPublished),
                  f"The whole network's indicators, as NetworkFiguresPublished in its "
                  f"envelope. {figures}", Note("event", DOCUMENTATION, "reporting"))
        self.send(self.hub, hub_dead_letter_subject(REPORTING_CONSUMER),
                  f"network.dlq.{REPORTING_CONSUMER}", Envelope,
                  f"Dead letters of the hub reporting service's durable consumer on "
                  f"{subjects.NETWORK_STREAM}, with the reason in the `{REASON_HEADER}` header. "
                  f"Stream {subjects.DEAD_LETTER_STREAM} in domain {subjects.HUB_DOMAIN}.",
                  Note("dead-letter", DOCUMENTATION, "reporting"))
        served = f"Served by the real wildcard subscriber `{subjects.network_query_subject('*')}`."
        self.receive(self.hub, subjects.network_query_subject("figures"), "network.qry.figures",
                     FiguresQuery,
                     "Ask the hub's reporting service for a whole report (every partner and "
                     f"the network) for an as-of date and period: request/reply. {served}",
                     Note("network-query", DOCUMENTATION, "reporting", "reply.network-query"))
        self.receive(self.hub, subjects.network_query_subject("status"), "network.qry.status",
                     QueryParameters,
                     "Ask the hub's reporting service how many envelopes arrived per partner: "
                     f"request/reply; parameters are ignored. {served}",
                     Note("network-query", DOCUMENTATION, "reporting", "reply.network-query"))
        self.receive(self.hub, subjects.network_query_subject("trends"), "network.qry.trends",
                     TrendsQuery,
                     "Ask the hub's reporting service for indicators' to-date values at a list "
                     f"of dates (the report's trend charts): request/reply. {served}",
                     Note("network-query", DOCUMENTATION, "reporting", "reply.network-query"))

    def network_query_fallback(self, why: str) -> None:
        """Stands in for ReportingService's subscriber while services.reporting.app fails."""

        async def on_query(body: Any) -> None:
            """Documentation only."""

        self.fallback = subjects.network_query_subject("*")
        self.hub.subscriber(self.fallback, queue="reporting-queries",
                            description="Documentation only, standing in for the "
                            "ReportingService subscriber: services.reporting.app could not be "
                            "imported when this document was generated.")(on_query)
        print(f"warning: network queries documented without the real ReportingService ({why})",
              file=sys.stderr)


# -- the document ----------------------------------------------------------------------

INFO = f"""\
Every NATS subject of the PACE network (Providing Access to Childcare and Employment).

Each delivery partner runs intake, booking, trajectory and sharing on its own NATS server
(a leaf node; its JetStream domain is the partner id); the hub runs the reporting service
(JetStream domain `{subjects.HUB_DOMAIN}`).

**`{{partner}}`** stands for any partner id (`contracts.subjects.check_partner`). The
document is generated with the placeholder partner id `{PARTNER}`, which is why it appears
in some channel and message keys.

- Commands `pace.{{partner}}.cmd.<context>.<command>` and partner queries
  `pace.{{partner}}.qry.<context>.<query>`: request/reply, never stored; the reply goes to
  the requester's inbox.
- Events `pace.{{partner}}.evt.<context>.<EventType>`: every message is one event in its
  envelope (`contracts/envelope.py`), stream `{subjects.PARTNER_EVENTS_STREAM}` in the
  partner's domain.
- Shareable events `pace.{{partner}}.net.<context>.<EventType>`: minimised, re-keyed copies
  in the partner's `PACE_SHARED_<PARTNER>` stream, sourced by the hub's
  `{subjects.NETWORK_STREAM}` stream (domain `{subjects.HUB_DOMAIN}`).
- Dead letters `pace.{{partner}}.dlq.<consumer>` (stream `{subjects.DEAD_LETTER_STREAM}`);
  the hub's are `pace.network.dlq.<consumer>`.
- Figures `pace.network.figures.<partner|network>` in `{subjects.FIGURES_STREAM}` (domain
  `{subjects.HUB_DOMAIN}`); questions to the hub on `pace.network.qry.<query>`.

`{ORIGIN}` says where each channel comes from:

- `{FROM_RUNNER}`, `{FROM_REPORTING}`: the FastStream subscribers the running
  services declare (wildcards: one per context and kind).
- `{DOCUMENTATION}`: endpoints declared only for this document, from the real services'
  route tables, queries and reactions and from the contracts registry: one channel per
  command, query, event type, consumer and reply, which the wildcard subscribers and the
  nats-py publishers (relays, consumers) cannot show.

Generated by `{REGENERATE}`; do not edit by hand."""

PARTNER_PARAMETER = {
    "description": (
        "A partner id: 1-40 lowercase ascii letters, digits, '-' or '_', starting with a "
        f"letter; not `{subjects.HUB_DOMAIN}` or `{subjects.NETWORK_SCOPE}`. It is also the "
        "partner's JetStream domain."),
    "examples": ["mechelen", "gent"],
}

SERVERS = {
    "partner": ("A partner's own NATS server (a leaf node of the hub; JetStream domain = "
                "the partner id). The host is a placeholder."),
    "hub": (f"The hub's NATS cluster (JetStream domain `{subjects.HUB_DOMAIN}`). The host is a "
            "placeholder."),
}

COMMAND_HEADERS = {
    COMMAND_ID_HEADER: ("uuid", "The command's id (a new one when absent): the events' "
                                "causation_id and the seed of their ids, so the same command "
                                "sent again with the same id is answered as the first time"),
    CORRELATION_HEADER: ("uuid", "Carried into every event the command appends (a new one "
                                 "when absent)"),
    ACTOR_HEADER: ("", "Who sent the command (first 200 characters; `unknown` when absent)"),
}
EVENT_HEADERS = {
    "Nats-Msg-Id": ("uuid", "The event id: JetStream drops a copy published again within "
                            f"the {DUPLICATE_WINDOW_SECONDS // 60}-minute duplicate window"),
}
DEAD_LETTER_HEADERS = {
    REASON_HEADER: ("", "Why the message was dead-lettered"),
    "Pace-Consumer": ("", "The durable consumer that gave up"),
    "Pace-Original-Subject": ("", "The subject the message was consumed from"),
    "Pace-Original-Sequence": ("", "Its sequence in the consumed stream"),
    "Nats-Msg-Id": ("", "`<consumer>:<sequence>`, so a retried dead-lettering stores once"),
}


HEADERS = {"CommandHeaders": COMMAND_HEADERS, "EventHeaders": EVENT_HEADERS,
           "DeadLetterHeaders": DEAD_LETTER_HEADERS}


def _headers(title: str, spec: dict[str, tuple[str, str]]) -> dict[str, Any]:
    properties = {}
    for name, (fmt, description) in spec.items():
        schema = {"type": "string", "description": description}
        if fmt:
            schema["format"] = fmt
        properties[name] = schema
    return {"title": title, "type": "object", "properties": properties,
            "description": "NATS message headers (string values)"}


def domain_error_codes() -> list[str]:
    """The codes of the DomainErrors the project defines (tests' own are left out)."""
    codes: set[str] = set()
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        kind = pending.pop()
        if kind.__module__.split(".")[0] in ("pace", "services", "contracts"):
            codes.add(kind.code)
        pending.extend(kind.__subclasses__())
    return sorted(codes)


def _version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(project["project"]["version"])


def pointer(reference: str) -> list[str]:
    return [unquote(p).replace("~1", "/").replace("~0", "~")
            for p in reference.removeprefix("#/").split("/")]


def resolve(doc: dict[str, Any], reference: str) -> Any:
    found: Any = doc
    for part in pointer(reference):
        found = found[part]
    return found


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def _prune_schemas(doc: dict[str, Any]) -> None:
    """Drop component schemas nothing refers to any more (FastStream's EmptyPayload)."""
    schemas = doc["components"]["schemas"]
    outside = {k: v for k, v in doc.items() if k != "components"}
    outside["messages"] = doc["components"].get("messages", {})
    wanted = {pointer(r)[-1] for r in references(outside) if r.startswith("#/components/schemas/")}
    pending = list(wanted)
    while pending:
        for reference in references(schemas.get(pending.pop(), {})):
            name = pointer(reference)[-1]
            if name not in wanted:
                wanted.add(name)
                pending.append(name)
    for name in sorted(set(schemas) - wanted):
        del schemas[name]


def _message(doc: dict[str, Any], channel: dict[str, Any]) -> dict[str, Any]:
    (link,) = channel["messages"].values()
    return cast(dict[str, Any], resolve(doc, link["$ref"]))


def _real_note(address: str, services: list[Service]) -> Note | None:
    for service in services:
        if address == subjects.command_subject(PARTNER, service.context, "*"):
            return Note("command", FROM_RUNNER, service.context, "reply.command")
        if address == f"pace.{PARTNER}.qry.{service.context}.*":
            return Note("query", FROM_RUNNER, service.context, "reply.query")
    if address == subjects.network_query_subject("*"):
        return Note("network-query", FROM_REPORTING, "reporting", "reply.network-query")
    return None


def _finish(doc: dict[str, Any], endpoints: Endpoints) -> dict[str, Any]:
    """Add what FastStream 0.7.8 cannot express; see the module docstring."""
    doc["info"]["description"] = INFO
    doc["id"] = "urn:pace-network:asyncapi"

    renamed = {}
    servers = {}
    for name, server in doc["servers"].items():
        new = SERVER_NAMES[server["host"]]
        renamed[name] = new
        servers[new] = {**server, "description": SERVERS[new]}
    doc["servers"] = servers

    channels: dict[str, dict[str, Any]] = doc["channels"]
    notes: dict[str, Note] = {}
    for key, channel in channels.items():
        channel["servers"] = [ref("servers", renamed[pointer(s["$ref"])[-1]])
                              for s in channel.get("servers", [])]
        note = endpoints.notes.get(key) or _real_note(channel["address"], endpoints.services)
        if note is None:
            raise ValueError(f"channel {key!r} is neither a known service subscriber nor "
                             "declared by apps.asyncapi: say what it is")
        if key not in endpoints.notes and channel["address"] == endpoints.fallback:
            note = Note(note.kind, DOCUMENTATION, note.context, note.reply)
        notes[key] = note
        channel[ORIGIN] = note.origin
        address = templated(channel["address"])
        channel["address"] = address
        if "nats" in channel.get("bindings", {}):
            channel["bindings"]["nats"]["subject"] = address
        if PARAMETER in address:
            channel["parameters"] = {"partner": ref("components", "parameters", "partner")}
    doc["components"]["parameters"] = {"partner": PARTNER_PARAMETER}

    # the real wildcard subscribers: what arrives there is any of the documented messages
    for key, note in notes.items():
        if key in endpoints.notes or note.kind not in ("command", "query", "network-query"):
            continue
        payloads: list[dict[str, Any]] = []
        for k, n in endpoints.notes.items():  # in declaration order: the route tables'
            payload = _message(doc, channels[k])["payload"]
            if n.kind == note.kind and n.context == note.context and payload not in payloads:
                payloads.append(dict(payload))
        message = _message(doc, channels[key])
        message["payload"] = payloads[0] if len(payloads) == 1 else {"oneOf": payloads}
        channels[key].setdefault("description", (
            f"The subscriber that serves every {note.kind.replace('-', ' ')} on this wildcard "
            "(a queue group: one member answers each request); the last subject token names "
            f"the {note.kind.replace('-', ' ')}. Its payload is one of those of the "
            f"`{DOCUMENTATION}` channels with the same subject prefix."))

    schemas = doc["components"]["schemas"]
    code = schemas["ErrorBody"]["properties"]["code"]
    code["description"] += f": {', '.join(domain_error_codes())}"
    for name, spec in HEADERS.items():
        if name in schemas:
            raise ValueError(f"two schemas are called {name}")
        schemas[name] = _headers(name, spec)
    for key, note in notes.items():
        message = _message(doc, channels[key])
        message.pop("correlationId", None)  # FastStream's own header: not on these messages
        if note.kind == "command":
            message["headers"] = ref("components", "schemas", "CommandHeaders")
            message["correlationId"] = {"location": f"$message.header#/{CORRELATION_HEADER}"}
        elif note.kind in ("event", "dead-letter"):
            message["headers"] = ref("components", "schemas", (
                "EventHeaders" if note.kind == "event" else "DeadLetterHeaders"))
            message["correlationId"] = {"location": "$message.payload#/correlation_id"}

    for operation in doc["operations"].values():
        key = pointer(operation["channel"]["$ref"])[-1]
        reply = notes[key].reply
        if reply:
            (name,) = channels[reply]["messages"]
            operation["reply"] = {"channel": ref("channels", reply),
                                  "messages": [ref("channels", reply, "messages", name)]}
    _prune_schemas(doc)
    return doc


def build_document() -> dict[str, Any]:
    """The AsyncAPI document as a dict, built from the real services and the contracts."""
    services = partner_services()
    runner = ServiceRunner(PARTNER_URL, services)
    endpoints = Endpoints(services)
    endpoints.declare()
    reporting, why = reporting_broker()
    brokers = [runner.broker, endpoints.partner]
    if reporting is None:
        endpoints.network_query_fallback(why)
    else:
        brokers.append(reporting)
    brokers.append(endpoints.hub)
    app = FastStream(*brokers, logger=None, specification=AsyncAPI(
        title="PACE network", version=_version(), schema_version="3.0.0"))
    with warnings.catch_warnings():
        # FastStream warns, then overwrites, when two channels or schemas share a name
        warnings.simplefilter("error", RuntimeWarning)
        generated = json.loads(app.schema.to_specification().to_json())
    return _finish(generated, endpoints)


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def document() -> str:
    """The document exactly as the generator writes it."""
    return render(build_document())


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def differences(wanted: str, path: Path = DOCUMENT) -> list[str]:
    """What differs between the file and the wanted document: empty when it is current."""
    name = _shown(path)
    if not path.exists():
        return [f"{name}: missing"]
    present = path.read_text(encoding="utf-8")
    if present == wanted:
        return []
    try:
        old = json.loads(present)
    except ValueError:
        return [f"{name}: not valid JSON"]
    new = json.loads(wanted)
    found = []
    for section in ("info", "servers", "channels", "operations", "components.messages",
                    "components.schemas"):
        before, after = old, new
        for part in section.split("."):
            before, after = before.get(part, {}), after.get(part, {})
        if section == "info":
            before, after = {"info": before}, {"info": after}
        for key in sorted(set(before) | set(after)):
            if key not in after:
                found.append(f"{name}: {section} {key!r} is gone")
            elif key not in before:
                found.append(f"{name}: {section} {key!r} is missing")
            elif before[key] != after[key]:
                found.append(f"{name}: {section} {key!r} differs")
    return found or [f"{name}: differs (formatting or top-level fields)"]


def write(path: Path = DOCUMENT) -> int:
    """Write the document; returns its size in bytes."""
    text = document()
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def main(argv: list[str] | None = None) -> int:
    """Write contracts/asyncapi.json, or with --check list what is stale and exit 1."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        problems = differences(document())
        for line in problems[:40]:
            print(f"stale AsyncAPI document: {line}")
        if len(problems) > 40:
            print(f"... and {len(problems) - 40} more")
        if problems:
            print(f"run: {REGENERATE}")
        return 1 if problems else 0
    size = write()
    print(f"wrote {_shown(DOCUMENT)} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
