"""The hub's JetStream streams: PACE_NETWORK sources every partner's PACE_SHARED stream.

PACE_NETWORK has no subjects of its own (a hub stream listening on `pace.>` would also
capture live leaf traffic: duplicates). It sources each partner's PACE_SHARED stream in
the partner's JetStream domain across the leaf-node link, so partners store and forward
while the hub or the link is down, and the hub tracks each source's sequence: every
event arrives once.

Each source is filtered to its partner's shared subjects (`pace.<p>.net.>`), and the
reporting service checks every message's `Nats-Stream-Source` header against the envelope's
partner (`source_problem`): an event that came through any other source is dead-lettered.
"""

from __future__ import annotations

from collections.abc import Iterable

from nats.aio.msg import Msg
from nats.js.api import (
    ExternalStream,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    StreamSource,
)
from nats.js.client import JetStreamContext

from contracts import subjects
from contracts.envelope import Envelope
from pace.topology import DUPLICATE_WINDOW_SECONDS, ensure_streams

HUB_DEAD_LETTERS = "pace.network.dlq.*"


def hub_dead_letter_subject(consumer: str) -> str:
    return f"pace.network.dlq.{consumer}"


SOURCE_HEADER = "Nats-Stream-Source"


def source_of(msg: Msg) -> str | None:
    """The stream a sourced message came from: `PACE_SHARED_GENT:<hash> <seq> ...` -> name."""
    header = (msg.headers or {}).get(SOURCE_HEADER)
    return header.split(" ", 1)[0].split(":", 1)[0] if header else None


def source_problem(msg: Msg, envelope: Envelope) -> str | None:
    """Why a hub message may not count for its envelope's partner; None when it may."""
    expected = subjects.shared_stream(envelope.partner)
    source = source_of(msg)
    if source is None:
        return (f"UnknownSource: a {envelope.event_type} of partner {envelope.partner} "
                f"arrived without a {SOURCE_HEADER} header; only {expected} may carry it")
    if source != expected:
        return (f"WrongSource: a {envelope.event_type} of partner {envelope.partner} came "
                f"from {source}; only {expected} may carry that partner's events")
    return None


def network_stream(partners: Iterable[str], replicas: int = 1) -> StreamConfig:
    """PACE_NETWORK: one source per partner, the partner's domain named by its API prefix."""
    return StreamConfig(
        name=subjects.NETWORK_STREAM,
        subjects=[],
        sources=[StreamSource(name=subjects.shared_stream(partner),
                              filter_subject=subjects.partner_shared_subjects(partner),
                              external=ExternalStream(api=subjects.external_api(partner)))
                 for partner in sorted({subjects.check_partner(p) for p in partners})],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        num_replicas=replicas,
        description="Every partner's shareable events, minimised and re-keyed (sourced)",
    )


def hub_streams(partners: Iterable[str], replicas: int = 1) -> list[StreamConfig]:
    return [
        network_stream(partners, replicas),
        StreamConfig(
            name=subjects.FIGURES_STREAM, subjects=[subjects.figures_subjects()],
            retention=RetentionPolicy.LIMITS, storage=StorageType.FILE, num_replicas=replicas,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            description="Figures per partner and for the network, for the central coordinator"),
        StreamConfig(
            name=subjects.DEAD_LETTER_STREAM, subjects=[HUB_DEAD_LETTERS],
            retention=RetentionPolicy.LIMITS, storage=StorageType.FILE, num_replicas=replicas,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            description="Messages the hub's consumers could not apply, with reasons"),
    ]


async def ensure_hub_streams(js: JetStreamContext, partners: Iterable[str],
                             replicas: int = 1) -> None:
    """Create the hub's streams or bring them to this partner list (new partners sourced)."""
    await ensure_streams(js, hub_streams(partners, replicas))
