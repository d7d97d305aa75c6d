"""Trajectories: the list, a family's trajectories (one per parent) and the coach's actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.web.auth import User
from services.web.common import TrajectoriesUser, render
from services.web.partner.coach import CASEWORK_CHOICES, with_casework
from services.web.partner.talk import CHOICES, ask, command, names, number

router = APIRouter()


async def trajectories_of(request: Request, user: User, family_id: str) -> list[dict[str, Any]]:
    """The family's trajectories, in the order they started."""
    return await ask(request, user, "trajectory", "trajectories", family_id=family_id)


def id_prefix(trajectory_id: str) -> str:
    """What a trajectory's training and job ids start with (`fam-1`, then `fam-1.2`, ...)."""
    return trajectory_id.removeprefix("traj-")


def reenterable(rows: list[dict[str, Any]]) -> list[str]:
    """Parents whose latest trajectory was completed or dropped: they may re-enter."""
    latest = {row["parent_id"]: row for row in rows}
    return [parent for parent, row in latest.items() if row["status"] != "ongoing"]


@router.get("/trajectories", include_in_schema=False)
async def trajectories_page(request: Request, user: TrajectoriesUser) -> Response:
    rows = await ask(request, user, "trajectory", "trajectories")
    return render(
        request, "trajectories.html", trajectories=rows, families=await names(request, user)
    )


@router.get("/trajectories/{family_id}", include_in_schema=False)
async def trajectory_page(request: Request, user: TrajectoriesUser, family_id: str) -> Response:
    rows = await trajectories_of(request, user, family_id)
    if not rows:
        raise HTTPException(404, f"no trajectory for family {family_id}")
    family = await ask(request, user, "intake", "family", family_id=family_id)
    family = family[0] if family else None
    parent_names = {p["parent_id"]: p["full_name"] for p in (family or {}).get("parents", [])}
    for row in rows:
        prefix = id_prefix(row["trajectory_id"])
        row["parent_name"] = parent_names.get(row["parent_id"], row["parent_id"])
        row["training_ids"] = [f"{prefix}-t{i}" for i in range(1, row["trainings"] + 1)]
        row["job_ids"] = [f"{prefix}-j{i}" for i in range(1, row["jobs"] + 1)]
    await with_casework(request, user, family_id, rows)
    return render(
        request,
        "trajectory.html",
        trajectories=rows,
        family_id=family_id,
        family=family,
        reenterable=[(p, parent_names.get(p, p)) for p in reenterable(rows)],
        today=date.today(),
        **CHOICES,
        **CASEWORK_CHOICES,
    )


def trajectory_command(
    action: str, form: Any, counts: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The trajectory command a form asks for; new trainings and jobs get the next number."""
    on = str(form.get("on") or date.today().isoformat())
    prefix = id_prefix(counts["trajectory_id"])
    match action:
        case "plan":
            return "agree_plan", {"goals": form.getlist("goals"), "agreed_on": on}
        case "training":
            return "start_training", {
                "training_id": f"{prefix}-t{counts['trainings'] + 1}",
                "kind": form.get("kind"),
                "started_on": on,
            }
        case "training_done":
            return "complete_training", {"training_id": form.get("training_id"),
                                         "completed_on": on}
        case "job":
            return "start_job", {
                "job_id": f"{prefix}-j{counts['jobs'] + 1}",
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
        case "coach":
            return "reassign_coach", {"coach_id": form.get("coach_id"), "reassigned_on": on}
        case "reenter":
            return "reenter_trajectory", {"coach_id": form.get("coach_id"), "started_on": on}
    raise HTTPException(404, f"no action {action}")


def chosen(rows: list[dict[str, Any]], family_id: str, parent_id: str | None
           ) -> dict[str, Any]:
    """The trajectory a form is for: the parent's latest, else the family's only open one."""
    if parent_id:
        mine = [row for row in rows if row["parent_id"] == parent_id]
    else:
        mine = [row for row in rows if row["status"] == "ongoing"]
        mine = mine if len(mine) == 1 else []  # none or several: the service says which
    return mine[-1] if mine else {"trajectory_id": f"traj-{family_id}", "trainings": 0,
                                  "jobs": 0}


@router.post("/trajectories/{family_id}/{action}", include_in_schema=False)
async def trajectory_action(
    request: Request, user: TrajectoriesUser, family_id: str, action: str
) -> Response:
    form = await request.form()
    parent_id = str(form.get("parent_id") or "") or None
    counts = chosen(await trajectories_of(request, user, family_id), family_id, parent_id)
    name, body = trajectory_command(action, form, counts)
    return await command(
        request, user, "trajectory", name,
        {"family_id": family_id, "parent_id": parent_id, **body},
        f"/trajectories/{family_id}",
    )
