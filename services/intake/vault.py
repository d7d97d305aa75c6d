"""Intake's vault: each family's personal data, encrypted with a key of its own.

Each family's key is stored wrapped by the partner's vault key (`VaultKey`, from
$PACE_VAULT_KEY, $PACE_VAULT_KEY_FILE or a key file made once in the key directory, outside
the data directory), so a copy of the database alone reads as noise. Erasure deletes the
wrapped key and the record (`erase`); `pace vault rotate` re-wraps every family key under a
new vault key and retires the old one (`vault_rotation`).
"""

from __future__ import annotations

import os
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

from pace.domain import UnknownFamilyError
from pace.keys import key_file, load_key

KEY_ENV = "PACE_VAULT_KEY"
metadata = MetaData()


class VaultKeyError(Exception):
    """The vault key in use does not open the vault's family keys."""


def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])
    except ValueError as error:
        raise ValueError(f"{KEY_ENV} (or its file) must hold Fernet keys, newest first, "
                         f"comma-separated: {error}") from None


class VaultKey:
    """The partner's key(s) that wrap each family's key; never printed.

    A key read from a file follows that file: after `pace vault rotate` rewrites it, the
    running service wraps and unwraps with the new key (it checks the file on each use).
    """

    def __init__(self, keys: str, source: Path | None = None) -> None:
        self._fernet = _fernet(keys)
        self.source = source
        self._seen = self._stamp()

    def __repr__(self) -> str:
        return "VaultKey(***)"

    @classmethod
    def load(cls, partner: str, key_dir: Path) -> VaultKey:
        """From $PACE_VAULT_KEY, $PACE_VAULT_KEY_FILE or `<key dir>/<partner>-vault.key`."""
        path = key_file(KEY_ENV, key_dir / f"{partner}-vault.key")
        return cls(load_key(KEY_ENV, key_dir / f"{partner}-vault.key",
                            lambda: Fernet.generate_key().decode()), path)

    def _stamp(self) -> tuple[int, int, int] | None:
        if self.source is None:
            return None
        try:
            info = os.stat(self.source)
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def _current(self) -> MultiFernet:
        stamp = self._stamp()
        if stamp is not None and stamp != self._seen and self.source is not None:
            self._fernet, self._seen = _fernet(self.source.read_text()), stamp
        return self._fernet

    def wrap(self, family_key: bytes) -> bytes:
        return self._current().encrypt(family_key)

    def unwrap(self, wrapped: bytes) -> bytes:
        return self._current().decrypt(wrapped)

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


contact_notes = Table(
    "vault_contact_notes", metadata,
    Column("family_id", String(64), primary_key=True),
    Column("contact_id", String(64), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),
)


def _family_fernet(conn: Connection, family_id: str, vault_key: VaultKey) -> Fernet | None:
    wrapped = conn.execute(select(family_keys.c.key)
                           .where(family_keys.c.family_id == family_id)).scalar()
    if wrapped is None:
        return None
    try:
        return Fernet(vault_key.unwrap(wrapped))
    except InvalidToken:
        raise VaultKeyError(f"the vault key does not open family {family_id}'s key: is "
                            f"{KEY_ENV} (or its file) the one this store was written with?"
                            ) from None


def put_note(conn: Connection, family_id: str, contact_id: str, note: str,
             vault_key: VaultKey) -> None:
    """A coach's contact note, encrypted with the family's own key (replacing an earlier one)."""
    fernet = _family_fernet(conn, family_id, vault_key)
    if fernet is None:
        raise UnknownFamilyError(f"family {family_id} has no record in the vault (erased, or "
                               "never referred here): its contact note cannot be kept")
    conn.execute(delete(contact_notes).where(contact_notes.c.family_id == family_id,
                                             contact_notes.c.contact_id == contact_id))
    conn.execute(insert(contact_notes), {"family_id": family_id, "contact_id": contact_id,
                                         "ciphertext": fernet.encrypt(note.encode())})


def read_notes(conn: Connection, family_id: str, vault_key: VaultKey) -> dict[str, str] | None:
    """The family's contact notes by contact id, or None when its key is gone (erased)."""
    fernet = _family_fernet(conn, family_id, vault_key)
    if fernet is None:
        return None
    rows = conn.execute(select(contact_notes.c.contact_id, contact_notes.c.ciphertext)
                        .where(contact_notes.c.family_id == family_id))
    return {row.contact_id: fernet.decrypt(row.ciphertext).decode() for row in rows}


def family_notes(conn: Connection, params: dict[str, Any], vault_key: VaultKey
                 ) -> list[dict[str, Any]]:
    """A family's contact notes, as a query row (empty when the family has no key)."""
    family_id = str(params.get("family_id", ""))
    notes = read_notes(conn, family_id, vault_key)
    return [] if notes is None else [{"family_id": family_id, "notes": notes,
                                      "personal": bool(notes)}]


PERSONAL_TABLES = ("vault_family_keys", "vault_family_records", "vault_contact_notes")
"""The tables that hold personal data (encrypted): purged after every erasure."""


def erase(conn: Connection, family_id: str) -> None:
    """Delete the family's wrapped key and its encrypted record: nothing is left to open."""
    conn.execute(delete(family_keys).where(family_keys.c.family_id == family_id))
    conn.execute(delete(family_records).where(family_records.c.family_id == family_id))
    conn.execute(delete(contact_notes).where(contact_notes.c.family_id == family_id))
