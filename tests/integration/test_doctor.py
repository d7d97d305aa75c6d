"""`pace doctor` on real nats-servers and real partner services: what it says, in plain words."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import nats
import pytest
from typer.testing import CliRunner

from apps.bootstrap import Partner
from apps.cli import app
from contracts import subjects
from contracts.booking import Daypart
from contracts.commands import SetDaypartCapacity
from pace.client import PartnerClient
from pace.doctor import PARTNER_CONSUMERS, SHARED_CONSUMERS, Finding, diagnose, failed
from pace.nats_server import free_ports
from pace.network.hub import ensure_hub_streams
from pace.store import EventStore
from services.reporting.app import ReportingService
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

SOON = datetime.now(UTC).date() + timedelta(days=7)


@pytest.fixture
async def partner(tmp_path, nats_url):
    async with Partner("mechelen", tmp_path, nats_url) as running:
        yield running


def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    return f"nats://127.0.0.1:{free_ports(1)[0]}"


def by_what(findings) -> dict:
    return {f.what: f for f in findings}


@pytest.fixture
async def linked(tmp_path, nats_servers):
    """A hub (streams and reporting) and mechelen's monitored leaf node with its services."""
    hub = await nats_servers("hub", domain=subjects.HUB_DOMAIN, leaf_listen=True)
    leaf = await nats_servers("mechelen", domain="mechelen", leaf_remotes=[hub.leaf_url],
                              monitor=True)
    partner = await Partner("mechelen", tmp_path / "mechelen", leaf.url, figures=True).start()
    nc = await nats.connect(hub.url)
    await ensure_hub_streams(nc.jetstream(), ["mechelen"])
    await nc.close()
    store = await EventStore.open(tmp_path / "hub-reporting.db", subjects.HUB_DOMAIN)
    reporting = await ReportingService(hub.url, store, {"mechelen": "BE"}).start()
    try:
        yield hub, leaf, partner
    finally:
        await reporting.stop()
        await store.close()
        await partner.stop()


async def test_a_healthy_partner_linked_to_its_hub_is_all_ok(linked) -> None:
    hub, leaf, partner = linked

    async def all_ok():
        findings = await diagnose("mechelen", leaf.url, hub_url=hub.url,
                                  monitor_url=leaf.monitor_url)
        return findings if all(f.level == "ok" for f in findings) else None
    findings = await eventually(all_ok)

    assert set(partner.runner.consumers) == {*PARTNER_CONSUMERS, *SHARED_CONSUMERS}
    assert {f"consumer {d}" for d in (*PARTNER_CONSUMERS, *SHARED_CONSUMERS)} <= set(
        by_what(findings))
    assert "being fetched by the figures service" in by_what(findings)["consumer figures"].advice
    assert {"mechelen's NATS", "JetStream", "stream PACE_EVENTS", "stream PACE_SHARED_MECHELEN",
            "stream PACE_DEAD_LETTERS", "dead letters", "link to the hub", "hub",
            "hub reporting", "release of places"} <= set(by_what(findings))


async def test_a_stopped_hub_shows_as_a_missing_link_and_an_unreachable_hub(linked) -> None:
    hub, leaf, _partner = linked

    async def doctor_says(what: str, level: str):
        findings = await diagnose("mechelen", leaf.url, hub_url=hub.url,
                                  monitor_url=leaf.monitor_url, samples=1)
        return findings if by_what(findings).get(what, Finding("", "", "")).level == level \
            else None

    await hub.stop()
    try:
        findings = await eventually(lambda: doctor_says("link to the hub", "warn"))
    finally:
        await hub.start()
        await eventually(lambda: doctor_says("hub reporting", "ok"))  # reconnected: teardown

    assert "no link to the hub" in by_what(findings)["link to the hub"].advice
    assert by_what(findings)["hub"].level == "fail"
    assert by_what(findings)["consumer sharing"].level == "ok"


async def test_a_stopped_consumer_is_named_with_its_lag_and_service(partner, nats_url) -> None:
    task = next(t for t in partner.runner.tasks if t.get_name() == "consumer sharing")
    task.cancel()
    await asyncio.wait([task])
    nc = await nats.connect(nats_url)
    for n in range(3):
        await PartnerClient(nc, "mechelen").do("booking", SetDaypartCapacity(
            location_id="noord", session_date=SOON + timedelta(days=n),
            daypart=Daypart.MORNING, capacity=15))
    js = nc.jetstream()

    async def stranded():
        info = await js.consumer_info(subjects.PARTNER_EVENTS_STREAM, "sharing")
        return info.num_pending + info.num_ack_pending == 3 and not info.num_waiting
    await eventually(stranded)
    await nc.close()

    findings = await diagnose("mechelen", nats_url)

    stopped = by_what(findings)["consumer sharing"]
    assert stopped.level == "fail"
    assert "STOPPED: 3 events are waiting and nobody is fetching them" in stopped.advice
    assert "the sharing service is probably down" in stopped.advice
    assert by_what(findings)["consumer booking-families"].level == "ok"
    assert failed(findings)


async def test_a_partner_without_its_figures_service_gets_a_warning_not_a_failure(
        partner, nats_url) -> None:
    findings = await diagnose("mechelen", nats_url, samples=1)

    missing = by_what(findings)["consumer figures"]
    assert missing.level == "warn"
    assert f"does not exist on {subjects.shared_stream('mechelen')}" in missing.advice
    assert "the figures service has never started" in missing.advice


async def test_an_unreachable_hub_is_a_failure_in_plain_words(partner, nats_url) -> None:
    findings = await diagnose("mechelen", nats_url, hub_url=closed_port_url())

    hub = by_what(findings)["hub"]
    assert hub.level == "fail"
    assert hub.advice.startswith("the hub is unreachable")
    assert "connection refused" in hub.advice


async def test_the_cli_exits_1_and_says_why(partner, nats_url) -> None:
    hub_url = closed_port_url()

    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["doctor", "--partner", "mechelen", "--nats-url", nats_url,
                                  "--hub-url", hub_url])

    assert result.exit_code == 1
    assert "the hub is unreachable" in result.output
    assert "consumer sharing" in result.output


async def test_an_unreachable_partner_nats_stops_the_checks_early() -> None:
    findings = await diagnose("mechelen", closed_port_url())

    assert [(f.level, f.what) for f in findings] == [("fail", "mechelen's NATS")]
    assert "Is the partner's nats-server running" in findings[0].advice


async def test_dead_letters_are_reported_per_consumer(partner, nats_url) -> None:
    nc = await nats.connect(nats_url)
    await nc.jetstream().publish("pace.mechelen.evt.booking.SlotBooked", b"not an envelope")
    await nc.close()
    await eventually(partner.idle)

    findings = await diagnose("mechelen", nats_url, samples=1)

    dead = by_what(findings)["dead letters of sharing"]
    assert dead.level == "warn"
    assert "1 messages could not be applied" in dead.advice


async def test_doctor_says_when_the_release_of_places_last_ran(tmp_path, nats_url) -> None:
    before = by_what(await diagnose("mechelen", nats_url, samples=1))
    async with Partner("mechelen", tmp_path, nats_url,
                       booking={"release_schedule": "0 0 3 1 1 *"}):
        never = by_what(await diagnose("mechelen", nats_url, samples=1))
    async with Partner("mechelen", tmp_path, nats_url,
                       booking={"release_schedule": "@every 1s"}) as running:
        ticks = running.runner.schedules["booking-release"]
        await eventually(lambda: asyncio.sleep(0.2, ticks.handled))
        ran = by_what(await diagnose("mechelen", nats_url, samples=1))

    assert before["release of places"].level == "warn"
    assert "has never run" in before["release of places"].advice
    assert never["release of places"].level == "ok"
    assert "has not run yet" in never["release of places"].advice
    assert ran["release of places"].level == "ok"
    assert ran["release of places"].advice.startswith("last ran ")
