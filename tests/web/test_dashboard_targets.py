"""The coordinator's dashboard shows each partner's target beside its figure and the share
reached. A real nats-server, the hub's reporting service, the dashboard on loopback."""

from __future__ import annotations

import pytest

from services.reporting.targets import Target
from services.web.hub_app import create_hub_app
from tests.integration.test_report_command import FAMILIES, hub  # noqa: F401 - the fixture
from tests.web.conftest import logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]


async def test_the_dashboard_shows_target_actual_and_share(hub, sessions, serve):  # noqa: F811
    url, service = hub
    service.targets = [Target("mechelen", "families_referred", "2020", 16),
                       Target("mechelen", "families_referred", "2021", 99)]
    web = await serve(create_hub_app(url, sessions))

    async with logged_in(web.url, "cora") as client:
        page = (await client.get("/dashboard", params={"period": "2020",
                                                       "as_of": "2020-12-31"})).text
        other_year = (await client.get("/dashboard", params={"period": "2022",
                                                             "as_of": "2022-12-31"})).text

    row = page.split('<tr data-target="mechelen/families_referred">', 1)[1].split("</tr>")[0]
    assert f"<td>16</td><td>{FAMILIES}</td><td>75.0%</td>" in row
    assert 'id="targets"' not in other_year


async def test_the_coordinator_downloads_a_quarter_for_dhis2(hub, sessions, serve):  # noqa: F811
    from services.web.figures_dhis2 import load_mapping

    url, _service = hub
    mapping = load_mapping()
    web = await serve(create_hub_app(url, sessions))

    async with logged_in(web.url, "cora") as client:
        page = (await client.get("/dashboard", params={"period": "2020-Q1",
                                                       "as_of": "2020-03-31"})).text
        reply = await client.get("/dashboard/dhis2.json", params={"period": "2020-Q1",
                                                                  "as_of": "2020-03-31"})
        refused = await client.get("/dashboard/dhis2.json", params={"period": "2017..2022"})
        to_date = (await client.get("/dashboard")).text

    assert 'href="/dashboard/dhis2.json?period=2020-Q1&amp;as_of=2020-03-31"' in page
    assert reply.status_code == 200
    assert {"dataElement": mapping.data_elements["families_referred"], "period": "2020Q1",
            "orgUnit": mapping.org_units["mechelen"],
            "value": str(FAMILIES)} in reply.json()["dataValues"]
    assert refused.status_code == 400
    assert "DHIS2 takes a year, quarter or month" in refused.text
    assert 'id="dhis2"' not in to_date
