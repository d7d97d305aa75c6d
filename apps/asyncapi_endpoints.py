"""The documentation-only channels of the AsyncAPI document, declared from the real services."""

from __future__ import annotations

import functools
import operator
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from faststream.nats import NatsBroker
from pydantic import Field, create_model

from apps.asyncapi_replies import (
    CommandReply,
    FiguresQuery,
    NetworkQueryReply,
    QueryParameters,
    QueryReply,
    TrendsQuery,
)
from contracts import subjects
from contracts.base import DomainEvent
from contracts.envelope import Envelope
from contracts.registry import EVENT_TYPES, all_types, shareable_types
from contracts.reporting import NetworkFiguresPublished, PartnerFiguresPublished
from pace.consumer import REASON_HEADER
from pace.network.hub import hub_dead_letter_subject
from pace.relay import event_subject_of
from pace.service import MAX_COMMAND_BYTES, Service
from pace.store import EventStore
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
    from services.reporting.partner_figures import build as figures
    from services.sharing.app import PseudonymKey

    store = cast(EventStore, _NoStore())
    return [*build_services(partner, dict.fromkeys(STORES, store), PseudonymKey(bytes(32)),
                            VaultKey(Fernet.generate_key().decode())),
            figures(partner, store, "??").service]  # the partner's own figures


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
    if parts[:3] in (["pace", subjects.NETWORK_SCOPE, "figures"],
                     ["pace", subjects.NETWORK_SCOPE, "cmd"]) and parts[3:4] == [PARTNER]:
        parts[3] = PARAMETER
    return ".".join(parts)


def _stream_name(stream: str, partner: str) -> str:
    """A stream's name, the partner's PACE_SHARED_<PARTNER> shown as such."""
    return (f"{subjects.SHARED_STREAM}_<PARTNER>" if stream == subjects.shared_stream(partner)
            else stream)


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
                f"`{reaction.durable}` (on {_stream_name(reaction.stream, service.partner)}, "
                f"filter {filters}): "
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
        self.receive(self.hub, subjects.network_query_subject("approvals"),
                     "network.qry.approvals", QueryParameters,
                     "Ask the hub's reporting service for every FiguresApproved in its store "
                     f"(what `pace replay --approved` checks): request/reply. {served}",
                     Note("network-query", DOCUMENTATION, "reporting", "reply.network-query"))
        self.hub_commands()
        self.receive(self.hub, subjects.network_query_subject("trends"), "network.qry.trends",
                     TrendsQuery,
                     "Ask the hub's reporting service for indicators' to-date values at a list "
                     f"of dates (the report's trend charts): request/reply. {served}",
                     Note("network-query", DOCUMENTATION, "reporting", "reply.network-query"))

    def hub_commands(self) -> None:
        """The approval commands the hub's reporting service answers (one subject each)."""
        from contracts.commands import command_name
        from contracts.reporting import (
            APPROVAL_EVENTS,
            ApproveFigures,
            ReopenFigures,
            SubmitFigures,
        )

        who = {SubmitFigures: "a partner admin (the hub user admin-{partner})",
               ApproveFigures: "the coordinator", ReopenFigures: "the coordinator"}
        for model, sender in who.items():
            name = command_name(model)
            self.receive(
                self.hub, subjects.hub_command_subject(PARTNER, name), f"network.cmd.{name}",
                model, f"Command {model.__name__} about partner {{partner}}'s quarter, sent by "
                f"{sender} to the hub's reporting service: request/reply, never stored. Served "
                f"by the real wildcard subscriber `{subjects.hub_command_subject('*', '*')}`.",
                Note("command", DOCUMENTATION, "reporting", "reply.command"))
        for event in APPROVAL_EVENTS:
            self.send(self.hub, subjects.figures_subject(PARTNER), f"figures.{event.event_type}",
                      self.envelope(event), f"{_first_line(event)} Published by the hub's "
                      "reporting service (its relay) on the partner's figures subject, in "
                      f"stream {subjects.FIGURES_STREAM}.", Note("event", DOCUMENTATION,
                                                                 "reporting"))

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
