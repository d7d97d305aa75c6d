"""Consent governs sharing, on real nats-servers: a hub and a partner's leaf node.

A family without cross-border statistics consent contributes nothing at the hub, only the
partner's count of families not shared, which the report shows; a family that withdraws
consent is not shared from then on.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import orjson
import pytest
from rich.console import Console

from apps.local import LocalNetwork
from apps.report_console import print_report
from contracts import subjects
from contracts.commands import EnrolFamily, RecordConsent, WithdrawConsent
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from pace.connection import connect
from services.sharing.app import PseudonymKey
from tests.integration.test_services import referral
from tests.network.test_network import hub_messages

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

PARTNER = "mechelen"
STATISTICS, TRAJECTORY = ConsentPurpose.CROSS_BORDER_STATISTICS, ConsentPurpose.TRAJECTORY
TODAY = datetime.now(UTC).date()


async def consent(staff: PartnerClient, n: int, *purposes: ConsentPurpose) -> None:
    for purpose in purposes:
        await staff.do(
            "intake", RecordConsent(family_id=f"fam-{n:03d}", purpose=purpose, given_on=TODAY)
        )


async def enrol(staff: PartnerClient, n: int) -> None:
    await staff.do(
        "intake", EnrolFamily(family_id=f"fam-{n:03d}", coach_id="coach-1", enrolled_on=TODAY)
    )


async def three_families(network: LocalNetwork) -> None:
    """1 consents to statistics, 2 never does, 3 withdraws before its enrolment."""
    nc = await connect(network.partner_url(PARTNER), network.partner_auth(PARTNER))
    try:
        staff = PartnerClient(nc, PARTNER)
        for n in (1, 2, 3):
            await staff.do("intake", referral(n))
        await consent(staff, 1, TRAJECTORY, STATISTICS)
        await consent(staff, 2, TRAJECTORY)
        await consent(staff, 3, TRAJECTORY, STATISTICS)
        await enrol(staff, 1)
        await enrol(staff, 2)
        await staff.do(
            "intake", WithdrawConsent(family_id="fam-003", purpose=STATISTICS, withdrawn_on=TODAY)
        )
        await enrol(staff, 3)
    finally:
        await nc.close()


async def test_only_consenting_families_reach_the_hub(tmp_path) -> None:
    async with LocalNetwork(tmp_path, [PARTNER], secure=True) as network:
        await three_families(network)
        await network.wait_for_hub(timeout=120)
        messages = await hub_messages(network, subjects.NETWORK_STREAM)
        report = network.reporting.report(TODAY, "to-date")
        key = PseudonymKey.load(PARTNER, network.partners[PARTNER].key_dir)

    events_of: dict[str, set[str]] = {}
    for message in messages:
        body = orjson.loads(message.data)
        family = body["payload"].get("family_id")
        if family:
            events_of.setdefault(family, set()).add(body["event_type"])
    one, two, three = (key.rekey("family_id", f"fam-{n:03d}") for n in (1, 2, 3))
    assert {"FamilyReferred", "FamilyEnrolled", "TrajectoryStarted"} <= events_of[one]
    assert two not in events_of, "a family without statistics consent reached the hub"
    assert events_of[three] == {"FamilyReferred"}, "sharing went on after the withdrawal"
    assert not [m for m in messages if b"fam-00" in m.data]
    figures = report.partners[PARTNER]
    assert (figures["families_referred"], figures["families_not_shared"]) == (2, 1)
    out = io.StringIO()
    print_report(Console(file=out, width=200), report)
    assert "Families not shared" in out.getvalue()
