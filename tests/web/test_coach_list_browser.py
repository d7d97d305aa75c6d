"""In Chromium: a coach's list of overdue actions and quiet families, worked through.

The coach sees only her own trajectories: an overdue action, marked done from the list, and
a family without contact for six weeks, who leaves the list once a contact (with a note,
kept in the vault) is recorded. The partner admin sees every coach's list, by coach.
Real nats-server, real partner services, real uvicorn on loopback, real headless Chromium.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contracts.commands import (
    AddPlanAction,
    EnrolFamily,
    ParentDetails,
    RecordConsent,
    ReferFamily,
)
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from contracts.trajectory import ActionOwner, LifeDomain
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.web.conftest import browser_login

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

TODAY = datetime.now(UTC).date()
STARTED = TODAY - timedelta(weeks=6)
FAMILIES = [("fam-c1", "Amira Benali", "carla"), ("fam-c2", "Bert Claes", "bob")]
NOTE = "Talked about the Dutch course in the evenings."


async def seed(staff: PartnerClient) -> None:
    """Two families enrolled six weeks ago, one per coach, each with an action due 3 days ago."""
    for n, (family_id, name, coach) in enumerate(FAMILIES, 1):
        await staff.do("intake", ReferFamily(
            family_id=family_id, referral_source=ReferralSource.SOCIAL_SERVICES,
            referred_on=STARTED,
            parents=(ParentDetails(parent_id=f"par-c{n}", gender=Gender.FEMALE,
                                   full_name=name),)))
        await staff.do("intake", RecordConsent(family_id=family_id, given_on=STARTED,
                                               purpose=ConsentPurpose.TRAJECTORY))
        await staff.do("intake", EnrolFamily(family_id=family_id, coach_id=coach,
                                             enrolled_on=STARTED))

    async def both_started() -> bool:
        return len(await staff.query("trajectory", "trajectories")) == 2

    await eventually(both_started)
    for family_id, _name, _coach in FAMILIES:
        await staff.do("trajectory", AddPlanAction(
            family_id=family_id, action_id=f"act-{family_id}", owner=ActionOwner.PARENT,
            due_on=TODAY - timedelta(days=3), life_domain=LifeDomain.LANGUAGE,
            added_on=STARTED))

    async def both_overdue() -> bool:
        [listed] = await staff.query("trajectory", "coach_list")
        return len(listed["overdue"]) == 2

    await eventually(both_overdue)


async def rows(page, selector: str, attribute: str) -> list[str | None]:
    found = page.locator(selector)
    return [await found.nth(i).get_attribute(attribute) for i in range(await found.count())]


async def test_a_coach_works_through_her_list_and_the_admin_sees_every_coach(
        partner_web, browser, artifacts):
    web = await partner_web(seed)
    page = await browser_login(browser, web.url, "carla")

    # her own overdue action and quiet family only
    await page.click("nav a[href='/coach']")
    assert await rows(page, "table.overdue tbody tr", "data-action") == ["act-fam-c1"]
    assert await rows(page, "table.silent tbody tr", "data-family") == ["fam-c1"]
    assert "Amira Benali" in await page.inner_text("table.overdue")
    assert "Bert Claes" not in await page.inner_text("main")
    assert await page.inner_text("table.silent td.last") == "never"
    await page.screenshot(path=artifacts / "coach-1-list.png", full_page=True)

    # done from the list: the action leaves it
    await page.click("tr[data-action=act-fam-c1] form.done button")
    await page.wait_for_selector("#flash.done")
    assert "PlanActionCompleted" in await page.inner_text("#flash")
    await page.wait_for_selector("#no-overdue")

    # a contact with a note on the trajectory page: the family leaves the quiet list
    await page.click("table.silent tr[data-family=fam-c1] a")
    await page.select_option("form.record-contact select[name=kind]", "home_visit")
    await page.select_option("form.record-contact select[name=channel]", "in_person")
    await page.fill("form.record-contact textarea[name=note]", NOTE)
    await page.click("form.record-contact button")
    await page.wait_for_selector("#flash.done")
    assert "ContactRecorded" in await page.inner_text("#flash")
    assert await page.inner_text("table.contacts td.note") == NOTE
    assert await rows(page, "table.plan-actions tbody tr", "data-status") == ["done"]
    await page.click("nav a[href='/coach']")
    await page.wait_for_selector("#no-silent")
    await page.screenshot(path=artifacts / "coach-2-cleared.png", full_page=True)

    # the partner admin sees every coach's list, by coach, and one coach's when chosen
    admin = await browser_login(browser, web.url, "ada")
    await admin.goto("/coach")
    assert await rows(admin, "section.coach-overdue", "data-coach") == ["bob"]
    assert await rows(admin, "table.overdue tbody tr", "data-action") == ["act-fam-c2"]
    await admin.fill("#choose-coach input[name=coach]", "carla")
    await admin.click("#choose-coach button")
    await admin.wait_for_selector("#no-overdue")
    await admin.screenshot(path=artifacts / "coach-3-admin.png", full_page=True)


async def test_a_coach_cannot_see_another_coachs_list_in_any_language(partner_web, browser):
    web = await partner_web(seed)
    page = await browser_login(browser, web.url, "carla", language="nl")

    await page.goto("/coach?coach=bob")

    assert await rows(page, "table.overdue tbody tr", "data-action") == ["act-fam-c1"]
    assert await page.inner_text("h1") == "Lijst van de coach: carla"
    assert await page.inner_text("table.silent td.last") == "nooit"
    assert await page.inner_text("table.overdue td:nth-child(2)") == "ouder"
