"""`pace partner up` is secure by default: TLS, a user per connection, 0600 files.

The real command in a subprocess, with its own nats-server from the wheel: anonymous and
plain connections are refused, the staff settings file it prints (0600) works, every data
file it made is 0600, and `--no-secure` says loudly what it turns off.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import orjson
import pytest

from contracts import commands as wire
from pace.client import PartnerClient
from pace.connection import NatsAuth, connect
from tests.security.conftest import refused

pytestmark = [pytest.mark.nats, pytest.mark.timeout(90)]

PACE = [sys.executable, "-m", "apps.cli"]


def start(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    log_path = tmp_path / "partner.log"
    env = {
        k: v for k, v in os.environ.items() if k not in ("NATS_URL",) and not k.startswith("PACE_")
    }
    env |= {"COLUMNS": "400", "PACE_HEALTH_PORT": "0", "PACE_METRICS_PORT": "0"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *PACE,
                "partner",
                "up",
                "--partner",
                "gent",
                "--data-dir",
                str(tmp_path / "var"),
                *options,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and process.poll() is None:
        if "Ctrl-C stops" in log_path.read_text():
            return process, log_path.read_text(), log_path
        time.sleep(0.2)
    stop(process)
    raise AssertionError(f"partner up did not come up:\n{log_path.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def settings_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_partner_up_refuses_anonymous_and_plain_connections(tmp_path):
    process, output, _ = start(tmp_path)
    try:
        url = re.search(r"tls://127\.0\.0\.1:\d+", output).group(0)
        staff_file = Path(re.search(r"Staff settings \(0600\): (\S+);", output).group(1))
        settings = settings_file(staff_file)
        ca = settings["PACE_NATS_CA_FILE"]

        await refused(url.replace("tls://", "nats://"), NatsAuth())  # plain
        await refused(url, NatsAuth(ca_file=ca))  # TLS, anonymous
        await refused(url, NatsAuth(user="staff", password="guessed", ca_file=ca))

        auth = NatsAuth(
            user=settings["PACE_NATS_USER"],
            password=settings["PACE_NATS_PASSWORD"],
            ca_file=ca,
            inbox_prefix=settings["PACE_NATS_INBOX_PREFIX"],
        )
        nc = await connect(settings["NATS_URL"], auth)
        try:
            reply = await PartnerClient(nc, "gent").send(
                "intake",
                wire.ReferFamily(
                    family_id="fam-1",
                    referral_source="self",
                    referred_on=date(2026, 1, 5),
                    parents=[{"parent_id": "p-1", "gender": "male", "full_name": "Jan Peeters"}],
                ),
            )
            assert reply["ok"], reply
        finally:
            await nc.close()
    finally:
        stop(process)
    data = tmp_path / "var" / "gent"
    assert mode(staff_file) == 0o600 and mode(data / "web.env") == 0o600
    databases = sorted(data.glob("*.db*"))
    assert len([p for p in databases if p.suffix == ".db"]) == 5  # and the figures' store
    assert {p.name: mode(p) for p in databases} == {p.name: 0o600 for p in databases}
    assert mode(data) == 0o700


async def test_partner_up_serves_the_web_apps_figures_as_their_own_user(tmp_path):
    process, output, _ = start(tmp_path)
    try:
        assert "intake, booking, trajectory, sharing and figures" in output
        web = settings_file(tmp_path / "var" / "gent" / "web.env")
        auth = NatsAuth(user=web["PACE_NATS_USER"], password=web["PACE_NATS_PASSWORD"],
                        ca_file=web["PACE_NATS_CA_FILE"],
                        inbox_prefix=web["PACE_NATS_INBOX_PREFIX"])
        nc = await connect(web["NATS_URL"], auth)
        try:
            reply = orjson.loads((await nc.request("pace.gent.qry.figures.figures", b"{}",
                                                   timeout=10)).data)
        finally:
            await nc.close()
        assert reply["ok"], reply
        assert reply["report"]["partners"].get("gent", {}).get("families_referred", 0) == 0
    finally:
        stop(process)


def test_no_secure_says_loudly_what_it_turns_off(tmp_path):
    process, output, _ = start(tmp_path, "--no-secure")
    stop(process)
    assert "NOT SECURE" in output
    assert "anonymously" in output and "no TLS" in output
    assert not (tmp_path / "var" / "gent" / "staff.env").exists()


async def test_deployed_services_run_as_their_own_users_after_ops_made_the_streams(tmp_path):
    """As compose runs them: `pace partner streams` as ops, then a service as its own user."""
    from pace.nats_server import ManagedNatsServer
    from pace.network.security import LocalSecurity

    security = LocalSecurity(tmp_path / "tls", ["gent"])
    server = ManagedNatsServer(
        tmp_path / "nats", name="gent", domain="gent", **security.leaf_server_options("gent")
    )
    async with server:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PACE_", "NATS_"))}

        def as_user(user: str) -> dict[str, str]:
            auth = security.user("gent", user)
            return {
                **base,
                "PACE_NATS_URL": server.url,
                "PACE_NATS_USER": user,
                "PACE_NATS_PASSWORD": auth.password or "",
                "PACE_NATS_CA_FILE": auth.ca_file or "",
                "PACE_NATS_INBOX_PREFIX": auth.inbox_prefix or "",
                "PACE_HEALTH_PORT": "0",
                "PACE_METRICS_PORT": "0",
            }

        denied = subprocess.run(
            [*PACE, "partner", "streams", "--partner", "gent"],
            env=as_user("intake"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        made = subprocess.run(
            [*PACE, "partner", "streams", "--partner", "gent"],
            env=as_user("ops"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert denied.returncode != 0  # a service's user may not make streams
        assert made.returncode == 0 and "PACE_EVENTS" in made.stdout, made.stderr
        log_path = tmp_path / "intake.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    *PACE,
                    "partner",
                    "up",
                    "--partner",
                    "gent",
                    "--only",
                    "intake",
                    "--data-dir",
                    str(tmp_path / "var"),
                ],
                env=as_user("intake"),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 40
            while "is up" not in log_path.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.2)
            nc = await connect(server.url, security.partner("gent"))
            try:
                reply = await PartnerClient(nc, "gent").send(
                    "intake",
                    wire.ReferFamily(
                        family_id="fam-1",
                        referral_source="self",
                        referred_on=date(2026, 1, 5),
                        parents=[
                            {"parent_id": "p-1", "gender": "male", "full_name": "Jan Peeters"}
                        ],
                    ),
                )
                assert reply["ok"], reply
            finally:
                await nc.close()
        finally:
            stop(process)
