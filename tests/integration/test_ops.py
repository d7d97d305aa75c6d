"""Health, readiness and metrics endpoints of a running partner, on a real nats-server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import nats
import orjson
import pytest
from prometheus_client import REGISTRY

from apps.bootstrap import Partner
from contracts.booking import Daypart
from contracts.commands import SetDaypartCapacity
from pace.client import PartnerClient
from pace.nats_server import free_ports
from pace.ops import serve_ops
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(90)]

SOON = datetime.now(UTC).date() + timedelta(days=7)
METRICS = ("pace_events_appended_total", "pace_events_relayed_total",
           "pace_events_consumed_total", "pace_dead_letters_total", "pace_consumer_lag",
           "pace_command_seconds_bucket")


@pytest.fixture
async def partner(tmp_path, nats_url):
    async with Partner("mechelen", tmp_path, nats_url) as running:
        yield running


@pytest.fixture
async def ops(partner):
    health, metrics = free_ports(2)
    server = await serve_ops(partner, health, metrics)
    yield server
    await server.close()


@pytest.fixture
async def staff(partner, nats_url):
    nc = await nats.connect(nats_url)
    yield PartnerClient(nc, "mechelen")
    await nc.close()


async def get(port: int, path: str) -> tuple[int, bytes]:
    """A plain HTTP/1.1 GET on loopback: status and body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()
    response = await reader.read()
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def capacity(day_offset: int, places: int = 15) -> SetDaypartCapacity:
    return SetDaypartCapacity(location_id="noord", session_date=SOON + timedelta(days=day_offset),
                              daypart=Daypart.MORNING, capacity=places)


async def test_a_running_partner_is_live_and_ready(ops) -> None:
    live, _ = await get(ops.health_port, "/healthz")
    ready, body = await get(ops.health_port, "/readyz")

    assert live == 200
    assert ready == 200
    assert orjson.loads(body) == {"ready": True, "problems": []}


async def test_a_dead_consumer_task_makes_the_partner_not_ready(ops, partner) -> None:
    task = next(t for t in partner.runner.tasks if t.get_name() == "consumer sharing")
    task.cancel()
    await asyncio.wait([task])

    status, body = await get(ops.health_port, "/readyz")

    assert status == 503
    assert orjson.loads(body)["problems"] == ["the consumer sharing task was cancelled"]


async def test_nats_down_makes_the_partner_not_ready(ops, nats_server) -> None:
    async def readyz(expected: int):
        status, body = await get(ops.health_port, "/readyz")
        return status == expected and orjson.loads(body)

    await nats_server.stop()
    try:
        answer = await eventually(lambda: readyz(503))
    finally:
        await nats_server.start()
        await eventually(lambda: readyz(200))
        await eventually(lambda: answers_queries(nats_server.url))

    assert "NATS is not connected" in answer["problems"]


async def answers_queries(url: str) -> bool:
    """The services' command connection is back too (teardown drains it)."""
    nc = await nats.connect(url)
    try:
        await PartnerClient(nc, "mechelen").query("booking", "sessions", timeout=1)
    except (nats.errors.Error, TimeoutError):
        return False
    finally:
        await nc.close()
    return True


async def test_metrics_name_every_measure_and_count_commands(ops, partner, staff,
                                                             nats_url) -> None:
    mechelen = {"partner": "mechelen"}
    ok = {**mechelen, "context": "booking", "command": "set_daypart_capacity", "outcome": "ok"}
    refused = {**ok, "outcome": "refused"}
    before = {
        "appended": sample("pace_events_appended_total", **mechelen, context="booking"),
        "relayed": sample("pace_events_relayed_total", **mechelen, relay="relay-booking"),
        "consumed": sample("pace_events_consumed_total", **mechelen, durable="sharing"),
        "ok": sample("pace_command_seconds_count", **ok),
        "refused": sample("pace_command_seconds_count", **refused),
        "dead": sample("pace_dead_letters_total", **mechelen, durable="sharing",
                       reason="ValidationError"),
    }

    for n in range(3):
        await staff.do("booking", capacity(n))
    await staff.send("booking", {"location_id": "noord"}, name="set_daypart_capacity")
    nc = await nats.connect(nats_url)
    await nc.jetstream().publish("pace.mechelen.evt.booking.SlotBooked", b"not an envelope")
    await nc.close()
    await eventually(partner.idle)
    status, body = await get(ops.metrics_port, "/metrics")

    assert status == 200
    assert all(name.encode() in body for name in METRICS)
    assert b'pace_consumer_lag{durable="sharing",partner="mechelen"} 0.0' in body
    assert sample("pace_events_appended_total", **mechelen, context="booking") \
        - before["appended"] == 3
    assert sample("pace_events_relayed_total", **mechelen, relay="relay-booking") \
        - before["relayed"] == 3
    assert sample("pace_events_consumed_total", **mechelen, durable="sharing") \
        - before["consumed"] == 3
    assert sample("pace_command_seconds_count", **ok) - before["ok"] == 3
    assert sample("pace_command_seconds_count", **refused) - before["refused"] == 1
    assert sample("pace_dead_letters_total", **mechelen, durable="sharing",
                  reason="ValidationError") - before["dead"] == 1


async def test_one_port_serves_health_and_metrics(partner) -> None:
    (port,) = free_ports(1)
    server = await serve_ops(partner, port, port)
    try:
        health, _ = await get(port, "/healthz")
        metrics, _ = await get(port, "/metrics")
        missing, _ = await get(port, "/nothing")
    finally:
        await server.close()

    assert (health, metrics, missing) == (200, 200, 404)
