"""`pace views rebuild`: views made again from the events equal the ones kept live."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from apps.views import UnknownViewsError, projection_of, rebuild
from tests.app.scenario import VIEWS, busy_fortnight, snapshot


@pytest.mark.parametrize("service", VIEWS)
async def test_a_rebuilt_view_equals_the_live_one(partner, service) -> None:
    await busy_fortnight(partner)
    live = await snapshot(partner.stores[service], service)
    events = {c: len(partner.events(c)) for c in partner.stores}

    done = await rebuild(service, partner.stores)

    assert await snapshot(partner.stores[service], service) == live
    assert {c: len(partner.events(c)) for c in partner.stores} == events  # nothing appended
    assert sum(done.events.values()) > 0 and any(rows for rows in live.values())


async def test_a_rebuild_restores_view_rows_that_were_lost(partner) -> None:
    await busy_fortnight(partner)
    live = await snapshot(partner.stores["booking"], "booking")
    tables = projection_of("booking").tables.sorted_tables
    await partner.stores["booking"].db.write(
        lambda conn: [conn.execute(delete(table)) for table in tables])
    assert await snapshot(partner.stores["booking"], "booking") != live

    await rebuild("booking", partner.stores)

    assert await snapshot(partner.stores["booking"], "booking") == live


async def test_sharing_has_no_views_to_rebuild(partner) -> None:
    with pytest.raises(UnknownViewsError, match="choose one of intake, booking, trajectory"):
        await rebuild("sharing", partner.stores)
