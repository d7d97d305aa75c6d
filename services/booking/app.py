"""The booking service: places per day-part, waitlist, attendance, handover over NATS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contracts import subjects
from contracts import trajectory as traj
from contracts.commands import (
    BookSlot,
    CancelBooking,
    CheckIn,
    CheckOut,
    HandOverChild,
    RecordNoShow,
    ReleaseDueBookings,
    SetDaypartCapacity,
)
from pace.commands import CommandMeta, decide_and_append, execute, reaction_meta
from pace.service import CommandRoute, Reaction, Service, command_name
from pace.store import EventStore, RecordedEvent
from services.booking import views
from services.booking.domain import (
    FlagForHandover,
    ReleaseBooking,
    Request,
    decider,
    stream_id,
)
from services.booking.handover import handover_decider

DEFAULT_GRACE_DAYS = 14


def build(partner: str, store: EventStore, grace_days: int = DEFAULT_GRACE_DAYS) -> Service:
    async def facts(family_id: str):
        return await store.db.read(views.family_facts, family_id)

    def session_command(model: type) -> CommandRoute:
        async def handle(command: Any, meta: CommandMeta) -> list[RecordedEvent]:
            family = await facts(command.family_id) if hasattr(command, "family_id") else None
            return await execute(
                store,
                decider,
                stream_id(command.session_id),
                Request(command, meta.now, family),
                meta,
            )

        return CommandRoute(command_name(model), model, handle)

    async def hand_over(command: HandOverChild, meta: CommandMeta) -> list[RecordedEvent]:
        request = Request(command, meta.now, await facts(command.family_id))
        return await execute(store, handover_decider, f"child-{command.child_id}", request, meta)

    async def release_due(command: ReleaseDueBookings, meta: CommandMeta) -> list[RecordedEvent]:
        released: list[RecordedEvent] = []
        for row in await store.db.read(views.due_for_release, command.today):
            released += await execute(
                store,
                decider,
                stream_id(row.session_id),
                Request(ReleaseBooking(row.booking_id, command.today), meta.now),
                meta,
            )
        return released

    def flag_on_trajectory_end(tx: Any, envelope: Any, event: Any) -> None:
        """A trajectory ended: the family's future places go to handover after a grace period."""
        if not isinstance(event, traj.TrajectoryCompleted | traj.TrajectoryDropped):
            return
        ended_on = getattr(event, "completed_on", None) or event.dropped_on
        meta = reaction_meta(envelope, "booking-handover")
        for row in views.future_bookings(tx.connection, event.family_id, ended_on):
            command = FlagForHandover(
                row.booking_id, ended_on, ended_on + timedelta(days=grace_days)
            )
            decide_and_append(
                tx, decider, stream_id(row.session_id), Request(command, meta.now), meta
            )

    async def sessions_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.sessions_with_places, params)

    async def waitlist_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.waitlist, params)

    async def bookings_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.bookings_between, params)

    routes = [
        session_command(m)
        for m in (SetDaypartCapacity, BookSlot, CancelBooking, CheckIn, CheckOut, RecordNoShow)
    ]
    routes += [
        CommandRoute("hand_over_child", HandOverChild, hand_over),
        CommandRoute("release_due_bookings", ReleaseDueBookings, release_due),
    ]
    reactions = [
        Reaction(
            "booking-families",
            [subjects.context_event_subjects(partner, "intake")],
            views.apply_intake,
        ),
        Reaction(
            "booking-bookings",
            [subjects.context_event_subjects(partner, "booking")],
            views.apply_booking,
        ),
        Reaction(
            "booking-handover",
            [subjects.context_event_subjects(partner, "trajectory")],
            flag_on_trajectory_end,
        ),
    ]
    return Service(
        partner,
        "booking",
        store,
        routes,
        reactions,
        tables=[views.metadata],
        queries={
            "sessions": sessions_query,
            "waitlist": waitlist_query,
            "bookings": bookings_query,
        },
    )
