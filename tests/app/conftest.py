"""Application-level tests: the services' handlers and reactions over in-memory stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.harness import InProcessPartner

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """No process, no network: each of these tests gets seconds, not minutes."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.timeout(30))


@pytest.fixture
async def partner() -> InProcessPartner:
    return await InProcessPartner().start()
