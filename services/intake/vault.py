"""Intake's vault: each family's personal data, encrypted with a key of its own.

Erasure destroys the key: the ciphertext stays (and any copy of it) but nobody can read it.
"""

from __future__ import annotations

from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import (
    Column,
    Connection,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
)

metadata = MetaData()

family_keys = Table(
    "vault_family_keys", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("key", LargeBinary, nullable=False),
)

family_records = Table(
    "vault_family_records", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),
)


def put(conn: Connection, family_id: str, personal_data: dict[str, Any]) -> None:
    """Encrypt a family's personal data under a new key of its own."""
    key = Fernet.generate_key()
    conn.execute(insert(family_keys), {"family_id": family_id, "key": key})
    conn.execute(insert(family_records), {
        "family_id": family_id,
        "ciphertext": Fernet(key).encrypt(orjson.dumps(personal_data)),
    })


def read(conn: Connection, family_id: str) -> dict[str, Any] | None:
    """The family's personal data, or None when it was erased (or never stored)."""
    row = conn.execute(
        select(family_keys.c.key, family_records.c.ciphertext)
        .join(family_records, family_records.c.family_id == family_keys.c.family_id)
        .where(family_keys.c.family_id == family_id)).first()
    if row is None:
        return None
    try:
        return orjson.loads(Fernet(row.key).decrypt(row.ciphertext))
    except InvalidToken:
        return None


def destroy_key(conn: Connection, family_id: str) -> None:
    """Crypto-shredding: without its key, the family's ciphertext is noise."""
    conn.execute(delete(family_keys).where(family_keys.c.family_id == family_id))
