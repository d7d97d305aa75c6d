"""`pace report`: the hub's reporting service asked over a real nats-server, written out."""

from __future__ import annotations

import io
from datetime import date

import nats
import orjson
import pytest
from rich.console import Console

from apps.reports import HubUnavailableError, report
from contracts import subjects
from contracts.envelope import Envelope
from contracts.report import to_csv, to_json
from pace.network.hub import ensure_hub_streams
from pace.store import EventStore
from services.reporting import disclosure
from services.reporting import views as network_log
from services.reporting.app import ReportingService
from tests.integration.test_relay_and_consumer import referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]
FAMILIES = 12


@pytest.fixture
async def hub(tmp_path, nats_servers):
    """A hub nats-server with its streams and a reporting service holding 12 referrals."""
    server = await nats_servers("hub", domain=subjects.HUB_DOMAIN)
    nc = await nats.connect(server.url)
    await ensure_hub_streams(nc.jetstream(), ["mechelen"])
    await nc.close()
    partner = await EventStore.open(tmp_path / "mechelen.db", "mechelen")
    stored = await partner.append("stage", [referral(i) for i in range(FAMILIES)])
    await partner.close()
    store = await EventStore.open(tmp_path / "hub.db", subjects.HUB_DOMAIN)
    await store.db.write(network_log.metadata.create_all)

    def record_all(connection):
        for record in stored:
            network_log.record(connection, Envelope.model_validate_json(record.wire_bytes()))

    await store.db.write(record_all)
    service = await ReportingService(server.url, store, {"mechelen": "BE"}).start()
    try:
        yield server.url, service
    finally:
        await service.stop()
        await store.close()


async def test_each_format_is_the_hubs_protected_report(hub, tmp_path, capsys):
    url, service = hub
    today = date.today()
    expected = disclosure.protect(service.report(today))
    console = Console(file=io.StringIO(), width=160)

    for fmt in ("csv", "json", "html"):
        await report(url, as_of=today, period="to-date", fmt=fmt,
                     output=tmp_path / f"report.{fmt}", console=console)

    assert (tmp_path / "report.csv").read_text(encoding="utf-8") == to_csv(expected)
    assert (tmp_path / "report.json").read_bytes() == to_json(expected)
    assert orjson.loads(to_json(expected))["network"]["families_referred"] == FAMILIES
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Network over time" in page
    assert "CSV report written to" in capsys.readouterr().err


async def test_the_table_goes_to_the_terminal(hub):
    url, _service = hub
    console = Console(file=io.StringIO(), width=160)

    await report(url, as_of=date.today(), period="2020", fmt="table", output=None,
                 console=console)

    text = console.file.getvalue()
    assert "PACE figures by partner - period 2020" in text
    assert "Families referred" in text and f" {FAMILIES} " in text


async def test_a_hub_without_a_reporting_service_is_a_readable_error(nats_server):
    with pytest.raises(HubUnavailableError, match="runs no reporting service"):
        await report(nats_server.url, as_of=date.today(), period="to-date", fmt="json",
                     output=None, console=Console(file=io.StringIO()))


async def test_the_dhis2_export_holds_the_hubs_figures_of_the_quarter(hub, tmp_path):
    from services.web.figures_dhis2 import load_mapping

    url, service = hub
    mapping = load_mapping()
    expected = disclosure.protect(service.report(date(2020, 3, 31), "2020-Q1"))

    await report(url, as_of=date(2020, 3, 31), period="2020-Q1", fmt="dhis2",
                 output=tmp_path / "dhis2.json", console=Console(file=io.StringIO()))

    values = orjson.loads((tmp_path / "dhis2.json").read_bytes())["dataValues"]
    unit, pes = mapping.org_units["mechelen"], mapping.category_option_combos[
        "referral_source"]["public_employment_service"]
    referred = mapping.data_elements["families_referred"]
    assert {"dataElement": referred, "period": "2020Q1", "orgUnit": unit,
            "value": str(FAMILIES)} in values
    assert {"dataElement": referred, "period": "2020Q1", "orgUnit": unit,
            "categoryOptionCombo": pes, "value": str(FAMILIES)} in values
    by_element = {element: name for name, element in mapping.data_elements.items()}
    for value in values:  # every value sent is the report's figure
        if "categoryOptionCombo" not in value:
            name = by_element[value["dataElement"]]
            assert value["value"] == str(expected.partners["mechelen"][name]), name


async def test_a_dhis2_export_of_a_range_is_refused_before_asking_the_hub(nats_server):
    from services.web.figures_dhis2 import MappingError

    with pytest.raises(MappingError, match="DHIS2 takes a year, quarter or month"):
        await report(nats_server.url, as_of=date.today(), period="to-date", fmt="dhis2",
                     output=None, console=Console(file=io.StringIO()))


async def test_the_hubs_targets_stand_beside_its_figures_in_every_format(hub, tmp_path):
    from services.reporting.targets import Target

    url, service = hub
    service.targets = [Target("mechelen", "families_referred", "2020", 16)]
    console = Console(file=io.StringIO(), width=160)

    await report(url, as_of=date(2020, 12, 31), period="2020", fmt="json",
                 output=tmp_path / "report.json", console=console)
    await report(url, as_of=date(2020, 12, 31), period="2020", fmt="csv",
                 output=tmp_path / "report.csv", console=console)
    await report(url, as_of=date(2020, 12, 31), period="2020", fmt="table", output=None,
                 console=console)

    targets = orjson.loads((tmp_path / "report.json").read_bytes())["targets"]
    assert targets == {"mechelen": {"families_referred": {
        "target": 16, "actual": FAMILIES, "share": 0.75}}}
    assert ("2020-12-31,2020,partner,mechelen,target,share,families_referred,0.750"
            in (tmp_path / "report.csv").read_text(encoding="utf-8"))
    assert "Targets of 2020" in console.file.getvalue()
