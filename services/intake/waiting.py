"""The programme's waiting list and the referrers' answers: intake read models and queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from contracts import intake
from services.intake import vault, views

metadata = MetaData()

waiting = Table(
    "intake_waiting", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("waiting_since", String(10), nullable=False),
    Column("priority", Integer, nullable=False),
)

answers = Table(
    "intake_answers", metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("answered_on", String(10), nullable=False),
    Column("reason", String(40), nullable=True),
)

class AnswersQueryError(ValueError):
    """The answers were asked for without a valid month or referrer."""


def apply_waiting(tx: Any, _envelope: Any, event: Any) -> None:
    """Keep the waiting list and the answers given to referrers."""
    conn = tx.connection
    where = waiting.c.family_id == getattr(event, "family_id", None)
    match event:
        case intake.ReferralHeld():
            conn.execute(insert(waiting), {"family_id": event.family_id,
                                           "waiting_since": event.held_on.isoformat(),
                                           "priority": event.priority or 3})
        case intake.ReferralPrioritySet():
            conn.execute(update(waiting).where(where).values(priority=event.priority))
        case intake.FamilyEnrolled() | intake.ReferralDeclined() | intake.FamilyErased():
            conn.execute(delete(waiting).where(where))
        case intake.ReferralAnswered():
            conn.execute(insert(answers), {
                "family_id": event.family_id, "outcome": event.outcome.value,
                "answered_on": event.answered_on.isoformat(),
                "reason": event.reason.value if event.reason else None})


def waiting_list(conn: Connection, params: dict[str, Any],
                 vault_key: vault.VaultKey) -> list[dict[str, Any]]:
    """The waiting referrals in the order they are taken: priority, then waiting since."""
    today = date.fromisoformat(str(params.get("today") or date.today().isoformat()))
    rows = conn.execute(
        select(waiting, views.families.c.referral_source, views.families.c.referred_on)
        .join(views.families, views.families.c.family_id == waiting.c.family_id)
        .order_by(waiting.c.priority, waiting.c.waiting_since, waiting.c.family_id)).all()
    listed = []
    for place, row in enumerate(rows, start=1):
        personal = vault.read(conn, row.family_id, vault_key)
        names = ", ".join(p["full_name"] for p in personal["parents"]) if personal else "(erased)"
        days = (today - date.fromisoformat(row.waiting_since)).days
        listed.append({**row._asdict(), "place": place, "parents": names, "days_waiting": days,
                       "personal": personal is not None})
    return listed


def referrer_answers(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A referrer's answers given in one month (YYYY-MM), oldest first, with days waited."""
    month, referrer = str(params.get("month", "")), str(params.get("referrer", ""))
    if len(month) != 7 or month[4] != "-" or not month.replace("-", "").isdigit():
        raise AnswersQueryError(f"month must be YYYY-MM, not {month!r}")
    if referrer not in set(intake.ReferralSource):
        raise AnswersQueryError(f"unknown referrer {referrer!r}: expected one of "
                                + ", ".join(intake.ReferralSource))
    families = views.families
    rows = conn.execute(
        select(answers, families.c.referred_on)
        .join(families, families.c.family_id == answers.c.family_id)
        .where(families.c.referral_source == referrer,
               answers.c.answered_on.like(f"{month}-%"))
        .order_by(answers.c.answered_on, answers.c.position)).all()
    since = _waiting_since(conn, {row.family_id for row in rows})
    return [{"family_id": row.family_id, "referred_on": row.referred_on,
             "outcome": row.outcome, "answered_on": row.answered_on,
             "reason": row.reason or "",
             "days_waiting": _days_waiting(since.get(row.family_id), row)}
            for row in rows]


def _waiting_since(conn: Connection, family_ids: set[str]) -> dict[str, str]:
    """Family -> the date of its first 'waiting' answer (when it was put on the list)."""
    rows = conn.execute(select(answers.c.family_id, answers.c.answered_on)
                        .where(answers.c.family_id.in_(family_ids),
                               answers.c.outcome == intake.ReferralOutcome.WAITING.value)
                        .order_by(answers.c.position)).all()
    since: dict[str, str] = {}
    for row in rows:
        since.setdefault(row.family_id, row.answered_on)
    return since


def _days_waiting(since: str | None, row: Any) -> int | str:
    """Days from the hold to an enrolment or decline; empty when the family never waited."""
    if since is None or row.outcome == intake.ReferralOutcome.WAITING.value:
        return ""
    return (date.fromisoformat(row.answered_on) - date.fromisoformat(since)).days

