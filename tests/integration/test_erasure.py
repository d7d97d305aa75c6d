"""Erasure erases: no byte of the family is left, and with the vault key nothing decrypts.

Scans every file under the partner's data directory (stores, -wal, -shm, the NATS server's
JetStream data with its dead letters) and the process's log output; on PostgreSQL, every
page file of the database after a checkpoint.
"""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import nats
import pytest
from cryptography.fernet import Fernet, InvalidToken

from apps.bootstrap import Partner
from contracts import subjects
from contracts.commands import EraseFamily
from pace.client import PartnerClient
from services.intake import vault
from tests.eventually import eventually
from tests.integration.test_services import (
    NAME,
    NATIONAL_NUMBER,
    NOTES,
    PHONE,
    TODAY,
    enrolled_family,
    referral,
)
from tests.plugins.postgres import _asyncpg_args

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

ERASED_NAME, ERASED_PHONE, ERASED_NUMBER = "Zoë Vandermeulen", "+32 499 87 65 43", "90.01.02-345.67"
ERASED = [ERASED_NAME.encode(), ERASED_PHONE.encode(), ERASED_NUMBER.encode()]
PERSONAL = [NAME.encode(), PHONE.encode(), NATIONAL_NUMBER.encode(), NOTES.encode(), b"Lotte"]
TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{20,}={0,2}")
MORE_FAMILIES = 200
AFTER = 3  # referred after the erasure: few, so that nothing overwrites by chance


def the_erased_family():
    """Family 1, with a name, phone and national number no other family shares."""
    plain = referral(1)
    parent = plain.parents[0].model_copy(
        update={"full_name": ERASED_NAME, "phone": ERASED_PHONE, "national_number": ERASED_NUMBER}
    )
    return plain.model_copy(update={"parents": (parent,)})


def files_under(root: Path, *, leaving: Path) -> dict[str, bytes]:
    return {
        str(p): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_relative_to(leaving)
    }


def fernet_tokens(blob: bytes) -> set[bytes]:
    """Every Fernet token in raw bytes; a token without padding may run into the next bytes."""
    found = set()
    for match in TOKEN.findall(blob):
        if match.endswith(b"="):
            found.add(match)
            continue
        # unpadded tokens decode to 57 + 16k bytes with k a multiple of 3: 76 + 64j chars
        lengths = [76 + 64 * j for j in range(len(match) // 64 + 1) if 76 + 64 * j <= len(match)]
        found.update(match[:length] for length in lengths[-2:])
    return found


def decryptable(blobs: list[bytes], key: vault.VaultKey) -> list[bytes]:
    """Every plaintext the vault key opens: wrapped family keys, then records under them."""
    tokens = {t for blob in blobs for t in fernet_tokens(blob)}
    family_keys = []
    for token in tokens:
        try:
            family_keys.append(Fernet(key.unwrap(token)))
        except (InvalidToken, ValueError):
            continue
    opened = []
    for token in tokens:
        for family_key in family_keys:
            try:
                opened.append(family_key.decrypt(token))
            except InvalidToken:
                continue
    return opened


async def erase_one_of_many(staff: PartnerClient) -> None:
    await staff.do("intake", the_erased_family())
    await enrolled_family(staff, 2)
    for n in range(3, 3 + MORE_FAMILIES):
        await staff.do("intake", referral(n))
    await staff.query("intake", "family", family_id="fam-001", reader="test", purpose="check")
    await staff.do("intake", EraseFamily(family_id="fam-001", erased_on=TODAY))
    for n in range(3 + MORE_FAMILIES, 3 + MORE_FAMILIES + AFTER):
        await staff.do("intake", referral(n))


async def test_after_erasure_no_file_holds_the_family(tmp_path, nats_url, capfd) -> None:
    data = tmp_path / "data"
    async with Partner("mechelen", data, nats_url, key_dir=tmp_path / "keys") as partner:
        nc = await nats.connect(nats_url)
        staff = PartnerClient(nc, "mechelen")
        await erase_one_of_many(staff)
        listed = await eventually(lambda: _erased(staff))
        readable = await partner.stores["intake"].db.read(vault.read, "fam-001", partner.vault_key)
        kept = await partner.stores["intake"].db.read(vault.read, "fam-002", partner.vault_key)
        published = await stream_messages(nc.jetstream())
        chains = {c: (await s.verify()).ok for c, s in partner.stores.items()}
        await nc.close()
        files = files_under(tmp_path, leaving=tmp_path / "keys")  # stores, WAL, NATS, DLQ
        logs = capfd.readouterr()
        opened = decryptable([*files.values(), *published], partner.vault_key)

    assert readable is None
    assert kept is not None and kept["parents"][0]["full_name"] == f"{NAME} 2"
    assert [f["parents"] for f in listed if f["family_id"] == "fam-001"] == ["(erased)"]
    assert any(name.endswith("-wal") for name in files) and any(".db" in n for n in files)
    blobs = [*files.values(), *published, (logs.out + logs.err).encode()]
    assert not [(p, n) for p in [*ERASED, *PERSONAL] for n, b in files.items() if p in b]
    assert not [p for p in [*ERASED, *PERSONAL] for b in blobs if p in b]
    assert len(opened) == MORE_FAMILIES + AFTER + 1, "every other family opens"
    assert not [o for o in opened if any(p in o for p in ERASED)], "the erased one does not"
    assert chains == {"intake": True, "booking": True, "trajectory": True, "sharing": True}


@pytest.mark.postgres
async def test_after_erasure_no_postgresql_page_holds_the_family(
    tmp_path, nats_url, postgres_url
) -> None:
    async with Partner(
        "mechelen",
        tmp_path / "data",
        nats_url,
        key_dir=tmp_path / "keys",
        database_urls={
            "intake": postgres_url,
            **{c: str(tmp_path / f"{c}.db") for c in ("booking", "trajectory", "sharing")},
        },
    ) as partner:
        nc = await nats.connect(nats_url)
        staff = PartnerClient(nc, "mechelen")
        await erase_one_of_many(staff)
        await eventually(lambda: _erased(staff))
        await nc.close()
        pages = await database_pages(postgres_url)
        opened = decryptable(list(pages.values()), partner.vault_key)

    assert len(pages) > 10
    assert not [(p, n) for p in ERASED for n, b in pages.items() if p in b]
    assert len(opened) == MORE_FAMILIES + AFTER + 1, "every other family opens"
    assert not [o for o in opened if any(p in o for p in ERASED)], "the erased one does not"


async def database_pages(url: str) -> dict[str, bytes]:
    """Every file of the database's directory, as the server wrote them after a checkpoint."""
    connection = await asyncpg.connect(**_asyncpg_args(url))
    try:
        await connection.execute("CHECKPOINT")
        oid = await connection.fetchval(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        )
        names = await connection.fetch("SELECT pg_ls_dir($1) AS name", f"base/{oid}")
        return {
            row["name"]: await connection.fetchval(
                "SELECT pg_read_binary_file($1)", f"base/{oid}/{row['name']}"
            )
            for row in names
        }
    finally:
        await connection.close()


async def stream_messages(js) -> list[bytes]:
    info = await js.stream_info(subjects.PARTNER_EVENTS_STREAM)
    return [
        (await js.get_msg(subjects.PARTNER_EVENTS_STREAM, seq)).data
        for seq in range(info.state.first_seq, info.state.last_seq + 1)
    ]


async def _erased(staff: PartnerClient):
    rows = await staff.query("intake", "families")
    return rows if any(r["status"] == "erased" for r in rows) else None
