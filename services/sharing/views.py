"""What the sharing service keeps: who consented, what waits, who is unshared, children's
birth months.

A family's events cross to the hub only while it consents to cross-border statistics.
Events that come before its consent (its referral comes first) wait in `sharing_withheld`
and go when consent is given; after a withdrawal, new events wait again and never go
unless consent is given anew. `sharing_referrals` knows, per referral month, which families
are not shared, for the one aggregate count the hub may see. A child's birth month stays
here (from the referral): the hub's copy of a check-in carries its age band instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from contracts.booking import ChildCheckedIn
from contracts.intake import FamilyReferred
from contracts.registry import decode
from services.sharing.domain import age_band

metadata = MetaData()

consents = Table(
    "sharing_consents",
    metadata,
    Column("family_id", String(64), primary_key=True),
    Column("consented", Boolean, nullable=False),
)

withheld = Table(
    "sharing_withheld",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("occurred_at", String(40), nullable=False),
    Column("correlation_id", String(36), nullable=False),
)

referrals = Table(
    "sharing_referrals",
    metadata,
    Column("family_id", String(64), primary_key=True),
    Column("referred_in", String(7), nullable=False, index=True),
    Column("shared", Boolean, nullable=False),
)


# built once: a select built for every event was most of this reaction's own time (py-spy)
_CONSENTED = select(consents.c.consented).where(consents.c.family_id == bindparam("family_id"))


def consents_to_share(conn: Connection, family_id: str) -> bool:
    """Whether the family consents to cross-border statistics now."""
    row = conn.execute(_CONSENTED, {"family_id": family_id}).first()
    return bool(row and row.consented)


def set_consent(conn: Connection, family_id: str, consented: bool) -> None:
    """Record the family's consent (given or withdrawn)."""
    done = conn.execute(
        update(consents).where(consents.c.family_id == family_id).values(consented=consented)
    )
    if not done.rowcount:
        conn.execute(insert(consents), {"family_id": family_id, "consented": consented})


def withhold(conn: Connection, family_id: str, envelope: Any, payload: dict[str, Any]) -> None:
    """Keep an event of a family without consent here; it goes if consent is given."""
    conn.execute(
        insert(withheld),
        {
            "family_id": family_id,
            "event_id": str(envelope.event_id),
            "event_type": envelope.event_type,
            "schema_version": envelope.schema_version,
            "payload": payload,
            "occurred_at": envelope.occurred_at.isoformat(),
            "correlation_id": str(envelope.correlation_id),
        },
    )


def release(
    conn: Connection, family_id: str
) -> Iterator[tuple[Any, uuid.UUID, datetime, uuid.UUID]]:
    """The family's withheld events, oldest first (event, id, occurred at, correlation); gone."""
    rows = conn.execute(
        select(withheld).where(withheld.c.family_id == family_id).order_by(withheld.c.position)
    ).all()
    conn.execute(delete(withheld).where(withheld.c.family_id == family_id))
    for row in rows:
        yield (
            decode(row.event_type, row.schema_version, row.payload),
            uuid.UUID(row.event_id),
            datetime.fromisoformat(row.occurred_at),
            uuid.UUID(row.correlation_id),
        )


def note_referral(conn: Connection, family_id: str, referred_in: str, shared: bool) -> None:
    """Remember the family's referral month and whether it is shared."""
    conn.execute(
        insert(referrals), {"family_id": family_id, "referred_in": referred_in, "shared": shared}
    )


def mark_shared(conn: Connection, family_id: str) -> str | None:
    """The family is shared from now on; its referral month when that changed a count."""
    row = conn.execute(select(referrals).where(referrals.c.family_id == family_id)).first()
    if row is None or row.shared:
        return None
    conn.execute(update(referrals).where(referrals.c.family_id == family_id).values(shared=True))
    return str(row.referred_in)


def unshared_in(conn: Connection, month: str) -> int:
    """How many families referred in the month are not shared."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(referrals)
            .where(referrals.c.referred_in == month, referrals.c.shared.is_(False))
        ).scalar_one()
    )


children = Table(
    "sharing_children",
    metadata,
    Column("child_id", String(64), primary_key=True),
    Column("birth_month", String(7), nullable=False),
)


def remember_children(conn: Connection, event: FamilyReferred) -> None:
    """Keep each child's birth month here, for the age band of its sessions."""
    rows = [
        {"child_id": c.child_id, "birth_month": c.birth_month}
        for c in event.children
        if c.birth_month
    ]
    if rows:
        conn.execute(insert(children), rows)


_BIRTH_MONTH = select(children.c.birth_month).where(children.c.child_id == bindparam("child_id"))


def hub_facts(conn: Connection, event: Any) -> dict[str, Any]:
    """Public facts the hub's copy gets in place of local ones (the age band of a check-in)."""
    if not isinstance(event, ChildCheckedIn):
        return {}
    row = conn.execute(_BIRTH_MONTH, {"child_id": event.child_id}).first()
    if row is None:
        return {}
    session_date = date.fromisoformat(event.session_id.split(":")[1])
    return {"age_band": age_band(row.birth_month, session_date).value}
