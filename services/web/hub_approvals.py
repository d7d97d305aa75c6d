"""The coordinator approves or reopens a partner's quarter from the dashboard.

Each form sends one command to the hub's reporting service over NATS
(`pace.network.cmd.<partner>.approve_figures|reopen_figures`, allowed to the coordinator's
user only) and comes back to the dashboard saying what happened.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

import nats
import orjson
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from contracts import subjects
from contracts.reporting import QUARTER_PATTERN
from pace.service import ACTOR_HEADER
from services.web.common import CoordinatorUser
from services.web.partner.talk import outcome


def _checked(partner: str, period: str) -> None:
    try:
        subjects.check_partner(partner)
    except ValueError as error:
        raise HTTPException(400, str(error)) from error
    if not re.fullmatch(QUARTER_PATTERN, period):
        raise HTTPException(400, f"period {period!r}: figures are approved by quarter")


async def _send(request: Request, user: Any, name: str, body: dict[str, Any]) -> Response:
    """One approval command to the hub; back to the dashboard of that quarter."""
    _checked(body["partner_id"], body["period"])
    try:
        reply = await request.app.state.nc.request(
            subjects.hub_command_subject(body["partner_id"], name), orjson.dumps(body),
            timeout=15.0, headers={ACTOR_HEADER: user.username})
    except (nats.errors.Error, TimeoutError) as error:
        raise HTTPException(503, f"the hub does not answer: {error}") from error
    back = "/dashboard?" + urlencode({"period": body["period"]})
    return outcome(orjson.loads(reply.data), back)


def awaiting(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The quarters submitted and not yet approved, oldest first, from the approval events."""
    last: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        last[(event["partner_id"], event["period"])] = event
    return [{"partner": partner, "period": period, "on": event["submitted_on"]}
            for (partner, period), event in sorted(last.items(), key=lambda i: (i[0][1], i[0][0]))
            if event.get("event_type") == "FiguresSubmitted"]


def approvals_router() -> APIRouter:
    """POST /dashboard/approve and /dashboard/reopen (the coordinator's forms)."""
    router = APIRouter()

    @router.post("/dashboard/approve", include_in_schema=False)
    async def approve(request: Request, user: CoordinatorUser,
                      partner: Annotated[str, Form(max_length=40)],
                      period: Annotated[str, Form(max_length=7)]) -> Response:
        return await _send(request, user, "approve_figures",
                           {"partner_id": partner, "period": period})

    @router.post("/dashboard/reopen", include_in_schema=False)
    async def reopen(request: Request, user: CoordinatorUser,
                     partner: Annotated[str, Form(max_length=40)],
                     period: Annotated[str, Form(max_length=7)],
                     reason: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
        return await _send(request, user, "reopen_figures",
                           {"partner_id": partner, "period": period, "reason": reason})

    return router
