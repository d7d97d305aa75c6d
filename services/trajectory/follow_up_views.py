"""Trajectory's read model of six-month follow-ups: scheduled at exit, due on the tick, done."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, MetaData, String, Table, delete, insert, select, update

from contracts import participants as pd
from contracts import trajectory as ev
from contracts.participants import FOLLOW_UP_MONTHS, Moment
from services.trajectory.participants import months_after
from services.trajectory.views import trajectories

metadata = MetaData()

follow_ups = Table(
    "trajectory_follow_ups", metadata,
    Column("trajectory_id", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False),
    Column("ended_on", String(10), nullable=False),
    Column("due_on", String(10), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # scheduled, due, done
)
SCHEDULED, DUE, DONE = "scheduled", "due", "done"


def apply_follow_up(tx: Any, _envelope: Any, event: Any) -> None:
    """An ended trajectory schedules its follow-up; the tick makes it due; the data, done."""
    conn = tx.connection
    where = follow_ups.c.trajectory_id == getattr(event, "trajectory_id", None)
    match event:
        case ev.TrajectoryCompleted(completed_on=ended) | ev.TrajectoryDropped(dropped_on=ended):
            due = months_after(ended, FOLLOW_UP_MONTHS)
            conn.execute(delete(follow_ups).where(where))
            conn.execute(insert(follow_ups), {
                "trajectory_id": event.trajectory_id, "family_id": event.family_id,
                "ended_on": ended.isoformat(), "due_on": due.isoformat(), "status": SCHEDULED})
        case pd.FollowUpFellDue():
            conn.execute(update(follow_ups).where(where, follow_ups.c.status == SCHEDULED)
                         .values(status=DUE))
        case pd.ParticipantDataRecorded(moment=Moment.SIX_MONTHS):
            conn.execute(update(follow_ups).where(where).values(status=DONE))


def families_due(conn: Connection, today: str) -> list[str]:
    """Families with a follow-up scheduled on or before `today` that the tick has not flagged."""
    return list(conn.execute(
        select(follow_ups.c.family_id).distinct()
        .where(follow_ups.c.status == SCHEDULED, follow_ups.c.due_on <= today)
        .order_by(follow_ups.c.family_id)).scalars())


def list_follow_ups(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Follow-ups with their parent and coach (status `due` unless asked), oldest due first."""
    query = (select(follow_ups, trajectories.c.parent_id, trajectories.c.coach_id)
             .join(trajectories, trajectories.c.trajectory_id == follow_ups.c.trajectory_id,
                   isouter=True)
             .where(follow_ups.c.status == params.get("status", DUE))
             .order_by(follow_ups.c.due_on, follow_ups.c.trajectory_id))
    if params.get("coach_id"):
        query = query.where(trajectories.c.coach_id == params["coach_id"])
    return [row._asdict() for row in conn.execute(query.limit(int(params.get("limit", 500))))]
