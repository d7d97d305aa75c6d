"""Intake's vault: each family's personal data, encrypted with a key of its own.

Erasure destroys the key: the ciphertext stays (and any copy of it) but nobody can read it.
Each family's key is itself stored encrypted under the partner's vault key (`VaultKey`,
from $PACE_VAULT_KEY, $PACE_VAULT_KEY_FILE or a key file made once beside the data), so a
copy of the database alone reads as noise. Several vault keys (comma-separated, newest
first) let a partner rotate: new families get the newest, older ones still open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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

from pace.keys import load_key

KEY_ENV = "PACE_VAULT_KEY"
metadata = MetaData()


class VaultKeyError(Exception):
    """The vault key in use does not open the vault's family keys."""


class VaultKey:
    """The partner's key(s) that wrap each family's key; never printed."""

    def __init__(self, keys: str) -> None:
        try:
            self._fernet = MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])
        except ValueError as error:
            raise ValueError(f"{KEY_ENV} (or its file) must hold Fernet keys, newest first, "
                             f"comma-separated: {error}") from None

    def __repr__(self) -> str:
        return "VaultKey(***)"

    @classmethod
    def load(cls, partner: str, data_dir: Path) -> VaultKey:
        return cls(load_key(KEY_ENV, data_dir / f"{partner}-vault.key",
                            lambda: Fernet.generate_key().decode()))

    def wrap(self, family_key: bytes) -> bytes:
        return self._fernet.encrypt(family_key)

    def unwrap(self, wrapped: bytes) -> bytes:
        return self._fernet.decrypt(wrapped)

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


def put(conn: Connection, family_id: str, personal_data: dict[str, Any],
        vault_key: VaultKey) -> None:
    """Encrypt a family's personal data under a new key of its own, kept wrapped."""
    key = Fernet.generate_key()
    conn.execute(insert(family_keys), {"family_id": family_id, "key": vault_key.wrap(key)})
    conn.execute(insert(family_records), {
        "family_id": family_id,
        "ciphertext": Fernet(key).encrypt(orjson.dumps(personal_data)),
    })


def read(conn: Connection, family_id: str, vault_key: VaultKey) -> dict[str, Any] | None:
    """The family's personal data, or None when it was erased (or never stored).

    Raises VaultKeyError when the vault key cannot open the family's key: a wrong or
    missing PACE_VAULT_KEY must never pass for an erased family.
    """
    row = conn.execute(
        select(family_keys.c.key, family_records.c.ciphertext)
        .join(family_records, family_records.c.family_id == family_keys.c.family_id)
        .where(family_keys.c.family_id == family_id)).first()
    if row is None:
        return None
    try:
        family_key = vault_key.unwrap(row.key)
    except InvalidToken:
        raise VaultKeyError(f"the vault key does not open family {family_id}'s key: is "
                            f"{KEY_ENV} (or its file) the one this store was written with?"
                            ) from None
    return orjson.loads(Fernet(family_key).decrypt(row.ciphertext))


def destroy_key(conn: Connection, family_id: str) -> None:
    """Crypto-shredding: without its key, the family's ciphertext is noise."""
    conn.execute(delete(family_keys).where(family_keys.c.family_id == family_id))
