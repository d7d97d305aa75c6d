"""Three partners and a hub on real nats-servers: exactly once, no personal data, right figures.

The network runs as deployed: TLS on every connection, every client and leaf link a user
with an allow-list (pace.network.security).

The partners (Mechelen and Gent in Belgium, Kent in the UK) run as leaf nodes with their
own JetStream domains; the hub's PACE_NETWORK stream sources their shared streams. The
expected figures are computed here, directly from the commands sent, without the
reporting code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import orjson
import pytest
import pytest_asyncio

from apps.local import LocalNetwork
from contracts import commands as wire
from contracts import subjects
from contracts.booking import HandoverDestination
from pace.client import PartnerClient
from pace.connection import connect
from services.reporting import views as network_log
from simulation.driver import drive
from simulation.planner import plan_history
from simulation.profiles import PartnerProfile
from simulation.steps import Step

pytestmark = [pytest.mark.nats, pytest.mark.timeout(300)]

PARTNERS = {"mechelen": "BE", "gent": "BE", "kent": "UK"}
AS_OF = [date(2018, 6, 30), date(2020, 2, 29), date(2021, 3, 31), date(2022, 12, 31)]
PROFILES = [
    PartnerProfile("mechelen", "nl", 14, date(2017, 1, 9), complete=0.5, drop=0.2),
    PartnerProfile("gent", "nl", 10, date(2017, 3, 1), job=0.6),
    PartnerProfile("kent", "en", 10, date(2017, 5, 1), training=0.8),
]


def expected_figures(steps: Iterable[Step], as_of: date) -> dict[str, dict[str, int]]:
    """Per partner, straight from the commands: what the hub should report as of a date."""
    facts: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    steps = list(steps)
    child_of = {(s.partner, s.command.booking_id): s.command.child_id for s in steps
                if isinstance(s.command, wire.BookSlot)}
    for step in steps:
        c, seen = step.command, facts[step.partner]
        match c:
            case wire.ReferFamily() if c.referred_on <= as_of:
                seen["families_referred"].add(c.family_id)
            case wire.EnrolFamily() if c.enrolled_on <= as_of:
                seen["trajectories_started"].add(c.family_id)
            case wire.CompleteTrajectory() if c.completed_on <= as_of:
                seen["trajectories_completed"].add(c.family_id)
            case wire.DropTrajectory() if c.dropped_on <= as_of:
                seen["trajectories_dropped"].add(c.family_id)
            case wire.AgreePlan() if c.agreed_on <= as_of:
                seen["development_plans_agreed"].add(c.family_id)
            case wire.StartTraining() if c.started_on <= as_of:
                seen["parents_trained"].add(c.family_id)
            case wire.StartJob() if c.started_on <= as_of:
                seen["parents_found_work"].add(c.family_id)
            case wire.CheckIn() if c.session_date <= as_of:
                seen["children_cared_for"].add(child_of[(step.partner, c.booking_id)])
            case wire.CheckOut() if c.session_date <= as_of:
                seen["childcare_sessions"].add(c.booking_id)
            case wire.HandOverChild() if c.handed_over_on <= as_of:
                kind = ("children_handed_over_preschool"
                        if c.destination is HandoverDestination.PRESCHOOL
                        else "children_handed_over_regular")
                seen[kind].add(c.child_id)
    figures = {}
    for partner in PARTNERS:
        counted = {name: len(ids) for name, ids in facts[partner].items()}
        counted["trajectories_ongoing"] = (counted.get("trajectories_started", 0)
                                           - counted.get("trajectories_completed", 0)
                                           - counted.get("trajectories_dropped", 0))
        figures[partner] = counted
    return figures


INDICATORS = ["families_referred", "trajectories_started", "trajectories_completed",
              "trajectories_dropped", "trajectories_ongoing", "development_plans_agreed",
              "parents_trained", "parents_found_work", "children_cared_for",
              "childcare_sessions", "children_handed_over_regular",
              "children_handed_over_preschool"]


def personal_data(steps: Iterable[Step]) -> set[bytes]:
    """Every name, phone and national number and every note the referrals carried."""
    found: set[bytes] = set()
    for step in steps:
        if isinstance(step.command, wire.ReferFamily):
            for parent in step.command.parents:
                found |= {v.encode() for v in (parent.full_name, parent.phone,
                                                parent.national_number) if v}
            found |= {child.first_name.encode() for child in step.command.children
                      if len(child.first_name) > 3}
            found.add(step.command.notes.encode())
    return found


async def drive_through(network: LocalNetwork, steps: list[Step]) -> None:
    connections = [await connect(network.partner_url(p), network.partner_auth(p))
                   for p in PARTNERS]
    try:
        clients = {p: PartnerClient(nc, p) for p, nc in zip(PARTNERS, connections, strict=True)}
        report = await drive(steps, clients)
    finally:
        for nc in connections:
            await nc.close()
    assert report.refused == [], report.refused[:5]
    assert report.sent == len(steps)


async def hub_messages(network: LocalNetwork, stream: str) -> list:
    """Every message stored in one of the hub's streams, read one by one by sequence.

    The network stream as the reporting service (its only reader), figures as the coordinator.
    """
    auth = network.coordinator_auth if stream == subjects.FIGURES_STREAM \
        else network.reporting_auth
    nc = await connect(network.hub_url, auth)
    try:
        js = nc.jetstream()
        state = (await js.stream_info(stream)).state
        return [await js.get_msg(stream, seq) for seq in range(state.first_seq,
                                                                 state.last_seq + 1)]
    finally:
        await nc.close()


async def assert_hub_has_everything_once(network: LocalNetwork, steps: list[Step],
                                         shared: dict[str, int]) -> None:
    """After a disturbance: the hub caught up, kept each shared event once, figures right."""
    received = await network.wait_for_hub(timeout=150)
    assert received == shared
    kept = await network.reporting.store.db.read(network_log.counts)
    assert kept == shared, "an event was lost or doubled at the hub"
    report = network.reporting.report(date(2022, 12, 31), "to-date")
    expected = expected_figures(steps, date(2022, 12, 31))
    for partner in PARTNERS:
        assert {n: report.partners[partner].get(n, 0) for n in INDICATORS} == \
            {n: expected[partner].get(n, 0) for n in INDICATORS}, partner


@pytest.fixture(scope="module")
def history() -> list[Step]:
    return plan_history(PROFILES, seed=7)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def network(tmp_path_factory, history):
    data_dir: Path = tmp_path_factory.mktemp("network")
    async with LocalNetwork(data_dir, list(PARTNERS), history_mode=True,
                            secure=True) as running:
        await drive_through(running, history)
        await running.wait_for_hub(timeout=120)
        yield running


@pytest.mark.asyncio(loop_scope="module")
async def test_every_shared_event_reaches_the_hub_exactly_once(network):
    messages = await hub_messages(network, subjects.NETWORK_STREAM)
    ids = [orjson.loads(m.data)["event_id"] for m in messages]
    assert len(ids) == len(set(ids)), "an event reached the hub twice"
    by_partner: dict[str, set[str]] = defaultdict(set)
    for message in messages:
        by_partner[subjects.partner_of(message.subject)].add(orjson.loads(message.data)
                                                             ["event_id"])
    for partner, running in network.partners.items():
        shared = {r.event_id for r in await running.stores["sharing"].read_all(limit=10**6)}
        assert shared, f"{partner} shared nothing"
        assert by_partner[partner] == shared, f"{partner}: the hub's copy differs"
    kept = await network.reporting.store.db.read(network_log.counts)
    assert kept == {p: len(ids) for p, ids in by_partner.items()}


@pytest.mark.asyncio(loop_scope="module")
async def test_no_personal_data_reaches_the_hub(network, history):
    personal = personal_data(history)
    assert len(personal) > 50
    messages = await hub_messages(network, subjects.NETWORK_STREAM)
    messages += await hub_messages(network, subjects.FIGURES_STREAM)
    assert messages
    leaked = {p for m in messages for p in personal
              if p in m.data or p in orjson.dumps(m.headers or {})}
    assert not leaked, f"personal data at the hub: {sorted(leaked)[:5]}"
    hub_files = b"".join(p.read_bytes() for p in (network.data_dir / "hub").rglob("*")
                         if p.is_file())
    assert not [p for p in personal if p in hub_files], "personal data in the hub's files"
    partner_ids = {f"fam-{n:04d}".encode() for n in range(1, 20)}
    assert not [i for i in partner_ids for m in messages if i in m.data], \
        "a partner's own family ids crossed without re-keying"


async def local_ids(network: LocalNetwork) -> set[str]:
    """Every event, correlation and causation id in the partners' own stores."""
    found: set[str] = set()
    for running in network.partners.values():
        for context in ("intake", "booking", "trajectory"):
            for record in await running.stores[context].read_all(limit=10**6):
                row = record.row
                found |= {str(row[k]) for k in ("event_id", "correlation_id", "causation_id")
                          if row[k]}
    return found


@pytest.mark.asyncio(loop_scope="module")
async def test_nothing_at_the_hub_can_be_joined_to_a_partners_own_records(network, history):
    bodies = [orjson.loads(m.data) for m in await hub_messages(network, subjects.NETWORK_STREAM)]
    births = {c.birth_month for s in history if isinstance(s.command, wire.ReferFamily)
              for c in s.command.children}
    ids = await local_ids(network)
    assert len(ids) > 100 and bodies

    payloads = [b["payload"] for b in bodies]
    assert not [p for p in payloads for c in p.get("children", []) if c.get("birth_month")]
    assert not [b for b in bodies if b["event_type"] == "ChildCheckedIn"
                and (b["payload"]["checked_in_at"] or not b["payload"]["age_band"])]
    timestamps = [v for p in payloads for v in p.values() if isinstance(v, str) and "T" in v
                  and v[:4].isdigit()]
    assert not timestamps, f"timestamps at the hub: {timestamps[:3]}"
    assert {b["occurred_at"][10:] for b in bodies} == {"T00:00:00.000000Z"}
    joined = [k for b in bodies for k in ("event_id", "correlation_id", "causation_id")
              if b[k] and b[k] in ids]
    assert not joined, "an id at the hub appears in a partner's own store"
    assert not [i for b in bodies for i in births if f'"{i}"'.encode() in orjson.dumps(b)
                and b["event_type"] != "UnsharedFamiliesCounted"]  # its month is a referral's


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("as_of", AS_OF, ids=str)
async def test_figures_at_the_hub_equal_figures_from_the_commands(network, history, as_of):
    expected = expected_figures(history, as_of)
    report = network.reporting.report(as_of, "to-date")
    for partner in PARTNERS:
        got = {name: report.partners[partner].get(name, 0) for name in INDICATORS}
        assert got == {name: expected[partner].get(name, 0) for name in INDICATORS}, partner
    for country in set(PARTNERS.values()):
        members = [p for p, c in PARTNERS.items() if c == country]
        got = {name: report.countries[country].get(name, 0) for name in INDICATORS}
        assert got == {name: sum(expected[p].get(name, 0) for p in members)
                       for name in INDICATORS}, country
    assert {name: report.network.get(name, 0) for name in INDICATORS} == {
        name: sum(expected[p].get(name, 0) for p in PARTNERS) for name in INDICATORS}
    assert report.network["families_referred"] > 0


@pytest.mark.asyncio(loop_scope="module")
async def test_the_hub_answers_figures_over_nats_and_publishes_them(network, history):
    nc = await connect(network.hub_url, network.coordinator_auth)
    try:
        reply = await nc.request(subjects.network_query_subject("figures"),
                                 orjson.dumps({"as_of": "2020-02-29"}), timeout=10)
        answer = orjson.loads(reply.data)
        bad = await nc.request(subjects.network_query_subject("figures"),
                               orjson.dumps({"as_of": "yesterday"}), timeout=10)
    finally:
        await nc.close()
    expected = expected_figures(history, date(2020, 2, 29))
    assert answer["ok"], answer
    assert answer["report"]["partners"]["kent"]["families_referred"] == \
        expected["kent"]["families_referred"]
    assert orjson.loads(bad.data)["ok"] is False
    await network.reporting.publish()
    figures = await hub_messages(network, subjects.FIGURES_STREAM)
    scopes = {m.subject.rsplit(".", 1)[-1] for m in figures}
    assert scopes == {*PARTNERS, "network"}
    published = [orjson.loads(m.data)["payload"] for m in figures]
    seen = [answer["report"]["breakdowns"][p] for p in PARTNERS]
    seen += [f["breakdowns"] for f in published if "partner_id" in f]
    cells = [v for b in seen for d in b.values() for c in d.values() for v in c.values()]
    assert "<5" in cells, "a partner of this size has small cells"
    assert not [v for v in cells if isinstance(v, int) and 0 < v < 5], "a small cell shown"


@pytest.mark.asyncio(loop_scope="module")
async def test_a_replayed_export_of_the_hub_stream_equals_the_live_figures(network, tmp_path):
    from apps.audit import LogReport, checked_entries, export_log, replay, verify_log
    from contracts.report import to_json

    log = tmp_path / "network.jsonl"
    writer = await export_log(log, hub_url=network.hub_url, auth=network.reporting_auth)
    assert writer.seq == sum((await network.hub_status())["received"].values())
    assert verify_log(log).ok
    checked = LogReport()
    fold = replay(checked_entries(log, checked))
    assert checked.ok and checked.lines == writer.seq
    for as_of in AS_OF:
        for period in ("to-date", str(as_of.year)):
            live = network.reporting.report(as_of, period)
            replayed = fold.figures(as_of, period, network.reporting.countries)
            assert to_json(replayed) == to_json(live), (as_of, period)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_partner_store_exports_to_a_log_that_verifies(network, tmp_path):
    from apps.audit import export_log, verify_log

    store = network.partners["kent"].stores["intake"]
    log = tmp_path / "kent-intake.jsonl"
    writer = await export_log(log, store_url=str(store.db.url), partner="kent")
    assert writer.seq == await store.last_position() > 0
    report = verify_log(log)
    assert report.ok, report.problems[:3]
    assert b"full_name" not in log.read_bytes(), "the vault's personal data was exported"
