"""In Chromium: a partner admin's own figures page, its breakdowns under disclosure control,
and the downloaded CSV and XLSX checked against the figures the test's commands make.

Real nats-server, real partner services (the figures service folding the partner's shared
stream), real uvicorn on loopback, real headless Chromium.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest

from contracts.commands import ParentDetails, RecordConsent, ReferFamily
from contracts.indicators import format_value
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.web.conftest import browser_login, logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(150)]

TODAY = datetime.now(UTC).date()
SOCIAL, EMPLOYMENT = ReferralSource.SOCIAL_SERVICES, ReferralSource.PUBLIC_EMPLOYMENT_SERVICE
REFERRALS = [SOCIAL] * 6 + [EMPLOYMENT] * 2  # all with consent to statistics
WITHOUT_CONSENT = 1  # one more family, counted but never shared


async def seed(staff: PartnerClient) -> None:
    """Nine families referred this month; eight consent to cross-border statistics."""
    for n, source in enumerate([*REFERRALS, SOCIAL], 1):
        family_id = f"fam-f{n}"
        await staff.do("intake", ReferFamily(
            family_id=family_id, referral_source=source, referred_on=TODAY - timedelta(days=1),
            parents=(ParentDetails(parent_id=f"par-f{n}", gender=Gender.FEMALE,
                                   full_name=f"Parent {n}"),)))
        if n <= len(REFERRALS):
            await staff.do("intake", RecordConsent(
                family_id=family_id, purpose=ConsentPurpose.CROSS_BORDER_STATISTICS,
                given_on=TODAY - timedelta(days=1)))

    async def all_folded() -> bool:
        reply = await staff.nc.request("pace.mechelen.qry.figures.figures", b"{}", timeout=5)
        figures = orjson.loads(reply.data)["report"]["partners"].get("mechelen", {})
        return figures.get("families_referred") == len(REFERRALS)

    await eventually(all_folded, "the partner folds its figures", seconds=60)


async def test_a_partner_admin_sees_the_partners_figures_and_downloads_them(
        partner_web, browser, artifacts, tmp_path):
    targets = tmp_path / "targets.toml"
    targets.write_text('[mechelen.families_referred]\nprogramme = 16\n', encoding="utf-8")
    web = await partner_web(seed, figures=True, targets=targets)
    page = await browser_login(browser, web.url, "ada")

    await page.click("nav a[href='/figures']")
    await page.wait_for_selector("#partner-figures")
    assert await page.inner_text("td[data-figure=families_referred]") == "8"
    assert await page.inner_text("td[data-figure=families_not_shared]") == "1"
    # 6 social services: shown; 2 employment service: a small cell
    assert await page.inner_text(
        "td[data-cell='referral_source/social_services/families_referred']") == "6"
    assert await page.inner_text(
        "td[data-cell='referral_source/public_employment_service/families_referred']") == "<5"
    assert await page.inner_text("tr[data-target=families_referred]") == (
        "Families referred\t16\t8\t50.0%")
    charts = await page.inner_html(".charts")
    assert "mechelen over time: Families referred" in charts
    assert f"Families referred, {TODAY.isoformat()}: 8<" in charts  # ends at the as-of date
    await page.screenshot(path=artifacts / "partner-figures.png", full_page=True)

    async with page.expect_download() as started:
        await page.click("#download-csv")
    download = await started.value
    assert download.suggested_filename == f"pace-mechelen-to-date-{TODAY.isoformat()}.csv"
    saved = tmp_path / "figures.csv"
    await download.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))

    assert {row["scope"] for row in rows} == {"mechelen"}
    plain = {row["indicator"]: row["value"] for row in rows if not row["dimension"]}
    assert plain["families_referred"] == "8"
    assert plain["families_not_shared"] == str(WITHOUT_CONSENT)
    cells = {(row["dimension"], row["category"], row["indicator"]): row["value"]
             for row in rows if row["dimension"]}
    assert cells[("referral_source", "social_services", "families_referred")] == "6"
    assert cells[("referral_source", "public_employment_service", "families_referred")] == "<5"
    assert cells[("target", "target", "families_referred")] == "16"
    assert cells[("target", "share", "families_referred")] == "0.500"
    for indicator, value in plain.items():  # every figure in the file is the page's
        shown = await page.inner_text(f"td[data-figure={indicator}]")
        number = float(value) if "." in value else int(value)
        assert shown == format_value(indicator, number), indicator


async def test_the_xlsx_download_holds_the_csv_figures_as_numbers(partner_web):
    web = await partner_web(seed, figures=True)

    async with logged_in(web.url, "ada") as client:
        as_csv = (await client.get("/figures.csv")).text
        reply = await client.get("/figures.xlsx")
        as_json = (await client.get("/api/figures")).json()

    assert reply.status_code == 200
    sheet = zipfile.ZipFile(io.BytesIO(reply.content)).read("xl/worksheets/sheet1.xml").decode()
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    referred = next(i for i, row in enumerate(rows, 2)
                    if row["indicator"] == "families_referred" and not row["dimension"])
    assert f'<c r="H{referred}"><v>8</v></c>' in sheet
    assert "<t>&lt;5</t>" in sheet  # the small cell stays suppressed
    assert sheet.count("<row ") == len(rows) + 1
    assert as_json["partners"]["mechelen"]["families_referred"] == 8


@pytest.mark.parametrize("username", ["carla", "wout"])
async def test_only_a_partner_admin_sees_the_figures(partner_web, username):
    web = await partner_web(figures=True)

    async with logged_in(web.url, username) as client:
        for path in ("/figures", "/figures.csv", "/figures.xlsx", "/api/figures"):
            assert (await client.get(path)).status_code == 403, path


async def test_the_figures_page_speaks_french(partner_web, browser):
    web = await partner_web(seed, figures=True)
    page = await browser_login(browser, web.url, "ada", language="fr")

    await page.goto("/figures")

    assert await page.inner_text("h1") == "Nos chiffres"
    assert "Télécharger le CSV" in await page.inner_text("#downloads")


async def test_without_the_figures_service_the_page_says_so(partner_web):
    web = await partner_web()

    async with logged_in(web.url, "ada") as client:
        reply = await client.get("/figures")

    assert reply.status_code == 503
    assert isinstance(reply, httpx.Response)
