"""Sharing with the hub: each shareable event, minimised and re-keyed, into PACE_SHARED.

A partner's sharing service consumes its own shareable events from PACE_EVENTS, makes the
copy the hub may see (`contracts.registry.share`: personal fields dropped, every id
replaced by an HMAC pseudonym under the partner's own key) and stores it in its own event
store, in the same transaction as the consumer's processed marker. A relay publishes the
stored copies to `pace.<partner>.net.<context>.<EventType>` (the PACE_SHARED stream), which
the hub's PACE_NETWORK stream sources across the leaf-node link. So a copy is made exactly
once, published with its event id as Nats-Msg-Id, and kept by the partner while the hub is
away.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from pathlib import Path
from typing import Any

from contracts import subjects
from contracts.registry import share
from pace.keys import load_key
from pace.service import Reaction, Service
from pace.store import EventStore, NewEvent, RecordedEvent

KEY_ENV = "PACE_PSEUDONYM_KEY"
KEY_FILE_ENV = "PACE_PSEUDONYM_KEY_FILE"
SHARED_STREAM_ID = "shared"
_SHARED = uuid.UUID("6b1c3f0e-5d0a-4c1e-9a57-0e3c2f4b9d21")  # namespace of shared event ids


class PseudonymKey:
    """The partner's secret for hub-side pseudonyms; never leaves the partner."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("a pseudonymisation key needs at least 16 bytes")
        self._secret = secret

    def __repr__(self) -> str:  # never print the secret
        return "PseudonymKey(***)"

    @classmethod
    def load(cls, partner: str, key_dir: Path) -> PseudonymKey:
        """From $PACE_PSEUDONYM_KEY (hex), $PACE_PSEUDONYM_KEY_FILE, or a file made once.

        The file `<partner>-pseudonym.key` in the partner's key directory is created with
        32 random bytes on first use (mode 600). Keep it: with a new key, the same family
        gets new ids at the hub and its history no longer joins up.
        """
        text = load_key(KEY_ENV, key_dir / f"{partner}-pseudonym.key",
                        lambda: secrets.token_hex(32))
        try:
            return cls(bytes.fromhex(text))
        except ValueError as error:
            raise ValueError(f"the pseudonymisation key ({KEY_ENV} or its file) must be hex: "
                             f"{error}") from None

    def rekey(self, field: str, value: str) -> str:
        """`<kind>-<26 base32 chars>`: the same id always gives the same pseudonym."""
        digest = hmac.new(self._secret, value.encode(), hashlib.sha256).digest()
        kind = field.removesuffix("_id") or "id"
        return f"{kind}-{base64.b32encode(digest[:16]).decode().rstrip('=').lower()}"


def shared_subject_of(record: RecordedEvent) -> str:
    return subjects.shared_subject(record.partner, record.event_type)


def shared_event_id(event_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_SHARED, str(event_id))


def build(partner: str, store: EventStore, key: PseudonymKey) -> Service:
    """The sharing service: one reaction (copy to the hub) and a relay into PACE_SHARED."""

    def copy_for_hub(tx: Any, envelope: Any, event: Any) -> None:
        if not event.shareable:  # the consumer's filter already keeps these out
            return
        tx.append(SHARED_STREAM_ID, [NewEvent(
            share(event, key.rekey), shared_event_id(envelope.event_id), envelope.occurred_at,
            envelope.correlation_id, None, f"partner:{partner}",
        )])

    return Service(
        partner=partner, context="sharing", store=store, routes=[],
        reactions=[Reaction("sharing", subjects.shareable_subjects(partner), copy_for_hub)],
        subject_for=shared_subject_of,
    )
