"""From a partner command's reply to the hub's published figure that includes it, ten partners.

A LocalNetwork of the ten delivery partners (plain loopback, no TLS) runs in this process with
the hub. After a warm-up (two families per partner, until the hub's first two publications
count them: the first stores every closed period's figures), for DURATION seconds (argv[1],
default 30) a new family starts every 40 ms, the partners in turn: its referral, then its
cross-border statistics consent (which lets the sharing service share the referral), so 50
commands/s across the network. A subscriber on the hub reads `pace.network.figures.*`; a
consent's latency runs from its reply to the first
to-date figures of its partner whose families_referred counts it.
Baseline (same run): a raw nats-py request from a partner's leaf node to a responder on the
hub, the network's own round trip. What bounds ours is printed with it: the reporting
service publishes the to-date figures after each change, at most every max(50 ms, 10x the
time that publication held the event loop computing), and every closed period's figures at
most every max(10 s, 10x theirs).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from nats.js.api import DeliverPolicy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.local import LocalNetwork  # noqa: E402
from apps.local_processes import ProcessNetwork  # noqa: E402
from bench.common import AimRow, aim_row, print_aims  # noqa: E402
from contracts import subjects  # noqa: E402
from contracts.commands import (  # noqa: E402
    ChildDetails,
    ParentDetails,
    RecordConsent,
    ReferFamily,
)
from contracts.intake import ConsentPurpose, Gender, ReferralSource  # noqa: E402
from contracts.periods import PROGRAMME_START  # noqa: E402
from pace.client import PartnerClient  # noqa: E402
from pace.connection import connect, settle  # noqa: E402
from pace.logging import configure_logging  # noqa: E402
from pace.network.registry import load_registry  # noqa: E402
from services.reporting import disclosure  # noqa: E402
from services.reporting.app import CLOSED_DELAY, LATEST_DELAY, PUBLISH_SHARE, figures_events  # noqa: E402
from services.reporting.periods import closed_periods  # noqa: E402

RATE = 50.0  # commands per second across the network
DRAIN = 600.0  # at most this long, after the load, for the figures to count every family
ROUND_TRIPS = 300
PUBLICATION_MOMENT = 0.02  # seconds: one publication's figure sets arrive within it
WARM_UP = 2  # families per partner before the measurement
TODAY = datetime.now(UTC).date()
BIRTH = (TODAY - timedelta(days=400)).strftime("%Y-%m")


def referral(n: int) -> ReferFamily:
    return ReferFamily(
        family_id=f"fam-{n:05d}", referral_source=ReferralSource.PUBLIC_EMPLOYMENT_SERVICE,
        referred_on=TODAY,
        parents=(ParentDetails(parent_id=f"par-{n:05d}", gender=Gender.FEMALE,
                               full_name=f"Parent {n}", phone="+32 470 12 34 56",
                               national_number="85.07.30-033.61"),),
        children=(ChildDetails(child_id=f"chi-{n:05d}", first_name="Lotte",
                               birth_month=BIRTH),))


def publication_seconds(network: LocalNetwork, closed: bool) -> tuple[int, float]:
    """What one publication computes (the reporting service's publish, without storing):
    the to-date figures, and with `closed` every closed period's too."""
    reporting, started = network.reporting, time.perf_counter()
    today = datetime.now(UTC).date()
    reports = [reporting.report(today)] + [
        reporting.report(period.end, str(period))
        for period in (closed_periods(PROGRAMME_START, today) if closed else ())]
    events = sum(len(figures_events(disclosure.protect(report))) for report in reports)
    return events, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def raw_round_trips(network: LocalNetwork, partner: str) -> list[float]:
    """A nats-py request from the partner's leaf node to a trivial responder on the hub."""
    hub = await connect(network.hub_url)
    leaf = await connect(network.partner_url(partner))
    try:
        async def pong(msg) -> None:  # type: ignore[no-untyped-def]
            await msg.respond(msg.data)

        await hub.subscribe("bench.latency.ping", cb=pong)
        await settle(hub)
        for _ in range(50):  # until the interest has crossed the leaf link
            try:
                await leaf.request("bench.latency.ping", b"x", timeout=0.5)
                break
            except Exception:  # noqa: BLE001 - no responders yet
                await asyncio.sleep(0.1)
        took = []
        for _ in range(ROUND_TRIPS):
            started = time.perf_counter()
            await leaf.request("bench.latency.ping", b"x", timeout=5)
            took.append(time.perf_counter() - started)
        return took
    finally:
        await leaf.close()
        await hub.close()


async def measure(tmp: Path, duration: float, processes: bool
                  ) -> tuple[list[float], list[float], int, dict]:
    partners = [p.id for p in load_registry().delivery]
    kind = ProcessNetwork if processes else LocalNetwork
    async with kind(tmp, partners) as network:
        floor = await raw_round_trips(network, partners[0])
        load_started = time.perf_counter()
        seen: dict[str, list[tuple[float, int]]] = {p: [] for p in partners}
        hub = await connect(network.hub_url)

        async def figures(msg) -> None:  # type: ignore[no-untyped-def]
            payload = orjson.loads(msg.data)["payload"]
            if payload.get("period") == "to-date" and payload.get("partner_id") in seen:
                seen[payload["partner_id"]].append(
                    (time.perf_counter(), int(payload["figures"].get("families_referred", 0))))

        await hub.subscribe(subjects.figures_subjects(), cb=figures)
        # the first stage: each shared referral's arrival in the hub's network stream
        arrived: dict[str, list[float]] = {p: [] for p in partners}

        async def shared(msg) -> None:  # type: ignore[no-untyped-def]
            partner = msg.subject.split(".")[1]
            if partner in arrived:
                arrived[partner].append(time.perf_counter())
            await msg.ack()

        hub_js = hub.jetstream()
        watch = await hub_js.subscribe("pace.*.net.intake.FamilyReferred",
                                       stream=subjects.NETWORK_STREAM, ordered_consumer=True,
                                       deliver_policy=DeliverPolicy.NEW, cb=shared)
        connections = {p: await connect(network.partner_url(p)) for p in partners}
        clients = {p: PartnerClient(nc, p, actor="bench") for p, nc in connections.items()}
        replied: dict[str, list[float]] = {p: [] for p in partners}
        refused: list[str] = []

        async def family(n: int, partner: str) -> None:
            try:
                await clients[partner].do("intake", referral(n))
                await clients[partner].do("intake", RecordConsent(
                    family_id=f"fam-{n:05d}", purpose=ConsentPurpose.CROSS_BORDER_STATISTICS,
                    given_on=TODAY))
                replied[partner].append(time.perf_counter())
            except Exception as error:  # noqa: BLE001 - counted and printed
                refused.append(f"{partner} fam-{n:05d}: {error!r}")

        async def published(count: int) -> None:
            """Until every partner's published figures count this many families."""
            deadline = time.perf_counter() + DRAIN
            while time.perf_counter() < deadline and not all(
                    seen[p] and seen[p][-1][1] >= count for p in partners):
                await asyncio.sleep(0.2)

        try:
            # Warm-up, not measured: the hub's first publication stores every closed period's
            # figures (hundreds of events) and the next waits ten times as long; the second
            # stores only what changed. The measurement starts after both.
            n = 0
            for round_ in range(1, WARM_UP + 1):
                await asyncio.gather(*(family(n + i, p) for i, p in enumerate(partners)))
                n += len(partners)
                await published(round_)
            warm = time.perf_counter()
            tasks, started = [], time.perf_counter()
            first = n
            while (now := time.perf_counter()) - started < duration:
                due = started + (n - first) * 2 / RATE  # two commands per family
                if now < due:
                    await asyncio.sleep(due - now)
                tasks.append(asyncio.create_task(family(n, partners[n % len(partners)])))
                n += 1
            await asyncio.gather(*tasks)
            load_seconds = time.perf_counter() - started
            deadline = time.perf_counter() + DRAIN
            while time.perf_counter() < deadline and not all(
                    seen[p] and seen[p][-1][1] >= len(replied[p]) for p in partners):
                await asyncio.sleep(0.2)
            latest, events, publishing = None, 0, 0.0
            if network.reporting is not None:  # in this process: what a publication costs
                await network.reporting.catch_up()  # after the load, holding the loop
                latest = publication_seconds(network, closed=False)
                events, publishing = publication_seconds(network, closed=True)
        finally:
            await watch.unsubscribe()
            for nc in connections.values():
                await nc.close()
            await hub.close()
    latencies, missing, to_hub, at_hub = [], 0, [], []
    for partner in partners:
        # the k-th consent's family is counted by the first figures with families_referred >= k
        replies = sorted(replied[partner])
        # arrivals in the network stream (watched from before the warm-up), in the
        # partner's order: the k-th arrival is the k-th consented family's referral
        arrivals = sorted(arrived[partner])
        for k, reply in enumerate(replies, start=1):
            if k <= WARM_UP:
                continue
            covered = next((at for at, count in seen[partner] if count >= k), None)
            arrival = arrivals[k - 1] if k <= len(arrivals) else None
            if arrival is not None:
                to_hub.append(max(0.0, arrival - reply))
            if covered is None:
                missing += 1
                continue
            latencies.append(max(0.0, covered - reply))
            if arrival is not None:
                at_hub.append(max(0.0, covered - arrival))
    # one publication's figure sets arrive within a moment; publications are >= 50 ms apart
    moments: list[float] = []
    for at in sorted(at for figures in seen.values() for at, _ in figures if at >= warm):
        if not moments or at - moments[-1] > PUBLICATION_MOMENT:
            moments.append(at)
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    facts = {"families": n - first, "warm-up": warm - load_started,
             "commands/s": 2 * (n - first) / load_seconds, "refused": refused,
             "publishing": publishing, "figure events": events, "latest": latest,
             "counted": {p: (seen[p][-1][1] if seen[p] else 0, len(replied[p]))
                         for p in partners},
             "publications": len(moments), "gaps": gaps, "missing": missing,
             "to hub": to_hub, "at hub": at_hub}
    return latencies, floor, n, facts


def print_run(processes: bool, duration: float, latencies: list[float], floor: list[float],
              facts: dict) -> tuple[float, float, float, float] | None:
    """One run's lines; its p50, p99 and the raw round trip's p50 and p99, if measured."""
    floor_p50, floor_p99 = percentile(floor, 0.5), percentile(floor, 0.99)
    where = ("each partner's services and the hub's reporting in a process of its own "
             "(`pace partner up`, `pace hub up`), as deployed" if processes else
             "the ten partners' services and the hub in this one process")
    print(f"\nPartner command reply -> hub figures, ten partners, {where}: {duration:.0f} s "
          f"at {facts['commands/s']:.0f} commands/s ({facts['families']:,} families, "
          f"{len(facts['refused'])} without an answer in 10 s or refused, "
          f"{facts['missing']} consents never seen in a figure within {DRAIN:.0f} s)")
    print(f"  warm-up (two families per partner, the hub's first two publications): "
          f"{facts['warm-up']:.0f} s")
    if facts["latest"] is not None:
        latest_events, latest_seconds = facts["latest"]
        print(f"  computing the to-date figures ({latest_events} events) takes "
              f"{latest_seconds * 1000:.0f} ms, so they go out at most every "
              f"{max(LATEST_DELAY, PUBLISH_SHARE * latest_seconds) * 1000:.0f} ms; every "
              f"closed period's too ({facts['figure events']:,} events) "
              f"{facts['publishing']:.2f} s, at most every "
              f"{max(CLOSED_DELAY, PUBLISH_SHARE * facts['publishing']):.0f} s (measured after the "
              f"load, in a quiet loop)")
    print("  last families_referred published / consents replied, per partner: "
          + ", ".join(f"{p} {a}/{b}" for p, (a, b) in facts["counted"].items()))
    gaps = sorted(facts["gaps"])
    print(f"  from the load on, the hub published figures {facts['publications']} times "
          f"(figure sets less than {PUBLICATION_MOMENT * 1000:.0f} ms apart counted as one), "
          + (f"apart p50 {percentile(gaps, 0.5) * 1000:,.0f} ms, p99 "
             f"{percentile(gaps, 0.99) * 1000:,.0f} ms, max {gaps[-1] * 1000:,.0f} ms"
             if gaps else "no gap to measure"))
    for line in facts["refused"][:5]:
        print(f"  refused: {line}")
    if not latencies:
        print("  no latency measured")
        return None
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    print(f"  ours: p50 {p50 * 1000:,.0f} ms, p99 {p99 * 1000:,.0f} ms, max "
          f"{max(latencies) * 1000:,.0f} ms (mean {statistics.fmean(latencies) * 1000:,.0f} ms)")
    if facts["to hub"]:
        print(f"  of which the partner's side (consent reply -> shared referral in the hub's "
              f"network stream): p50 {percentile(facts['to hub'], 0.5) * 1000:,.0f} ms, p99 "
              f"{percentile(facts['to hub'], 0.99) * 1000:,.0f} ms; the hub's (ingestion, fold "
              f"and publication): p50 {percentile(facts['at hub'], 0.5) * 1000:,.0f} ms, p99 "
              f"{percentile(facts['at hub'], 0.99) * 1000:,.0f} ms")
    print(f"  raw leaf -> hub request/reply: p50 {floor_p50 * 1000:.2f} ms, p99 "
          f"{floor_p99 * 1000:.2f} ms")
    if not processes:
        print("  bound: every stage waits its turn on one event loop and one core (the GIL)")
    return p50, p99, floor_p50, floor_p99


def main() -> None:
    configure_logging("WARNING", stream=sys.stderr)
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    measured = {}
    for processes in (False, True):
        with tempfile.TemporaryDirectory(prefix="pace-bench-latency-") as tmp:
            latencies, floor, _, facts = asyncio.run(measure(Path(tmp), duration, processes))
        measured[processes] = print_run(processes, duration, latencies, floor, facts)
    rows = []
    for processes, label in ((True, "own processes"), (False, "one process")):
        if measured[processes] is None:
            continue
        p50, p99, floor_p50, floor_p99 = measured[processes]
        ours = f"{label}: p50 {p50 * 1000:,.0f} ms, p99 {p99 * 1000:,.0f} ms"
        baseline = (f"raw leaf->hub round trip p50 {floor_p50 * 1000:.2f} ms, p99 "
                    f"{floor_p99 * 1000:.2f} ms")
        if processes:  # the row the summary keeps
            rows.append(aim_row("hub-p99", ours, baseline, p99 / floor_p99, p99 < 0.25))
        else:
            rows.append(AimRow("hub-p99", ours, baseline, f"{p99 / floor_p99:.2f}x", p99 < 0.25))
    print_aims("Aims (ratios from this run; the aim is for the network as deployed, each "
               "partner and the hub in its own processes)", rows)


if __name__ == "__main__":
    main()
