"""The partner's web app: families, the childcare week, trajectories; over NATS only.

Every page and API route asks the partner's services through PartnerClient (the same
commands and queries as `pace command` and `pace list`), as the logged-in user.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import nats
from fastapi import Body, FastAPI, Form, HTTPException, Request, Security
from fastapi.responses import JSONResponse, Response

from contracts.booking import LOCATION_PATTERN, BookingKind, Daypart, HandoverDestination
from contracts.commands import COMMANDS
from contracts.intake import ConsentPurpose, DeclineReason, Gender, ReferralSource
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from pace.client import CommandRefusedError, PartnerClient
from pace.connection import NatsAuth, connect
from services.web.auth import Role, Sessions, User
from services.web.childcare_release import bridging, release_router
from services.web.common import (
    ChildcareUser,
    FamiliesUser,
    NavItem,
    TrajectoriesUser,
    allow,
    make_app,
    redirect,
    render,
    session_cookie,
)

NAV = [
    NavItem("families", "/families", "nav_families"),
    NavItem("childcare", "/childcare", "nav_childcare"),
    NavItem("childcare", "/childcare/children", "nav_children"),
    NavItem("trajectories", "/trajectories", "nav_trajectories"),
]
CONTEXT_AREAS = {"intake": "families", "booking": "childcare", "trajectory": "trajectories"}
BOOKING_ACTIONS = {
    "cancel": "cancel_booking",
    "check_in": "check_in",
    "check_out": "check_out",
    "no_show": "record_no_show",
}
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


Shown = Callable[[list[str]], Awaitable[bool]]
SETTLE_SECONDS = 5.0


async def settle(check: Callable[[], Awaitable[bool]]) -> bool:
    """Poll a read model until it shows a command's effect, or give up after a while."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    while loop.time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def split_session(session_id: str) -> tuple[str, date, Daypart]:
    import re

    try:
        location, on, daypart = session_id.split(":")
        if not re.match(LOCATION_PATTERN, location):
            raise ValueError(location)
        return location, date.fromisoformat(on), Daypart(daypart)
    except ValueError as error:
        raise HTTPException(404, f"no session {session_id!r}") from error


def home(user: User) -> str:
    return "/childcare" if user.role is Role.CHILDCARE_WORKER else "/families"


def create_partner_app(
    partner: str, nats_url: str, sessions: Sessions, locations: list[str] | None = None,
    auth: NatsAuth | None = None,
) -> FastAPI:
    """The web app of one partner, talking to the partner's services on nats_url
    (as the PACE_NATS_* user unless `auth` is given)."""
    auth = auth if auth is not None else NatsAuth.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.nc = await connect(
            nats_url, auth, max_reconnect_attempts=-1, name=f"web-{partner}"
        )
        try:
            yield
        finally:
            await app.state.nc.close()

    app = make_app(
        f"PACE {partner}",
        f"The web app of partner {partner}: families, "
        "childcare and trajectories, over the partner's NATS commands and queries.",
        sessions,
        NAV,
        partner,
        lifespan,
        home,
    )
    default_locations = list(locations or ["centre"])
    app.include_router(release_router(partner))

    def client(request: Request, user: User) -> PartnerClient:
        return PartnerClient(request.app.state.nc, partner, actor=user.username)

    async def ask(
        request: Request, user: User, context: str, name: str, **params: Any
    ) -> list[dict[str, Any]]:
        if context == "intake":  # intake keeps an access record of every personal read
            params = {"reader": f"web:{user.username}", "purpose": request.url.path, **params}
        try:
            return await client(request, user).query(context, name, timeout=5.0, **params)
        except (nats.errors.Error, TimeoutError) as error:
            raise HTTPException(503, f"{context} does not answer: {error}") from error
        except CommandRefusedError as error:
            raise HTTPException(400, error.message) from error

    async def send(
        request: Request, user: User, context: str, name: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            return await client(request, user).send(context, body, name=name, timeout=10.0)
        except (nats.errors.Error, TimeoutError) as error:
            raise HTTPException(503, f"{context} does not answer: {error}") from error

    async def command(
        request: Request,
        user: User,
        context: str,
        name: str,
        body: dict[str, Any],
        back: str,
        shown: Shown | None = None,
    ) -> Response:
        """Send a command from a form; back to the page with what happened.

        The read models follow the events asynchronously: when `shown` is given, wait (a few
        seconds at most) until it sees the command's effect, so the next page shows it.
        """
        reply = await send(request, user, context, name, body)
        if reply["ok"]:
            types = [e["event_type"] for e in reply["events"]]
            if shown is not None and types:
                await settle(lambda: shown(types))
            return redirect(back, "done", ", ".join(types) or "nothing_to_do")
        error = reply["error"]
        details = "; ".join(f"{d['field']}: {d['problem']}" for d in error.get("details", []))
        return redirect(back, "refused", f"{error['code']}: {error['message']} {details}")

    async def family_in(request: Request, user: User, family_id: str, status: str) -> bool:
        rows = await ask(request, user, "intake", "family", family_id=family_id)
        return bool(rows) and rows[0]["status"] == status

    async def names(request: Request, user: User) -> dict[str, dict[str, Any]]:
        """family_id -> the family row with parents' names and children (from the vault)."""
        return {f["family_id"]: f for f in await ask(request, user, "intake", "families")}

    # -- families ----------------------------------------------------------------------

    async def families_view(request: Request, user: User, search: str = "") -> Response:
        rows = await ask(request, user, "intake", "families", search=search)
        return render(
            request, "families.html", families=rows, search=search, today=date.today(), **CHOICES
        )

    @app.get("/families", include_in_schema=False)
    async def families_page(request: Request, user: FamiliesUser) -> Response:
        return await families_view(request, user)

    @app.post("/families/search", include_in_schema=False)
    async def search_families(request: Request, user: FamiliesUser,
                              search: Annotated[str, Form(max_length=200)] = "") -> Response:
        """By POST: the names searched for stay out of URLs, logs and the history."""
        return await families_view(request, user, search)

    @app.post("/families", include_in_schema=False)
    async def refer(request: Request, user: FamiliesUser) -> Response:
        form = {k: str(v).strip() for k, v in (await request.form()).items()}
        family_id = new_id("fam")
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
        body = {
            "family_id": family_id,
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
        reply = await send(request, user, "intake", "refer_family", body)
        if not reply["ok"]:
            return await command(request, user, "intake", "refer_family", body, "/families")
        await settle(lambda: family_in(request, user, family_id, "referred"))
        return redirect(f"/families/{family_id}", "done", "FamilyReferred")

    @app.get("/families/{family_id}", include_in_schema=False)
    async def family_page(request: Request, user: FamiliesUser, family_id: str) -> Response:
        rows = await ask(request, user, "intake", "family", family_id=family_id)
        if not rows:
            raise HTTPException(404, f"no family {family_id}")
        reads = (await ask(request, user, "intake", "access", family_id=family_id)
                 if user.may("erase") else [])  # the access records, for a partner admin
        return render(request, "family.html", family=rows[0], reads=reads, today=date.today(),
                      **CHOICES)

    @app.post("/families/{family_id}/{action}", include_in_schema=False)
    async def family_action(
        request: Request, user: FamiliesUser, family_id: str, action: str
    ) -> Response:
        form = await request.form()
        on = str(form.get("on") or date.today().isoformat())
        back = f"/families/{family_id}"
        match action:
            case "consent":
                body = {"family_id": family_id, "purpose": form.get("purpose"), "given_on": on}
                name = "record_consent"
            case "withdraw":
                body = {"family_id": family_id, "purpose": form.get("purpose"),
                        "withdrawn_on": on}
                name = "withdraw_consent"
            case "enrol":
                body = {"family_id": family_id, "coach_id": user.username, "enrolled_on": on}
                name = "enrol_family"
            case "decline":
                body = {"family_id": family_id, "reason": form.get("reason"), "declined_on": on}
                name = "decline_referral"
            case "erase":
                if not user.may("erase"):
                    raise HTTPException(403, "only a partner admin erases a family")
                body, name = {"family_id": family_id, "erased_on": on}, "erase_family"
            case _:
                raise HTTPException(404, f"no action {action}")
        status = {"enrol": "enrolled", "decline": "declined", "erase": "erased"}.get(action)

        async def shown(_types: list[str]) -> bool:
            return status is None or await family_in(request, user, family_id, status)

        return await command(request, user, "intake", name, body, back, shown)

    # -- childcare ---------------------------------------------------------------------

    @app.get("/childcare", include_in_schema=False)
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
        places = sorted(set(default_locations) | {s["location"] for s in rows})
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

    @app.get("/childcare/sessions/{session_id}", include_in_schema=False)
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

    @app.post("/childcare/sessions/{session_id}/{action}", include_in_schema=False)
    async def session_action(
        request: Request, user: ChildcareUser, session_id: str, action: str
    ) -> Response:
        location, on, daypart = split_session(session_id)
        form = await request.form()
        where = {"location_id": location, "session_date": on.isoformat(), "daypart": daypart.value}
        back = f"/childcare/sessions/{session_id}"

        async def statuses() -> dict[str, str]:
            rows = await ask(request, user, "booking", "bookings", session_id=session_id)
            return {b["booking_id"]: b["status"] for b in rows}

        before = await statuses()

        def shown_as(booking_id: str | None, *expected: str) -> Shown:
            """The booking in an expected status and every promotion applied."""

            async def shown(types: list[str]) -> bool:
                now = await statuses()
                waiting = [sum(v == "waitlisted" for v in m.values()) for m in (before, now)]
                joined = int("SlotWaitlisted" in types) - types.count("WaitlistPromoted")
                if waiting[1] != waiting[0] + joined:
                    return False
                return booking_id is None or now.get(booking_id) in expected

            return shown

        if action == "capacity":
            capacity = _number(form.get("capacity"), int)
            return await command(
                request,
                user,
                "booking",
                "set_daypart_capacity",
                {**where, "capacity": capacity},
                back,
                shown_as(None),
            )
        if action == "book":
            family_id, _, child_id = str(form.get("child", "")).partition("/")
            booking_id = new_id("bk")
            return await command(
                request,
                user,
                "booking",
                "book_slot",
                {
                    **where,
                    "booking_id": booking_id,
                    "family_id": family_id,
                    "child_id": child_id,
                    "kind": form.get("kind") or "occasional",
                    "hours": _number(form.get("hours") or 4, float),
                },
                back,
                shown_as(booking_id, "booked", "waitlisted"),
            )
        if action in BOOKING_ACTIONS:
            body = {**where, "booking_id": str(form.get("booking_id", ""))}
            if action in ("check_in", "check_out"):
                body["at"] = datetime.now(UTC).isoformat()
            expected = {
                "cancel": "cancelled",
                "check_in": "checked_in",
                "check_out": "attended",
                "no_show": "no_show",
            }[action]
            return await command(
                request,
                user,
                "booking",
                BOOKING_ACTIONS[action],
                body,
                back,
                shown_as(body["booking_id"], expected),
            )
        raise HTTPException(404, f"no action {action}")

    @app.get("/childcare/children", include_in_schema=False)
    async def children_page(request: Request, user: ChildcareUser) -> Response:
        families = [f for f in (await names(request, user)).values() if f["status"] == "enrolled"]
        return render(request, "children.html", families=families, today=date.today(), **CHOICES)

    @app.post("/childcare/children/{family_id}/{child_id}/handover", include_in_schema=False)
    async def handover(
        request: Request,
        user: ChildcareUser,
        family_id: str,
        child_id: str,
        destination: Annotated[str, Form()],
        on: Annotated[str, Form()],
    ) -> Response:
        return await command(
            request,
            user,
            "booking",
            "hand_over_child",
            {
                "family_id": family_id,
                "child_id": child_id,
                "destination": destination,
                "handed_over_on": on,
            },
            "/childcare/children",
        )

    # -- trajectories ------------------------------------------------------------------

    @app.get("/trajectories", include_in_schema=False)
    async def trajectories_page(request: Request, user: TrajectoriesUser) -> Response:
        rows = await ask(request, user, "trajectory", "trajectories")
        return render(
            request, "trajectories.html", trajectories=rows, families=await names(request, user)
        )

    @app.get("/trajectories/{family_id}", include_in_schema=False)
    async def trajectory_page(request: Request, user: TrajectoriesUser, family_id: str) -> Response:
        rows = [
            r
            for r in await ask(request, user, "trajectory", "trajectories")
            if r["family_id"] == family_id
        ]
        if not rows:
            raise HTTPException(404, f"no trajectory for family {family_id}")
        family = await ask(request, user, "intake", "family", family_id=family_id)
        row = rows[0]
        return render(
            request,
            "trajectory.html",
            trajectory=row,
            family=family[0] if family else None,
            today=date.today(),
            training_ids=[f"{family_id}-t{i}" for i in range(1, row["trainings"] + 1)],
            job_ids=[f"{family_id}-j{i}" for i in range(1, row["jobs"] + 1)],
            **CHOICES,
        )

    @app.post("/trajectories/{family_id}/{action}", include_in_schema=False)
    async def trajectory_action(
        request: Request, user: TrajectoriesUser, family_id: str, action: str
    ) -> Response:
        form = await request.form()
        on = str(form.get("on") or date.today().isoformat())
        rows = [
            r
            for r in await ask(request, user, "trajectory", "trajectories")
            if r["family_id"] == family_id
        ]
        counts = rows[0] if rows else {"trainings": 0, "jobs": 0}
        body: dict[str, Any] = {"family_id": family_id}
        match action:
            case "plan":
                name = "agree_plan"
                body |= {"goals": form.getlist("goals"), "agreed_on": on}
            case "training":
                name = "start_training"
                body |= {
                    "training_id": f"{family_id}-t{counts['trainings'] + 1}",
                    "kind": form.get("kind"),
                    "started_on": on,
                }
            case "training_done":
                name = "complete_training"
                body |= {"training_id": form.get("training_id"), "completed_on": on}
            case "job":
                name = "start_job"
                body |= {
                    "job_id": f"{family_id}-j{counts['jobs'] + 1}",
                    "kind": form.get("kind"),
                    "hours_per_week": _number(form.get("hours_per_week"), float),
                    "started_on": on,
                }
            case "job_end":
                name = "end_job"
                body |= {"job_id": form.get("job_id"), "ended_on": on}
            case "involvement":
                name, body = "record_involvement_day", body | {"attended_on": on}
            case "complete":
                name = "complete_trajectory"
                body |= {"outcome": form.get("outcome"), "completed_on": on}
            case "drop":
                name = "drop_trajectory"
                body |= {"reason": form.get("reason"), "dropped_on": on}
            case _:
                raise HTTPException(404, f"no action {action}")
        changes = {
            "training": ("trainings", counts["trainings"] + 1),
            "job": ("jobs", counts["jobs"] + 1),
            "complete": ("status", "completed"),
            "drop": ("status", "dropped"),
        }

        async def shown(_types: list[str]) -> bool:
            if action not in changes:
                return True
            field, value = changes[action]
            rows = await ask(request, user, "trajectory", "trajectories")
            return any(r["family_id"] == family_id and r[field] == value for r in rows)

        return await command(
            request, user, "trajectory", name, body, f"/trajectories/{family_id}", shown
        )

    # -- the JSON API ------------------------------------------------------------------

    @app.get("/api/families", tags=["families"], summary="Families with parents' names")
    async def api_families(request: Request, user: FamiliesUser) -> list[dict[str, Any]]:
        return await ask(request, user, "intake", "families")

    @app.post("/api/families/search", tags=["families"], summary="Families by name (POST: "
              "names stay out of URLs)")
    async def api_search_families(
        request: Request, user: FamiliesUser,
        search: Annotated[str, Body(embed=True, max_length=200)] = "",
    ) -> list[dict[str, Any]]:
        return await ask(request, user, "intake", "families", search=search)

    @app.get(
        "/api/families/{family_id}",
        tags=["families"],
        summary="One family: parents, children, coaching notes",
    )
    async def api_family(request: Request, user: FamiliesUser, family_id: str) -> dict[str, Any]:
        rows = await ask(request, user, "intake", "family", family_id=family_id)
        if not rows:
            raise HTTPException(404, f"no family {family_id}")
        return rows[0]

    @app.get("/api/sessions", tags=["childcare"], summary="Sessions with free places")
    async def api_sessions(
        request: Request, user: ChildcareUser, start: date | None = None
    ) -> list[dict[str, Any]]:
        return await ask(
            request, user, "booking", "sessions", **{"from": (start or date.today()).isoformat()}
        )

    @app.get("/api/bookings", tags=["childcare"], summary="Bookings of a session")
    async def api_bookings(
        request: Request, user: ChildcareUser, session_id: str
    ) -> list[dict[str, Any]]:
        return await ask(request, user, "booking", "bookings", session_id=session_id)

    @app.get("/api/waitlist", tags=["childcare"], summary="Children waiting for a place")
    async def api_waitlist(
        request: Request, user: ChildcareUser, session_id: str | None = None
    ) -> list[dict[str, Any]]:
        params = {"session_id": session_id} if session_id else {}
        return await ask(request, user, "booking", "waitlist", **params)

    @app.get("/api/trajectories", tags=["trajectories"], summary="Trajectories and progress")
    async def api_trajectories(request: Request, user: TrajectoriesUser) -> list[dict[str, Any]]:
        return await ask(request, user, "trajectory", "trajectories")

    @app.post(
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

    return app


def _number(value: Any, kind: type) -> Any:
    """A form's number, or the text itself for the service to refuse with its reason."""
    try:
        return kind(value)
    except (TypeError, ValueError):
        return value
