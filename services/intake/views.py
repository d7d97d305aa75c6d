"""Intake's read model: the partner's families and where each stands, names from the vault."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from contracts import intake
from services.intake import vault

metadata = MetaData()

families = Table(
    "intake_families", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("referral_source", String(40), nullable=False),
    Column("referred_on", String(10), nullable=False),
    Column("status", String(20), nullable=False),
)

consents = Table(
    "intake_consents", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("purpose", String(40), primary_key=True),
)


def apply_intake(tx: Any, _envelope: Any, event: Any) -> None:
    conn = tx.connection
    where = families.c.family_id == getattr(event, "family_id", None)
    match event:
        case intake.FamilyReferred():
            conn.execute(insert(families), {
                "family_id": event.family_id, "referral_source": event.referral_source.value,
                "referred_on": event.referred_on.isoformat(), "status": "referred"})
        case intake.FamilyEnrolled():
            conn.execute(update(families).where(where).values(status="enrolled"))
        case intake.ReferralDeclined():
            conn.execute(update(families).where(where).values(status="declined"))
        case intake.FamilyErased():
            conn.execute(update(families).where(where).values(status="erased"))
        case intake.ConsentRecorded():
            conn.execute(insert(consents), {"family_id": event.family_id,
                                            "purpose": event.purpose.value})
        case intake.ConsentWithdrawn():
            conn.execute(delete(consents).where(consents.c.family_id == event.family_id,
                                                consents.c.purpose == event.purpose.value))


def list_families(conn: Connection, params: dict[str, Any],
                  vault_key: vault.VaultKey) -> list[dict[str, Any]]:
    """Families with their parents' names (decrypted here, for the partner's own staff)."""
    rows = conn.execute(select(families).order_by(families.c.referred_on)
                        .limit(int(params.get("limit", 500)))).all()
    listed = []
    for row in rows:
        personal = vault.read(conn, row.family_id, vault_key)
        names = ", ".join(p["full_name"] for p in personal["parents"]) if personal else "(erased)"
        kids = personal.get("children", []) if personal else []
        listed.append({**row._asdict(), "parents": names, "children": kids,
                       "personal": personal is not None})
    search = str(params.get("search", "")).lower()
    return [f for f in listed if search in f["parents"].lower()] if search else listed


def family_details(conn: Connection, params: dict[str, Any],
                   vault_key: vault.VaultKey) -> list[dict[str, Any]]:
    """One family with everything the vault holds (parents, children, coaching notes)."""
    row = conn.execute(select(families).where(
        families.c.family_id == str(params.get("family_id", "")))).first()
    if row is None:
        return []
    personal = vault.read(conn, row.family_id, vault_key)
    given = sorted(conn.execute(select(consents.c.purpose)
                                .where(consents.c.family_id == row.family_id)).scalars())
    return [{**row._asdict(), **(personal or {"parents": [], "children": [], "notes": ""}),
             "consents": given, "personal": personal is not None}]
