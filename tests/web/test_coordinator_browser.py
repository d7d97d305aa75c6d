"""In Chromium: the coordinator's figure changes live when a new event reaches the hub, and
no page of the dashboard carries a name. A real hub and one partner (LocalNetwork)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.local import LocalNetwork
from contracts.commands import ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from pace.connection import connect
from services.web.hub_app import create_hub_app
from services.web.partner_app import create_partner_app
from tests.web.conftest import browser_login, logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

TODAY = datetime.now(UTC).date()
NAMES = ["Els Vermeulen", "Karim Benali"]
FIGURE = '[data-figure="mechelen/families_referred"]'


def referral(n: int) -> ReferFamily:
    return ReferFamily(family_id=f"fam-{n:03d}", referral_source=ReferralSource.SELF,
                       referred_on=TODAY, notes=f"notes about {NAMES[n - 1]}",
                       parents=(ParentDetails(parent_id=f"par-{n:03d}", gender=Gender.MALE,
                                              full_name=NAMES[n - 1],
                                              phone="+32 470 00 00 0{n}"),))


async def referred_with_consent(staff: PartnerClient, n: int) -> None:
    """A referral the hub sees: the family consents to cross-border statistics."""
    await staff.do("intake", referral(n))
    await staff.do("intake", RecordConsent(family_id=f"fam-{n:03d}", given_on=TODAY,
                                           purpose=ConsentPurpose.CROSS_BORDER_STATISTICS))


async def test_coordinator_sees_the_figure_change_live_and_no_names(
        tmp_path, sessions, serve, browser, artifacts):
    # As deployed: TLS, and the dashboard logs in as the coordinator (figures only)
    async with LocalNetwork(tmp_path / "net", ["mechelen"], secure=True) as network:
        nc = await connect(network.partner_url("mechelen"), network.partner_auth("mechelen"))
        staff = PartnerClient(nc, "mechelen")
        started = []
        try:
            await referred_with_consent(staff, 1)
            await network.wait_for_hub(timeout=60)
            hub_web = await serve(create_hub_app(network.hub_url, sessions,
                                                 auth=network.coordinator_auth))
            partner_web = await serve(create_partner_app(
                "mechelen", network.partner_url("mechelen"), sessions,
                auth=network.partner_auth("mechelen")))
            started += [hub_web, partner_web]

            page = await browser_login(browser, hub_web.url, "cora")
            await page.wait_for_selector("#live[data-connected=yes]")
            figure = page.locator(FIGURE)
            assert (await figure.inner_text()).strip() == "1"
            after = page.locator('#after-coaching [data-figure="network/families_bridging"]')
            assert (await after.inner_text()).strip() == "0"  # childcare after coaching shown
            assert "Places after the trajectory ended" in await page.inner_text(
                "#after-coaching-by-partner")
            await page.evaluate("window.stillTheSamePage = true")
            await page.screenshot(path=artifacts / "coordinator-1-before.png", full_page=True)

            await referred_with_consent(staff, 2)  # a new event on its way to the hub
            # a locator expectation, not a string predicate: the page's CSP forbids eval
            from playwright.async_api import expect

            await expect(figure).to_have_text("2", timeout=60_000)
            assert await page.evaluate("window.stillTheSamePage") is True  # no reload
            await page.screenshot(path=artifacts / "coordinator-2-after.png", full_page=True)

            # the dashboard in Dutch and in French, as the coordinator chooses
            await page.select_option("select[name=lang]", "nl")
            await page.wait_for_selector("html[lang=nl]")
            assert "Grensoverschrijdende cijfers" in await page.inner_text("h1")
            await page.select_option("select[name=lang]", "fr")
            await page.wait_for_selector("html[lang=fr]")
            assert "Chiffres transfrontaliers" in await page.inner_text("h1")
            await page.screenshot(path=artifacts / "coordinator-3-french.png", full_page=True)
            shown = [await page.content()]
            await page.context.close()

            # no name on any coordinator page or answer
            async with logged_in(hub_web.url, "cora") as coordinator:
                for path in ("/dashboard", "/dashboard?period=2025", "/dashboard/figures",
                             "/api/figures", "/openapi.json"):
                    reply = await coordinator.get(path)
                    assert reply.status_code == 200, path
                    shown.append(reply.text)
            for text in shown:
                for name in NAMES:
                    assert name not in text
                    assert name.split()[1] not in text

            # and the partner's pages are not for the coordinator (403, and still no names)
            async with logged_in(partner_web.url, "cora") as coordinator:
                for path in ("/families", "/families/fam-001", "/childcare",
                             "/childcare/children", "/trajectories", "/api/families",
                             "/api/families/fam-001", "/api/sessions", "/api/trajectories"):
                    reply = await coordinator.get(path)
                    assert reply.status_code == 403, path
                    assert not any(name in reply.text for name in NAMES), path
                reply = await coordinator.post("/api/commands/intake/erase_family",
                                               json={"family_id": "fam-001",
                                                     "erased_on": TODAY.isoformat()})
                assert reply.status_code == 403
        finally:
            await nc.close()
            for web in started:  # before the network goes: no reconnecting web apps
                await web.stop()
