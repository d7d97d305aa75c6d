"""NATS connection settings from the environment: files for secrets, TLS, never printed."""

from __future__ import annotations

import pytest

from pace.connection import ConnectionSettingsError, NatsAuth
from pace.tls import TestAuthority


def test_nothing_set_means_a_plain_anonymous_connection():
    auth = NatsAuth.from_env({})
    assert auth.connect_options() == {} and auth.broker_options() == {}


def test_the_password_comes_from_a_file_and_never_prints(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("s3cret-from-a-mounted-file\n")
    auth = NatsAuth.from_env({"PACE_NATS_USER": "gent", "PACE_NATS_PASSWORD_FILE": str(secret),
                              "PACE_NATS_INBOX_PREFIX": "_INBOX.gent"})
    assert auth.connect_options() == {"user": "gent", "password": "s3cret-from-a-mounted-file",
                                      "inbox_prefix": "_INBOX.gent"}
    assert "s3cret" not in repr(auth) and "s3cret" not in str(auth.describe())
    broker = auth.broker_options()
    assert broker["security"].username == "gent" and broker["inbox_prefix"] == "_INBOX.gent"


def test_a_ca_file_turns_tls_on_for_both_clients(tmp_path):
    authority = TestAuthority(tmp_path)
    pair = authority.issue("gent-services", client=True, server=False)
    auth = NatsAuth(ca_file=str(authority.ca_file), cert_file=str(pair.cert_file),
                    key_file=str(pair.key_file))
    assert auth.connect_options()["tls"].verify_mode.name == "CERT_REQUIRED"
    assert auth.broker_options()["security"].ssl_context is not None


@pytest.mark.parametrize(("environ", "problem"), [
    ({"PACE_NATS_USER": "gent"}, "together"),
    ({"PACE_NATS_PASSWORD": "x"}, "together"),
    ({"PACE_NATS_USER": "g", "PACE_NATS_PASSWORD": "x", "PACE_NATS_CREDS_FILE": "g.creds"},
     "either"),
    ({"PACE_NATS_CERT_FILE": "c.pem"}, "its key"),
    ({"PACE_NATS_USER": "g", "PACE_NATS_PASSWORD_FILE": "/nonexistent/pw"}, "cannot read"),
])
def test_settings_that_cannot_work_are_refused_plainly(environ, problem):
    with pytest.raises(ConnectionSettingsError, match=problem):
        NatsAuth.from_env(environ)


def test_missing_tls_files_are_named(tmp_path):
    with pytest.raises(ConnectionSettingsError, match="TLS files"):
        NatsAuth(ca_file=str(tmp_path / "missing-ca.pem")).connect_options()
