"""`pace views rebuild` on a partner's SQLite stores, as an operator runs it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from apps.bootstrap import STORES
from apps.cli import app
from apps.views import projection_of
from pace.store import EventStore
from tests.app.harness import NOW, PARTNER, InProcessPartner
from tests.app.scenario import busy_fortnight, snapshot

pytestmark = pytest.mark.timeout(120)


def store_path(data_dir: Path, context: str) -> Path:
    return data_dir / PARTNER / f"{PARTNER}-{context}.db"


async def run_then_lose_the_booking_views(data_dir: Path) -> dict:
    """Drive the services on SQLite files; keep a snapshot of booking's views, then empty them."""
    stores = {c: await EventStore.open(store_path(data_dir, c), PARTNER, clock=lambda: NOW)
              for c in STORES}
    partner = await InProcessPartner(stores=stores).start()
    try:
        await busy_fortnight(partner)
        live = await snapshot(stores["booking"], "booking")
        tables = projection_of("booking").tables.sorted_tables
        await stores["booking"].db.write(
            lambda conn: [conn.execute(delete(table)) for table in tables])
    finally:
        await partner.close()
    return live


async def booking_views(data_dir: Path) -> dict:
    store = await EventStore.open(store_path(data_dir, "booking"), PARTNER)
    try:
        return await snapshot(store, "booking")
    finally:
        await store.close()


def test_pace_views_rebuild_refills_booking_from_the_partners_stores(tmp_path, monkeypatch):
    monkeypatch.delenv("PACE_DATABASE_URL", raising=False)
    live = asyncio.run(run_then_lose_the_booking_views(tmp_path))

    result = CliRunner().invoke(app, ["views", "rebuild", "--service", "booking",
                                      "--partner", PARTNER, "--data-dir", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "mechelen booking: 7 view tables rebuilt" in result.output
    assert asyncio.run(booking_views(tmp_path)) == live


def test_pace_views_rebuild_says_which_store_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("PACE_DATABASE_URL", raising=False)

    result = CliRunner().invoke(app, ["views", "rebuild", "--service", "trajectory",
                                      "--data-dir", str(tmp_path)])

    assert result.exit_code == 1
    assert "no store at" in result.output
