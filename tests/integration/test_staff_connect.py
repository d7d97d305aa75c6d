"""Staff commands against a secured NATS: a plain error within bounded time, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pace.connection import NatsAuth
from pace.nats_server import ManagedNatsServer
from pace.network.configs import Tls
from pace.network.permissions import Secret, authorization_lines, partner_user
from pace.staff_connect import NatsUnreachableError, staff_connect
from pace.tls import TestAuthority

pytestmark = [pytest.mark.nats, pytest.mark.timeout(90)]

PASSWORD = "pw-gent-services"


@pytest.fixture
async def secured(tmp_path: Path):
    """A TLS nats-server with the gent services user, as on a partner's leaf node."""
    authority = TestAuthority(tmp_path / "tls")
    cert = authority.issue("nats", ["127.0.0.1"])
    auth = NatsAuth(user="gent", password=PASSWORD, ca_file=str(authority.ca_file))
    server = ManagedNatsServer(
        tmp_path / "nats",
        name="gent",
        domain="gent",
        tls=Tls(str(cert.cert_file), str(cert.key_file)).lines(),
        authorization=authorization_lines([partner_user("gent", Secret.from_env("GENT_PW"))]),
        env={"GENT_PW": PASSWORD},
        client=auth,
    )
    async with server:
        yield server, authority


def pace_list(url: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PACE_", "NATS_"))}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "apps.cli",
            "list",
            "families",
            "--partner",
            "gent",
            "--nats-url",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "COLUMNS": "200", **env},
    )


async def test_a_tls_server_without_the_ca_is_named_as_the_problem(secured) -> None:
    server, _ = secured
    plain_url = server.url.replace("tls://", "nats://")

    result = pace_list(plain_url)

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"cannot reach NATS at {plain_url}: TLS required; set PACE_NATS_CA_FILE" in " ".join(
        result.stdout.split()
    )


async def test_a_wrong_password_is_named_as_a_refused_login(secured, tmp_path) -> None:
    server, authority = secured

    result = pace_list(
        server.url,
        PACE_NATS_USER="gent",
        PACE_NATS_PASSWORD="pw-wrong",
        PACE_NATS_CA_FILE=str(authority.ca_file),
    )

    assert result.returncode == 2, result.stdout + result.stderr
    assert "the server refused the login" in " ".join(result.stdout.split())


async def test_nothing_listening_gives_up_after_the_bounded_tries() -> None:
    from pace.nats_server import free_ports

    (port,) = free_ports(1)

    with pytest.raises(NatsUnreachableError, match="nothing answers there"):
        await staff_connect(f"nats://127.0.0.1:{port}", NatsAuth(), tries=2, timeout=0.5)


async def test_with_the_ca_and_the_login_the_list_is_shown(secured, tmp_path) -> None:
    server, authority = secured
    (tmp_path / "password").write_text(PASSWORD)

    result = pace_list(
        server.url,
        PACE_NATS_USER="gent",
        PACE_NATS_PASSWORD_FILE=str(tmp_path / "password"),
        PACE_NATS_CA_FILE=str(authority.ca_file),
    )

    # connected: no intake runs, so the request finds no responder (not a connect error)
    assert "cannot reach NATS" not in result.stdout, result.stdout
