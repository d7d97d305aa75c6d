"""Web fixtures: logins, a real uvicorn server on loopback, headless Chromium via Playwright."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import nats
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI

from apps.bootstrap import Partner
from pace.client import PartnerClient
from services.web.auth import Role, Sessions, hash_password, load_users
from services.web.partner_app import create_partner_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "correct horse battery staple"
LOGINS = {"carla": Role.COACH, "wout": Role.CHILDCARE_WORKER, "ada": Role.PARTNER_ADMIN,
          "cora": Role.COORDINATOR}


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One login per role, all with PASSWORD (hashed: the file holds no plaintext)."""
    path = tmp_path_factory.mktemp("web") / "users.toml"
    hashed = hash_password(PASSWORD)
    path.write_text("".join(f'[[user]]\nusername = "{name}"\nrole = "{role.value}"\n'
                            f'password_hash = "{hashed}"\n\n' for name, role in LOGINS.items()),
                    encoding="utf-8")
    return path


@pytest.fixture
def sessions(users_file: Path) -> Sessions:
    return Sessions(load_users(users_file), secrets.token_hex(32).encode())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn serving one app on 127.0.0.1 in a thread of its own (its own event loop)."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on",
            timeout_graceful_shutdown=2))
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    async def start(self, timeout: float = 15.0) -> LiveServer:
        self.thread.start()
        async with asyncio.timeout(timeout):
            while not self.server.started:
                if not self.thread.is_alive():
                    raise RuntimeError("the web server did not start")
                await asyncio.sleep(0.05)
        return self

    async def stop(self) -> None:
        """Stop serving (idempotent); waits for the server's thread to end."""
        self.server.should_exit = True
        if self.thread.is_alive():
            await asyncio.to_thread(self.thread.join, 10)


@pytest_asyncio.fixture
async def serve() -> AsyncIterator:
    """Start apps on live servers; every one is stopped after the test."""
    started: list[LiveServer] = []

    async def start(app: FastAPI) -> LiveServer:
        server = LiveServer(app)
        started.append(server)
        return await server.start()

    try:
        yield start
    finally:
        for server in started:
            await server.stop()


Seed = Callable[[PartnerClient], Awaitable[None]]


@pytest_asyncio.fixture
async def partner_web(tmp_path: Path, nats_url: str, sessions: Sessions, serve) -> AsyncIterator:
    """Start mechelen's services, let `seed` act as staff on them, then serve its web app."""
    async with AsyncExitStack() as stack:

        async def start(seed: Seed | None = None, **partner: object) -> LiveServer:
            data = partner.pop("data", tmp_path)
            await stack.enter_async_context(Partner("mechelen", data, nats_url, **partner))
            if seed is not None:
                nc = await nats.connect(nats_url)
                try:
                    await seed(PartnerClient(nc, "mechelen"))
                finally:
                    await nc.close()
            return await serve(create_partner_app("mechelen", nats_url, sessions))

        yield start


@asynccontextmanager
async def logged_in(base_url: str, username: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with the session cookie of a login (no redirects followed)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as client:
        reply = await client.post("/api/login",
                                  json={"username": username, "password": PASSWORD})
        assert reply.status_code == 200, reply.text
        yield client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest_asyncio.fixture
async def browser() -> AsyncIterator:
    """Headless Debian Chromium, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM}: install Debian's chromium (`make browser`)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                    args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield launched
        finally:
            await launched.close()


async def browser_login(browser, base_url: str, username: str, language: str = "en"):
    """A new page, logged in through the login form."""
    context = await browser.new_context(base_url=base_url, locale=language,
                                        viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form[action='/login'] button")
    await page.wait_for_selector("#user")
    return page
