"""The booking service: places per day-part, waitlist, attendance, handover over NATS."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from contracts import subjects
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
from pace.commands import CommandMeta, execute
from pace.schedules import Schedule
from pace.service import CommandRoute, Reaction, Service, routes_for
from pace.store import EventStore, RecordedEvent
from services.booking import reactions, views
from services.booking.domain import ReleaseBooking, Request, decider, stream_id
from services.booking.handover import handover_decider
from services.booking.rules import DEFAULT_GRACE_DAYS, Policy

RELEASE_SCHEDULE = subjects.SCHEDULES_OF["booking"][0]  # "booking-release"
DEFAULT_RELEASE_CRON = "0 5 0 * * *"  # every day at 00:05 on the partner's clock
RELEASE_NAMESPACE = uuid.UUID("6f1c2a1e-4d1b-4a53-9a57-2c0d6f0b9e11")


def build(
    partner: str,
    store: EventStore,
    grace_days: int = DEFAULT_GRACE_DAYS,
    policy: Policy | None = None,
    release_schedule: str = DEFAULT_RELEASE_CRON,
) -> Service:
    policy = replace(policy or Policy(), grace_days=grace_days)

    async def facts(family_id: str):
        return await store.db.read(views.family_facts, family_id)

    async def request_for(command: Any, meta: CommandMeta) -> Request:
        """A session command with what the decider must know: the family, the waiting list."""
        family, waiting = await store.db.read(
            views.request_facts, getattr(command, "family_id", None), command.session_id)
        return Request(command, meta.now, family, waiting, policy)

    async def hand_over(command: HandOverChild, meta: CommandMeta) -> list[RecordedEvent]:
        request = Request(command, meta.now, await facts(command.family_id), policy=policy)
        return await execute(store, handover_decider, f"child-{command.child_id}", request, meta)

    async def release_due(command: ReleaseDueBookings, meta: CommandMeta) -> list[RecordedEvent]:
        """Release every flagged place due by `today`, never in a session already past."""
        released: list[RecordedEvent] = []
        for row in await store.db.read(views.due_for_release, command.today):
            family, waiting = await store.db.read(views.request_facts, row.family_id,
                                                  row.session_id)
            reason = reactions.release_reason(family)
            request = Request(
                ReleaseBooking(row.booking_id, command.today, reason),
                meta.now,
                family,
                waiting,
                policy,
            )
            one = replace(meta, command_id=uuid.uuid5(meta.command_id, row.booking_id))
            released += await execute(store, decider, stream_id(row.session_id), request, one)
        return released

    service: Service

    async def on_release_tick(_ticked_at: datetime) -> None:
        """The server's daily tick: release what is due today on the partner's clock."""
        now = service.clock()
        today = policy.local(now).date()
        await release_due(ReleaseDueBookings(today=today), release_meta(partner, today, now))

    async def sessions_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.sessions_with_places, params)

    async def waitlist_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.waitlist, params)

    async def bookings_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        rows = await store.db.read(views.bookings_between, params)
        return [{**row, "bridging_ends_on": bridge_end(row)} for row in rows]

    def bridge_end(row: dict[str, Any]) -> str | None:
        if row["trajectory"] != "completed" or not row["trajectory_ended_on"]:
            return None
        return policy.bridge_end(date.fromisoformat(row["trajectory_ended_on"])).isoformat()

    async def policy_query(_params: dict[str, Any]) -> list[dict[str, Any]]:
        local = policy.local(service.clock())
        return [
            {
                "bridging_weeks": policy.bridging_weeks,
                "grace_days": policy.grace_days,
                "max_places_per_daypart": policy.max_places_per_daypart,
                "time_zone": policy.time_zone,
                "today": local.date().isoformat(),
                "release_schedule": release_schedule,
            }
        ]

    routes = routes_for(
        store,
        decider,
        (SetDaypartCapacity, BookSlot, CancelBooking, CheckIn, CheckOut, RecordNoShow),
        lambda command: stream_id(command.session_id),
        request_for,
    )
    routes += [
        CommandRoute("hand_over_child", HandOverChild, hand_over),
        CommandRoute("release_due_bookings", ReleaseDueBookings, release_due),
    ]
    booking_events = subjects.context_event_subjects(partner, "booking")
    service = Service(
        partner,
        "booking",
        store,
        routes,
        [
            Reaction(
                "booking-families",
                [subjects.context_event_subjects(partner, "intake")],
                reactions.on_intake(policy),
            ),
            Reaction(
                "booking-handover",
                [subjects.context_event_subjects(partner, "trajectory")],
                reactions.on_trajectory(policy),
            ),
            Reaction(
                "booking-handover-places",
                [booking_events.replace("*", "ChildHandedOver")],
                reactions.on_handover(policy),
            ),
        ],
        tables=[views.metadata],
        projections=[views.apply_booking],  # bookings and sessions commit with their events
        queries={
            "sessions": sessions_query,
            "waitlist": waitlist_query,
            "bookings": bookings_query,
            "policy": policy_query,
        },
        schedules=[Schedule(RELEASE_SCHEDULE, release_schedule, on_release_tick, policy.time_zone)],
    )
    return service


def release_meta(partner: str, today: date, now: datetime) -> CommandMeta:
    """The same ids for every tick of one day: a repeated tick releases nothing twice."""
    command_id = uuid.uuid5(RELEASE_NAMESPACE, f"{partner}:release:{today.isoformat()}")
    return CommandMeta(
        command_id=command_id, correlation_id=command_id, actor="schedule:booking-release", now=now
    )
