"""A partner's services killed with SIGKILL in the middle of a stream of commands.

The services run in their own process (`pace partner up`, against a nats-server of the
test). Staff keep sending commands; the process is killed; staff re-send whatever got no
answer, with the same command ids, once a new process is up. Afterwards every acknowledged
command's events exist exactly once, and the reactions (the trajectory opened on enrolment)
happened exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import nats
import pytest

from contracts.commands import EnrolFamily, RecordConsent
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from pace.store import EventStore
from tests.integration.test_services import TODAY, referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

FAMILIES = 40
KILL_AFTER = 50  # commands answered before the kill
UNANSWERED = (nats.errors.TimeoutError, nats.errors.NoRespondersError,
              nats.errors.ConnectionReconnectingError)


def start_services(data_dir: Path, url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NATS_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "partner", "up", "--partner", "gent",
         "--data-dir", str(data_dir)], env=env, stdout=log.open("ab"),
        stderr=subprocess.STDOUT)


def commands(n: int) -> list[tuple[str, object]]:
    family = f"fam-{n:03d}"
    return [("intake", referral(n)),
            ("intake", RecordConsent(family_id=family, purpose=ConsentPurpose.TRAJECTORY,
                                     given_on=TODAY)),
            ("intake", EnrolFamily(family_id=family, coach_id="coach-1", enrolled_on=TODAY))]


async def send_until_answered(staff: PartnerClient, context: str, command, command_id,
                              seconds: float = 60) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        try:
            return await staff.do(context, command, command_id=command_id, timeout=2)
        except UNANSWERED:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_a_killed_service_process_loses_and_doubles_nothing(tmp_path, nats_url):
    log = tmp_path / "services.log"
    process = start_services(tmp_path / "var", nats_url, log)
    nc = await nats.connect(nats_url)
    staff = PartnerClient(nc, "gent")
    chains = [[(context, command, uuid.uuid4()) for context, command in commands(n)]
              for n in range(1, FAMILIES + 1)]
    plan = [link for chain in chains for link in chain]
    acknowledged: dict[uuid.UUID, list[dict]] = {}
    in_flight_at_kill: list[int] = []
    gate = asyncio.Semaphore(8)  # eight families at a time: commands are in flight

    async def family(chain) -> None:
        async with gate:
            for context, command, command_id in chain:
                acknowledged[command_id] = await send_until_answered(staff, context,
                                                                     command, command_id)

    async def kill_mid_stream() -> None:
        nonlocal process
        while len(acknowledged) < KILL_AFTER:
            await asyncio.sleep(0.005)
        in_flight_at_kill.append(len(plan) - len(acknowledged))
        process.send_signal(signal.SIGKILL)  # no goodbye, commands in flight
        await asyncio.to_thread(process.wait, 10)
        process = start_services(tmp_path / "var", nats_url, log)

    try:
        await asyncio.gather(kill_mid_stream(), *(family(chain) for chain in chains))
        assert in_flight_at_kill and in_flight_at_kill[0] > 0

        async def trajectories_opened() -> int:
            rows = await staff.query("trajectory", "trajectories")
            return len(rows)
        async with asyncio.timeout(60):
            while await trajectories_opened() < FAMILIES:
                await asyncio.sleep(0.2)
    finally:
        await nc.close()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()

    data = tmp_path / "var" / "gent"
    intake = await EventStore.open(data / "gent-intake.db", "gent")
    trajectory = await EventStore.open(data / "gent-trajectory.db", "gent")
    try:
        stored = await intake.read_all(limit=10**6)
        opened = await trajectory.read_all(limit=10**6)
        assert (await intake.verify()).ok and (await trajectory.verify()).ok
    finally:
        await intake.close()
        await trajectory.close()
    stored_ids = Counter(r.event_id for r in stored)
    answered = [e["event_id"] for events in acknowledged.values() for e in events]
    # one event per command, and each enrolment also answers the referrer (ReferralAnswered)
    assert len(answered) == len(plan) + FAMILIES == len(stored), "an event was lost or doubled"
    assert all(stored_ids[event_id] == 1 for event_id in answered)
    started = Counter(r.envelope.payload["family_id"] for r in opened
                      if r.event_type == "TrajectoryStarted")
    assert len(started) == FAMILIES and set(started.values()) == {1}, \
        "a reaction happened twice or not at all"
