"""Trajectory's read models: first parent per family (from intake), trajectories (own events)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert, select, update

from contracts import intake
from contracts import trajectory as ev

metadata = MetaData()

parents = Table(
    "trajectory_parents", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("parent_id", String(64), nullable=False),
)
trajectories = Table(
    "trajectory_parent_list", metadata,
    Column("trajectory_id", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("parent_id", String(64), nullable=False),
    Column("coach_id", String(64), nullable=False),
    Column("started_on", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("trainings", Integer, nullable=False, default=0),
    Column("jobs", Integer, nullable=False, default=0),
)


def first_parent(conn: Connection, family_id: str) -> str | None:
    """The family's first parent referred: who an enrolment that names no parent means."""
    return conn.execute(select(parents.c.parent_id).where(
        parents.c.family_id == family_id)).scalar()


def remember_parent(conn: Connection, event: intake.FamilyReferred) -> None:
    conn.execute(insert(parents), {"family_id": event.family_id,
                                   "parent_id": event.parents[0].parent_id})


def apply_trajectory(tx: Any, _envelope: Any, event: Any) -> None:
    conn = tx.connection
    where = trajectories.c.trajectory_id == getattr(event, "trajectory_id", None)
    match event:
        case ev.TrajectoryStarted():
            conn.execute(insert(trajectories), {
                "trajectory_id": event.trajectory_id, "family_id": event.family_id,
                "parent_id": event.parent_id, "coach_id": event.coach_id,
                "started_on": event.started_on.isoformat(),
                "status": "ongoing", "trainings": 0, "jobs": 0})
        case ev.CoachReassigned():
            conn.execute(update(trajectories).where(where).values(coach_id=event.coach_id))
        case ev.TrainingStarted():
            conn.execute(update(trajectories).where(where)
                         .values(trainings=trajectories.c.trainings + 1))
        case ev.JobStarted():
            conn.execute(update(trajectories).where(where).values(jobs=trajectories.c.jobs + 1))
        case ev.TrajectoryCompleted():
            conn.execute(update(trajectories).where(where).values(status="completed"))
        case ev.TrajectoryDropped():
            conn.execute(update(trajectories).where(where).values(status="dropped"))


def list_trajectories(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = select(trajectories).order_by(trajectories.c.started_on,
                                          trajectories.c.trajectory_id)
    for name in ("status", "family_id", "coach_id"):
        if params.get(name):
            query = query.where(trajectories.c[name] == params[name])
    return [row._asdict() for row in conn.execute(query.limit(int(params.get("limit", 500))))]
