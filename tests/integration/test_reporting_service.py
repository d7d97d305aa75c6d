"""The hub's reporting service: its fold fed once, and its questions, consumer and relay on
the one service shell (pace.service.ServiceRunner), wired by apps.bootstrap.Hub."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from datetime import UTC, date, datetime

import nats
import orjson
import pytest

from apps.bootstrap import Hub
from contracts import subjects
from contracts.envelope import Envelope
from pace.ops import readiness, target_of
from pace.store import EventStore, NewEvent
from services.reporting import views as network_log
from services.reporting.app import CONSUMER, ReportingService
from tests.eventually import eventually
from tests.integration.test_relay_and_consumer import referral

FAMILIES = 30


async def network_log_of(tmp_path) -> EventStore:
    """The hub's store, holding FAMILIES referrals from mechelen as if received."""
    partner = await EventStore.open(tmp_path / "mechelen.db", "mechelen")
    stored = await partner.append("stage", [referral(i) for i in range(FAMILIES)])
    envelopes = [Envelope.model_validate_json(r.wire_bytes()) for r in stored]
    await partner.close()
    store = await EventStore.open(tmp_path / "hub.db", subjects.HUB_DOMAIN)
    await store.db.write(network_log.metadata.create_all)

    def record_all(connection):
        for envelope in envelopes:
            network_log.record(connection, envelope)

    await store.db.write(record_all)
    return store


@pytest.fixture
async def service(tmp_path):
    store = await network_log_of(tmp_path)
    yield ReportingService("nats://127.0.0.1:1", store, {"mechelen": "BE"})
    await store.close()


async def test_concurrent_catch_ups_fold_each_event_once(service):
    applied = await asyncio.gather(*(service.catch_up() for _ in range(5)))
    assert sum(applied) == FAMILIES
    report = service.report(date(2021, 1, 1))
    assert report.partners["mechelen"]["families_referred"] == FAMILIES
    assert await service.catch_up() == 0


async def test_publications_at_the_same_time_store_each_figure_once(service):
    await service.catch_up()

    counts = await asyncio.gather(service.publish(), service.publish(closed=False),
                                  service.publish(latest=False))

    ids = [r.event_id for r in await service.store.read_all()]
    assert sum(counts) >= len(ids) > 0 and len(ids) == len(set(ids))
    assert await service.publish() == 0


async def test_after_a_restart_new_figures_go_out_beside_those_already_stored(service,
                                                                              tmp_path):
    """A restarted service does not know what was published: its first publication holds
    figures already stored (the closed periods) beside new ones (today's)."""
    await service.catch_up()
    await service.publish()
    stored = len(await service.store.read_all())
    partner = await EventStore.open(tmp_path / "late.db", "mechelen")
    event = referral(FAMILIES + 1).event.model_copy(update={"referred_on": date.today()})
    (late,) = await partner.append("late", [NewEvent(event, uuid.uuid4(),
                                                     datetime.now(UTC), uuid.uuid4())])
    await partner.close()
    await service.store.db.write(
        lambda c: network_log.record(c, Envelope.model_validate_json(late.wire_bytes())))
    restarted = ReportingService("nats://127.0.0.1:1", service.store, {"mechelen": "BE"})
    await restarted.catch_up()

    assert await restarted.publish() > 0  # the new to-date figures, the rest already there
    today = [r.envelope.payload for r in (await service.store.read_all())[stored:]]
    assert today and {p["period"] for p in today} == {"to-date"}
    mechelen = [p for p in today if p.get("partner_id") == "mechelen"]
    assert mechelen[-1]["figures"]["families_referred"] == FAMILIES + 1


@pytest.fixture
async def hub(tmp_path, nats_servers):
    """The hub's nats-server and its reporting service, started through the composition root."""
    server = await nats_servers("hub", domain=subjects.HUB_DOMAIN)
    await (await network_log_of(tmp_path)).close()
    async with Hub(server.url, tmp_path / "hub.db", {"mechelen": "BE"}) as running:
        nc = await nats.connect(server.url)
        yield running, nc
        await nc.close()


async def ask(nc, query: str, params: object) -> dict:
    reply = await nc.request(subjects.network_query_subject(query), orjson.dumps(params),
                             timeout=10)
    return orjson.loads(reply.data)


@pytest.mark.nats
async def test_the_hub_answers_status_and_figures_over_nats(hub):
    _, nc = hub

    status = await ask(nc, "status", {})
    figures = await ask(nc, "figures", {"as_of": "2020-12-31"})

    assert status == {"ok": True, "received": {"mechelen": FAMILIES}, "position": FAMILIES}
    assert figures["ok"] is True
    assert figures["report"]["partners"]["mechelen"]["families_referred"] == FAMILIES


@pytest.mark.nats
async def test_an_unknown_question_is_refused_naming_the_known_ones(hub):
    _, nc = hub

    reply = await ask(nc, "gossip", {})

    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid_input"
    assert "figures, status, trends" in reply["error"]["message"]


@pytest.mark.nats
@pytest.mark.parametrize("params", [{"as_of": "not a date"}, [1, 2], {"as_of": "2999-01-01"}])
async def test_bad_parameters_are_refused_with_a_typed_error(hub, params):
    _, nc = hub

    reply = await ask(nc, "figures", params)

    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid_input"


@pytest.mark.nats
async def test_its_consumer_reads_the_network_stream_and_it_is_ready(hub):
    running, nc = hub

    info = await nc.jetstream().consumer_info(subjects.NETWORK_STREAM, CONSUMER)
    problems = await readiness(target_of(running))

    assert info.config.filter_subjects == ["pace.*.net.>"] or \
        info.config.filter_subject == "pace.*.net.>"
    assert problems == []


@pytest.mark.nats
async def test_published_figures_reach_the_figures_stream_through_the_shell_relay(hub):
    running, nc = hub
    js = nc.jetstream()
    watch = await js.pull_subscribe(subjects.figures_subject(subjects.NETWORK_SCOPE), None,
                                    stream=subjects.FIGURES_STREAM)

    await running.reporting.publish()  # its own loop may have been first: both store once
    (message,) = await watch.fetch(1, timeout=15)

    assert message.subject == subjects.figures_subject(subjects.NETWORK_SCOPE)
    assert message.headers["Nats-Msg-Id"]
    assert await running.reporting.publish() == 0  # the same figures again: nothing new


@pytest.mark.nats
async def test_the_latest_figures_go_out_alone_and_the_closed_periods_follow(hub):
    """On its own, at start: the to-date figures first (at once), then every closed period's."""
    running, _ = hub
    store = running.reporting.store

    async def published_periods() -> list[str]:
        return [r.envelope.payload["period"] for r in await store.read_all()
                if r.event_type.endswith("FiguresPublished")]

    periods = await eventually(lambda: _more_than_to_date(published_periods()),
                               "the closed periods' figures")

    first_closed = next(i for i, period in enumerate(periods) if period != "to-date")
    assert first_closed > 0 and set(periods[:first_closed]) == {"to-date"}
    assert "to-date" not in periods[first_closed:]  # the second publication's were not new
    assert len(set(periods)) > 1  # years, quarters
    assert await running.reporting.publish() == 0


async def _more_than_to_date(periods: Awaitable[list[str]]) -> list[str] | None:
    got = await periods
    return got if len(set(got)) > 1 else None
