"""`pace doctor`: checks a partner's NATS, streams, consumers, lag, dead letters and hub link,
and says in plain words what is wrong.

Every check works with the partner user's allow-list (pace.network.permissions): JetStream
API calls on the partner's own streams only. The hub's sourcing is invisible from there (its
source consumer on PACE_SHARED_<PARTNER> is a hidden, direct consumer), so the leaf-node link
is read from the partner server's HTTP monitoring (`/leafz`, port 8222 in deploy/nats) when
`monitor_url` is given; with `hub_url`, the hub's reporting service is asked how many of the
partner's shared events it holds.
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import nats
import orjson
from nats.js.api import ConsumerInfo, StreamInfo
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from contracts import subjects
from pace.connection import NatsAuth, connect
from pace.schedules import SCHEDULES_STREAM, durable_name, last_run

Level = Literal["ok", "warn", "fail"]

# The durable consumers a partner's service set runs on PACE_EVENTS, and whose they are.
PARTNER_CONSUMERS: dict[str, str] = {
    "booking-families": "booking",
    "booking-handover": "booking",
    "booking-handover-places": "booking",
    "trajectory-enrolment": "trajectory",
    "sharing": "sharing",
}
# The durable consumers on the partner's PACE_SHARED_<PARTNER>, and whose they are: the
# partner's own figures (its web app's figures page). Optional: missing is a warning.
SHARED_CONSUMERS: dict[str, str] = {"figures": "figures"}
CONNECT_TIMEOUT = 3.0
LAG_WARNING = 1000  # pending messages of a consumer that is being pulled
RELEASE_SCHEDULE = "booking-release"  # booking's daily release of places that are due
RELEASE_LATE_HOURS = 26  # a daily release not seen for longer than this is late


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's verdict: ok, warn or fail, what was checked and what it means."""

    level: Level
    what: str
    advice: str


async def diagnose(partner: str, nats_url: str, auth: NatsAuth | None = None,
                   hub_url: str | None = None, *, hub_auth: NatsAuth | None = None,
                   monitor_url: str | None = None,
                   consumers: dict[str, str] | None = None, samples: int = 4,
                   sample_every: float = 0.5) -> list[Finding]:
    """Check a partner's NATS and JetStream, its streams, consumers and hub link."""
    subjects.check_partner(partner)
    findings: list[Finding] = []
    shared: int | None = None
    nc = await _connect(nats_url, auth, findings, f"{partner}'s NATS", partner_hint=True)
    if nc is None:
        return findings
    try:
        shared = await _partner_checks(nc.jetstream(), partner, consumers or PARTNER_CONSUMERS,
                                       findings, samples, sample_every)
    finally:
        await nc.close()
    if monitor_url:
        findings.append(await check_leaf_link(monitor_url))
    if hub_url:
        findings += await check_hub(hub_url, partner, hub_auth, shared=shared)
    return findings


async def _connect(url: str, auth: NatsAuth | None, findings: list[Finding], what: str,
                   partner_hint: bool = False) -> nats.NATS | None:
    errors: list[Exception] = []

    async def remember(error: Exception) -> None:
        errors.append(error)

    try:  # nats-py retries forever with max_reconnect_attempts=0: allow 1 retry, then give up
        async with asyncio.timeout(CONNECT_TIMEOUT * 3):
            nc = await connect(url, auth, connect_timeout=CONNECT_TIMEOUT,
                               allow_reconnect=False, max_reconnect_attempts=1,
                               reconnect_time_wait=0.2, error_cb=remember)
    except Exception as error:  # noqa: BLE001 - any failure to connect is the finding
        error = errors[-1] if errors else error
        hint = ("Is the partner's nats-server running, and are the URL and the PACE_NATS_* "
                "credentials right?" if partner_hint else
                "Is the hub up, is the URL right, and can this machine reach it?")
        findings.append(Finding("fail", what, f"cannot connect to {url}: "
                                f"{_describe(error)}. {hint}"))
        return None
    findings.append(Finding("ok", what, f"connected to {url}"))
    return nc


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "Connect call failed" in text or isinstance(error, ConnectionRefusedError):
        return "connection refused (nothing listens there)"
    return text[:200]


async def _partner_checks(js: JetStreamContext, partner: str, consumers: dict[str, str],
                          findings: list[Finding], samples: int, sample_every: float
                          ) -> int | None:
    """JetStream, streams, consumers, dead letters; returns how many events were shared."""
    try:
        await js.account_info()
    except Exception as error:  # noqa: BLE001
        findings.append(Finding("fail", "JetStream", f"JetStream does not answer "
                                f"({_describe(error)}): is the server started with JetStream "
                                "(domain = the partner id) and does the user have "
                                "$JS.API.INFO?"))
        return None
    findings.append(Finding("ok", "JetStream", "JetStream answers"))
    streams = await _stream_checks(js, partner, findings)
    if subjects.PARTNER_EVENTS_STREAM in streams:
        findings += await check_consumers(js, consumers, samples, sample_every)
    if (shared_stream := subjects.shared_stream(partner)) in streams:
        findings += await check_consumers(js, SHARED_CONSUMERS, samples, sample_every,
                                          stream=shared_stream, optional=True)
    if subjects.DEAD_LETTER_STREAM in streams:
        findings += await check_dead_letters(js, partner)
    findings.append(await check_release(js))
    shared = streams.get(subjects.shared_stream(partner))
    return None if shared is None else shared.state.last_seq


async def _stream_checks(js: JetStreamContext, partner: str,
                         findings: list[Finding]) -> dict[str, StreamInfo]:
    present = {}
    for name in (subjects.PARTNER_EVENTS_STREAM, subjects.shared_stream(partner),
                 subjects.DEAD_LETTER_STREAM):
        try:
            info = await js.stream_info(name)
        except NotFoundError:
            findings.append(Finding("fail", f"stream {name}", f"the stream {name} does not "
                                    "exist: the partner's services create it when they start; "
                                    "start them (`pace partner up`) on this NATS"))
            continue
        except Exception as error:  # noqa: BLE001
            findings.append(Finding("fail", f"stream {name}", f"cannot read {name}: "
                                    f"{_describe(error)}"))
            continue
        present[name] = info
        findings.append(Finding("ok", f"stream {name}",
                                f"{info.state.messages:,} messages"))
    return present


async def _pulled(js: JetStreamContext, durable: str, samples: int, every: float,
                  stream: str = subjects.PARTNER_EVENTS_STREAM) -> tuple[ConsumerInfo, bool]:
    """The consumer's info and whether anyone pulled from it during a few samples."""
    info = first = await js.consumer_info(stream, durable)
    for sample in range(samples):
        if info.num_waiting or (info.delivered.stream_seq or 0) > (first.delivered.stream_seq
                                                                    or 0):
            return info, True
        if sample < samples - 1:
            await asyncio.sleep(every)
            info = await js.consumer_info(stream, durable)
    return info, False


async def check_consumers(js: JetStreamContext, consumers: dict[str, str], samples: int = 4,
                          sample_every: float = 0.5, *,
                          stream: str = subjects.PARTNER_EVENTS_STREAM,
                          optional: bool = False) -> list[Finding]:
    """Each durable on `stream` exists (`optional`: a missing one is a warning), someone
    pulls from it, and how far behind it is."""
    checked = await asyncio.gather(*(_consumer(js, durable, service, samples, sample_every,
                                               stream, optional)
                                     for durable, service in consumers.items()))
    return list(checked)


async def _consumer(js: JetStreamContext, durable: str, service: str, samples: int,
                    every: float, stream: str = subjects.PARTNER_EVENTS_STREAM,
                    optional: bool = False) -> Finding:
    what = f"consumer {durable}"
    try:
        info, pulled = await _pulled(js, durable, samples, every, stream)
    except NotFoundError:
        return Finding("warn" if optional else "fail", what,
                       f"the consumer does not exist on {stream}: the {service} service has "
                       "never started on this NATS (it creates its consumers on start)")
    except Exception as error:  # noqa: BLE001
        return Finding("fail", what, f"cannot read it: {_describe(error)}")
    lag = (info.num_pending or 0) + (info.num_ack_pending or 0)
    last_delivery = info.delivered.last_active if info.delivered else None
    if not pulled and lag:
        return Finding("fail", what, f"STOPPED: {lag:,} events are waiting and nobody is "
                       f"fetching them; the {service} service is probably down (last "
                       f"delivery {_ago(last_delivery)}). Restart it; it "
                       "picks up where it stopped.")
    if not pulled:
        return Finding("warn", what, f"nobody is fetching from it, though nothing is waiting: "
                       f"is the {service} service running?")
    if lag > LAG_WARNING:
        return Finding("warn", what, f"{lag:,} events behind; the {service} service is "
                       "working through them (check again: the number should fall)")
    return Finding("ok", what, f"being fetched by the {service} service, {lag:,} behind")


def _seconds_since(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    when = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max((datetime.now(UTC) - when).total_seconds(), 0.0)


def _ago(moment: datetime | None) -> str:
    seconds = _seconds_since(moment)
    return "never" if seconds is None else f"{seconds:,.0f} s ago"


async def check_release(js: JetStreamContext) -> Finding:
    """When booking last released the places that were due (its daily schedule's last tick)."""
    what = "release of places"
    try:
        ran = await last_run(js, RELEASE_SCHEDULE)
    except Exception as error:  # noqa: BLE001
        return Finding("warn", what, f"cannot tell when it last ran: {_describe(error)}")
    if ran is None:
        try:
            await js.consumer_info(SCHEDULES_STREAM, durable_name(RELEASE_SCHEDULE))
        except NotFoundError:
            return Finding("warn", what, "has never run on this NATS: the booking service "
                           "sets its daily schedule when it starts (PACE_RELEASE_SCHEDULE)")
        return Finding("ok", what, "scheduled, has not run yet (it runs daily, "
                       "PACE_RELEASE_SCHEDULE)")
    seconds = _seconds_since(ran) or 0.0
    when = f"last ran {ran:%Y-%m-%d %H:%M} UTC ({_ago(ran)})"
    if seconds > RELEASE_LATE_HOURS * 3600:
        return Finding("warn", what, f"{when}: more than a day ago; is the booking service "
                       "running? A missed day is caught up when it comes back")
    return Finding("ok", what, when)


async def check_dead_letters(js: JetStreamContext, partner: str) -> list[Finding]:
    """Dead-lettered messages, per consumer: each one is an event some service refused."""
    info = await js.stream_info(subjects.DEAD_LETTER_STREAM,
                                subjects_filter=subjects.dead_letter_subject(partner, "*"))
    counts: dict[str, int] = dict(info.state.subjects or {})
    if not counts:
        return [Finding("ok", "dead letters", "none")]
    return [Finding("warn", f"dead letters of {subject.rsplit('.', 1)[-1]}",
                    f"{count:,} messages could not be applied and were parked on {subject} "
                    "with the reason in the Pace-Dead-Letter-Reason header; read them, fix "
                    "the cause, then republish or discard them")
            for subject, count in sorted(counts.items())]


async def check_leaf_link(monitor_url: str, timeout: float = 3.0) -> Finding:
    """Is the partner's leaf node linked to the hub? From its monitoring endpoint (/leafz)."""
    what = "link to the hub"
    url = monitor_url.rstrip("/") + "/leafz"

    def fetch() -> dict[str, Any]:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return orjson.loads(response.read())

    try:
        leafz = await asyncio.to_thread(fetch)
    except (OSError, ValueError) as error:
        return Finding("warn", what, f"cannot read {url}: {_describe(error)}; is the "
                       "server's monitoring port (http) enabled?")
    links = leafz.get("leafs") or []
    if not links:
        return Finding("warn", what, "the leaf node has no link to the hub: the hub is down "
                       "or unreachable from here (check the leafnodes remotes, the hub's "
                       "address and its leaf port). This partner keeps working and keeps its "
                       "shared events; the hub catches up when the link is back.")
    hub = links[0]
    return Finding("ok", what, f"linked to the hub at {hub.get('ip')}:{hub.get('port')} "
                   f"(round trip {hub.get('rtt', '?')})")


async def check_hub(hub_url: str, partner: str, auth: NatsAuth | None = None,
                    timeout: float = 3.0, shared: int | None = None) -> list[Finding]:
    """Connect to the hub and ask its reporting service how many events it has received."""
    findings: list[Finding] = []
    nc = await _connect(hub_url, auth, findings, "hub")
    if nc is None:
        findings[-1] = Finding("fail", "hub", f"the hub is unreachable: "
                               f"{findings[-1].advice.removeprefix('cannot connect to ')}")
        return findings
    try:
        reply = await nc.request(subjects.network_query_subject("status"), b"{}",
                                 timeout=timeout)
        received = orjson.loads(reply.data).get("received", {})
    except nats.errors.NoRespondersError:
        findings.append(Finding("fail", "hub reporting", "the hub's NATS is up but its "
                                "reporting service does not answer: start it (`pace hub up`)"))
    except Exception as error:  # noqa: BLE001
        findings.append(Finding("fail", "hub reporting", f"the hub's reporting service did "
                                f"not answer: {_describe(error)}"))
    else:
        findings.append(_hub_received(partner, received.get(partner, 0), shared))
    finally:
        await nc.close()
    return findings


def _hub_received(partner: str, received: int, shared: int | None) -> Finding:
    if shared is not None and received < shared:
        return Finding("warn", "hub reporting", f"the hub holds {received:,} of the "
                       f"{shared:,} events {partner} shared: it may still be catching up "
                       "(check again); if the number does not move, the leaf-node link or "
                       "the hub's sourcing is stuck")
    return Finding("ok", "hub reporting", f"the hub has received all {received:,} events "
                   f"{partner} shared")


def failed(findings: Sequence[Finding]) -> bool:
    return any(f.level == "fail" for f in findings)
