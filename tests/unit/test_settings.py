"""Deployed processes read PACE_* settings; secrets never print; the documented table is current."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pace import settings as settings_module
from pace.settings import Settings, env_names, settings_table, with_table


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*env_names(), "NATS_URL"):
        monkeypatch.delenv(name, raising=False)


def test_a_partner_process_reads_its_settings_from_pace_variables(monkeypatch):
    monkeypatch.setenv("PACE_PARTNER", "mechelen")
    monkeypatch.setenv("PACE_ONLY", "booking")
    monkeypatch.setenv("PACE_NATS_URL", "nats://leaf:4222")
    monkeypatch.setenv("PACE_LOG_LEVEL", "debug")
    monkeypatch.setenv("PACE_METRICS_PORT", "0")

    settings = Settings()

    assert (settings.partner, settings.only, settings.nats_url) == (
        "mechelen", "booking", "nats://leaf:4222")
    assert settings.log_level == "DEBUG"
    assert settings.metrics_port == 0
    assert settings.stores == ("booking",)


def test_nats_url_is_also_read_from_the_variable_the_cli_already_knows(monkeypatch):
    monkeypatch.setenv("NATS_URL", "nats://elsewhere:4222")

    assert Settings(partner="gent").nats_url == "nats://elsewhere:4222"


def test_secrets_never_print(monkeypatch):
    monkeypatch.setenv("PACE_NATS_PASSWORD", "s3cret-nats")
    monkeypatch.setenv("PACE_VAULT_KEY", "s3cret-vault")
    monkeypatch.setenv("PACE_DATABASE_URL", "postgresql://pace:s3cret-db@db/pace_{store}")

    settings = Settings(partner="gent")

    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert "s3cret" not in shown
    assert settings.secret("vault_key") == "s3cret-vault"


def test_a_secret_may_come_from_a_file_but_not_from_both(tmp_path, monkeypatch):
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text("ab" * 32 + "\n", encoding="utf-8")
    monkeypatch.setenv("PACE_PSEUDONYM_KEY_FILE", str(key_file))

    assert Settings(partner="gent").secret("pseudonym_key") == "ab" * 32

    monkeypatch.setenv("PACE_PSEUDONYM_KEY", "cd" * 32)
    with pytest.raises(ValidationError, match="PACE_PSEUDONYM_KEY or PACE_PSEUDONYM_KEY_FILE"):
        Settings(partner="gent")


def test_each_store_gets_its_own_database_with_the_password_put_in(tmp_path):
    password_file = tmp_path / "db-password"
    password_file.write_text("p@ss\n", encoding="utf-8")

    settings = Settings(partner="gent", database_url="postgresql://pace@db:5432/pace_{store}",
                        database_password_file=password_file)

    assert settings.database_url_for("intake") == "postgresql://pace:p%40ss@db:5432/pace_intake"
    assert settings.stores == ("intake", "booking", "trajectory", "sharing", "figures")


def test_without_a_database_url_stores_are_sqlite_files_in_the_data_dir(tmp_path):
    partner = Settings(partner="gent", data_dir=tmp_path)
    hub = Settings(role="hub", data_dir=tmp_path)

    assert partner.database_url_for("booking") == str(tmp_path / "gent" / "gent-booking.db")
    assert hub.database_url_for("reporting") == str(tmp_path / "hub" / "hub-reporting.db")
    assert hub.stores == ("reporting",)


@pytest.mark.parametrize("values, message", [
    ({}, "PACE_PARTNER is needed"),
    ({"partner": "Mechelen!"}, "partner"),
    ({"role": "hub", "only": "intake"}, "the hub has none"),
    ({"partner": "gent", "database_url": "postgresql://db/pace"}, "needs `{store}`"),
    ({"partner": "gent", "nats_cert_file": "c.pem"}, "go together"),
    ({"partner": "gent", "only": "reporting"}, "only"),
    ({"partner": "gent", "metrics_port": 70000}, "metrics_port"),
])
def test_settings_that_cannot_work_are_refused_with_a_reason(values, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**values)


def test_nats_auth_carries_user_and_password():
    settings = Settings(partner="gent", nats_user="gent-services", nats_password="pw")

    assert settings.nats_auth().connect_options() == {"user": "gent-services",
                                                      "password": "pw"}


def test_the_table_documents_every_variable_once():
    table = settings_table()

    for name in env_names():
        assert table.count(f"`{name}`") == 1, name
    assert "| `PACE_DATA_DIR` | `var` |" in table


def test_the_table_in_deploy_readme_is_current():
    text = settings_module.README.read_text(encoding="utf-8")

    assert with_table(text) == text, "stale: run python -m pace.settings --write"


def test_the_partners_figures_run_alone_with_their_own_store(tmp_path):
    settings = Settings(partner="gent", only="figures", data_dir=tmp_path)

    assert settings.stores == ("figures",)
    assert settings.database_url_for("figures") == str(tmp_path / "gent" / "gent-figures.db")
