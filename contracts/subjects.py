"""The subject and stream scheme of the network, in one place."""

from __future__ import annotations

import re

from contracts.registry import model_for, shareable_types

PARTNER_EVENTS_STREAM = "PACE_EVENTS"
DEAD_LETTER_STREAM = "PACE_DEAD_LETTERS"
SHARED_STREAM = "PACE_SHARED"  # the prefix: each partner's is PACE_SHARED_<PARTNER>
NETWORK_STREAM = "PACE_NETWORK"
FIGURES_STREAM = "PACE_FIGURES"
HUB_DOMAIN = "hub"
NETWORK_SCOPE = "network"
RESERVED_PARTNER_IDS = frozenset({HUB_DOMAIN, NETWORK_SCOPE})
# the JetStream message schedules each service keeps (pace.<partner>.schedule.<name>)
SCHEDULES_OF: dict[str, tuple[str, ...]] = {"booking": ("booking-release",),
                                          "trajectory": ("trajectory-follow-ups",)}

_PARTNER = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def check_partner(partner: str) -> str:
    """A partner id usable as one subject token and JetStream domain; refuses anything else."""
    if not isinstance(partner, str) or not _PARTNER.fullmatch(partner):
        raise ValueError(
            f"{partner!r} is not a valid partner id: use 1-40 lowercase ascii letters, digits, "
            "'-' and '_', starting with a letter (no dots, spaces or wildcards)")
    if partner in RESERVED_PARTNER_IDS:
        raise ValueError(f"{partner!r} is not a valid partner id: it is reserved for the hub")
    return partner


def _token(value: str, what: str, *, wildcard: bool = False) -> str:
    if wildcard and value == "*":
        return value
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid {what}: one subject token, no dots or wildcards")
    return value


def event_subject(partner: str, event_type: str) -> str:
    """pace.<partner>.evt.<context>.<EventType>, the context looked up in the registry."""
    context = model_for(event_type).context
    return f"pace.{check_partner(partner)}.evt.{context}.{event_type}"


def partner_event_subjects(partner: str) -> str:
    """Wildcard for every event of a partner: the subjects of its PACE_EVENTS stream."""
    return f"pace.{check_partner(partner)}.evt.>"


def context_event_subjects(partner: str, context: str) -> str:
    """Wildcard for every event of one context of a partner."""
    return f"pace.{check_partner(partner)}.evt.{_token(context, 'context')}.*"


def is_context_wildcard(subject: str) -> bool:
    """Whether a subject is `context_event_subjects` of some partner and context."""
    tokens = subject.split(".")
    if len(tokens) != 5 or tokens[0] != "pace" or tokens[2] != "evt" or tokens[4] != "*":
        return False
    return tokens[1] not in ("*", ">") and tokens[3] not in ("*", ">")


def shareable_subjects(partner: str) -> list[str]:
    """The exact subjects of every event type that may cross to the hub, sorted."""
    return sorted(event_subject(partner, model.event_type) for model in shareable_types())


def shared_subject(partner: str, event_type: str) -> str:
    """pace.<partner>.net.<context>.<EventType>: a minimised, re-keyed copy for the hub.

    These subjects make up the partner's PACE_SHARED stream, which the hub's PACE_NETWORK
    stream sources across the leaf-node link. Only shareable event types have one.
    """
    model = model_for(event_type)
    if not model.shareable:
        raise ValueError(f"{event_type} events never leave their partner")
    return f"pace.{check_partner(partner)}.net.{model.context}.{event_type}"


def shared_stream(partner: str) -> str:
    """PACE_SHARED_<PARTNER>: named per partner, so the hub's list of sources names each
    partner plainly (nats-server once told sources apart by stream name alone, #2202)."""
    return f"{SHARED_STREAM}_{check_partner(partner).upper()}"


def partner_shared_subjects(partner: str) -> str:
    """Wildcard for the subjects of a partner's PACE_SHARED stream."""
    return f"pace.{check_partner(partner)}.net.>"


def partner_of(subject: str) -> str:
    """The partner token of a pace.<partner>.… subject."""
    parts = subject.split(".")
    if len(parts) < 3 or parts[0] != "pace":
        raise ValueError(f"{subject!r} is not a PACE subject")
    return check_partner(parts[1])


def external_api(domain: str) -> str:
    """The JetStream API prefix of another domain, reached across leaf-node links."""
    return f"$JS.{domain}.API"


def command_subject(partner: str, context: str, command: str) -> str:
    """pace.<partner>.cmd.<context>.<command> (request/reply, never stored); "*" for all."""
    return (f"pace.{check_partner(partner)}.cmd.{_token(context, 'context')}."
            f"{_token(command, 'command', wildcard=True)}")


def dead_letter_subject(partner: str, consumer: str) -> str:
    """pace.<partner>.dlq.<consumer>; consumer "*" gives the dead-letter stream's wildcard."""
    return f"pace.{check_partner(partner)}.dlq.{_token(consumer, 'consumer', wildcard=True)}"


def figures_subject(scope: str) -> str:
    """pace.network.figures.<partner|network>, in the hub's PACE_FIGURES stream."""
    if scope != NETWORK_SCOPE:
        check_partner(scope)
    return f"pace.network.figures.{scope}"


def figures_subjects() -> str:
    """Wildcard for every figures subject: the subjects of PACE_FIGURES."""
    return "pace.network.figures.*"


def network_query_subject(query: str) -> str:
    """pace.network.qry.<query>: request/reply questions to the hub's reporting service."""
    return f"pace.network.qry.{_token(query, 'query', wildcard=True)}"


def hub_command_subject(partner: str, command: str) -> str:
    """pace.network.cmd.<partner>.<command>: a command to the hub about one partner.

    The partner token lets the hub's permissions give each partner's admin its own subject;
    "*" for either token gives the wildcard the reporting service answers.
    """
    scope = partner if partner == "*" else check_partner(partner)
    return f"pace.network.cmd.{scope}.{_token(command, 'command', wildcard=True)}"
