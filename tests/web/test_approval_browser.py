"""In Chromium: the coordinator approves a partner's submitted quarter on the dashboard; a
late event then shows as an adjustment beside the approved figure, `pace replay
--approved` agrees with the approval, and the coordinator reopens the quarter.
A real hub and one partner (LocalNetwork)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from apps.audit import LogReport, checked_entries, export_log
from apps.local import LocalNetwork
from apps.replay_approved import approvals_in, approved_differences
from apps.reports import ask_hub
from contracts import subjects
from contracts.periods import Period
from pace.client import PartnerClient
from pace.connection import connect
from services.web.hub_app import create_hub_app
from tests.web.conftest import browser_login
from tests.web.test_coordinator_browser import referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]


def last_quarter(today: date) -> Period:
    """The quarter before today's: closed, so a partner may submit it."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return Period.quarter(start.year, (start.month - 1) // 3 + 1)


async def referred_in(staff: PartnerClient, n: int, quarter: Period) -> None:
    """A referral dated in the quarter, which the hub sees (consent to statistics)."""
    from contracts.commands import RecordConsent
    from contracts.intake import ConsentPurpose

    assert quarter.start is not None
    command = referral(n).model_copy(update={"referred_on": quarter.start})
    await staff.do("intake", command)
    await staff.do("intake", RecordConsent(family_id=command.family_id, given_on=quarter.start,
                                           purpose=ConsentPurpose.CROSS_BORDER_STATISTICS))


async def test_the_coordinator_approves_and_a_late_event_is_an_adjustment(
        tmp_path, sessions, serve, browser, artifacts):
    from playwright.async_api import expect  # the browser fixture skips when it is missing

    quarter = last_quarter(datetime.now(UTC).date())
    figure = '[data-figure="mechelen/families_referred"]'
    async with LocalNetwork(tmp_path / "net", ["mechelen"]) as network:
        staff = PartnerClient(await connect(network.partner_url("mechelen"),
                                            network.partner_auth("mechelen")), "mechelen")
        hub = await connect(network.hub_url, network.coordinator_auth)
        try:
            await referred_in(staff, 1, quarter)
            await network.wait_for_hub(timeout=60)
            submitted = orjson.loads((await hub.request(  # as the partner's admin would
                subjects.hub_command_subject("mechelen", "submit_figures"),
                orjson.dumps({"partner_id": "mechelen", "period": quarter.text}),
                timeout=10)).data)
            assert submitted["ok"], submitted
            web = await serve(create_hub_app(network.hub_url, sessions,
                                             auth=network.coordinator_auth))

            page = await browser_login(browser, web.url, "cora")
            waiting = page.locator(f'#awaiting li[data-partner="mechelen"]'
                                   f'[data-period="{quarter.text}"] a')
            await waiting.click()  # from the to-date dashboard to the quarter awaiting approval
            await expect(page.locator("#report")).to_have_attribute("data-period", quarter.text)
            row = page.locator('#approvals tr[data-partner="mechelen"]')
            assert await row.get_attribute("data-status") == "submitted"
            await row.locator("button[name=approve]").click()
            await expect(row).to_have_attribute("data-status", "approved")
            assert "FiguresApproved" in await page.inner_text("#flash")
            assert (await page.locator(figure).first.inner_text()).strip() == "1"

            await referred_in(staff, 2, quarter)  # dated in the quarter, arriving late
            await network.wait_for_hub(timeout=60)
            await page.goto(f"/dashboard?period={quarter.text}")
            assert await page.locator("#awaiting").count() == 0  # nothing awaits any more
            adjustment = page.locator('[data-adjustment="mechelen/families_referred"] td')
            assert (await page.locator(figure).first.inner_text()).strip() == "1"
            assert [t.strip() for t in await adjustment.all_inner_texts()][1:] == ["1", "2", "1"]
            await page.screenshot(path=artifacts / "approval-adjustment.png", full_page=True)

            log = tmp_path / "network.jsonl"
            await export_log(log, hub_url=network.hub_url, auth=network.coordinator_auth
                             if network.security else None)
            approved = approvals_in((await ask_hub(network.hub_url, "approvals", {}))["approvals"])
            assert approved_differences(checked_entries(log, LogReport()), approved) == []

            await row.locator("input[name=reason]").fill("late referrals to include")
            await row.locator("button[name=reopen]").click()
            await expect(row).to_have_attribute("data-status", "open")
            assert "FiguresReopened" in await page.inner_text("#flash")
            assert (await page.locator(figure).first.inner_text()).strip() == "2"
        finally:
            await hub.close()
            await staff.nc.close()
