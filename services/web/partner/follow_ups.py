"""ESF participant data: the follow-ups due six months after exit, and each parent's data form."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from contracts.participants import LabourStatus, Moment
from services.web.common import TrajectoriesUser, render
from services.web.partner.talk import ask, command, names, number

router = APIRouter()
PAGE = "/follow-ups"


def participant_data(form: Any, family_id: str, moment: Moment) -> dict[str, Any]:
    """The RecordParticipantData a form describes (blank answers left for the rules to judge)."""
    status = form.get("labour_status")
    body: dict[str, Any] = {
        "family_id": family_id, "parent_id": form.get("parent_id") or None,
        "trajectory_id": form.get("trajectory_id") or None,
        "moment": moment.value, "recorded_on": form.get("recorded_on"),
        "labour_status": status, "age": number(form.get("age"), int),
        "isced_level": number(form.get("isced_level"), int),
        "single_parent_household": form.get("single_parent_household") == "yes"}
    if status == LabourStatus.UNEMPLOYED.value:
        body["months_unemployed"] = number(form.get("months_unemployed"), int)
    if status == LabourStatus.INACTIVE.value:
        body["in_education_or_training"] = form.get("in_education_or_training") == "yes"
    return body


@router.get(PAGE, include_in_schema=False)
async def follow_ups_page(request: Request, user: TrajectoriesUser, mine: bool = False
                          ) -> Response:
    params = {"coach_id": user.username} if mine else {}
    rows = await ask(request, user, "trajectory", "follow_ups", **params)
    return render(request, "follow_ups.html", follow_ups=rows, mine=mine,
                  families=await names(request, user), statuses=list(LabourStatus),
                  today=date.today().isoformat())


@router.post(PAGE + "/{family_id}", include_in_schema=False)
async def record_follow_up(request: Request, user: TrajectoriesUser, family_id: str) -> Response:
    form = await request.form()
    return await command(request, user, "trajectory", "record_participant_data",
                         participant_data(form, family_id, Moment.SIX_MONTHS), PAGE)


@router.get("/participants/{family_id}", include_in_schema=False)
async def participants_page(request: Request, user: TrajectoriesUser, family_id: str
                            ) -> Response:
    """A family's trajectories, each with the form for its entry, exit or six-month data."""
    rows = await ask(request, user, "trajectory", "trajectories", family_id=family_id)
    return render(request, "participants.html", family_id=family_id, trajectories=rows,
                  families=await names(request, user), statuses=list(LabourStatus),
                  moments=list(Moment), today=date.today().isoformat())


@router.post("/participants/{family_id}", include_in_schema=False)
async def record_participant(request: Request, user: TrajectoriesUser, family_id: str
                             ) -> Response:
    form = await request.form()
    try:
        moment = Moment(str(form.get("moment")))
    except ValueError as error:
        raise HTTPException(400, f"no moment {form.get('moment')!r}: entry, exit or "
                                 "six_months") from error
    return await command(request, user, "trajectory", "record_participant_data",
                         participant_data(form, family_id, moment), f"/participants/{family_id}")
