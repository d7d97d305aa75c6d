"""In Chromium: the programme's waiting list in order, a priority raised, a family taken and
another declined, and the referrer's monthly answers downloaded as CSV.

Real nats-server, real partner services, real uvicorn on loopback, real headless Chromium.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest

from contracts.commands import HoldReferral, ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.web.conftest import browser_login

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

TODAY = datetime.now(UTC).date()
SOCIAL = ReferralSource.SOCIAL_SERVICES
WAITING = [  # family, parent, held days ago, priority
    ("fam-w1", "Anouk Verhaegen", 40, 3),
    ("fam-w2", "Bram Peeters", 20, 3),
    ("fam-w3", "Chloé Dubois", 10, 4),
]


async def seed(staff: PartnerClient) -> None:
    """Three referrals waiting; the first consented to a trajectory, so it can be taken."""
    for n, (family_id, parent, days_ago, priority) in enumerate(WAITING, 1):
        await staff.do("intake", ReferFamily(
            family_id=family_id, referral_source=SOCIAL,
            referred_on=TODAY - timedelta(days=days_ago + 5),
            parents=(ParentDetails(parent_id=f"par-w{n}", gender=Gender.FEMALE,
                                   full_name=parent),)))
        await staff.do("intake", HoldReferral(family_id=family_id, priority=priority,
                                              held_on=TODAY - timedelta(days=days_ago)))
    await staff.do("intake", RecordConsent(family_id="fam-w1",
                                           purpose=ConsentPurpose.TRAJECTORY, given_on=TODAY))

    async def all_waiting() -> bool:
        return len(await staff.query("intake", "waiting", reader="test", purpose="seed")) == 3

    await eventually(all_waiting)


async def listed(page) -> list[str]:
    rows = page.locator("#waiting tbody tr")
    return [await rows.nth(i).get_attribute("data-family") for i in range(await rows.count())]


async def test_the_waiting_list_is_taken_in_order_and_the_referrer_answered(
        partner_web, browser, artifacts, tmp_path):
    web = await partner_web(seed)
    page = await browser_login(browser, web.url, "carla")

    # in order: priority, then waiting since
    await page.click("nav a[href='/waiting-list']")
    assert await listed(page) == ["fam-w1", "fam-w2", "fam-w3"]
    assert await page.inner_text("tr[data-family=fam-w2] td:nth-child(5)") == "20"
    await page.screenshot(path=artifacts / "waiting-1-in-order.png", full_page=True)

    # a higher priority moves the last one to the top
    await page.select_option("tr[data-family=fam-w3] select[name=priority]", "1")
    await page.click("tr[data-family=fam-w3] form.priority button")
    await page.wait_for_selector("#flash.done")
    assert "ReferralPrioritySet" in await page.inner_text("#flash")
    assert await listed(page) == ["fam-w3", "fam-w1", "fam-w2"]

    # the family with consent is taken into the programme; another is declined
    await page.click("tr[data-family=fam-w1] form.take button")
    await page.wait_for_selector("#flash.done")
    assert "FamilyEnrolled, ReferralAnswered" in await page.inner_text("#flash")
    await page.select_option("tr[data-family=fam-w2] select[name=reason]", "family_declined")
    await page.click("tr[data-family=fam-w2] form.decline button")
    await page.wait_for_selector("#flash.done")
    assert await listed(page) == ["fam-w3"]
    await page.screenshot(path=artifacts / "waiting-2-taken-and-declined.png", full_page=True)

    # taking a family without trajectory consent is refused with the reason
    await page.click("tr[data-family=fam-w3] form.take button")
    await page.wait_for_selector("#flash.refused")
    assert "not consented to a trajectory" in await page.inner_text("#flash")

    # the referrer's answers of this month, as CSV
    await page.select_option("#answers select[name=referrer]", SOCIAL.value)
    async with page.expect_download() as started:
        await page.click("#answers button")
    download = await started.value
    assert download.suggested_filename == (
        f"answers-mechelen-social_services-{TODAY.isoformat()[:7]}.csv")
    saved = tmp_path / "answers.csv"
    await download.save_as(saved)
    answers = list(csv.DictReader(saved.open(encoding="utf-8")))
    this_month = [a for a in answers if a["outcome"] != "waiting"]
    assert [(a["family_id"], a["outcome"], a["reason"], a["days_waiting"])
            for a in this_month] == [("fam-w1", "enrolled", "", "40"),
                                     ("fam-w2", "declined", "family_declined", "20")]
    assert all(a["answered_on"].startswith(TODAY.isoformat()[:7]) for a in answers)


async def test_the_waiting_list_speaks_dutch(partner_web, browser):
    web = await partner_web(seed)
    page = await browser_login(browser, web.url, "carla", language="nl")

    await page.goto("/waiting-list")

    assert await page.inner_text("h1") == "Wachtlijst van het programma"
    assert "Opnemen in het programma" in await page.inner_text("#waiting")
    assert "sociale dienst" in await page.inner_text("#waiting")
