"""Erasure: after FamilyErased the family's personal data is unreadable everywhere."""

from __future__ import annotations

import nats
import pytest

from contracts import subjects
from contracts.commands import EraseFamily
from pace.client import PartnerClient
from pace.partner import Partner
from services.intake import vault
from tests.integration.test_services import (
    NAME,
    NATIONAL_NUMBER,
    NOTES,
    PHONE,
    TODAY,
    enrolled_family,
    eventually,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

PERSONAL = [NAME.encode(), PHONE.encode(), NATIONAL_NUMBER.encode(), NOTES.encode(), b"Lotte"]


async def stream_messages(js) -> list[bytes]:
    info = await js.stream_info(subjects.PARTNER_EVENTS_STREAM)
    return [(await js.get_msg(subjects.PARTNER_EVENTS_STREAM, seq)).data
            for seq in range(info.state.first_seq, info.state.last_seq + 1)]


async def test_erasure_leaves_no_readable_personal_data_and_keeps_the_counts(
    tmp_path, nats_url
) -> None:
    async with Partner("mechelen", tmp_path, nats_url) as partner:
        nc = await nats.connect(nats_url)
        staff = PartnerClient(nc, "mechelen")
        await enrolled_family(staff, 1)
        await enrolled_family(staff, 2)
        listed = await eventually(lambda: _families(staff, 2))
        assert f"{NAME} 1" in {f["parents"] for f in listed}

        await staff.do("intake", EraseFamily(family_id="fam-001", erased_on=TODAY))

        listed = await eventually(lambda: _erased(staff))
        intake = partner.stores["intake"]
        readable = await intake.db.read(vault.read, "fam-001", partner.vault_key)
        kept = await intake.db.read(vault.read, "fam-002", partner.vault_key)
        published = await stream_messages(nc.jetstream())
        chains = {c: (await s.verify()).ok for c, s in partner.stores.items()}
        await nc.close()

    stored = b"".join(p.read_bytes() for p in tmp_path.glob("*.db*"))
    assert readable is None
    assert kept is not None and kept["parents"][0]["full_name"] == f"{NAME} 2"
    assert len(listed) == 2 and {f["family_id"] for f in listed} == {"fam-001", "fam-002"}
    assert [f["parents"] for f in listed if f["family_id"] == "fam-001"] == ["(erased)"]
    assert not [p for p in PERSONAL if p in stored], "personal data in plain text on disk"
    assert not [p for p in PERSONAL for m in published if p in m], "personal data in JetStream"
    assert chains == {"intake": True, "booking": True, "trajectory": True, "sharing": True}


async def _families(staff: PartnerClient, count: int):
    rows = await staff.query("intake", "families")
    return rows if len(rows) == count else None


async def _erased(staff: PartnerClient):
    rows = await staff.query("intake", "families")
    return rows if any(r["status"] == "erased" for r in rows) else None
