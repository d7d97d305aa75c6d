"""A coach's contact notes live in intake's vault: erasing the family leaves no byte of them.

Real nats-server, the partner's services on SQLite files; every file under the data
directory (stores, -wal, -shm, JetStream data) is scanned after the erasure.
"""

from __future__ import annotations

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import EraseFamily, KeepContactNote, RecordContact
from contracts.trajectory import ContactChannel, ContactKind
from pace.client import PartnerClient
from services.intake import vault
from tests.eventually import eventually
from tests.integration.test_erasure import decryptable, files_under, stream_messages
from tests.integration.test_services import TODAY, enrolled_family, referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

ERASED_NOTE = "Father in debt counselling at the OCMW, ask about Q3 payment plan."
KEPT_NOTE = "Mother starts the evening Dutch course next Monday."


async def contact_with_note(staff: PartnerClient, n: int, note: str) -> None:
    family_id = f"fam-{n:03d}"
    await staff.do("trajectory", RecordContact(
        family_id=family_id, contact_id=f"contact-{n}", kind=ContactKind.HOME_VISIT,
        channel=ContactChannel.IN_PERSON, contacted_on=TODAY))
    await staff.do("intake", KeepContactNote(family_id=family_id, contact_id=f"contact-{n}",
                                             note=note))


async def started(staff: PartnerClient) -> bool:
    return len(await staff.query("trajectory", "trajectories")) == 2


async def test_an_erased_familys_contact_notes_leave_no_byte(tmp_path, nats_url) -> None:
    async with Partner("mechelen", tmp_path / "data", nats_url,
                       key_dir=tmp_path / "keys") as partner:
        nc = await nats.connect(nats_url)
        staff = PartnerClient(nc, "mechelen")
        for n in (1, 2):
            await enrolled_family(staff, n)
        await eventually(lambda: started(staff))
        await contact_with_note(staff, 1, ERASED_NOTE)
        await contact_with_note(staff, 2, KEPT_NOTE)
        await staff.do("intake", EraseFamily(family_id="fam-001", erased_on=TODAY))
        for n in (3, 4, 5):  # a few writes after the erasure, as a working day goes on
            await staff.do("intake", referral(n))
        erased = await staff.query("intake", "contact_notes", family_id="fam-001",
                                   reader="test", purpose="check")
        [kept] = await staff.query("intake", "contact_notes", family_id="fam-002",
                                   reader="test", purpose="check")
        published = await stream_messages(nc.jetstream())
        contacts = [m for m in published if b"ContactRecorded" in m]
        await nc.close()
        files = files_under(tmp_path, leaving=tmp_path / "keys")
        opened = decryptable([*files.values(), *published], partner.vault_key)

    assert erased == [] and kept["notes"] == {"contact-2": KEPT_NOTE}
    assert len(contacts) == 2, "each contact is an event, without its note"
    assert not [m for m in published if b"debt" in m or b"Dutch course" in m]
    assert not [name for name, blob in files.items() if ERASED_NOTE.encode()[:20] in blob]
    assert "vault_contact_notes" in vault.PERSONAL_TABLES, "purged after every erasure"
    assert KEPT_NOTE.encode() in opened, "the other family's note still opens"
    assert not [o for o in opened if b"debt counselling" in o], "the erased one does not"
