"""In a real browser (headless Chromium): a page of another origin cannot make a logged-in
user's browser post to the web app, though the browser sends the SameSite=Lax cookie along
(another port on the same host is the same site)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from services.web.partner_app import create_partner_app
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]


def attacker(target: str) -> FastAPI:
    """A page that, once opened, posts a logout form to the target site."""
    app = FastAPI()

    @app.get("/")
    async def page() -> HTMLResponse:
        return HTMLResponse(
            f'<form id="f" method="post" action="{target}/logout"></form>'
            '<script>document.getElementById("f").submit()</script>'
        )

    return app


async def test_a_cross_site_form_post_from_another_origin_is_refused(
    browser, serve, nats_url, sessions
):
    web = await serve(create_partner_app("mechelen", nats_url, sessions))
    evil = await serve(attacker(web.url))
    context = await browser.new_context()
    page = await context.new_page()
    login = await page.request.post(
        f"{web.url}/api/login", data={"username": "ada", "password": PASSWORD}
    )
    assert login.status == 200
    assert (await page.goto(f"{web.url}/docs")).status == 200

    async with page.expect_response(f"{web.url}/logout") as posted:
        await page.goto(evil.url)
    response = await posted.value

    assert response.status == 403
    assert "cross-site" in await response.text()
    assert (await page.goto(f"{web.url}/docs")).status == 200  # still logged in
    await context.close()
