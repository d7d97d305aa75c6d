"""Approved figures at the hub: a quarter approved, then a late event; the approved figure
stays, the adjustment shows, and `pace replay --approved` agrees with the approval.

The reporting service runs its real command routes and queries over a SQLite store (the
shell's `answer`, as the NATS endpoint calls it); no nats-server is needed for the rules.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from apps.audit import LogReport, LogWriter, checked_entries, store_envelopes
from apps.cli import app
from apps.replay_approved import approvals_in, approved_differences
from contracts import subjects
from contracts.envelope import Envelope
from contracts.intake import ChildRef, FamilyReferred, Gender, ParentRef, ReferralSource
from pace.service import SUBJECT_HEADER, answer
from pace.store import EventStore, NewEvent
from services.reporting import views as network_log
from services.reporting.app import ReportingService

P, Q = "mechelen", "2020-Q1"
ON_TIME = 7


def referral(i: int, on: date) -> NewEvent:
    event = FamilyReferred(
        family_id=f"fam-{i:04d}", referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=on, parents=(ParentRef(parent_id=f"par-{i}", gender=Gender.FEMALE),),
        children=(ChildRef(child_id=f"chi-{i}", birth_month="2019-05"),))
    return NewEvent(event, uuid.uuid4(), datetime(2020, 1, 6, 9, tzinfo=UTC), uuid.uuid4())


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def hub(tmp_path):
    """The hub's reporting service and a way to let partner events arrive at it."""
    partner = await EventStore.open(tmp_path / "mechelen.db", P)
    store = await EventStore.open(tmp_path / "hub.db", subjects.HUB_DOMAIN)
    await store.db.write(network_log.metadata.create_all)
    clock = Clock(datetime(2020, 4, 10, 9, tzinfo=UTC))
    service = ReportingService("nats://127.0.0.1:1", store, {P: "BE"}, clock=clock)

    async def arrive(*events: NewEvent) -> None:
        stored = await partner.append(f"stage-{uuid.uuid4()}", list(events))
        envelopes = [Envelope.model_validate_json(r.wire_bytes()) for r in stored]

        def record_all(connection):
            for envelope in envelopes:
                network_log.record(connection, envelope)

        await store.db.write(record_all)

    await arrive(*(referral(i, date(2020, 2, 3)) for i in range(ON_TIME)))
    yield service, arrive, clock
    await partner.close()
    await store.close()


async def command(service, name: str, body: dict, partner: str = P) -> dict:
    headers = {SUBJECT_HEADER: subjects.hub_command_subject(partner, name)}
    return await answer(service.service.route_table(), name, orjson.dumps(body), headers,
                        service.clock)


async def figures(service, as_of: str, period: str = Q) -> dict:
    return (await service.answer("figures", {"as_of": as_of, "period": period}))["report"]


async def approve_the_quarter(service) -> None:
    assert (await command(service, "submit_figures", {"partner_id": P, "period": Q}))["ok"]
    assert (await command(service, "approve_figures", {"partner_id": P, "period": Q}))["ok"]


async def test_a_late_event_shows_as_an_adjustment_beside_the_approved_figure(hub):
    service, arrive, clock = hub
    await approve_the_quarter(service)

    await arrive(referral(100, date(2020, 3, 20)))  # dated in Q1, arriving after approval
    clock.now = datetime(2020, 7, 1, 9, tzinfo=UTC)
    report = await figures(service, "2020-06-30")

    assert report["partners"][P]["families_referred"] == ON_TIME
    assert report["adjustments"][P]["families_referred"] == {
        "approved": ON_TIME, "current": ON_TIME + 1, "difference": 1}
    assert report["approvals"][P] == {"status": "approved", "on": "2020-04-10"}
    assert report["network"]["families_referred"] == ON_TIME + 1


async def test_a_quarter_without_approval_shows_the_current_figures(hub):
    service, arrive, _clock = hub

    await arrive(referral(100, date(2020, 3, 20)))
    report = await figures(service, "2020-03-31")

    assert report["partners"][P]["families_referred"] == ON_TIME + 1
    assert "adjustments" not in report and "approvals" not in report


async def test_a_submitted_quarter_shows_as_awaiting_approval(hub):
    service, _arrive, _clock = hub

    await command(service, "submit_figures", {"partner_id": P, "period": Q})
    report = await figures(service, "2020-03-31")

    assert report["approvals"][P] == {"status": "submitted", "on": "2020-04-10"}


async def logs(service, tmp_path) -> tuple[Path, Path]:
    """The hub's network log and its own store's log (the approvals), as auditors get them."""
    network, approvals = tmp_path / "network.jsonl", tmp_path / "hub.jsonl"
    with network.open("wb") as out:
        writer = LogWriter(out)
        for envelope in await service.store.db.read(lambda c: list(network_log.envelopes(c))):
            writer.write(orjson.loads(envelope))
    with approvals.open("wb") as out:
        writer = LogWriter(out)
        async for envelope in store_envelopes(service.store):
            writer.write(envelope)
    return network, approvals


async def test_the_replay_of_the_log_agrees_with_the_approval_despite_a_late_event(hub, tmp_path):
    service, arrive, _clock = hub
    await approve_the_quarter(service)
    await arrive(referral(100, date(2020, 3, 20)))
    network, approvals = await logs(service, tmp_path)

    approved = approvals_in(checked_entries(approvals, LogReport()))
    found = approved_differences(checked_entries(network, LogReport()), approved)
    tampered = [a.model_copy(update={"figures": {"families_referred": ON_TIME + 1}})
                for a in approved]

    assert len(approved) == 1 and approved[0].figures["families_referred"] == ON_TIME
    assert found == []
    assert [d.indicator for d in approved_differences(
        checked_entries(network, LogReport()), tampered)] == ["families_referred"]


async def test_pace_replay_approved_exits_0_when_the_log_agrees_and_1_when_it_does_not(
        hub, tmp_path):
    service, arrive, _clock = hub
    await approve_the_quarter(service)
    await arrive(referral(100, date(2020, 3, 20)))
    network, approvals = await logs(service, tmp_path)
    lines = network.read_bytes().splitlines(keepends=True)
    short = tmp_path / "short.jsonl"  # a log without an event the approval counted
    with short.open("wb") as out:
        writer = LogWriter(out)
        for line in lines[:ON_TIME - 1]:
            writer.write({k: v for k, v in orjson.loads(line).items()
                          if k not in ("seq", "prev_hash", "hash")})

    runner = CliRunner()
    good = runner.invoke(app, ["replay", str(network), "--approved", "--approvals", str(approvals)])
    bad = runner.invoke(app, ["replay", str(short), "--approved", "--approvals", str(approvals)])

    assert good.exit_code == 0, good.output
    assert "Every approved quarter (1) equals the log's figures" in good.output
    assert bad.exit_code == 1, bad.output
    assert "the log holds 6 of its events; the approval counted 7" in bad.output


async def test_the_approvals_query_lists_what_the_replay_checks(hub):
    service, _arrive, _clock = hub
    await approve_the_quarter(service)

    reply = await service.answer("approvals", {})

    assert [a.events_counted for a in approvals_in(reply["approvals"])] == [ON_TIME]


async def test_a_quarter_cannot_be_approved_before_it_is_submitted(hub):
    service, _arrive, _clock = hub

    reply = await command(service, "approve_figures", {"partner_id": P, "period": Q})

    assert reply["ok"] is False
    assert reply["error"]["code"] == "approval_step_refused"
    assert "only submitted figures can be approved" in reply["error"]["message"]


async def test_a_command_about_one_partner_on_anothers_subject_is_refused(hub):
    service, _arrive, _clock = hub

    reply = await command(service, "submit_figures", {"partner_id": P, "period": Q},
                          partner="gent")

    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid_input"
    assert "must come on pace.network.cmd.mechelen" in reply["error"]["message"]


@pytest.mark.nats
async def test_pace_figures_submit_and_approve_over_the_hubs_nats(tmp_path, nats_servers):
    import asyncio

    import nats

    from apps.bootstrap import Hub
    from tests.integration.test_reporting_service import network_log_of

    server = await nats_servers("hub", domain=subjects.HUB_DOMAIN)
    await (await network_log_of(tmp_path)).close()
    async with Hub(server.url, tmp_path / "hub.db", {P: "BE"}):
        nc = await nats.connect(server.url)
        published = await nc.subscribe(subjects.figures_subject(P))
        args = ["--hub-url", server.url, "--partner", P, "--period", Q]
        runner = CliRunner()

        submitted = await asyncio.to_thread(runner.invoke, app, ["figures", "submit", *args])
        approved = await asyncio.to_thread(runner.invoke, app, ["figures", "approve", *args])
        again = await asyncio.to_thread(runner.invoke, app, ["figures", "approve", *args])
        seen = []
        while "FiguresApproved" not in seen:  # the relay publishes them; bounded by next_msg
            seen.append(orjson.loads((await published.next_msg(timeout=10)).data)["event_type"])
        await nc.close()

    assert submitted.exit_code == 0 and "FiguresSubmitted" in submitted.output
    assert approved.exit_code == 0 and "FiguresApproved" in approved.output
    assert again.exit_code == 1 and "only submitted figures can be approved" in again.output
