"""The staff CLI end to end: `pace partner up` in a process, commands and lists against it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

PACE = [sys.executable, "-m", "apps.cli"]


def pace(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NATS_URL": url, "COLUMNS": "200"}
    return subprocess.run([*PACE, *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def partner_process(tmp_path: Path):
    log = (tmp_path / "partner.log").open("w+")
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}
    process = subprocess.Popen([*PACE, "partner", "up", "--partner", "gent", "--no-secure",
                                "--data-dir", str(tmp_path / "var")],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 30
    url = None
    while url is None and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        found = re.search(r"nats://127\.0\.0\.1:\d+", (tmp_path / "partner.log").read_text())
        url = found.group(0) if found else None
    assert url, (tmp_path / "partner.log").read_text()
    yield process, url
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def test_staff_refer_enrol_and_list_through_the_cli(partner_process, tmp_path) -> None:
    process, url = partner_process
    referred = pace("command", "intake", "refer_family", "--partner", "gent", "family_id=fam-1",
                    "referral_source=social_services", "referred_on=2026-01-05",
                    'parents=[{"parent_id": "p-1", "gender": "female", "full_name": "Els Claes"}]',
                    url=url)
    consent = pace("command", "intake", "record_consent", "--partner", "gent", "family_id=fam-1",
                   "purpose=trajectory", "given_on=2026-01-05", url=url)
    enrolled = pace("command", "intake", "enrol_family", "--partner", "gent", "family_id=fam-1",
                    "coach_id=coach-3", "enrolled_on=2026-01-06", url=url)
    refused = pace("command", "intake", "enrol_family", "--partner", "gent", "family_id=fam-2",
                   "coach_id=coach-3", "enrolled_on=2026-01-06", url=url)
    deadline = time.monotonic() + 20
    listed = pace("list", "trajectories", "--partner", "gent", url=url)
    while "traj-fam-1" not in listed.stdout and time.monotonic() < deadline:
        time.sleep(0.3)
        listed = pace("list", "trajectories", "--partner", "gent", url=url)
    families = pace("list", "families", "--partner", "gent", "--search", "claes", url=url)

    process.send_signal(signal.SIGTERM)
    code = process.wait(20)

    assert "ok FamilyReferred family-fam-1 v1" in referred.stdout
    assert consent.returncode == 0 and enrolled.returncode == 0
    assert refused.returncode == 1
    assert "refused (unknown_family)" in refused.stdout
    assert "traj-fam-1" in listed.stdout
    assert "Els Claes" in families.stdout
    assert code == 0


def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.read().decode()


def _wait_for(predicate, log: Path, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while not predicate():
        assert process.poll() is None, f"{what} exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"{what} not ready:\n{log.read_text()}"
        time.sleep(0.2)


async def test_one_service_runs_alone_with_credentials_and_tls_from_the_environment(tmp_path):
    """As in a container: `partner up --only intake`, user, password file and CA from PACE_*."""
    import asyncio
    from datetime import date

    from contracts.commands import ReferFamily
    from pace.client import PartnerClient
    from pace.connection import NatsAuth, connect
    from pace.nats_server import ManagedNatsServer, free_ports
    from pace.network.configs import Tls
    from pace.network.permissions import Secret, authorization_lines, partner_user
    from pace.tls import TestAuthority

    authority = TestAuthority(tmp_path / "tls")
    cert = authority.issue("nats", ["127.0.0.1"])
    password = "pw-for-the-gent-services"
    auth = NatsAuth(user="gent", password=password, ca_file=str(authority.ca_file))
    server = ManagedNatsServer(
        tmp_path / "nats", name="gent", domain="gent",
        tls=Tls(str(cert.cert_file), str(cert.key_file)).lines(),
        authorization=authorization_lines([partner_user("gent", Secret.from_env("GENT_PW"))]),
        env={"GENT_PW": password}, client=auth)
    (tmp_path / "password").write_text(password)
    (ops_port,) = free_ports(1)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PACE_")},
           "PACE_NATS_USER": "gent", "PACE_NATS_PASSWORD_FILE": str(tmp_path / "password"),
           "PACE_NATS_CA_FILE": str(authority.ca_file), "PACE_LOG_FORMAT": "json",
           "PACE_HEALTH_PORT": str(ops_port), "PACE_METRICS_PORT": str(ops_port)}
    async with server:
        log = tmp_path / "intake.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [*PACE, "partner", "up", "--partner", "gent", "--only", "intake",
                 "--data-dir", str(tmp_path / "var"), "--nats-url", server.url],
                stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            await asyncio.to_thread(_wait_for, lambda: "is up" in log.read_text(), log, process,
                                    "the intake service")
            nc = await connect(server.url, auth)
            try:
                reply = await PartnerClient(nc, "gent").send("intake", ReferFamily(
                    family_id="fam-1", referral_source="self", referred_on=date(2026, 1, 5),
                    parents=[{"parent_id": "p-1", "gender": "male", "full_name": "Jan Peeters"}]))
            finally:
                await nc.close()
            ready = await asyncio.to_thread(_get, f"http://127.0.0.1:{ops_port}/readyz")
            metrics = await asyncio.to_thread(_get, f"http://127.0.0.1:{ops_port}/metrics")
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(process.wait, 20)
    text = log.read_text()
    assert reply["ok"], reply
    assert ready.startswith('{"ready": true') or '"ready":true' in ready, ready
    assert 'pace_events_appended_total{context="intake",partner="gent"}' in metrics
    assert code == 0, text
    assert '"nats_user": "gent"' in text and '"tls": true' in text
    assert password not in text
    made = sorted(p.name for p in (tmp_path / "var" / "gent").iterdir())
    keys = sorted(p.name for p in (tmp_path / "var-keys" / "gent").iterdir())
    assert made == ["gent-intake.db"], made  # only intake's store, and no key beside it
    assert keys == ["gent-vault.key"], keys  # its key in the key directory, apart


async def test_the_hub_reporting_service_runs_from_the_cli(tmp_path):
    import asyncio

    import orjson

    from contracts import subjects
    from pace.connection import connect
    from pace.nats_server import ManagedNatsServer

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PACE_")},
           "PACE_DATA_DIR": str(tmp_path / "var")}
    async with ManagedNatsServer(tmp_path / "hub", name="hub", domain="hub") as hub:
        log = tmp_path / "hub.log"
        with log.open("w") as out:
            process = subprocess.Popen([*PACE, "hub", "up", "--nats-url", hub.url],
                                       stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            await asyncio.to_thread(_wait_for, lambda: "is up" in log.read_text(), log, process,
                                    "the hub")
            nc = await connect(hub.url)
            try:
                status = orjson.loads((await nc.request(
                    subjects.network_query_subject("status"), b"{}", timeout=10)).data)
                network = await nc.jetstream().stream_info(subjects.NETWORK_STREAM)
            finally:
                await nc.close()
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(process.wait, 20)
    assert status["ok"] and status["received"] == {}
    assert len(network.config.sources) == 10  # every delivery partner of the registry
    assert code == 0, log.read_text()
    assert (tmp_path / "var" / "hub" / "hub-reporting.db").exists()
