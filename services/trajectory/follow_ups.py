"""Participant data on the trajectory service: its commands, its follow-up list and schedule.

When a trajectory ends, its six-month follow-up is scheduled (follow_up_views); a JetStream
schedule kept by the server ticks daily, and each tick marks the follow-ups due by today
(`MarkFollowUpsDue` per family), which puts them on the coaches' list.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from contracts import subjects
from contracts.participants import MarkFollowUpsDue, RecordParticipantData
from pace.commands import CommandMeta, execute
from pace.schedules import Schedule
from pace.service import Service, routes_for
from services.trajectory import follow_up_views
from services.trajectory.domain import stream_id
from services.trajectory.participants import decider

FOLLOW_UP_SCHEDULE = subjects.SCHEDULES_OF["trajectory"][0]  # "trajectory-follow-ups"
DEFAULT_FOLLOW_UP_CRON = "0 15 0 * * *"  # every day at 00:15 UTC
FOLLOW_UP_NAMESPACE = uuid.UUID("0b7d1c55-2f4e-4a8e-9d0c-7e3f5a1b2c64")


def follow_up_meta(partner: str, family_id: str, today: date, now: datetime) -> CommandMeta:
    """The same ids for every tick of one day: a repeated tick flags nothing twice."""
    command_id = uuid.uuid5(FOLLOW_UP_NAMESPACE, f"{partner}:{family_id}:{today.isoformat()}")
    return CommandMeta(command_id=command_id, correlation_id=command_id,
                       actor="schedule:trajectory-follow-ups", now=now)


async def mark_due(service: Service, today: date, now: datetime) -> int:
    """Mark every follow-up due by `today`; returns how many families had one."""
    store = service.store
    families = await store.db.read(follow_up_views.families_due, today.isoformat())
    for family in families:
        await execute(store, decider, stream_id(family), MarkFollowUpsDue(
            family_id=family, today=today), follow_up_meta(service.partner, family, today, now))
    return len(families)


def mount(service: Service, spec: str | None = None) -> None:
    """Add the participant-data commands, the follow-up view, query and schedule to trajectory."""
    store = service.store

    async def on_tick(_ticked_at: datetime) -> None:
        now = service.clock()
        await mark_due(service, now.astimezone(UTC).date(), now)

    async def follow_ups_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(follow_up_views.list_follow_ups, params)

    service.routes += routes_for(store, decider, (RecordParticipantData, MarkFollowUpsDue),
                                 lambda command: stream_id(command.family_id))
    service.tables.append(follow_up_views.metadata)
    service.projections.append(follow_up_views.apply_follow_up)
    service.queries["follow_ups"] = follow_ups_query
    service.schedules.append(Schedule(FOLLOW_UP_SCHEDULE, spec or DEFAULT_FOLLOW_UP_CRON,
                                      on_tick))
