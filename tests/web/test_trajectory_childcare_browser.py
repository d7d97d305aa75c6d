"""In Chromium: places follow the trajectory. The week view marks a family in its bridging
period, a family whose trajectory was dropped is refused on the booking form with the rule
and the date, and a partner admin releases due places with one button.

Real nats-server, real partner services, real uvicorn on loopback, real headless Chromium.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from contracts.booking import Daypart
from contracts.commands import (
    BookSlot,
    CompleteTrajectory,
    DropTrajectory,
    SetDaypartCapacity,
)
from contracts.trajectory import CompletionOutcome, DropReason
from pace.client import CommandRefusedError, PartnerClient
from tests.eventually import eventually
from tests.web.conftest import browser_login
from tests.web.test_childcare_browser import FAMILIES, SESSION, SESSION_DAY, TODAY
from tests.web.test_childcare_browser import seed as three_families

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

WHERE = {"location_id": "centre", "session_date": SESSION_DAY, "daypart": Daypart.MORNING}


async def seed(staff: PartnerClient) -> None:
    """Lotte's family completed its trajectory today (bridging), Milan's family dropped out."""
    await three_families(staff)
    await eventually(lambda: staff.query("trajectory", "trajectories"))
    await staff.do(
        "trajectory",
        CompleteTrajectory(family_id="fam-001", outcome=CompletionOutcome.JOB, completed_on=TODAY),
    )
    await staff.do(
        "trajectory",
        DropTrajectory(family_id="fam-002", reason=DropReason.MOVED_AWAY, dropped_on=TODAY),
    )
    await staff.do("booking", SetDaypartCapacity(**WHERE, capacity=3))

    async def lotte_booked_while_bridging() -> bool:
        try:
            events = await staff.do(
                "booking",
                BookSlot(**WHERE, booking_id="bk-lotte", family_id="fam-001", child_id="chd-001"),
            )
        except CommandRefusedError:
            return False
        return events[0]["event_type"] == "SlotBooked"

    await eventually(lotte_booked_while_bridging)

    async def shown_as_bridging() -> bool:
        rows = await staff.query("booking", "bookings", session_id=SESSION)
        return any(r["booking_id"] == "bk-lotte" and r["bridging_ends_on"] for r in rows)

    async def milan_refused() -> bool:
        reply = await staff.send(
            "booking",
            BookSlot(**WHERE, booking_id="bk-probe", family_id="fam-002", child_id="chd-002"),
        )
        return not reply["ok"] and "dropped" in reply["error"]["message"]

    await eventually(shown_as_bridging)
    await eventually(milan_refused)


async def test_bridging_marked_dropped_refused_and_release_now(
    partner_web, browser, artifacts
):
    assert FAMILIES[1][2] == "Milan"
    web = await partner_web(seed)
    page = await browser_login(browser, web.url, "ada")

    # the week view marks the session holding a family in its bridging period
    await page.goto(f"/childcare?week={SESSION_DAY.isoformat()}")
    cell = page.locator(f'td[data-session="{SESSION}"]')
    assert await cell.locator(".bridging").get_attribute("data-bridging") == "1"
    await page.screenshot(path=artifacts / "trajectory-1-week-bridging.png", full_page=True)

    # the session page says until when
    await cell.locator("a").click()
    bridge_end = (TODAY + timedelta(weeks=8)).isoformat()
    lotte = page.locator('tr[data-child="Lotte"]')
    assert await lotte.get_attribute("data-bridging") == bridge_end

    # the family whose trajectory was dropped is refused, with the rule and the date
    await page.select_option("#book select[name=child]", "fam-002/chd-002")
    await page.click("#book button")
    await page.wait_for_selector("#flash.refused")
    message = await page.inner_text("#flash")
    assert f"the trajectory of family fam-002 was dropped on {TODAY}" in message
    assert await page.locator('tr[data-child="Milan"]').count() == 0
    await page.screenshot(path=artifacts / "trajectory-2-dropped-refused.png", full_page=True)

    # a partner admin releases what is due now (nothing yet: the grace period runs)
    await page.goto(f"/childcare?week={SESSION_DAY.isoformat()}")
    await page.click("#release-now button")
    await page.wait_for_selector("#flash.done")
    assert "0 places released" in await page.inner_text("#flash")
    await page.context.close()

    # a childcare worker has no such button, and the route refuses the role
    worker = await browser_login(browser, web.url, "wout")
    await worker.goto(f"/childcare?week={SESSION_DAY.isoformat()}")
    assert await worker.locator("#release-now").count() == 0
    reply = await worker.request.post(f"{web.url}/childcare/release", max_redirects=0)
    assert reply.status == 403
    await worker.context.close()
