"""Booking's read models: its own view of families (from intake's events), bookings, sessions."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Update,
    bindparam,
    insert,
    select,
    update,
)

from contracts import booking as ev
from contracts import intake
from contracts.booking import TrajectoryState
from contracts.intake import ConsentPurpose
from services.booking.places import free_places, taken_places
from services.booking.rules import FamilyFacts

metadata = MetaData()

families = Table(
    "booking_families",
    metadata,
    Column("family_id", String(64), primary_key=True),
    Column("enrolled", Boolean, nullable=False, default=False),
    Column("childcare_consent", Boolean, nullable=False, default=False),
    Column("erased", Boolean, nullable=False, default=False),
)
children = Table(
    "booking_children",
    metadata,
    Column("child_id", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("birth_month", String(7), nullable=False),
    Column("handed_over", Boolean, nullable=False, default=False),
)
bookings = Table(
    "booking_bookings",
    metadata,
    Column("booking_id", String(64), primary_key=True),
    Column("session_id", String(64), nullable=False, index=True),
    Column("location_id", String(40), nullable=False),
    Column("session_date", Date, nullable=False),
    Column("daypart", String(10), nullable=False),
    Column("family_id", String(64), nullable=False, index=True),
    Column("child_id", String(64), nullable=False),
    Column("hours", Float, nullable=False),
    Column("status", String(20), nullable=False),
    Column("release_on", Date, nullable=True),
)
sessions = Table(
    "booking_sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("location_id", String(40), nullable=False),
    Column("session_date", Date, nullable=False),
    Column("daypart", String(10), nullable=False),
    Column("capacity", Integer, nullable=False),
)

trajectories = Table(
    "booking_trajectories",
    metadata,
    Column("family_id", String(64), primary_key=True),
    Column("state", String(20), nullable=False),
    Column("ended_on", Date, nullable=True),
)
open_trajectories = Table(  # each parent's open trajectory: the family is active while any is
    "booking_open_trajectories",
    metadata,
    Column("trajectory_id", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False, index=True),
)
handovers = Table(
    "booking_handovers",
    metadata,
    Column("child_id", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("handed_over_on", Date, nullable=False),
)

ACTIVE = ("booked", "waitlisted")


# The hot statements are built once, not on every command or event: building a select, its
# cache key and its IN list was 435 us of a family's facts (four queries), against 61 us to
# run the same statements built once (SQLite, one family).
_BY_FAMILY = tuple(select(t).where(t.c.family_id == bindparam("family_id"))
                   for t in (families, children, trajectories, handovers))
_AMONG_FAMILIES = tuple(select(t).where(t.c.family_id.in_(bindparam("ids", expanding=True)))
                        for t in (families, children, trajectories, handovers))
_WAITING = select(bookings.c.family_id).where(bookings.c.session_id == bindparam("session_id"),
                                              bookings.c.status == "waitlisted")


def family_facts(conn: Connection, family_id: str) -> FamilyFacts | None:
    """Everything booking knows of one family, from its own views."""
    return _facts(conn, _BY_FAMILY, {"family_id": family_id}).get(family_id)


def families_facts(conn: Connection, family_ids: list[str]) -> dict[str, FamilyFacts]:
    """The facts of several families at once (the waiting families of a session)."""
    if not family_ids:
        return {}
    return _facts(conn, _AMONG_FAMILIES, {"ids": family_ids})


def _facts(conn: Connection, statements: tuple[Any, ...], params: dict[str, Any]
           ) -> dict[str, FamilyFacts]:
    of_families, of_children, of_trajectories, of_handovers = statements
    rows = conn.execute(of_families, params).all()
    if not rows:
        return {}
    kids = conn.execute(of_children, params).all()
    paths = {r.family_id: r for r in conn.execute(of_trajectories, params)}
    dates = {r.child_id: r.handed_over_on for r in conn.execute(of_handovers, params)}
    found = {}
    for row in rows:
        own = [k for k in kids if k.family_id == row.family_id]
        path = paths.get(row.family_id)
        found[row.family_id] = FamilyFacts(
            enrolled=row.enrolled,
            childcare_consent=row.childcare_consent,
            erased=row.erased,
            children={k.child_id: k.birth_month for k in own},
            handed_over=frozenset(k.child_id for k in own if k.handed_over),
            trajectory=TrajectoryState(path.state) if path else None,
            trajectory_ended_on=path.ended_on if path else None,
            handed_over_on={k.child_id: dates[k.child_id] for k in own if k.child_id in dates},
        )
    return found


def request_facts(conn: Connection, family_id: str | None, session_id: str
                  ) -> tuple[FamilyFacts | None, dict[str, FamilyFacts]]:
    """A session command's facts in one read: its family's (if any) and the waiting ones'."""
    family = None if family_id is None else family_facts(conn, family_id)
    return family, waiting_facts(conn, session_id)


def waiting_facts(conn: Connection, session_id: str) -> dict[str, FamilyFacts]:
    """The facts of the families waiting in a session: promotion checks them again."""
    waiting = conn.execute(_WAITING, {"session_id": session_id}).scalars()
    return families_facts(conn, sorted(set(waiting)))


_INSERT = {t.name.removeprefix("booking_"): insert(t)
           for t in (families, children, sessions, bookings, handovers)}
_SESSION_KNOWN = select(sessions.c.session_id).where(
    sessions.c.session_id == bindparam("session_id"))


def _update(conn: Connection, table: Table, key: str, value: str, **values: Any) -> Any:
    """UPDATE table SET values WHERE key = value, with a statement built once per shape."""
    return conn.execute(_update_by_key(table, key, tuple(values)),
                        {"where_key": value, **{f"set_{k}": v for k, v in values.items()}})


@functools.lru_cache(maxsize=32)
def _update_by_key(table: Table, key: str, columns: tuple[str, ...]) -> Update:
    return (update(table).where(table.c[key] == bindparam("where_key"))
            .values({name: bindparam(f"set_{name}") for name in columns}))


def apply_intake(tx: Any, _envelope: Any, event: Any) -> None:
    """Keep booking's view of families in step with intake's events."""
    conn = tx.connection
    match event:
        case intake.FamilyReferred():
            conn.execute(
                _INSERT["families"],
                {
                    "family_id": event.family_id,
                    "enrolled": False,
                    "childcare_consent": False,
                    "erased": False,
                },
            )
            if event.children:
                conn.execute(
                    _INSERT["children"],
                    [
                        {
                            "child_id": c.child_id,
                            "family_id": event.family_id,
                            "birth_month": c.birth_month,
                            "handed_over": False,
                        }
                        for c in event.children
                    ],
                )
        case intake.ConsentRecorded(purpose=ConsentPurpose.CHILDCARE):
            _set_family(conn, event.family_id, childcare_consent=True)
        case intake.ConsentWithdrawn(purpose=ConsentPurpose.CHILDCARE):
            _set_family(conn, event.family_id, childcare_consent=False)
        case intake.FamilyEnrolled():
            _set_family(conn, event.family_id, enrolled=True)
        case intake.FamilyErased():
            _set_family(conn, event.family_id, erased=True)


def _set_family(conn: Connection, family_id: str, **values: bool) -> None:
    _update(conn, families, "family_id", family_id, **values)


def apply_booking(tx: Any, _envelope: Any, event: Any) -> None:
    """Keep the bookings and sessions views in step with booking's own events."""
    conn = tx.connection
    match event:
        case ev.DaypartCapacitySet():
            changed = _update(conn, sessions, "session_id", event.session_id,
                              capacity=event.capacity)
            if changed.rowcount == 0:
                conn.execute(
                    _INSERT["sessions"],
                    {
                        "session_id": event.session_id,
                        "location_id": event.location_id,
                        "session_date": event.session_date,
                        "daypart": event.daypart.value,
                        "capacity": event.capacity,
                    },
                )
        case ev.SlotBooked() | ev.SlotWaitlisted():
            location, on, daypart = event.session_id.split(":")
            known = conn.execute(_SESSION_KNOWN, {"session_id": event.session_id}).first()
            if known is None:  # booked without a capacity set: the default applies
                conn.execute(
                    _INSERT["sessions"],
                    {
                        "session_id": event.session_id,
                        "location_id": location,
                        "session_date": date.fromisoformat(on),
                        "daypart": daypart,
                        "capacity": ev.DEFAULT_CAPACITY,
                    },
                )
            conn.execute(
                _INSERT["bookings"],
                {
                    "booking_id": event.booking_id,
                    "session_id": event.session_id,
                    "location_id": location,
                    "session_date": date.fromisoformat(on),
                    "daypart": daypart,
                    "family_id": event.family_id,
                    "child_id": event.child_id,
                    "hours": event.hours,
                    "status": "booked" if isinstance(event, ev.SlotBooked) else "waitlisted",
                },
            )
        case ev.WaitlistPromoted():
            _set_booking(conn, event.booking_id, status="booked")
        case ev.BookingCancelled():
            _set_booking(conn, event.booking_id, status="cancelled")
        case ev.BookingReleased():
            _set_booking(conn, event.booking_id, status="released")
        case ev.NoShowRecorded():
            _set_booking(conn, event.booking_id, status="no_show")
        case ev.ChildCheckedIn():
            _set_booking(conn, event.booking_id, status="checked_in")
        case ev.ChildCheckedOut():
            _set_booking(conn, event.booking_id, status="attended")
        case ev.BookingFlaggedForHandover():
            _set_booking(conn, event.booking_id, release_on=event.release_on)
        case ev.ChildHandedOver():
            conn.execute(
                update(children)
                .where(children.c.child_id == event.child_id)
                .values(handed_over=True)
            )
            if (
                conn.execute(
                    select(handovers.c.child_id).where(handovers.c.child_id == event.child_id)
                ).first()
                is None
            ):
                conn.execute(
                    _INSERT["handovers"],
                    {
                        "child_id": event.child_id,
                        "family_id": event.family_id,
                        "handed_over_on": event.handed_over_on,
                    },
                )


def _set_booking(conn: Connection, booking_id: str, **values: Any) -> None:
    _update(conn, bookings, "booking_id", booking_id, **values)


def future_bookings(conn: Connection, family_id: str, after: date) -> list[Any]:
    """A family's active bookings for sessions after a date."""
    return conn.execute(
        select(bookings).where(
            bookings.c.family_id == family_id,
            bookings.c.session_date > after,
            bookings.c.status.in_(ACTIVE),
        )
    ).all()


def child_bookings_after(conn: Connection, child_id: str, after: date) -> list[Any]:
    """A child's active bookings for sessions after a date (its handover date)."""
    return conn.execute(
        select(bookings).where(
            bookings.c.child_id == child_id,
            bookings.c.session_date > after,
            bookings.c.status.in_(ACTIVE),
        )
    ).all()


def due_for_release(conn: Connection, today: date) -> list[Any]:
    """Flagged places due by today, in sessions not yet past."""
    return conn.execute(
        select(bookings)
        .where(
            bookings.c.release_on.is_not(None),
            bookings.c.release_on <= today,
            bookings.c.session_date >= today,
            bookings.c.status.in_(ACTIVE),
        )
        .order_by(bookings.c.session_date, bookings.c.booking_id)
    ).all()


def sessions_with_places(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Sessions from a date on, with capacity, booked, waiting and free places."""
    start = date.fromisoformat(params.get("from", "1900-01-01"))
    rows = conn.execute(
        select(sessions)
        .where(sessions.c.session_date >= start)
        .order_by(sessions.c.session_date, sessions.c.location_id, sessions.c.daypart)
        .limit(int(params.get("limit", 200)))
    ).all()
    statuses: dict[str, list[str]] = {}
    for session_id, status in conn.execute(select(bookings.c.session_id, bookings.c.status)):
        statuses.setdefault(session_id, []).append(status)
    return [
        {
            "session_id": r.session_id,
            "location": r.location_id,
            "date": r.session_date.isoformat(),
            "daypart": r.daypart,
            "capacity": r.capacity,
            "taken": taken_places(statuses.get(r.session_id, [])),
            "waiting": statuses.get(r.session_id, []).count("waitlisted"),
            "free": free_places(r.capacity, statuses.get(r.session_id, [])),
        }
        for r in rows
    ]


def waitlist(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = select(bookings).where(bookings.c.status == "waitlisted")
    if params.get("session_id"):
        query = query.where(bookings.c.session_id == params["session_id"])
    return [
        {
            "booking_id": r.booking_id,
            "session_id": r.session_id,
            "family_id": r.family_id,
            "child_id": r.child_id,
        }
        for r in conn.execute(query.order_by(bookings.c.session_id))
    ]


def bookings_between(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Bookings of one session, or of every session between two dates, with the trajectory."""
    query = select(bookings, trajectories.c.state, trajectories.c.ended_on).outerjoin(
        trajectories, trajectories.c.family_id == bookings.c.family_id
    )
    if params.get("session_id"):
        query = query.where(bookings.c.session_id == params["session_id"])
    if params.get("from"):
        query = query.where(bookings.c.session_date >= date.fromisoformat(params["from"]))
    if params.get("to"):
        query = query.where(bookings.c.session_date <= date.fromisoformat(params["to"]))
    rows = conn.execute(
        query.order_by(bookings.c.session_id).limit(int(params.get("limit", 500)))
    ).all()
    return [
        {
            "booking_id": r.booking_id,
            "session_id": r.session_id,
            "location": r.location_id,
            "date": r.session_date.isoformat(),
            "daypart": r.daypart,
            "family_id": r.family_id,
            "child_id": r.child_id,
            "hours": r.hours,
            "status": r.status,
            "release_on": r.release_on.isoformat() if r.release_on else None,
            "trajectory": r.state,
            "trajectory_ended_on": r.ended_on.isoformat() if r.ended_on else None,
        }
        for r in rows
    ]
