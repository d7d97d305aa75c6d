"""The coach's daily work: the list of overdue actions and quiet trajectories, contacts, actions."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from contracts.trajectory import ActionOwner, ContactChannel, ContactKind
from services.web.auth import Role, User
from services.web.common import TrajectoriesUser, redirect, render
from services.web.partner.talk import ask, command, names, new_id, outcome, send

router = APIRouter()
ACTION_CHANGES = {"done": ("complete_plan_action", "completed_on"),
                  "drop": ("drop_plan_action", "dropped_on"),
                  "redate": ("redate_plan_action", "redated_on")}

CASEWORK_CHOICES = {"contact_kinds": list(ContactKind), "channels": list(ContactChannel),
                    "owners": list(ActionOwner)}


async def with_casework(request: Request, user: User, family_id: str,
                        rows: list[dict[str, Any]]) -> None:
    """Each trajectory row gets its contacts (with their notes from the vault) and actions."""
    [work] = await ask(request, user, "trajectory", "casework", family_id=family_id)
    notes = await ask(request, user, "intake", "contact_notes", family_id=family_id)
    kept = notes[0]["notes"] if notes else {}
    for row in rows:
        mine = row["trajectory_id"]
        row["contacts"] = [{**c, "note": kept.get(c["contact_id"], "")}
                           for c in work["contacts"] if c["trajectory_id"] == mine]
        row["actions"] = [a for a in work["actions"] if a["trajectory_id"] == mine]


def whose(user: User, asked: str | None) -> str | None:
    """The coach whose list to show: a coach sees only their own, an admin anyone's or all."""
    if user.role is Role.COACH:
        return user.username
    return asked or None


def by_coach(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows grouped by coach (the query orders them by coach)."""
    return [(coach, list(group)) for coach, group in groupby(rows, key=lambda r: r["coach_id"])]


@router.get("/coach", include_in_schema=False)
async def coach_page(request: Request, user: TrajectoriesUser, coach: str | None = None
                     ) -> Response:
    """Overdue actions and trajectories with no contact for N weeks, per coach."""
    chosen = whose(user, coach)
    [listed] = await ask(request, user, "trajectory", "coach_list", coach_id=chosen)
    families = await names(request, user)
    coaches = sorted({r["coach_id"] for r in listed["overdue"] + listed["silent"]})
    return render(request, "coach.html", coach=chosen, listed=listed, families=families,
                  coaches=coaches, overdue=by_coach(listed["overdue"]),
                  silent=by_coach(listed["silent"]))


def _on(form: Any) -> str:
    return str(form.get("on") or date.today().isoformat())


@router.post("/casework/{family_id}/contact", include_in_schema=False)
async def record_contact(request: Request, user: TrajectoriesUser, family_id: str) -> Response:
    """A contact, then its note into intake's vault (the event carries only the reference)."""
    form = await request.form()
    back = f"/trajectories/{family_id}"
    contact_id = new_id("contact")
    reply = await send(request, user, "trajectory", "record_contact", {
        "family_id": family_id, "parent_id": str(form.get("parent_id") or "") or None,
        "contact_id": contact_id, "kind": form.get("kind"), "channel": form.get("channel"),
        "contacted_on": _on(form)})
    note = str(form.get("note") or "").strip()
    if not reply["ok"] or not note:
        return outcome(reply, back)
    kept = await send(request, user, "intake", "keep_contact_note",
                      {"family_id": family_id, "contact_id": contact_id, "note": note})
    if not kept["ok"]:
        return redirect(back, "refused", f"note not kept: {kept['error']['message']}")
    return outcome(reply, back)


@router.post("/casework/{family_id}/actions", include_in_schema=False)
async def add_action(request: Request, user: TrajectoriesUser, family_id: str) -> Response:
    form = await request.form()
    return await command(request, user, "trajectory", "add_plan_action", {
        "family_id": family_id, "parent_id": str(form.get("parent_id") or "") or None,
        "action_id": new_id("action"), "owner": form.get("owner"),
        "due_on": form.get("due_on"), "life_domain": form.get("life_domain") or None,
        "added_on": _on(form)}, f"/trajectories/{family_id}")


@router.post("/casework/{family_id}/actions/{action_id}/{change}", include_in_schema=False)
async def change_action(request: Request, user: TrajectoriesUser, family_id: str,
                        action_id: str, change: str) -> Response:
    """Complete, drop or re-date an action; back to the page the form was on."""
    if change not in ACTION_CHANGES:
        raise HTTPException(404, f"no change {change}")
    form = await request.form()
    name, dated = ACTION_CHANGES[change]
    body = {"family_id": family_id, "action_id": action_id, dated: _on(form)}
    if change == "redate":
        body["due_on"] = form.get("due_on")
    back = "/coach" if form.get("back") == "coach" else f"/trajectories/{family_id}"
    return await command(request, user, "trajectory", name, body, back)
