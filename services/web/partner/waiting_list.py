"""The programme's waiting list in order (take, decline, priority) and referrers' answers as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from contracts.intake import ReferralSource
from services.web.common import FamiliesUser, render
from services.web.partner.talk import CHOICES, ask, command, number

router = APIRouter()

ANSWER_COLUMNS = ("family_id", "referred_on", "outcome", "answered_on", "reason",
                  "days_waiting")
"""The columns of the CSV a partner sends back to a referrer each month."""
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
ACTIONS = {  # form action -> the intake command, its date field and what the form adds
    "take": ("enrol_family", "enrolled_on"),
    "decline": ("decline_referral", "declined_on"),
    "priority": ("set_referral_priority", "set_on"),
}


@router.get("/waiting-list", include_in_schema=False)
async def waiting_page(request: Request, user: FamiliesUser) -> Response:
    rows = await ask(request, user, "intake", "waiting", today=date.today().isoformat())
    return render(request, "waiting.html", waiting=rows, today=date.today(),
                  month=date.today().isoformat()[:7], **CHOICES)


@router.post("/waiting-list/{family_id}/{action}", include_in_schema=False)
async def waiting_action(request: Request, user: FamiliesUser, family_id: str,
                         action: str) -> Response:
    if action not in ACTIONS:
        raise HTTPException(404, f"no action {action}")
    form = await request.form()
    name, dated = ACTIONS[action]
    body: dict[str, Any] = {"family_id": family_id, dated: str(form.get("on") or date.today())}
    match action:
        case "take":
            body["coach_id"] = user.username
        case "decline":
            body["reason"] = form.get("reason")
        case "priority":
            body["priority"] = number(form.get("priority"), int)
    return await command(request, user, "intake", name, body, "/waiting-list")


@router.get("/waiting-list/answers.csv", include_in_schema=False)
async def answers_download(
    request: Request, user: FamiliesUser,
    month: Annotated[str, Query(pattern=MONTH)],
    referrer: Annotated[ReferralSource, Query()],
) -> Response:
    """One referrer's answers given in a month, as the CSV the partner sends back to it."""
    rows = await ask(request, user, "intake", "answers", month=month, referrer=referrer.value)
    filename = f"answers-{request.app.state.partner}-{referrer.value}-{month}.csv"
    return Response(answers_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def answers_csv(rows: list[dict[str, Any]]) -> str:
    """The answers as CSV, one row a decision, with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ANSWER_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
