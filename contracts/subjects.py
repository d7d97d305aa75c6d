"""The subject and stream scheme of the network, in one place."""

from __future__ import annotations

import re

from contracts.registry import model_for, shareable_types

PARTNER_EVENTS_STREAM = "PACE_EVENTS"
DEAD_LETTER_STREAM = "PACE_DEAD_LETTERS"
NETWORK_STREAM = "PACE_NETWORK"
FIGURES_STREAM = "PACE_FIGURES"
HUB_DOMAIN = "hub"

_PARTNER = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def check_partner(partner: str) -> str:
    """A partner id usable as one subject token: lowercase letters, digits, - and _."""
    if not _PARTNER.match(partner):
        raise ValueError(f"{partner!r} is not a valid partner id "
                         "(lowercase letters, digits, '-' and '_'; no dots or wildcards)")
    return partner


def _token(value: str, what: str) -> str:
    if not _TOKEN.match(value):
        raise ValueError(f"{value!r} is not a valid {what} (one subject token)")
    return value


def event_subject(partner: str, event_type: str) -> str:
    """pace.<partner>.evt.<context>.<EventType>"""
    context = model_for(event_type).context
    return f"pace.{check_partner(partner)}.evt.{context}.{event_type}"


def partner_event_subjects(partner: str) -> str:
    return f"pace.{check_partner(partner)}.evt.>"


def context_event_subjects(partner: str, context: str) -> str:
    return f"pace.{check_partner(partner)}.evt.{_token(context, 'context')}.*"


def shareable_subjects(partner: str) -> list[str]:
    """The exact subjects of every event type that may cross to the hub."""
    return sorted(event_subject(partner, model.event_type) for model in shareable_types())


def command_subject(partner: str, context: str, command: str) -> str:
    """pace.<partner>.cmd.<context>.<command> (request/reply, never stored)"""
    return (f"pace.{check_partner(partner)}.cmd.{_token(context, 'context')}."
            f"{_token(command, 'command')}")


def dead_letter_subject(partner: str, consumer: str) -> str:
    """pace.<partner>.dlq.<consumer>; "*" gives the wildcard for the dead-letter stream."""
    token = consumer if consumer == "*" else _token(consumer, "consumer")
    return f"pace.{check_partner(partner)}.dlq.{token}"


def figures_subject(scope: str) -> str:
    """pace.network.figures.<partner|network>"""
    return f"pace.network.figures.{_token(scope, 'scope')}"
