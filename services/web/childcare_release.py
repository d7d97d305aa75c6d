"""Childcare places that follow the trajectory: bridging marks and the "release now" action."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.web.auth import Role
from services.web.common import ChildcareUser, redirect
from services.web.i18n import MESSAGES
from services.web.partner.talk import ask, send

MESSAGES.update(
    {
        "bridging": ("bridging", "overbrugging", "transition"),
        "bridging_until": ("bridging until", "overbrugging tot", "transition jusqu'au"),
        "release_now": (
            "Release due places now",
            "Vervallen plaatsen nu vrijgeven",
            "Libérer maintenant les places échues",
        ),
        "release_hint": (
            "Booking also does this every night by itself.",
            "Booking doet dit ook elke nacht vanzelf.",
            "La réservation le fait aussi chaque nuit d'elle-même.",
        ),
    }
)

def bridging(bookings: list[dict[str, Any]]) -> dict[tuple[str, str, str], int]:
    """Per (location, date, day-part): active places of families in their bridging period."""
    cells: dict[tuple[str, str, str], int] = {}
    for b in bookings:
        if b.get("bridging_ends_on") and b["status"] in ("booked", "waitlisted", "checked_in"):
            key = (b["location"], b["date"], b["daypart"])
            cells[key] = cells.get(key, 0) + 1
    return cells


def release_router() -> APIRouter:
    """POST /childcare/release: a partner admin releases the places due today, at once."""
    router = APIRouter()

    @router.post("/childcare/release", include_in_schema=False)
    async def release_now(request: Request, user: ChildcareUser) -> Response:
        if user.role is not Role.PARTNER_ADMIN:
            raise HTTPException(403, "only a partner admin may release places by hand")
        [policy] = await ask(request, user, "booking", "policy")
        reply = await send(request, user, "booking", "release_due_bookings",
                           {"today": policy["today"]}, timeout=30.0)
        if not reply["ok"]:
            error = reply["error"]
            return redirect("/childcare", "refused", f"{error['code']}: {error['message']}")
        types = [e["event_type"] for e in reply["events"]]
        released, promoted = types.count("BookingReleased"), types.count("WaitlistPromoted")
        return redirect(
            "/childcare",
            "done",
            f"{released} places released, {promoted} waiting "
            f"children promoted (as of {policy['today']})",
        )

    return router
