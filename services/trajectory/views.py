"""Trajectory's read models: first parent per family (from intake), trajectories, casework."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    func,
    insert,
    select,
    update,
)

from contracts import intake
from contracts import trajectory as ev
from services.trajectory.casework import COUNTS_AS_CONTACT, ActionStatus

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
    if isinstance(event, ev.CASEWORK_EVENTS):
        return apply_casework(conn, event)
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


# -- part 2: the coach's daily work ------------------------------------------------------

contacts = Table(
    "trajectory_contacts", metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("trajectory_id", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("contacted_on", String(10), nullable=False),
)
actions = Table(
    "trajectory_actions", metadata,
    Column("action_id", String(64), primary_key=True),
    Column("trajectory_id", String(64), nullable=False),
    Column("family_id", String(64), nullable=False, index=True),
    Column("owner", String(30), nullable=False),
    Column("life_domain", String(20), nullable=True),
    Column("added_on", String(10), nullable=False),
    Column("due_on", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("closed_on", String(10), nullable=True),
)


def apply_casework(conn: Connection, event: Any) -> None:
    """Contacts and plan actions, as their events say."""
    where = actions.c.action_id == getattr(event, "action_id", None)
    match event:
        case ev.ContactRecorded():
            conn.execute(insert(contacts), {
                "contact_id": event.contact_id, "trajectory_id": event.trajectory_id,
                "family_id": event.family_id, "kind": event.kind.value,
                "channel": event.channel.value, "contacted_on": event.contacted_on.isoformat()})
        case ev.PlanActionAdded():
            conn.execute(insert(actions), {
                "action_id": event.action_id, "trajectory_id": event.trajectory_id,
                "family_id": event.family_id, "owner": event.owner.value,
                "life_domain": event.life_domain.value if event.life_domain else None,
                "added_on": event.added_on.isoformat(), "due_on": event.due_on.isoformat(),
                "status": ActionStatus.OPEN.value, "closed_on": None})
        case ev.PlanActionCompleted():
            conn.execute(update(actions).where(where).values(
                status=ActionStatus.DONE.value, closed_on=event.completed_on.isoformat()))
        case ev.PlanActionDropped():
            conn.execute(update(actions).where(where).values(
                status=ActionStatus.DROPPED.value, closed_on=event.dropped_on.isoformat()))
        case ev.PlanActionRedated():
            conn.execute(update(actions).where(where).values(due_on=event.due_on.isoformat()))


def family_casework(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A family's contacts (newest first) and plan actions (by due date)."""
    family = params.get("family_id")
    found_contacts = conn.execute(select(contacts).where(contacts.c.family_id == family)
                                  .order_by(contacts.c.contacted_on.desc(),
                                            contacts.c.contact_id, contacts.c.trajectory_id))
    found_actions = conn.execute(select(actions).where(actions.c.family_id == family)
                                 .order_by(actions.c.due_on, actions.c.action_id))
    return [{"contacts": [r._asdict() for r in found_contacts],
             "actions": [r._asdict() for r in found_actions]}]


def _ongoing(coach_id: str | None) -> Any:
    """The open trajectories, of one coach when named."""
    query = trajectories.c.status == "ongoing"
    return and_(query, trajectories.c.coach_id == coach_id) if coach_id else query


def overdue_actions(conn: Connection, today: date, coach_id: str | None
                    ) -> list[dict[str, Any]]:
    """Open actions due before today on open trajectories (of one coach when named)."""
    query = (select(actions, trajectories.c.parent_id, trajectories.c.coach_id)
             .join(trajectories, trajectories.c.trajectory_id == actions.c.trajectory_id)
             .where(_ongoing(coach_id), actions.c.status == ActionStatus.OPEN.value,
                    actions.c.due_on < today.isoformat())
             .order_by(trajectories.c.coach_id, actions.c.due_on, actions.c.action_id))
    return [row._asdict() for row in conn.execute(query)]


def silent_trajectories(conn: Connection, today: date, weeks: int, coach_id: str | None
                        ) -> list[dict[str, Any]]:
    """Open trajectories with no contact for `weeks` weeks (since their start when none)."""
    last = (select(contacts.c.trajectory_id,
                   func.max(contacts.c.contacted_on).label("last_contact_on"))
            .where(contacts.c.kind.in_([k.value for k in COUNTS_AS_CONTACT]))
            .group_by(contacts.c.trajectory_id).subquery())
    since = func.coalesce(last.c.last_contact_on, trajectories.c.started_on)
    query = (select(trajectories.c.trajectory_id, trajectories.c.family_id,
                    trajectories.c.parent_id, trajectories.c.coach_id,
                    trajectories.c.started_on, last.c.last_contact_on, since.label("since"))
             .outerjoin(last, last.c.trajectory_id == trajectories.c.trajectory_id)
             .where(_ongoing(coach_id), since <= (today - timedelta(weeks=weeks)).isoformat())
             .order_by(trajectories.c.coach_id, since, trajectories.c.trajectory_id))
    return [row._asdict() for row in conn.execute(query)]


def coach_list(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """What needs a coach's attention today: overdue actions and trajectories gone quiet."""
    today = date.fromisoformat(params["today"])
    weeks, coach = int(params["weeks"]), params.get("coach_id") or None
    return [{"today": today.isoformat(), "weeks": weeks,
             "overdue": overdue_actions(conn, today, coach),
             "silent": silent_trajectories(conn, today, weeks, coach)}]
