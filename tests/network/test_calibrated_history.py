"""The demo's calibrated history, through the real services, reproduces the published figures.

The whole network (every delivery partner and the hub) is started, the history of
2016-2022 is driven through the real commands, the hub's network stream is exported to a
log, and the log is replayed offline as of each published date. The slowest test of the
suite (several minutes): it is the one that proves the figures.
"""

from __future__ import annotations

from datetime import date

import nats
import orjson
import pytest
import pytest_asyncio
from typer.testing import CliRunner

from apps.audit import LogReport, checked_entries, export_log, replay
from apps.cli import app
from apps.local import LocalNetwork
from contracts.report import to_json
from pace.client import PartnerClient
from pace.network.registry import load_registry
from simulation.driver import drive
from simulation.planner import plan_history
from simulation.profiles import default_profiles

pytestmark = [pytest.mark.nats, pytest.mark.timeout(1500)]

MECHELEN_2020 = {"families_referred": 86, "trajectories_started": 67,
                 "trajectories_completed": 34, "trajectories_ongoing": 33,
                 "parents_found_work": 27}
MECHELEN_2022 = {"families_referred": 167, "children_cared_for": 147,
                 "parents_found_work": 58, "parents_trained": 90}
MECHELEN_IN_2022 = {"children_cared_for": 33, "children_handed_over_regular": 7,
                    "children_handed_over_preschool": 6}
NETWORK_2021 = {"families_with_childcare": 697, "parents_reduced_distance_to_work": 544,
                "development_plans_agreed": 500}
DATES = [date(2020, 2, 29), date(2021, 3, 31), date(2022, 12, 31)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def exported(tmp_path_factory):
    registry = load_registry()
    partners = [p.id for p in registry.delivery]
    steps = plan_history(default_profiles(registry.delivery))
    data_dir = tmp_path_factory.mktemp("calibrated")
    async with LocalNetwork(data_dir, partners, history_mode=True) as network:
        connections = {p: await nats.connect(network.partner_url(p)) for p in partners}
        try:
            report = await drive(steps, {p: PartnerClient(nc, p) for p, nc in
                                         connections.items()})
        finally:
            for nc in connections.values():
                await nc.close()
        assert report.refused == [], report.refused[:5]
        await network.wait_for_hub(timeout=300)
        await network.reporting.catch_up()
        live = {(d, period): to_json(network.reporting.report(d, period))
                for d in DATES for period in ("to-date", str(d.year))}
        log = data_dir / "network.jsonl"
        await export_log(log, hub_url=network.hub_url)
    yield log, live


def replayed(log, as_of: str, period: str = "to-date") -> dict:
    result = CliRunner().invoke(app, ["replay", str(log), "--as-of", as_of, "--period", period,
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.output)


@pytest.mark.asyncio(loop_scope="module")
async def test_mechelen_as_of_february_2020(exported):
    log, _ = exported
    figures = replayed(log, "2020-02-29")["partners"]["mechelen"]
    assert {k: figures[k] for k in MECHELEN_2020} == MECHELEN_2020


@pytest.mark.asyncio(loop_scope="module")
async def test_mechelen_as_of_the_end_of_2022(exported):
    log, _ = exported
    figures = replayed(log, "2022-12-31")["partners"]["mechelen"]
    assert {k: figures[k] for k in MECHELEN_2022} == MECHELEN_2022
    during = replayed(log, "2022-12-31", "2022")["partners"]["mechelen"]
    assert {k: during[k] for k in MECHELEN_IN_2022} == MECHELEN_IN_2022


@pytest.mark.asyncio(loop_scope="module")
async def test_the_whole_programme_as_of_march_2021(exported):
    log, _ = exported
    figures = replayed(log, "2021-03-31")["network"]
    assert {k: figures[k] for k in NETWORK_2021} == NETWORK_2021


@pytest.mark.asyncio(loop_scope="module")
async def test_the_replay_equals_the_live_reporting_service_byte_for_byte(exported):
    log, live = exported
    checked = LogReport()
    fold = replay(checked_entries(log, checked))
    assert checked.ok
    registry = load_registry()
    countries = {p.id: p.country for p in registry.delivery}
    for (as_of, period), published in live.items():
        assert to_json(fold.figures(as_of, period, countries)) == published, (as_of, period)
