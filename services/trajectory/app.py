"""The trajectory service: opens on enrolment, records plan, training, jobs and the end."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from contracts import intake, subjects
from contracts.commands import (
    CASEWORK_COMMANDS,
    AgreePlan,
    CompleteTraining,
    CompleteTrajectory,
    DropTrajectory,
    EndJob,
    ReassignCoach,
    RecordInvolvementDay,
    ReenterTrajectory,
    StartJob,
    StartTraining,
)
from pace.commands import decide_and_append, reaction_meta
from pace.service import Reaction, Service, routes_for
from pace.store import EventStore
from services.trajectory import follow_ups, views
from services.trajectory.casework import DEFAULT_SILENT_WEEKS
from services.trajectory.domain import StartTrajectories, decider, stream_id

COMMANDS = (AgreePlan, StartTraining, CompleteTraining, StartJob, EndJob, RecordInvolvementDay,
            CompleteTrajectory, DropTrajectory, ReassignCoach, ReenterTrajectory)


def partner_time_zone(partner: str) -> str:
    """The partner's time zone from the registry (UTC for a partner it does not list)."""
    from pace.network.registry import load_registry

    registry = load_registry()
    return registry[partner].time_zone if partner in registry else "UTC"


def local_today(now: datetime, time_zone: str) -> date:
    """Today on the partner's clock: what "overdue" and "no contact for N weeks" count from."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def build(partner: str, store: EventStore, silent_weeks: int = DEFAULT_SILENT_WEEKS,
          time_zone: str | None = None) -> Service:
    zone = time_zone or partner_time_zone(partner)

    def open_on_enrolment(tx: Any, envelope: Any, event: Any) -> None:
        """FamilyEnrolled opens a trajectory per parent named (FamilyReferred: the first)."""
        match event:
            case intake.FamilyReferred():
                views.remember_parent(tx.connection, event)
            case intake.FamilyEnrolled():
                parent_ids = event.parent_ids or (views.first_parent(tx.connection,
                                                                     event.family_id),)
                if None in parent_ids:
                    raise LookupError(f"family {event.family_id} enrolled before its referral "
                                      "reached trajectory")
                command = StartTrajectories(event.family_id, parent_ids, event.coach_id,
                                            event.enrolled_on)
                decide_and_append(tx, decider, stream_id(event.family_id), command,
                                  reaction_meta(envelope, "trajectory-enrolment"))

    async def trajectories_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.list_trajectories, params)

    async def casework_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        return await store.db.read(views.family_casework, params)

    async def coach_list_query(params: dict[str, Any]) -> list[dict[str, Any]]:
        """Overdue actions and quiet trajectories as of today on the partner's clock."""
        today = local_today(service.clock(), zone)
        return await store.db.read(views.coach_list, {"today": today.isoformat(),
                                                      "weeks": silent_weeks,
                                                      "coach_id": params.get("coach_id")})

    service = Service(
        partner, "trajectory", store,
        routes_for(store, decider, (*COMMANDS, *CASEWORK_COMMANDS),
                   lambda command: stream_id(command.family_id)),
        [Reaction("trajectory-enrolment", [subjects.context_event_subjects(partner, "intake")],
                  open_on_enrolment)],
        tables=[views.metadata],
        projections=[views.apply_trajectory],  # the list commits with its events
        queries={"trajectories": trajectories_query, "casework": casework_query,
                 "coach_list": coach_list_query})
    follow_ups.mount(service)  # part 4: ESF participant data and its six-month follow-up
    return service
