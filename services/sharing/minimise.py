"""What the sharing service adds or coarsens so the hub learns only what an indicator needs.

A child's birth month stays at the partner (the sharing store keeps it, from the referral);
the hub's copy of a check-in carries the child's age band at the session instead. Times
cross as the day they fall on (midnight UTC), never to the second.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, Connection, MetaData, String, Table, insert, select

from contracts.booking import AgeBand, ChildCheckedIn
from contracts.intake import FamilyReferred

metadata = MetaData()

children = Table(
    "sharing_children",
    metadata,
    Column("child_id", String(64), primary_key=True),
    Column("birth_month", String(7), nullable=False),
)

_BANDS = (AgeBand.UNDER_ONE, AgeBand.ONE, AgeBand.TWO, AgeBand.THREE)


def age_band(birth_month: str, on: date) -> AgeBand:
    """The child's age in whole years on a date, from its birth month (born on the 1st)."""
    year, month = (int(part) for part in birth_month.split("-"))
    months = (on.year - year) * 12 + on.month - month
    years = max(months, 0) // 12
    return _BANDS[years] if years < len(_BANDS) else AgeBand.FOUR_OR_MORE


def remember_children(conn: Connection, event: FamilyReferred) -> None:
    """Keep each child's birth month here, for the age band of its sessions."""
    rows = [
        {"child_id": c.child_id, "birth_month": c.birth_month}
        for c in event.children
        if c.birth_month
    ]
    if rows:
        conn.execute(insert(children), rows)


def hub_facts(conn: Connection, event: Any) -> dict[str, Any]:
    """Public facts the hub's copy gets in place of local ones (the age band of a check-in)."""
    if not isinstance(event, ChildCheckedIn):
        return {}
    row = conn.execute(
        select(children.c.birth_month).where(children.c.child_id == event.child_id)
    ).first()
    if row is None:
        return {}
    session_date = date.fromisoformat(event.session_id.split(":")[1])
    return {"age_band": age_band(row.birth_month, session_date).value}


def day_of(moment: datetime) -> datetime:
    """The moment as the day it falls on: midnight UTC, nothing finer."""
    return datetime.combine(moment.astimezone(UTC).date(), datetime.min.time(), UTC)
