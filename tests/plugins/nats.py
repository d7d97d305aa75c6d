"""A real nats-server per test, in the test's own directory.

Always a managed server, even when NATS_URL is set: tests kill and restart servers, and a
shared server would leak streams between tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio

from pace.nats_server import ManagedNatsServer

START_TIMEOUT = 15.0

StartNatsServer = Callable[..., Awaitable[ManagedNatsServer]]


@pytest_asyncio.fixture
async def nats_servers(tmp_path: Path) -> AsyncIterator[StartNatsServer]:
    """Start named servers (hub, leaves) under tmp_path; every one is stopped after the test."""
    started: list[ManagedNatsServer] = []

    async def start(name: str = "test", **options: Any) -> ManagedNatsServer:
        server = ManagedNatsServer(tmp_path / "nats" / name, name=name, **options)
        started.append(server)
        return await server.start(START_TIMEOUT)

    try:
        yield start
    finally:
        for server in reversed(started):
            await server.stop()


@pytest_asyncio.fixture
async def nats_server(nats_servers: StartNatsServer) -> ManagedNatsServer:
    """A started nats-server with JetStream, private to this test (NATS_URL is ignored)."""
    return await nats_servers()


@pytest_asyncio.fixture
async def nats_url(nats_server: ManagedNatsServer) -> str:
    """The client URL of this test's own nats-server."""
    return nats_server.url
