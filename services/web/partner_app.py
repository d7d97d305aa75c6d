"""The partner's web app: families, the childcare week, trajectories; over NATS only.

Every page and API route asks the partner's services through PartnerClient (the same
commands and queries as `pace command` and `pace list`), as the logged-in user. The routes
live in `services/web/partner/`, one router per area.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from pace.connection import NatsAuth, connect
from services.web.auth import Role, Sessions, User
from services.web.childcare_release import release_router
from services.web.common import NavItem, make_app
from services.web.partner import (
    api,
    childcare,
    coach,
    families,
    figures,
    follow_ups,
    trajectories,
    waiting_list,
)
from services.web.partner.writes import RecentWrites

NAV = [
    NavItem("families", "/families", "nav_families"),
    NavItem("families", "/waiting-list", "nav_waiting"),
    NavItem("childcare", "/childcare", "nav_childcare"),
    NavItem("childcare", "/childcare/children", "nav_children"),
    NavItem("trajectories", "/trajectories", "nav_trajectories"),
    NavItem("trajectories", "/coach", "nav_coach"),
    NavItem("trajectories", follow_ups.PAGE, "nav_follow_ups"),
    NavItem("partner_figures", "/figures", "nav_partner_figures"),
]


def home(user: User) -> str:
    return "/childcare" if user.role is Role.CHILDCARE_WORKER else "/families"


def create_partner_app(
    partner: str, nats_url: str, sessions: Sessions, locations: list[str] | None = None,
    auth: NatsAuth | None = None,
) -> FastAPI:
    """The web app of one partner, on the partner's NATS (as PACE_NATS_* unless `auth`)."""
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
    app.state.partner = partner
    app.state.locations = list(locations or ["centre"])
    app.state.writes = RecentWrites()
    app.include_router(release_router())
    for router in (families.router, waiting_list.router, childcare.router, trajectories.router,
                   coach.router, follow_ups.router, figures.router, api.router):
        app.include_router(router)
    return app
