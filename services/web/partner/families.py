"""Families: the list and search, a referral, a family's page and its actions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from services.web.auth import User
from services.web.common import FamiliesUser, render
from services.web.partner.talk import CHOICES, ask, command, new_id, number, outcome, send

router = APIRouter()

ACTIONS = {  # form action -> the intake command and its date field
    "consent": ("record_consent", "given_on"),
    "withdraw": ("withdraw_consent", "withdrawn_on"),
    "enrol": ("enrol_family", "enrolled_on"),
    "decline": ("decline_referral", "declined_on"),
    "hold": ("hold_referral", "held_on"),
    "erase": ("erase_family", "erased_on"),
}


async def families_view(request: Request, user: User, search: str = "") -> Response:
    rows = await ask(request, user, "intake", "families", search=search)
    return render(
        request, "families.html", families=rows, search=search, today=date.today(), **CHOICES
    )


@router.get("/families", include_in_schema=False)
async def families_page(request: Request, user: FamiliesUser) -> Response:
    return await families_view(request, user)


@router.post("/families/search", include_in_schema=False)
async def search_families(request: Request, user: FamiliesUser,
                          search: Annotated[str, Form(max_length=200)] = "") -> Response:
    """By POST: the names searched for stay out of URLs, logs and the history."""
    return await families_view(request, user, search)


def referral(form: dict[str, str]) -> dict[str, Any]:
    """The refer_family command from the referral form, with fresh ids."""
    children = (
        [
            {
                "child_id": new_id("chd"),
                "first_name": form["child_first_name"],
                "birth_month": form.get("birth_month", ""),
            }
        ]
        if form.get("child_first_name")
        else []
    )
    return {
        "family_id": new_id("fam"),
        "referral_source": form.get("referral_source"),
        "referred_on": form.get("referred_on"),
        "notes": form.get("notes", ""),
        "children": children,
        "parents": [
            {
                "parent_id": new_id("par"),
                "gender": form.get("gender"),
                "full_name": form.get("parent_name", ""),
                "phone": form.get("phone") or None,
                "email": form.get("email") or None,
            }
        ],
    }


@router.post("/families", include_in_schema=False)
async def refer(request: Request, user: FamiliesUser) -> Response:
    body = referral({k: str(v).strip() for k, v in (await request.form()).items()})
    reply = await send(request, user, "intake", "refer_family", body)
    return outcome(reply, f"/families/{body['family_id']}" if reply["ok"] else "/families")


@router.get("/families/{family_id}", include_in_schema=False)
async def family_page(request: Request, user: FamiliesUser, family_id: str) -> Response:
    rows = await ask(request, user, "intake", "family", family_id=family_id)
    if not rows:
        raise HTTPException(404, f"no family {family_id}")
    reads = (await ask(request, user, "intake", "access", family_id=family_id)
             if user.may("erase") else [])  # the access records, for a partner admin
    return render(request, "family.html", family=rows[0], reads=reads, today=date.today(),
                  **CHOICES)


@router.post("/families/{family_id}/{action}", include_in_schema=False)
async def family_action(
    request: Request, user: FamiliesUser, family_id: str, action: str
) -> Response:
    if action not in ACTIONS:
        raise HTTPException(404, f"no action {action}")
    if action == "erase" and not user.may("erase"):
        raise HTTPException(403, "only a partner admin erases a family")
    form = await request.form()
    name, dated = ACTIONS[action]
    body: dict[str, Any] = {"family_id": family_id, dated: str(form.get("on") or date.today())}
    match action:
        case "consent" | "withdraw":
            body["purpose"] = form.get("purpose")
        case "enrol":
            body["coach_id"] = user.username
        case "decline":
            body["reason"] = form.get("reason")
        case "hold":
            body["priority"] = number(form.get("priority") or 3, int)
    return await command(request, user, "intake", name, body, f"/families/{family_id}")
