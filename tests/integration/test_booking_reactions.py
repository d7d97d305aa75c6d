"""Booking reacting to other events, on a real nats-server: consent withdrawn, a handover."""

from __future__ import annotations

from datetime import timedelta

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import BookSlot, HandOverChild, SetDaypartCapacity, WithdrawConsent
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.integration.test_services import TODAY, bookable, enrolled_family, session

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

FIRST, SECOND = TODAY + timedelta(days=20), TODAY + timedelta(days=27)


@pytest.fixture
async def partner(tmp_path, nats_url):
    async with Partner("mechelen", tmp_path, nats_url) as running:
        yield running


@pytest.fixture
async def staff(partner, nats_url):
    nc = await nats.connect(nats_url)
    yield PartnerClient(nc, "mechelen")
    await nc.close()


async def places(staff, family: int, waiting: int) -> None:
    """Family books both sessions (one place each), family `waiting` waits in both."""
    for n in (family, waiting):
        await enrolled_family(staff, n)
        await bookable(staff, n)
    for day in (FIRST, SECOND):
        await staff.do("booking", SetDaypartCapacity(**session(day), capacity=1))
        for n in (family, waiting):
            await staff.do(
                "booking",
                BookSlot(
                    **session(day),
                    booking_id=f"b-{day}-{n}",
                    family_id=f"fam-{n:03d}",
                    child_id=f"chi-{n:03d}",
                ),
            )


async def statuses(staff) -> dict[str, str]:
    rows = await staff.query("booking", "bookings", **{"from": FIRST.isoformat()})
    return {r["booking_id"]: r["status"] for r in rows}


async def test_withdrawn_childcare_consent_cancels_the_familys_places(staff, partner) -> None:
    await places(staff, 21, 22)

    await staff.do(
        "intake",
        WithdrawConsent(family_id="fam-021", purpose=ConsentPurpose.CHILDCARE, withdrawn_on=TODAY),
    )

    async def done():
        now = await statuses(staff)
        return (
            now
            if list(now.values()).count("cancelled") == 2
            and list(now.values()).count("booked") == 2
            else None
        )

    assert await eventually(done) == {
        f"b-{FIRST}-21": "cancelled",
        f"b-{FIRST}-22": "booked",
        f"b-{SECOND}-21": "cancelled",
        f"b-{SECOND}-22": "booked",
    }
    stored = await partner.stores["booking"].read_all(0, 10_000)
    cancelled = [r.envelope.payload for r in stored if r.event_type == "BookingCancelled"]
    assert [(c["late"], c["reason"]) for c in cancelled] == [(False, "consent_withdrawn")] * 2


async def test_a_handover_releases_the_childs_later_places(staff, partner) -> None:
    await places(staff, 23, 24)

    await staff.do(
        "booking",
        HandOverChild(
            family_id="fam-023",
            child_id="chi-023",
            destination="preschool",
            handed_over_on=FIRST + timedelta(days=1),
        ),
    )

    async def done():
        now = await statuses(staff)
        return now if now.get(f"b-{SECOND}-24") == "booked" else None

    assert await eventually(done) == {
        f"b-{FIRST}-23": "booked",
        f"b-{FIRST}-24": "waitlisted",
        f"b-{SECOND}-23": "released",
        f"b-{SECOND}-24": "booked",
    }
    stored = await partner.stores["booking"].read_all(0, 10_000)
    released = [r.envelope.payload for r in stored if r.event_type == "BookingReleased"]
    assert [(r["booking_id"], r["reason"]) for r in released] == [(f"b-{SECOND}-23", "handed_over")]
