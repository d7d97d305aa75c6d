"""Trajectories: the list, a family's trajectory page and the coach's actions on it."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.web.auth import User
from services.web.common import TrajectoriesUser, render
from services.web.partner.talk import CHOICES, ask, command, names, number

router = APIRouter()


async def trajectory_of(request: Request, user: User, family_id: str) -> dict[str, Any] | None:
    rows = await ask(request, user, "trajectory", "trajectories")
    return next((r for r in rows if r["family_id"] == family_id), None)


@router.get("/trajectories", include_in_schema=False)
async def trajectories_page(request: Request, user: TrajectoriesUser) -> Response:
    rows = await ask(request, user, "trajectory", "trajectories")
    return render(
        request, "trajectories.html", trajectories=rows, families=await names(request, user)
    )


@router.get("/trajectories/{family_id}", include_in_schema=False)
async def trajectory_page(request: Request, user: TrajectoriesUser, family_id: str) -> Response:
    row = await trajectory_of(request, user, family_id)
    if row is None:
        raise HTTPException(404, f"no trajectory for family {family_id}")
    family = await ask(request, user, "intake", "family", family_id=family_id)
    return render(
        request,
        "trajectory.html",
        trajectory=row,
        family=family[0] if family else None,
        today=date.today(),
        training_ids=[f"{family_id}-t{i}" for i in range(1, row["trainings"] + 1)],
        job_ids=[f"{family_id}-j{i}" for i in range(1, row["jobs"] + 1)],
        **CHOICES,
    )


def trajectory_command(
    action: str, form: Any, family_id: str, counts: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The trajectory command a form asks for; new trainings and jobs get the next number."""
    on = str(form.get("on") or date.today().isoformat())
    match action:
        case "plan":
            return "agree_plan", {"goals": form.getlist("goals"), "agreed_on": on}
        case "training":
            return "start_training", {
                "training_id": f"{family_id}-t{counts['trainings'] + 1}",
                "kind": form.get("kind"),
                "started_on": on,
            }
        case "training_done":
            return "complete_training", {"training_id": form.get("training_id"),
                                         "completed_on": on}
        case "job":
            return "start_job", {
                "job_id": f"{family_id}-j{counts['jobs'] + 1}",
                "kind": form.get("kind"),
                "hours_per_week": number(form.get("hours_per_week"), float),
                "started_on": on,
            }
        case "job_end":
            return "end_job", {"job_id": form.get("job_id"), "ended_on": on}
        case "involvement":
            return "record_involvement_day", {"attended_on": on}
        case "complete":
            return "complete_trajectory", {"outcome": form.get("outcome"), "completed_on": on}
        case "drop":
            return "drop_trajectory", {"reason": form.get("reason"), "dropped_on": on}
    raise HTTPException(404, f"no action {action}")


@router.post("/trajectories/{family_id}/{action}", include_in_schema=False)
async def trajectory_action(
    request: Request, user: TrajectoriesUser, family_id: str, action: str
) -> Response:
    form = await request.form()
    counts = await trajectory_of(request, user, family_id) or {"trainings": 0, "jobs": 0}
    name, body = trajectory_command(action, form, family_id, counts)
    return await command(
        request, user, "trajectory", name, {"family_id": family_id, **body},
        f"/trajectories/{family_id}",
    )
