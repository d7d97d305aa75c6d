"""Two booking processes sharing one store: 50 bookings at once for 15 places, none lost.

Each process is a real `pace partner up --only booking` on the same SQLite file and the same
nats-server; commands reach either one through the queue group. Inside a process, commands on
one session take turns; between the two, only the store's expected version settles the race,
so the conflict-retry path runs (each process counts its retries in pace_command_conflicts).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import BookSlot, SetDaypartCapacity
from pace.client import PartnerClient
from pace.nats_server import free_ports
from pace.store import EventStore
from tests.eventually import eventually
from tests.integration.test_services import SOON, bookable, enrolled_family, session

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

FAMILIES = range(100, 150)


def start_booking(data_dir: Path, url: str, metrics_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PACE_NATS_URL": url,
        "PACE_ONLY": "booking",
        "PACE_METRICS_PORT": str(metrics_port),
        "PACE_HEALTH_PORT": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apps.cli",
            "partner",
            "up",
            "--partner",
            "mechelen",
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def metric(port: int, name: str) -> float:
    """The sum of a counter's samples on a process's /metrics page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3) as page:
        text = page.read().decode()
    return sum(
        float(value) for value in re.findall(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE)
    )


async def answered(port: int) -> float:
    return await asyncio.to_thread(metric, port, "pace_command_seconds_count")


async def test_two_processes_book_fifty_children_into_fifteen_places(tmp_path, nats_url):
    ports = free_ports(2)
    processes: list[subprocess.Popen] = []
    nc = await nats.connect(nats_url)
    staff = PartnerClient(nc, "mechelen")
    others = [
        await Partner("mechelen", tmp_path / "mechelen", nats_url, only=only).start()
        for only in ("intake", "trajectory")
    ]
    try:
        for port in ports:  # one after the other: the second finds the tables made
            processes.append(start_booking(tmp_path, nats_url, port, tmp_path / f"{port}.log"))
            await eventually(lambda p=port: _metrics_up(p))
        await asyncio.gather(*(enrolled_family(staff, n) for n in FAMILIES))
        await asyncio.gather(*(bookable(staff, n) for n in FAMILIES))
        await staff.do("booking", SetDaypartCapacity(**session(), capacity=15))
        served_before = [await answered(port) for port in ports]

        replies = await asyncio.gather(
            *(
                staff.do(
                    "booking",
                    BookSlot(
                        **session(),
                        booking_id=f"b-{n}",
                        family_id=f"fam-{n:03d}",
                        child_id=f"chi-{n:03d}",
                    ),
                )
                for n in FAMILIES
            )
        )

        served = [
            await answered(port) - before for port, before in zip(ports, served_before, strict=True)
        ]
        conflicts = [
            await asyncio.to_thread(metric, p, "pace_command_conflicts_total") for p in ports
        ]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                await asyncio.to_thread(process.wait, 20)
            except subprocess.TimeoutExpired:
                process.kill()
        for other in others:
            await other.stop()
        await nc.close()

    kinds = [r[0]["event_type"] for r in replies]
    assert kinds.count("SlotBooked") == 15
    assert kinds.count("SlotWaitlisted") == 35
    assert all(count > 0 for count in served), f"both processes must answer: {served}"
    assert sum(conflicts) > 0, "the two processes never raced: the retry path did not run"
    store = await EventStore.open(tmp_path / "mechelen" / "mechelen-booking.db", "mechelen")
    try:
        stream = await store.read_stream(f"session-{session()['location_id']}:{SOON}:morning")
        assert (await store.verify()).ok
    finally:
        await store.close()
    types = [r.event_type for r in stream]
    assert types.count("SlotBooked") == 15 and types.count("SlotWaitlisted") == 35
    assert len({r.envelope.payload["booking_id"] for r in stream[1:]}) == 50


async def _metrics_up(port: int) -> bool:
    try:
        await asyncio.to_thread(metric, port, "pace_command_seconds_count")
    except OSError:
        return False
    return True
