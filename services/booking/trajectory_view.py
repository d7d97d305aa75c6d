"""Booking's view of each family's trajectory, from trajectory's events (one per parent)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from contracts import trajectory as traj
from contracts.booking import TrajectoryState
from services.booking.views import open_trajectories, trajectories


def apply_trajectory(tx: Any, _envelope: Any, event: Any) -> None:
    """Keep booking's view of each family's trajectory: active while any parent's trajectory is
    open; completed or dropped, and when, once the last one ends."""
    conn = tx.connection
    match event:
        case traj.TrajectoryStarted():
            conn.execute(delete(open_trajectories).where(
                open_trajectories.c.trajectory_id == event.trajectory_id))
            conn.execute(insert(open_trajectories), {"trajectory_id": event.trajectory_id,
                                                     "family_id": event.family_id})
            _set_trajectory(conn, event.family_id, TrajectoryState.ACTIVE, None)
        case traj.TrajectoryCompleted() | traj.TrajectoryDropped():
            conn.execute(delete(open_trajectories).where(
                open_trajectories.c.trajectory_id == event.trajectory_id))
            still_open = conn.execute(select(open_trajectories.c.trajectory_id).where(
                open_trajectories.c.family_id == event.family_id).limit(1)).first()
            if still_open is not None:  # another parent is still coached
                return
            if isinstance(event, traj.TrajectoryCompleted):
                _set_trajectory(conn, event.family_id, TrajectoryState.COMPLETED,
                                event.completed_on)
            else:
                _set_trajectory(conn, event.family_id, TrajectoryState.DROPPED, event.dropped_on)


def _set_trajectory(
    conn: Connection, family_id: str, state: TrajectoryState, ended_on: date | None
) -> None:
    values = {"state": state.value, "ended_on": ended_on}
    changed = conn.execute(
        update(trajectories).where(trajectories.c.family_id == family_id).values(**values)
    )
    if changed.rowcount == 0:
        conn.execute(insert(trajectories), {"family_id": family_id, **values})
