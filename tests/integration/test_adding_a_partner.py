"""docs/architecture.md's "Adding a partner", done literally on a copy of the project: one
edit to deploy/partners.toml, one `python -m pace.network.configs`, and the rest follows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "pace", "services", "apps", "simulation", "deploy", "docs")
NEW_PARTNER = """
[[partner]]
id = "oostende"
name = "City of Ostend"
city = "Oostende"
country = "BE"
language = "nl"
role = "delivery"
time_zone = "Europe/Brussels"
"""


def run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=copy, capture_output=True, text=True,
                          timeout=120, check=False)


def test_one_edit_and_one_command_add_a_partner(tmp_path):
    copy = tmp_path / "project"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    guide = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "python -m pace.network.configs" in guide and "deploy/partners.toml" in guide

    registry = copy / "deploy" / "partners.toml"
    registry.write_text(registry.read_text(encoding="utf-8") + NEW_PARTNER, encoding="utf-8")
    stale = run(copy, "-m", "pace.network.configs", "--check")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "oostende" in stale.stdout

    made = run(copy, "-m", "pace.network.configs")
    assert made.returncode == 0, made.stdout + made.stderr
    checked = run(copy, "-m", "pace.network.configs", "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    deploy = copy / "deploy"
    assert "leaf-oostende" in (deploy / "nats" / "hub.conf").read_text(encoding="utf-8")
    assert (deploy / "nats" / "leaf" / "oostende.conf").exists()
    for example in ("compose/hub-nats.env.example", "helm/pace/values-hub.yaml"):
        assert "PACE_LEAF_PASSWORD_OOSTENDE" in (deploy / example).read_text(encoding="utf-8")
    # the simulation reads the registry: the new partner gets a calibrated share
    profiles = run(copy, "-c", "from pace.network.registry import load_registry; "
                   "from simulation.profiles import default_profiles; "
                   "print([p.partner for p in default_profiles(load_registry().delivery) "
                   "if p.calibration])")
    assert profiles.returncode == 0, profiles.stderr
    assert "oostende" in profiles.stdout
    # and the project itself was not touched
    assert "oostende" not in (ROOT / "deploy" / "partners.toml").read_text(encoding="utf-8")
