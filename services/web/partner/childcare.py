"""Childcare: the week view, a session's page and its bookings, the children to hand over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from contracts.booking import Daypart
from services.web.auth import Role
from services.web.childcare_release import bridging
from services.web.common import ChildcareUser, render
from services.web.partner.talk import (
    CHOICES,
    ask,
    command,
    monday_of,
    names,
    new_id,
    number,
    split_session,
)

router = APIRouter()

BOOKING_ACTIONS = {
    "cancel": "cancel_booking",
    "check_in": "check_in",
    "check_out": "check_out",
    "no_show": "record_no_show",
}


@router.get("/childcare", include_in_schema=False)
async def week_page(request: Request, user: ChildcareUser, week: str | None = None) -> Response:
    try:
        start = monday_of(date.fromisoformat(week) if week else date.today())
    except ValueError as error:
        raise HTTPException(404, f"no week {week!r}") from error
    end = start + timedelta(days=7)
    rows = [
        s
        for s in await ask(
            request, user, "booking", "sessions", **{"from": start.isoformat(), "limit": 500}
        )
        if s["date"] < end.isoformat()
    ]
    by_cell = {(s["location"], s["date"], s["daypart"]): s for s in rows}
    days = [
        start + timedelta(days=i)
        for i in range(7)
        if i < 5 or any(s["date"] == (start + timedelta(days=i)).isoformat() for s in rows)
    ]
    places = sorted(set(request.app.state.locations) | {s["location"] for s in rows})
    week_bookings = await ask(
        request,
        user,
        "booking",
        "bookings",
        **{"from": start.isoformat(), "to": end.isoformat(), "limit": 2000},
    )
    return render(
        request,
        "week.html",
        bridging=bridging(week_bookings),
        is_admin=user.role is Role.PARTNER_ADMIN,
        start=start,
        days=days,
        locations=places,
        cells=by_cell,
        dayparts=list(Daypart),
        previous=start - timedelta(days=7),
        next=end,
    )


@router.get("/childcare/sessions/{session_id}", include_in_schema=False)
async def session_page(request: Request, user: ChildcareUser, session_id: str) -> Response:
    location, on, daypart = split_session(session_id)
    known = [
        s
        for s in await ask(
            request, user, "booking", "sessions", **{"from": on.isoformat(), "limit": 500}
        )
        if s["session_id"] == session_id
    ]
    bookings = await ask(request, user, "booking", "bookings", session_id=session_id)
    families = await names(request, user)
    children = {
        c["child_id"]: c["first_name"] for f in families.values() for c in f.get("children", [])
    }
    bookable = [
        (f, c)
        for f in families.values()
        if f["status"] == "enrolled"
        for c in f.get("children", [])
    ]
    return render(
        request,
        "session.html",
        session_id=session_id,
        location=location,
        on=on,
        daypart=daypart,
        session=known[0] if known else None,
        bookings=bookings,
        families=families,
        children=children,
        bookable=bookable,
        **CHOICES,
    )


def session_command(action: str, form: Any) -> tuple[str, dict[str, Any]]:
    """The booking command a session page's form asks for, without the session's fields."""
    if action == "capacity":
        return "set_daypart_capacity", {"capacity": number(form.get("capacity"), int)}
    if action == "book":
        family_id, _, child_id = str(form.get("child", "")).partition("/")
        return "book_slot", {
            "booking_id": new_id("bk"),
            "family_id": family_id,
            "child_id": child_id,
            "kind": form.get("kind") or "occasional",
            "hours": number(form.get("hours") or 4, float),
        }
    if action in BOOKING_ACTIONS:
        body: dict[str, Any] = {"booking_id": str(form.get("booking_id", ""))}
        if action in ("check_in", "check_out"):
            body["at"] = datetime.now(UTC).isoformat()
        return BOOKING_ACTIONS[action], body
    raise HTTPException(404, f"no action {action}")


@router.post("/childcare/sessions/{session_id}/{action}", include_in_schema=False)
async def session_action(
    request: Request, user: ChildcareUser, session_id: str, action: str
) -> Response:
    location, on, daypart = split_session(session_id)
    name, body = session_command(action, await request.form())
    where = {"location_id": location, "session_date": on.isoformat(), "daypart": daypart.value}
    return await command(
        request, user, "booking", name, {**where, **body}, f"/childcare/sessions/{session_id}"
    )


@router.get("/childcare/children", include_in_schema=False)
async def children_page(request: Request, user: ChildcareUser) -> Response:
    families = [f for f in (await names(request, user)).values() if f["status"] == "enrolled"]
    return render(request, "children.html", families=families, today=date.today(), **CHOICES)


@router.post("/childcare/children/{family_id}/{child_id}/handover", include_in_schema=False)
async def handover(
    request: Request,
    user: ChildcareUser,
    family_id: str,
    child_id: str,
    destination: Annotated[str, Form()],
    on: Annotated[str, Form()],
) -> Response:
    body = {"family_id": family_id, "child_id": child_id, "destination": destination,
            "handed_over_on": on}
    return await command(request, user, "booking", "hand_over_child", body, "/childcare/children")
