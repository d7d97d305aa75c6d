"""Sharing with the hub: each shareable event, minimised and re-keyed, into PACE_SHARED.

A partner's sharing service consumes its own shareable events from PACE_EVENTS, makes the
copy the hub may see (`contracts.registry.share`: personal fields dropped, every id
replaced by an HMAC pseudonym under the partner's own key; event and correlation ids made
fresh under the same key) and stores it in its own event store, in the same transaction as
the consumer's processed marker. Only families that consent to cross-border statistics
are shared (`services.sharing.views`): the others' events wait, and the hub sees only a
count per referral month (`UnsharedFamiliesCounted`). A relay publishes the
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
from contracts.intake import (
    ConsentRecorded,
    ConsentWithdrawn,
    FamilyReferred,
    UnsharedFamiliesCounted,
)
from contracts.registry import encode, share
from pace.keys import load_key
from pace.service import Reaction, Service
from pace.store import EventStore, NewEvent, RecordedEvent
from services.sharing import views
from services.sharing.domain import consent_given, day_of

KEY_ENV = "PACE_PSEUDONYM_KEY"
KEY_FILE_ENV = "PACE_PSEUDONYM_KEY_FILE"
SHARED_STREAM_ID = "shared"


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

    def fresh_id(self, kind: str, value: uuid.UUID) -> uuid.UUID:
        """An event or correlation id for the hub that only this key links to the local one."""
        digest = hmac.new(self._secret, f"{kind}:{value}".encode(), hashlib.sha256).digest()
        return uuid.UUID(bytes=digest[:16], version=4)

    def rekey(self, field: str, value: str) -> str:
        """`<kind>-<26 base32 chars>`: the same id always gives the same pseudonym."""
        digest = hmac.new(self._secret, value.encode(), hashlib.sha256).digest()
        kind = field.removesuffix("_id") or "id"
        return f"{kind}-{base64.b32encode(digest[:16]).decode().rstrip('=').lower()}"


def shared_subject_of(record: RecordedEvent) -> str:
    return subjects.shared_subject(record.partner, record.event_type)


def build(partner: str, store: EventStore, key: PseudonymKey) -> Service:
    """The sharing service: copies to the hub, only of consenting families, and a relay."""
    actor = f"partner:{partner}"

    def shared(conn: Any, event: Any, event_id: uuid.UUID, at: Any,
               correlation: uuid.UUID) -> NewEvent:
        return NewEvent(share(event, key.rekey, views.hub_facts(conn, event)),
                        key.fresh_id("event", event_id), day_of(at),
                        key.fresh_id("correlation", correlation), None, actor)

    def counted(conn: Any, month: str, envelope: Any) -> NewEvent:
        count = UnsharedFamiliesCounted(
            referred_in=month, families=views.unshared_in(conn, month),
            counted_on=envelope.occurred_at.date())
        return NewEvent(count, key.fresh_id(f"count:{month}", envelope.event_id),
                        day_of(envelope.occurred_at),
                        key.fresh_id("correlation", envelope.correlation_id), None, actor)

    def on_consent(tx: Any, envelope: Any, event: Any, given: bool) -> None:
        conn = tx.connection
        views.set_consent(conn, event.family_id, given)
        if not given:
            return
        copies = [shared(conn, *held) for held in views.release(conn, event.family_id)]
        month = views.mark_shared(conn, event.family_id)
        if month is not None:
            copies.append(counted(conn, month, envelope))
        if copies:
            tx.append(SHARED_STREAM_ID, copies)

    def copy_for_hub(tx: Any, envelope: Any, event: Any) -> None:
        conn = tx.connection
        if isinstance(event, ConsentRecorded | ConsentWithdrawn):
            given = consent_given(event)
            if given is not None:
                on_consent(tx, envelope, event, given)
            return
        if not event.shareable:  # the consumer's filter already keeps these out
            return
        family = getattr(event, "family_id", None)
        consents = family is None or views.consents_to_share(conn, family)
        if isinstance(event, FamilyReferred):
            views.note_referral(conn, event.family_id, event.referred_on.strftime("%Y-%m"),
                                  consents)
            views.remember_children(conn, event)
        if consents:
            tx.append(SHARED_STREAM_ID, [shared(conn, event, envelope.event_id,
                                                envelope.occurred_at, envelope.correlation_id)])
            return
        views.withhold(conn, family, envelope, encode(event))
        if isinstance(event, FamilyReferred):
            tx.append(SHARED_STREAM_ID, [counted(conn, event.referred_on.strftime("%Y-%m"),
                                                 envelope)])

    consent_subjects = [subjects.event_subject(partner, model.event_type)
                        for model in (ConsentRecorded, ConsentWithdrawn)]
    return Service(
        partner=partner, context="sharing", store=store, routes=[],
        reactions=[Reaction("sharing", sorted([*subjects.shareable_subjects(partner),
                                               *consent_subjects]), copy_for_hub)],
        tables=[views.metadata], subject_for=shared_subject_of,
    )
