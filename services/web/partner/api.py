"""The JSON API: the same queries and commands as the pages, for scripts and other tools."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, Security
from fastapi.responses import JSONResponse, Response

from contracts.commands import COMMANDS
from services.web.common import (
    ChildcareUser,
    FamiliesUser,
    TrajectoriesUser,
    allow,
    session_cookie,
)
from services.web.partner.talk import ask, send

router = APIRouter()

CONTEXT_AREAS = {"intake": "families", "booking": "childcare", "trajectory": "trajectories"}


@router.get("/api/families", tags=["families"], summary="Families with parents' names")
async def api_families(request: Request, user: FamiliesUser) -> list[dict[str, Any]]:
    return await ask(request, user, "intake", "families")


@router.post("/api/families/search", tags=["families"], summary="Families by name (POST: "
             "names stay out of URLs)")
async def api_search_families(
    request: Request, user: FamiliesUser,
    search: Annotated[str, Body(embed=True, max_length=200)] = "",
) -> list[dict[str, Any]]:
    return await ask(request, user, "intake", "families", search=search)


@router.get(
    "/api/families/{family_id}",
    tags=["families"],
    summary="One family: parents, children, coaching notes",
)
async def api_family(request: Request, user: FamiliesUser, family_id: str) -> dict[str, Any]:
    rows = await ask(request, user, "intake", "family", family_id=family_id)
    if not rows:
        raise HTTPException(404, f"no family {family_id}")
    return rows[0]


@router.get("/api/sessions", tags=["childcare"], summary="Sessions with free places")
async def api_sessions(
    request: Request, user: ChildcareUser, start: date | None = None
) -> list[dict[str, Any]]:
    return await ask(
        request, user, "booking", "sessions", **{"from": (start or date.today()).isoformat()}
    )


@router.get("/api/bookings", tags=["childcare"], summary="Bookings of a session")
async def api_bookings(
    request: Request, user: ChildcareUser, session_id: str
) -> list[dict[str, Any]]:
    return await ask(request, user, "booking", "bookings", session_id=session_id)


@router.get("/api/waitlist", tags=["childcare"], summary="Children waiting for a place")
async def api_waitlist(
    request: Request, user: ChildcareUser, session_id: str | None = None
) -> list[dict[str, Any]]:
    params = {"session_id": session_id} if session_id else {}
    return await ask(request, user, "booking", "waitlist", **params)


@router.get("/api/trajectories", tags=["trajectories"], summary="Trajectories and progress")
async def api_trajectories(request: Request, user: TrajectoriesUser) -> list[dict[str, Any]]:
    return await ask(request, user, "trajectory", "trajectories")


@router.post(
    "/api/commands/{context}/{name}",
    tags=["commands"],
    summary="Send a command (see `pace commands`); the events or a typed error",
    responses={400: {"description": "refused, with the service's typed error"}},
)
async def api_command(
    request: Request,
    context: str,
    name: str,
    body: Annotated[dict[str, Any], Body()],
    _cookie: Annotated[str | None, Security(session_cookie)] = None,
) -> Response:
    if name not in COMMANDS.get(context, {}):
        raise HTTPException(404, f"no command {context} {name}")
    area = "erase" if name == "erase_family" else CONTEXT_AREAS[context]
    user = allow(area)(request)
    if name == "enrol_family" and "coach_id" not in body:
        body = {**body, "coach_id": user.username}
    reply = await send(request, user, context, name, body)
    return JSONResponse(reply, status_code=200 if reply["ok"] else 400)
