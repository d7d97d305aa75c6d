"""The coordinator's dashboard at the hub: cross-border figures, charts, live updates.

It asks the hub's reporting service (`pace.network.qry.figures` and `...trends`) and
listens to the figures it publishes (`pace.network.figures.*`); each publication is pushed
to open dashboards as a server-sent event, on which the page fetches its figures again.
For a quarter the coordinator approves submitted figures or reopens approved ones
(services.web.hub_approvals); an approved partner's figures are the approved ones, with
later changes beside them as adjustments.
The hub holds no personal data, and neither does anything here.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import date
from typing import Any

import nats
import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from contracts import subjects
from contracts.indicators import KEY_TRENDS, format_value
from contracts.periods import PROGRAMME_START, quarter_ends
from contracts.report import country_order, report_from_dict, share_percent
from contracts.reporting import QUARTER_PATTERN
from pace.connection import NatsAuth, connect
from services.web.asking import ask as ask_service
from services.web.asking import checked_period
from services.web.auth import Sessions, User
from services.web.common import CoordinatorUser, NavItem, language_of, make_app, render
from services.web.figures import AFTER_COACHING_INDICATORS, KEY_INDICATORS
from services.web.figures_charts import PALETTE, bar_chart, trend_charts
from services.web.figures_dhis2 import MappingError, dhis2_period, load_mapping, to_dhis2
from services.web.hub_approvals import approvals_router, awaiting
from services.web.i18n import chart_words

NAV = [NavItem("figures", "/dashboard", "nav_dashboard")]
KEEPALIVE_SECONDS = 15.0


class FiguresFeed:
    """Fans the hub's figures publications out to every open dashboard."""

    def __init__(self) -> None:
        self.listeners: set[asyncio.Queue[str]] = set()
        self.published = 0
        self.closed = asyncio.Event()

    def publish(self, scope: str) -> None:
        self.published += 1
        for queue in self.listeners:
            queue.put_nowait(scope)

    async def events(self) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self.listeners.add(queue)
        try:
            yield b"retry: 2000\n\n"
            while not self.closed.is_set():
                try:
                    scope = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                data = orjson.dumps({"scope": scope}).decode()
                yield f"event: figures\ndata: {data}\n\n".encode()
        finally:
            self.listeners.discard(queue)


def home(_user: User) -> str:
    return "/dashboard"


def periods_offered(as_of: date) -> list[str]:
    """to-date, the years so far, and the quarters of this year and last."""
    years = [str(y) for y in range(as_of.year, PROGRAMME_START.year - 1, -1)]
    quarters = [
        f"{y}-Q{q}"
        for y in (as_of.year, as_of.year - 1)
        for q in (4, 3, 2, 1)
        if date(y, 3 * q - 2, 1) <= as_of
    ]
    return ["to-date", *quarters, *years]


def create_hub_app(hub_url: str, sessions: Sessions, auth: NatsAuth | None = None) -> FastAPI:
    """The coordinator's dashboard, asking and listening to the hub at hub_url (as the
    PACE_NATS_* user unless `auth` is given: the coordinator's, figures only)."""
    auth = auth if auth is not None else NatsAuth.from_env()
    feed = FiguresFeed()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        nc = await connect(hub_url, auth, max_reconnect_attempts=-1, name="web-coordinator")

        async def on_figures(msg: Any) -> None:
            feed.publish(msg.subject.rsplit(".", 1)[-1])

        await nc.subscribe(subjects.figures_subjects(), cb=on_figures)
        app.state.nc, app.state.feed = nc, feed
        try:
            yield
        finally:
            feed.closed.set()
            for queue in list(feed.listeners):
                queue.put_nowait("closing")
            with suppress(nats.errors.Error):
                await nc.close()

    app = make_app(
        "PACE coordinator",
        "The coordinator's dashboard of cross-border figures (aggregates only, no personal data).",
        sessions,
        NAV,
        "hub",
        lifespan,
        home,
    )

    async def ask(request: Request, query: str, params: dict[str, Any]) -> dict[str, Any]:
        return await ask_service(request, subjects.network_query_subject(query), params,
                                 timeout=15.0, unavailable="the hub does not answer")

    async def figures_context(request: Request, period: str, as_of: date) -> dict[str, Any]:
        report = report_from_dict(
            (await ask(request, "figures", {"as_of": as_of.isoformat(), "period": period}))[
                "report"
            ]
        )
        colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(country_order(report))}
        words = chart_words(language_of(request))
        by_country = type(report)(
            as_of=report.as_of,
            period=report.period,
            partners={words.country(c): f for c, f in report.countries.items()},
            countries=report.countries,
            network=report.network,
            breakdowns={},
            country_of={words.country(c): c for c in report.countries},
        )
        charts = ([bar_chart(i, report, colours, words) for i in KEY_INDICATORS]
                  if report.partners else [])
        country_charts = (
            [bar_chart(i, by_country, colours, words, by_country=True) for i in KEY_INDICATORS]
            if report.countries
            else []
        )
        return {
            "report": report,
            "indicators": KEY_INDICATORS,
            "after_coaching": AFTER_COACHING_INDICATORS,
            "charts": charts,
            "country_charts": country_charts,
            "fmt": format_value,
            "share": share_percent,
            "country_label": words.country,
            "period": period,
            "as_of": as_of,
            "quarter": re.fullmatch(QUARTER_PATTERN, period) is not None,
            "dhis2": re.fullmatch(r"\d{4}(-Q[1-4]|-\d\d)?", period) is not None,
        }

    @app.get("/dashboard", include_in_schema=False)
    async def dashboard(
        request: Request, _user: CoordinatorUser, period: str = "to-date", as_of: date | None = None
    ) -> Response:
        period, as_of = checked_period(period, as_of)
        context = await figures_context(request, period, as_of)
        trends = (
            await ask(
                request,
                "trends",
                {
                    "indicators": list(KEY_TRENDS),
                    "points": [p.isoformat() for p in quarter_ends(PROGRAMME_START, as_of)][-40:],
                },
            )
        )["trends"]
        series = {
            name: [(date.fromisoformat(d), v) for d, v in values] for name, values in trends.items()
        }
        pending = awaiting((await ask(request, "approvals", {}))["approvals"])
        return render(
            request,
            "dashboard.html",
            awaiting=pending,
            periods=periods_offered(as_of),
            trend_charts=(trend_charts(series, words=chart_words(language_of(request)))
                          if series else []),
            **context,
        )

    @app.get("/dashboard/figures", include_in_schema=False)
    async def figures_fragment(
        request: Request, _user: CoordinatorUser, period: str = "to-date", as_of: date | None = None
    ) -> Response:
        period, as_of = checked_period(period, as_of)
        return render(request, "figures.html", **await figures_context(request, period, as_of))

    @app.get(
        "/api/figures",
        tags=["figures"],
        summary="The hub's report: per partner, country and the network",
    )
    async def api_figures(
        request: Request, _user: CoordinatorUser, period: str = "to-date", as_of: date | None = None
    ) -> dict[str, Any]:
        period, as_of = checked_period(period, as_of)
        return (await ask(request, "figures", {"as_of": as_of.isoformat(), "period": period}))[
            "report"
        ]

    @app.get(
        "/api/figures/events",
        tags=["figures"],
        summary="Server-sent events: `figures` each time the hub publishes figures",
        response_class=StreamingResponse,
    )
    async def figures_events(_user: CoordinatorUser) -> StreamingResponse:
        return StreamingResponse(
            feed.events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @app.get("/dashboard/dhis2.json", include_in_schema=False)
    async def dhis2_download(
        request: Request, _user: CoordinatorUser, period: str, as_of: date | None = None
    ) -> Response:
        """The period's figures as a DHIS2 dataValueSets import (deploy/dhis2.toml)."""
        period, as_of = checked_period(period, as_of)
        try:
            dhis2_period(period)
            mapping = load_mapping()
            report = report_from_dict(
                (await ask(request, "figures", {"as_of": as_of.isoformat(), "period": period}))[
                    "report"
                ]
            )
            data = to_dhis2(report, mapping)
        except MappingError as error:
            raise HTTPException(400, str(error)) from error
        name = f"pace-dhis2-{period}-{as_of.isoformat()}.json"
        return Response(data, media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    app.include_router(approvals_router())
    return app
