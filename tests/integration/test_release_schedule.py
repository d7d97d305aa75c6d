"""Places released by the server's clock: a JetStream schedule at `@every 1s`, on a real server.

Family 1's trajectory was completed ten days ago with a bridging period of one week, so the
bridge ended three days ago: its places from then on are due. At the next tick the places
in sessions still to come are released and the first waiting child of each is promoted; the
session already past is left as it was. A restart of the service in between loses nothing
and releases nothing twice.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import BookSlot, CompleteTrajectory, EnrolFamily, SetDaypartCapacity
from contracts.trajectory import CompletionOutcome
from pace.client import PartnerClient
from pace.schedules import last_run
from services.booking.app import RELEASE_SCHEDULE
from tests.eventually import eventually
from tests.integration.test_services import bookable, referral, session

pytestmark = [pytest.mark.nats, pytest.mark.timeout(150)]

TODAY = datetime.now(ZoneInfo("Europe/Brussels")).date()  # mechelen's own today
PAST, SOON, LATER = (
    TODAY - timedelta(days=2),
    TODAY + timedelta(days=3),
    TODAY + timedelta(days=5),
)
SETTINGS = {"release_schedule": "@every 1s", "bridging_weeks": 1}


def partner(tmp_path, nats_url) -> Partner:
    return Partner("mechelen", tmp_path, nats_url, history_mode=True, booking=SETTINGS)


async def family(staff: PartnerClient, n: int) -> None:
    from contracts.commands import RecordConsent
    from contracts.intake import ConsentPurpose

    await staff.do("intake", referral(n))
    for purpose in (ConsentPurpose.TRAJECTORY, ConsentPurpose.CHILDCARE):
        await staff.do(
            "intake",
            RecordConsent(
                family_id=f"fam-{n:03d}", purpose=purpose, given_on=TODAY - timedelta(days=30)
            ),
        )
    await staff.do(
        "intake",
        EnrolFamily(
            family_id=f"fam-{n:03d}", coach_id="coach-1", enrolled_on=TODAY - timedelta(days=30)
        ),
    )
    await bookable(staff, n)


async def book(staff: PartnerClient, day, n: int, **at) -> str:
    events = await staff.do(
        "booking",
        BookSlot(
            **session(day),
            booking_id=f"b-{day}-{n}",
            family_id=f"fam-{n:03d}",
            child_id=f"chi-{n:03d}",
        ),
        **at,
    )
    return events[0]["event_type"]


async def test_the_schedule_releases_places_after_the_bridge_once_across_a_restart(
    tmp_path, nats_url
) -> None:
    nc = await nats.connect(nats_url)
    staff = PartnerClient(nc, "mechelen")
    before = {"at": datetime.combine(PAST - timedelta(days=3), time(10), UTC)}
    running = await partner(tmp_path, nats_url).start()
    try:
        for n in (1, 2, 3):
            await family(staff, n)
        await staff.do("booking", SetDaypartCapacity(**session(PAST), capacity=1), **before)
        kinds = [await book(staff, PAST, 1, **before), await book(staff, PAST, 2, **before)]
        for day, waiting in ((SOON, 2), (LATER, 3)):
            await staff.do("booking", SetDaypartCapacity(**session(day), capacity=1))
            kinds += [await book(staff, day, 1), await book(staff, day, waiting)]
        assert kinds == ["SlotBooked", "SlotWaitlisted"] * 3

        await staff.do(
            "trajectory",
            CompleteTrajectory(
                family_id="fam-001",
                outcome=CompletionOutcome.JOB,
                completed_on=TODAY - timedelta(days=10),
            ),
        )
        await running.stop()  # the service goes down before (or while) the flags are made
        running = await partner(tmp_path, nats_url).start()

        statuses = await eventually(lambda: _released(staff), seconds=60)
        ticks = running.runner.schedules[RELEASE_SCHEDULE]
        seen = ticks.handled
        await eventually(lambda: _more(ticks, seen + 3), seconds=30)
        again = await _statuses(staff)
        events = await _booking_events(running)
        ran = await last_run(running.runner.nc.jetstream(), RELEASE_SCHEDULE)
    finally:
        await running.stop()
        await nc.close()

    assert (
        statuses
        == again
        == {
            f"b-{PAST}-1": "booked",
            f"b-{PAST}-2": "waitlisted",
            f"b-{SOON}-1": "released",
            f"b-{SOON}-2": "booked",
            f"b-{LATER}-1": "released",
            f"b-{LATER}-3": "booked",
        }
    )
    released = [e for e in events if e.event_type == "BookingReleased"]
    promoted = [e for e in events if e.event_type == "WaitlistPromoted"]
    assert sorted(e.envelope.payload["booking_id"] for e in released) == [
        f"b-{SOON}-1",
        f"b-{LATER}-1",
    ]
    assert {e.envelope.payload["reason"] for e in released} == {"bridging_ended"}
    assert sorted(e.envelope.payload["booking_id"] for e in promoted) == [
        f"b-{SOON}-2",
        f"b-{LATER}-3",
    ]
    assert ran is not None


async def _statuses(staff: PartnerClient) -> dict[str, str]:
    rows = await staff.query("booking", "bookings", **{"from": PAST.isoformat()})
    return {r["booking_id"]: r["status"] for r in rows if not r["booking_id"].startswith("probe")}


async def _released(staff: PartnerClient) -> dict[str, str] | None:
    statuses = await _statuses(staff)
    done = sum(1 for s in statuses.values() if s == "released")
    promoted = [statuses.get(f"b-{SOON}-2"), statuses.get(f"b-{LATER}-3")]
    return statuses if done == 2 and promoted == ["booked", "booked"] else None


async def _more(ticks, count: int) -> bool:
    await asyncio.sleep(0.2)
    return ticks.handled >= count


async def _booking_events(running: Partner) -> list:
    return await running.stores["booking"].read_all(0, 10_000)
