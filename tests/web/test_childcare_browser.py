"""In Chromium: book a session's last free place, see the waitlist, and see a cancellation
promote the waiting child in the week view; a childcare worker never reaches coaching notes.

Real nats-server, real partner services, real uvicorn on loopback, real headless Chromium.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contracts.booking import Daypart
from contracts.commands import (
    BookSlot,
    ChildDetails,
    EnrolFamily,
    ParentDetails,
    RecordConsent,
    ReferFamily,
    SetDaypartCapacity,
)
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import CommandRefusedError, PartnerClient
from tests.eventually import eventually
from tests.web.conftest import browser_login

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

TODAY = datetime.now(UTC).date()
SESSION_DAY = TODAY + timedelta(days=14)
SESSION = f"centre:{SESSION_DAY.isoformat()}:morning"
BORN = (TODAY - timedelta(days=400)).strftime("%Y-%m")
FAMILIES = [("fam-001", "Anouk Verhaegen", "Lotte"), ("fam-002", "Bram Peeters", "Milan"),
            ("fam-003", "Chloé Dubois", "Noor")]
NOTES = "Coaching: debt counselling on Tuesdays, keep confidential."


async def seed(staff: PartnerClient) -> None:
    """Three enrolled families with consent; capacity 2; Noor (family 3) already booked."""
    for n, (family_id, parent, child) in enumerate(FAMILIES, 1):
        await staff.do("intake", ReferFamily(
            family_id=family_id, referral_source=ReferralSource.SOCIAL_SERVICES,
            referred_on=TODAY, notes=NOTES,
            parents=(ParentDetails(parent_id=f"par-{n:03d}", gender=Gender.FEMALE,
                                   full_name=parent),),
            children=(ChildDetails(child_id=f"chd-{n:03d}", first_name=child,
                                   birth_month=BORN),)))
        for purpose in (ConsentPurpose.TRAJECTORY, ConsentPurpose.CHILDCARE):
            await staff.do("intake", RecordConsent(family_id=family_id, purpose=purpose,
                                                   given_on=TODAY))
        await staff.do("intake", EnrolFamily(family_id=family_id, coach_id="carla",
                                             enrolled_on=TODAY))
    where = {"location_id": "centre", "session_date": SESSION_DAY, "daypart": Daypart.MORNING}
    await staff.do("booking", SetDaypartCapacity(**where, capacity=2))

    async def book_noor() -> bool:  # booking learns of the enrolment asynchronously
        try:
            await staff.do("booking", BookSlot(**where, booking_id="bk-noor",
                                               family_id="fam-003", child_id="chd-003"))
            return True
        except CommandRefusedError:
            return False

    await eventually(book_noor)

    async def all_enrolled() -> bool:
        rows = await staff.query("intake", "families")
        return sum(r["status"] == "enrolled" for r in rows) == 3

    await eventually(all_enrolled)

    async def noor_shown() -> bool:
        rows = await staff.query("booking", "sessions", **{"from": SESSION_DAY.isoformat()})
        return any(r["session_id"] == SESSION and r["taken"] == 1 for r in rows)

    await eventually(noor_shown)


async def test_last_place_waitlist_and_promotion_in_the_week_view(
        partner_web, browser, artifacts):
    web = await partner_web(seed)
    page = await browser_login(browser, web.url, "wout")

    # the week view: one place left in the session
    await page.goto(f"/childcare?week={SESSION_DAY.isoformat()}")
    cell = page.locator(f'td[data-session="{SESSION}"]')
    assert await cell.get_attribute("data-free") == "1"
    await page.screenshot(path=artifacts / "childcare-1-week-one-place-left.png",
                          full_page=True)

    # book the last free place
    await cell.locator("a").click()
    await page.select_option("#book select[name=child]", "fam-001/chd-001")
    await page.click("#book button")
    await page.wait_for_selector("#flash.done")
    assert await page.get_attribute("#summary", "data-free") == "0"
    lotte = page.locator('tr[data-child="Lotte"]')
    assert await lotte.get_attribute("data-status") == "booked"
    await page.screenshot(path=artifacts / "childcare-2-last-place-booked.png",
                          full_page=True)

    # the next booking goes to the waitlist
    await page.select_option("#book select[name=child]", "fam-002/chd-002")
    await page.click("#book button")
    await page.wait_for_selector("#flash.done")
    milan = page.locator('tr[data-child="Milan"]')
    assert await milan.get_attribute("data-status") == "waitlisted"
    assert await page.get_attribute("#summary", "data-waiting") == "1"
    await page.screenshot(path=artifacts / "childcare-3-waitlisted.png", full_page=True)

    # Noor's family cancels: Milan is promoted
    await page.locator('tr[data-child="Noor"] button[value=cancel]').click()
    await page.wait_for_selector("#flash.done")
    assert "WaitlistPromoted" in await page.inner_text("#flash")
    assert await milan.get_attribute("data-status") == "booked"
    assert await page.locator('tr[data-child="Noor"]').get_attribute(
        "data-status") == "cancelled"
    await page.screenshot(path=artifacts / "childcare-4-promoted.png", full_page=True)

    # and the week view shows the session full with nobody waiting
    await page.goto(f"/childcare?week={SESSION_DAY.isoformat()}")
    assert await cell.get_attribute("data-free") == "0"
    assert await cell.get_attribute("data-waiting") == "0"
    await page.screenshot(path=artifacts / "childcare-5-week-after-promotion.png",
                          full_page=True)

    # a childcare worker sees names to book with, never coaching notes
    for path in (f"/childcare/sessions/{SESSION}", "/childcare", "/childcare/children"):
        await page.goto(path)
        assert NOTES not in await page.content()
    reply = await page.goto("/families/fam-001")
    assert reply is not None and reply.status == 403
    assert NOTES not in await page.content()
    await page.screenshot(path=artifacts / "childcare-6-notes-forbidden.png")
    reply = await page.goto("/trajectories/fam-001")
    assert reply is not None and reply.status == 403
    await page.context.close()
