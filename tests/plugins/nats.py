"""A real nats-server per test, in the test's own directory.

Always a managed server, even when NATS_URL is set: tests kill and restart servers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from pace.nats_server import ManagedNatsServer


@pytest_asyncio.fixture
async def nats_server(tmp_path: Path) -> AsyncIterator[ManagedNatsServer]:
    server = ManagedNatsServer(tmp_path / "nats", name="test")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture
async def nats_url(nats_server: ManagedNatsServer) -> str:
    return nats_server.url
