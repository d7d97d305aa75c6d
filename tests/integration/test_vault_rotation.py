"""Vault key rotation under a running intake: every family reads, the old key opens nothing."""

from __future__ import annotations

import nats
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from apps.bootstrap import Partner
from pace.client import PartnerClient
from pace.store.engine import Database
from services.intake import vault
from services.intake.rotation import rotate
from tests.eventually import eventually
from tests.integration.test_services import NAME, referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]


async def wrapped_keys(db: Database) -> list[bytes]:
    return await db.read(lambda conn: [r.key for r in conn.execute(select(vault.family_keys))])


async def four_families(staff: PartnerClient):
    rows = await staff.query("intake", "families", reader="test", purpose="check")
    return rows if len(rows) == 4 else None


async def test_rotating_the_vault_key_under_running_services(tmp_path, nats_url) -> None:
    keys = tmp_path / "keys"
    async with Partner("mechelen", tmp_path / "data", nats_url, key_dir=keys) as partner:
        nc = await nats.connect(nats_url)
        staff = PartnerClient(nc, "mechelen")
        for n in (1, 2, 3):
            await staff.do("intake", referral(n))
        key_file = keys / "mechelen-vault.key"
        old_key = key_file.read_text().strip()
        other = Database(partner.database_urls["intake"])  # as `pace vault rotate` opens it
        try:
            rotated = await rotate(other, key_file)
            await staff.do("intake", referral(4))  # the running intake wraps with the new key
            families = await eventually(lambda: four_families(staff))
            stored = await wrapped_keys(other)
        finally:
            await other.dispose()
        await nc.close()

    assert rotated.families == 3
    assert "," not in key_file.read_text() and old_key not in key_file.read_text()
    assert sorted(f["parents"] for f in families) == [f"{NAME} {n}" for n in (1, 2, 3, 4)]
    assert len(stored) == 4
    for wrapped in stored:
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(wrapped)


def test_pace_vault_rotate_rewrites_the_key_file_of_the_partner(tmp_path, monkeypatch) -> None:
    from sqlalchemy import create_engine
    from typer.testing import CliRunner

    from apps.cli import app

    for name in ("PACE_VAULT_KEY", "PACE_VAULT_KEY_FILE", "PACE_KEY_DIR", "PACE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    store = tmp_path / "var" / "gent" / "gent-intake.db"
    store.parent.mkdir(parents=True)
    key = vault.VaultKey.load("gent", tmp_path / "var-keys" / "gent")
    old_key = (tmp_path / "var-keys" / "gent" / "gent-vault.key").read_text()
    engine = create_engine(f"sqlite:///{store}")
    vault.metadata.create_all(engine)
    with engine.begin() as conn:
        vault.put(conn, "fam-1", {"parents": [{"full_name": NAME}]}, key)

    result = CliRunner().invoke(
        app, ["vault", "rotate", "--partner", "gent", "--data-dir", str(tmp_path / "var")]
    )

    assert result.exit_code == 0, result.output
    assert "1 family keys re-wrapped" in result.output
    with engine.begin() as conn:
        assert vault.read(conn, "fam-1", key)["parents"][0]["full_name"] == NAME
        with pytest.raises(vault.VaultKeyError):
            vault.read(conn, "fam-1", vault.VaultKey(old_key))
    engine.dispose()
