"""The vault: family keys wrapped by the partner's vault key, rotation, erasure, wrong keys."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import create_engine, select

from pace.keys import KeyInDataDirError, default_key_dir, refuse_keys_in, replace_key
from services.intake import vault

DATA = {"parents": [{"full_name": "Amina Janssens"}], "children": [], "notes": "ok"}


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    vault.metadata.create_all(engine)
    with engine.begin() as connection:
        yield connection


def test_a_copy_of_the_database_alone_opens_nothing(conn):
    key = vault.VaultKey(Fernet.generate_key().decode())
    vault.put(conn, "fam-1", DATA, key)
    wrapped = conn.execute(select(vault.family_keys.c.key)).scalar_one()
    ciphertext = conn.execute(select(vault.family_records.c.ciphertext)).scalar_one()
    assert b"Amina" not in wrapped + ciphertext
    with pytest.raises((InvalidToken, ValueError)):  # the stored key is no usable key
        Fernet(wrapped).decrypt(ciphertext)
    assert vault.read(conn, "fam-1", key) == DATA


def test_a_rotated_vault_key_still_opens_older_families(conn):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    vault.put(conn, "fam-1", DATA, vault.VaultKey(old))
    rotated = vault.VaultKey(f"{new},{old}")
    vault.put(conn, "fam-2", DATA, rotated)
    assert vault.read(conn, "fam-1", rotated) == DATA
    assert vault.read(conn, "fam-2", rotated) == DATA
    with pytest.raises(vault.VaultKeyError):  # fam-2 was wrapped with the new key
        vault.read(conn, "fam-2", vault.VaultKey(old))


def test_a_wrong_vault_key_is_an_error_not_an_erased_family(conn):
    vault.put(conn, "fam-1", DATA, vault.VaultKey(Fernet.generate_key().decode()))
    with pytest.raises(vault.VaultKeyError, match="PACE_VAULT_KEY"):
        vault.read(conn, "fam-1", vault.VaultKey(Fernet.generate_key().decode()))


def test_erasure_deletes_the_wrapped_key_and_the_record(conn):
    key = vault.VaultKey(Fernet.generate_key().decode())
    vault.put(conn, "fam-1", DATA, key)
    vault.put(conn, "fam-2", DATA, key)
    vault.erase(conn, "fam-1")
    assert vault.read(conn, "fam-1", key) is None
    assert [r.family_id for r in conn.execute(select(vault.family_records))] == ["fam-2"]
    assert [r.family_id for r in conn.execute(select(vault.family_keys))] == ["fam-2"]


def test_a_vault_key_read_from_a_file_follows_the_file(conn, tmp_path):
    path = tmp_path / "gent-vault.key"
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    path.write_text(old)
    key = vault.VaultKey(old, path)
    vault.put(conn, "fam-1", DATA, key)
    replace_key(path, new)
    vault.put(conn, "fam-2", DATA, key)
    assert vault.read(conn, "fam-2", vault.VaultKey(new)) == DATA
    with pytest.raises(vault.VaultKeyError):  # fam-1 is still under the old key
        vault.read(conn, "fam-1", key)


def test_vault_keys_load_from_env_or_file_and_never_print(tmp_path, monkeypatch):
    monkeypatch.delenv("PACE_VAULT_KEY", raising=False)
    monkeypatch.delenv("PACE_VAULT_KEY_FILE", raising=False)
    made = vault.VaultKey.load("gent", tmp_path)  # made once, in the key directory
    path = tmp_path / "gent-vault.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert repr(made) == "VaultKey(***)" and path.read_text() not in repr(made)
    secret = tmp_path / "mounted-secret"
    secret.write_text(Fernet.generate_key().decode())
    monkeypatch.setenv("PACE_VAULT_KEY_FILE", str(secret))
    from_file = vault.VaultKey.load("gent", tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere" / "gent-vault.key").exists()
    token = from_file.wrap(b"x")
    assert vault.VaultKey(secret.read_text()).unwrap(token) == b"x"
    monkeypatch.setenv("PACE_VAULT_KEY", "not a key")
    with pytest.raises(ValueError, match="Fernet keys"):
        vault.VaultKey.load("gent", tmp_path)


def test_the_default_key_directory_is_outside_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("PACE_KEY_DIR", raising=False)
    data = tmp_path / "var"
    keys = default_key_dir(data)
    assert keys == tmp_path / "var-keys"
    assert not keys.is_relative_to(data)


def test_a_key_left_in_the_data_directory_stops_the_start(tmp_path):
    (tmp_path / "gent-vault.key").write_text(Fernet.generate_key().decode())
    with pytest.raises(KeyInDataDirError, match="move it"):
        refuse_keys_in(tmp_path, tmp_path / "keys", ["gent-vault.key"])
