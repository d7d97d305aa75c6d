"""Every page of both web apps in Dutch and French shows no English interface text.

A real hub and partner (LocalNetwork) with a few families; the apps run in process (httpx
over ASGI, their lifespans connected to the real servers). Every GET route that renders
HTML is asked, so a page added later is checked too; a route with a path parameter this
test cannot fill fails until it is named in PATH_VALUES.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from apps.local import LocalNetwork
from contracts.booking import Daypart
from contracts.commands import (
    BookSlot,
    ChildDetails,
    EnrolFamily,
    HoldReferral,
    ParentDetails,
    RecordConsent,
    ReferFamily,
    SetDaypartCapacity,
)
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from contracts.periods import Period
from pace.client import CommandRefusedError, PartnerClient
from pace.connection import connect
from services.web.hub_app import create_hub_app
from services.web.i18n import LANGUAGE_COOKIE
from services.web.partner_app import create_partner_app
from tests.eventually import eventually
from tests.web.conftest import PASSWORD
from tests.web.english import EnglishFinder

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

TODAY = datetime.now(UTC).date()
SESSION_DAY = TODAY + timedelta(days=7)
SESSION = f"centre:{SESSION_DAY.isoformat()}:morning"
QUARTER = Period.quarter(TODAY.year, (TODAY.month - 1) // 3 + 1).text
PARENTS = {"fam-001": "Anouk Verhaegen", "fam-002": "Bram Peeters"}
CHILD = "Lotte"
NOTES = "Schuldbemiddeling op dinsdag"
DATA = {*PARENTS.values(), CHILD, NOTES, "mechelen", "centre", "carla", "ada", "cora", "PACE"}
PATH_VALUES = {"family_id": "fam-001", "session_id": SESSION}
"""A value for each path parameter of the pages; a new page's new parameter belongs here."""
EXTRA = {  # error pages and pages with a query
    "partner": ["/families/fam-404", "/trajectories/fam-404", "/childcare?week=nonsense",
                "/childcare/sessions/nowhere", f"/childcare?week={SESSION_DAY.isoformat()}"],
    "hub": [f"/dashboard?period={QUARTER}", "/dashboard?period=nonsense",
            f"/dashboard/figures?period={QUARTER}"],
}
NOT_PAGES = ("/api/", "/static", "/openapi.json", "/docs", "/healthz")
"""Not interface pages: the JSON API, files, and /docs (the API reference, in English like
the OpenAPI document it lists)."""


async def seed(staff: PartnerClient) -> None:
    """An enrolled family with a child booked in a session, and a family on the waiting list."""
    born = (TODAY - timedelta(days=400)).strftime("%Y-%m")
    for n, (family_id, parent) in enumerate(PARENTS.items(), 1):
        await staff.do("intake", ReferFamily(
            family_id=family_id, referral_source=ReferralSource.SOCIAL_SERVICES,
            referred_on=TODAY, notes=NOTES,
            parents=(ParentDetails(parent_id=f"par-{n:03d}", gender=Gender.FEMALE,
                                   full_name=parent),),
            children=(ChildDetails(child_id=f"chd-{n:03d}", first_name=CHILD,
                                   birth_month=born),) if n == 1 else ()))
        for purpose in ConsentPurpose:
            await staff.do("intake", RecordConsent(family_id=family_id, purpose=purpose,
                                                   given_on=TODAY))
    await staff.do("intake", EnrolFamily(family_id="fam-001", coach_id="carla",
                                         enrolled_on=TODAY))
    await staff.do("intake", HoldReferral(family_id="fam-002", held_on=TODAY, priority=2))
    where = {"location_id": "centre", "session_date": SESSION_DAY, "daypart": Daypart.MORNING}
    await staff.do("booking", SetDaypartCapacity(**where, capacity=3))

    async def booked() -> bool:  # booking learns of the enrolment asynchronously
        try:
            await staff.do("booking", BookSlot(**where, booking_id="bk-1", family_id="fam-001",
                                               child_id="chd-001"))
        except CommandRefusedError:
            return False
        return True

    await eventually(booked)
    await eventually(lambda: staff.query("trajectory", "trajectories"))


def api_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(path, route) of every route, those of included routers too (FastAPI keeps an
    included router as one route holding the router it includes)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif (included := getattr(route, "original_router", None)) is not None:
            context = getattr(route, "include_context", None)
            yield from api_routes(included.routes, prefix + getattr(context, "prefix", ""))


def pages(app: FastAPI, extra: list[str]) -> list[str]:
    """Every GET route of the app that is a page, its path parameters filled in."""
    paths = []
    for path, route in api_routes(app.routes):
        if "GET" not in route.methods or path.startswith(NOT_PAGES):
            continue
        params = [p.name for p in route.dependant.path_params]
        unknown = [p for p in params if p not in PATH_VALUES]
        assert not unknown, f"{path}: name a value for {unknown} in PATH_VALUES"
        paths.append(path.format(**{p: PATH_VALUES[p] for p in params}))
    return [*paths, *extra]


def test_the_pages_of_the_partner_app_include_those_of_its_routers(sessions):
    found = pages(create_partner_app("mechelen", "nats://127.0.0.1:9", sessions), [])

    assert {"/families", "/families/fam-001", "/waiting-list", "/childcare",
            f"/childcare/sessions/{SESSION}", "/childcare/children", "/trajectories",
            "/trajectories/fam-001", "/login"} <= set(found)
    assert not any(path.startswith("/api/") for path in found)


@asynccontextmanager
async def in_process(app: FastAPI, usernames: list[str]
                     ) -> AsyncIterator[list[httpx.AsyncClient]]:
    """The app with its lifespan run, and a client logged in as each of `usernames`."""
    async with app.router.lifespan_context(app), AsyncExitStack() as stack:
        clients = []
        for username in usernames:
            client = await stack.enter_async_context(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1", timeout=30))
            reply = await client.post("/api/login",
                                      json={"username": username, "password": PASSWORD})
            assert reply.status_code == 200, reply.text
            clients.append(client)
        yield clients


async def get_as_any(clients: list[httpx.AsyncClient], path: str) -> httpx.Response:
    """The page as the first login whose role may see it (the last one's 403 otherwise)."""
    for client in clients:
        reply = await client.get(path)
        if reply.status_code != 403:
            return reply
    return reply


FORMS = {  # a form each whose outcome (a flash) shows on the next page: refused, then done
    "partner": [("/families/fam-001/enrol", {"on": TODAY.isoformat()}),
                ("/families/fam-001/hold", {"on": TODAY.isoformat(), "priority": "2"}),
                ("/waiting-list/fam-002/priority", {"priority": "1"}),
                ("/childcare/release", {}),
                ("/childcare/children/fam-001/chd-001/handover", {})],  # fields missing
    "hub": [("/dashboard/approve", {"partner": "mechelen", "period": QUARTER})],
}


async def english_on_pages(clients: list[httpx.AsyncClient], paths: list[str],
                           forms: list[tuple[str, dict[str, str]]]
                           ) -> dict[str, dict[str, list[str]]]:
    """Per language and page: the English words shown (nothing when all is translated);
    each form's outcome is read on the page it leads back to."""
    found: dict[str, dict[str, list[str]]] = {}
    shown = 0
    client = clients[0]  # the forms are sent as the first login
    for language in ("nl", "fr"):
        finder = EnglishFinder(language, DATA)
        for each in clients:
            each.cookies.set(LANGUAGE_COOKIE, language)
        replies = [(path, await get_as_any(clients, path)) for path in paths]
        for action, form in forms:
            posted = await client.post(action, data=form)
            if posted.status_code == 422:  # a form with fields missing: an error page
                replies.append((action, posted))
                continue
            assert posted.status_code == 303, (action, posted.text[:500])
            back = posted.headers["location"]
            replies.append((f"{action} -> {back}", await client.get(back)))
            assert 'id="flash"' in replies[-1][1].text, action
        for path, reply in replies:
            assert reply.status_code < 500, (
                f"{path} answered {reply.status_code}: start what it asks in this test's "
                "network, so that its page is checked")
            assert reply.status_code != 403, f"{path}: no login of this test may see it"
            if not reply.headers.get("content-type", "").startswith("text/html"):
                continue
            assert "<html" not in reply.text or f'<html lang="{language}">' in reply.text, path
            shown += 1
            if english := finder.found(reply.text):
                found[f"{language} {path}"] = english
    assert shown >= 2 * len(paths) - 4, "most pages did not render HTML"
    return found


async def test_no_english_shows_on_a_dutch_or_french_page(tmp_path, sessions):
    async with LocalNetwork(tmp_path / "net", ["mechelen"], figures=True) as network:
        staff = PartnerClient(await connect(network.partner_url("mechelen"),
                                            network.partner_auth("mechelen")), "mechelen")
        try:
            await seed(staff)
            await network.wait_for_hub(timeout=60)
        finally:
            await staff.nc.close()
        partner = create_partner_app("mechelen", network.partner_url("mechelen"), sessions)
        hub = create_hub_app(network.hub_url, sessions, auth=network.coordinator_auth)
        async with in_process(partner, ["ada", "carla", "wout"]) as clients:
            found = await english_on_pages(clients, pages(partner, EXTRA["partner"]),
                                           FORMS["partner"])
            login = await clients[0].get("/login")
        async with in_process(hub, ["cora"]) as clients:
            found |= await english_on_pages(clients, pages(hub, EXTRA["hub"]), FORMS["hub"])

    assert "Mot de passe" in login.text  # the last language asked for, kept
    assert found == {}, "English on Dutch or French pages:\n" + "\n".join(
        f"{page}: {text!r} {words}" for page, texts in found.items()
        for text, words in list(texts.items())[:6])
