"""Application-level tests: the services' handlers and reactions over in-memory stores."""

from __future__ import annotations

import pytest

from tests.app.harness import InProcessPartner

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
async def partner() -> InProcessPartner:
    return await InProcessPartner().start()
