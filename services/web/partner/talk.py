"""How the partner's pages talk to its services: queries, commands and their outcome."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import nats
from fastapi import HTTPException, Request
from fastapi.responses import Response

from contracts.booking import LOCATION_PATTERN, BookingKind, Daypart, HandoverDestination
from contracts.intake import ConsentPurpose, DeclineReason, Gender, ReferralSource
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from pace.client import CommandRefusedError, PartnerClient
from pace.read_your_writes import AFTER
from services.web.auth import User
from services.web.common import redirect

CHOICES = {
    "genders": list(Gender),
    "sources": list(ReferralSource),
    "purposes": list(ConsentPurpose),
    "decline_reasons": list(DeclineReason),
    "kinds": list(BookingKind),
    "dayparts": list(Daypart),
    "destinations": list(HandoverDestination),
    "goals": list(LifeDomain),
    "training_kinds": list(TrainingKind),
    "job_kinds": list(JobKind),
    "outcomes": list(CompletionOutcome),
    "drop_reasons": list(DropReason),
}


def client(request: Request, user: User) -> PartnerClient:
    """The partner's services, asked as the logged-in user."""
    return PartnerClient(request.app.state.nc, request.app.state.partner, actor=user.username)


async def ask(
    request: Request, user: User, context: str, name: str, **params: Any
) -> list[dict[str, Any]]:
    """A query's rows; 503 when the service does not answer, 400 when it refuses."""
    if context == "intake":  # intake keeps an access record of every personal read
        params = {"reader": f"web:{user.username}", "purpose": request.url.path, **params}
    if written := request.app.state.writes.of(user.username):
        params[AFTER] = written  # the views show the user's own commands first
    try:
        return await client(request, user).query(context, name, timeout=5.0, **params)
    except (nats.errors.Error, TimeoutError) as error:
        raise HTTPException(503, f"{context} does not answer: {error}") from error
    except CommandRefusedError as error:
        raise HTTPException(400, error.message) from error


async def send(
    request: Request, user: User, context: str, name: str, body: dict[str, Any],
    timeout: float = 10.0,
) -> dict[str, Any]:
    """A command's reply (events or a typed error); its events become the user's recent writes."""
    try:
        reply = await client(request, user).send(context, body, name=name, timeout=timeout)
    except (nats.errors.Error, TimeoutError) as error:
        raise HTTPException(503, f"{context} does not answer: {error}") from error
    if reply["ok"]:
        request.app.state.writes.remember(user.username, reply["events"])
    return reply


async def command(
    request: Request, user: User, context: str, name: str, body: dict[str, Any], back: str
) -> Response:
    """Send a command from a form; back to the page with what happened."""
    return outcome(await send(request, user, context, name, body), back)


def outcome(reply: dict[str, Any], back: str) -> Response:
    """Back to a page, saying which events the command recorded or why it was refused."""
    if reply["ok"]:
        types = [e["event_type"] for e in reply["events"]]
        return redirect(back, "done", ", ".join(types) or "nothing_to_do")
    error = reply["error"]
    details = "; ".join(f"{d['field']}: {d['problem']}" for d in error.get("details", []))
    return redirect(back, "refused", f"{error['code']}: {error['message']} {details}")


async def names(request: Request, user: User) -> dict[str, dict[str, Any]]:
    """family_id -> the family row with parents' names and children (from the vault)."""
    return {f["family_id"]: f for f in await ask(request, user, "intake", "families")}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def split_session(session_id: str) -> tuple[str, date, Daypart]:
    """A session id's location, date and day-part; 404 when it is not one."""
    try:
        location, on, daypart = session_id.split(":")
        if not re.match(LOCATION_PATTERN, location):
            raise ValueError(location)
        return location, date.fromisoformat(on), Daypart(daypart)
    except ValueError as error:
        raise HTTPException(404, f"no session {session_id!r}") from error


def number(value: Any, kind: type) -> Any:
    """A form's number, or the text itself for the service to refuse with its reason."""
    try:
        return kind(value)
    except (TypeError, ValueError):
        return value
