"""JetStream streams: a partner's events, shared copies and dead letters; the hub's streams."""

from __future__ import annotations

from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from contracts import subjects
from pace.schedules import schedules_stream

DUPLICATE_WINDOW_SECONDS = 15 * 60  # the relay's retries after a crash fall well inside this


def partner_streams(partner: str) -> list[StreamConfig]:
    """The partner's event stream (what the relay publishes) and its dead-letter stream."""
    return [
        StreamConfig(
            name=subjects.PARTNER_EVENTS_STREAM,
            subjects=[subjects.partner_event_subjects(partner)],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            description=f"Every event of partner {partner}, in store order",
        ),
        StreamConfig(
            name=subjects.shared_stream(partner),
            subjects=[subjects.partner_shared_subjects(partner)],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            description=f"Minimised, re-keyed copies of partner {partner}'s shareable events, "
                        "sourced by the hub",
        ),
        StreamConfig(
            name=subjects.DEAD_LETTER_STREAM,
            subjects=[subjects.dead_letter_subject(partner, "*")],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            description=f"Messages partner {partner}'s consumers could not apply, with reasons",
        ),
        schedules_stream(partner),
    ]


async def ensure_streams(js: JetStreamContext, configs: list[StreamConfig]) -> None:
    """Create each stream, or bring an existing one to this configuration."""
    for config in configs:
        if config.name is None:
            raise ValueError("a stream configuration needs a name")
        try:
            await js.stream_info(config.name)
        except NotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)
