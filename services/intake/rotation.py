"""Vault key rotation: every family key re-wrapped under a new vault key, the old one retired.

The steps keep running services reading throughout: (1) the key file gets the new key in
front of the old one, (2) every wrapped family key is re-wrapped under the new key alone,
in passes until a pass finds none left under the old key, (3) the key file keeps only the
new key. A running intake follows its key file (see `VaultKey`), so it uses the new key
from step 1 on. After step 3, the old key opens nothing: a backup older than that holds
family keys nobody can unwrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, select, update

from pace.keys import default_key_dir, key_file, replace_key
from pace.settings import Settings
from pace.store.engine import Database
from services.intake import vault

MAX_PASSES = 10


class VaultRotationError(RuntimeError):
    """The rotation could not finish; the key file still holds the old key as well."""


@dataclass(frozen=True)
class Rotated:
    """What a rotation did: family keys re-wrapped, passes needed."""

    families: int
    passes: int


def rewrap(conn: Connection, old: MultiFernet, new: Fernet) -> int:
    """Re-wrap every family key the new key does not open yet; how many were re-wrapped."""
    done = 0
    for row in conn.execute(select(vault.family_keys)).all():
        try:
            new.decrypt(row.key)
            continue
        except InvalidToken:
            pass
        try:
            family_key = old.decrypt(row.key)
        except InvalidToken:
            raise VaultRotationError(
                f"family {row.family_id}'s key opens with neither the current nor the new "
                "vault key: is the key file the one this store was written with?"
            ) from None
        conn.execute(
            update(vault.family_keys)
            .where(vault.family_keys.c.family_id == row.family_id)
            .values(key=new.encrypt(family_key))
        )
        done += 1
    return done


async def rotate(db: Database, key_file: Path) -> Rotated:
    """Rotate the vault key kept in `key_file` over the intake store `db`."""
    old_text = key_file.read_text().strip()
    old = MultiFernet([Fernet(k.strip()) for k in old_text.split(",") if k.strip()])
    new_text = Fernet.generate_key().decode()
    new = Fernet(new_text)
    replace_key(key_file, f"{new_text},{old_text}")  # running services take the new one
    total = 0
    for passes in range(1, MAX_PASSES + 1):
        done = await db.write(rewrap, old, new)
        total += done
        if done == 0:
            replace_key(key_file, new_text)  # the old key is retired
            await db.purge(vault.PERSONAL_TABLES)  # no old wrapping left in the WAL
            return Rotated(total, passes)
    raise VaultRotationError(
        f"family keys kept arriving under the old key after {MAX_PASSES} "
        "passes; run `pace vault rotate` again"
    )


async def rotate_for(settings: Settings) -> Rotated:
    """Rotate the vault key of the partner the settings name (its key file, its store)."""
    partner = str(settings.partner)
    key_dir = (settings.key_dir or default_key_dir(settings.data_dir)) / partner
    path = key_file(vault.KEY_ENV, key_dir / f"{partner}-vault.key")
    if path is None or not path.exists():
        raise VaultRotationError(
            f"rotation rewrites the key file: give the key as {vault.KEY_ENV}_FILE (not "
            f"{vault.KEY_ENV}), or keep it in {key_dir}"
            if path is None
            else f"no vault key at {path}: nothing to rotate"
        )
    db = Database(settings.database_url_for("intake"))
    try:
        return await rotate(db, path)
    finally:
        await db.dispose()
