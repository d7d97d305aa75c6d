"""The reporting service's fold is fed each network event once, however it is asked."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from contracts.envelope import Envelope
from pace.store import EventStore
from services.reporting import network_log
from services.reporting.app import ReportingService
from tests.integration.test_relay_and_consumer import referral

FAMILIES = 30


@pytest.fixture
async def service(tmp_path):
    partner = await EventStore.open(tmp_path / "mechelen.db", "mechelen")
    stored = await partner.append("stage", [referral(i) for i in range(FAMILIES)])
    envelopes = [Envelope.model_validate_json(r.wire_bytes()) for r in stored]
    await partner.close()
    store = await EventStore.open(tmp_path / "hub.db", "hub")
    await store.db.write(network_log.metadata.create_all)

    def record_all(connection):
        for envelope in envelopes:
            network_log.record(connection, envelope)

    await store.db.write(record_all)
    yield ReportingService("nats://127.0.0.1:1", store, {"mechelen": "BE"})
    await store.close()


async def test_concurrent_catch_ups_fold_each_event_once(service):
    applied = await asyncio.gather(*(service.catch_up() for _ in range(5)))
    assert sum(applied) == FAMILIES
    report = service.report(date(2021, 1, 1))
    assert report.partners["mechelen"]["families_referred"] == FAMILIES
    assert await service.catch_up() == 0
