"""Helpers for the security tests: connections that record what the server refused."""

from __future__ import annotations

import asyncio
import ssl

import nats

from pace.connection import NatsAuth, connect
from tests.web.conftest import browser, serve, sessions, users_file  # noqa: F401 - web fixtures


class Refusals:
    """The permission violations a server sent one connection (nats-py's error callback)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    async def record(self, error: Exception) -> None:
        self.errors.append(str(error))

    async def saw(self, text: str, timeout: float = 3.0) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if any(text.lower() in e.lower() for e in self.errors):
                return True
            await asyncio.sleep(0.05)
        return False


async def watched(url: str, auth: NatsAuth) -> tuple[nats.NATS, Refusals]:
    """A connection and the refusals it gets."""
    refusals = Refusals()
    nc = await connect(url, auth, error_cb=refusals.record, allow_reconnect=False)
    return nc, refusals


async def _quiet(_error: Exception) -> None:
    """Refused connections are what these tests expect."""


async def refused(url: str, auth: NatsAuth) -> BaseException:
    """The error a connection attempt ends with; fails the test if it gets through."""
    try:
        nc = await connect(
            url,
            auth,
            connect_timeout=3,
            allow_reconnect=False,
            max_reconnect_attempts=0,
            error_cb=_quiet,
        )
    except (nats.errors.Error, OSError, ssl.SSLError) as error:
        return error
    await nc.close()
    raise AssertionError(f"{url} accepted a connection it should refuse")
