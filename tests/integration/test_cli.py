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

PACE = [sys.executable, "-m", "pace.cli"]


def pace(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NATS_URL": url, "COLUMNS": "200"}
    return subprocess.run([*PACE, *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def partner_process(tmp_path: Path):
    log = (tmp_path / "partner.log").open("w+")
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}
    process = subprocess.Popen([*PACE, "partner", "up", "--partner", "gent",
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
