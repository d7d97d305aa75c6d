"""`pace demo` end to end on a tiny history: it prints its own wall times and commands/s."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]


def test_the_demo_prints_its_wall_times_and_commands_per_second(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NATS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "apps.cli", "demo", "--scale", "0.01", "--partner", "mechelen",
         "--no-secure", "--html", str(tmp_path / "report.html")],
        capture_output=True, text=True, env=env, timeout=220, cwd=tmp_path)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    timing = [line for line in out.splitlines() if line.startswith("Wall time:")]
    assert len(timing) == 1, out
    for part in ("network up", "drive", "hub catch-up", "total"):
        assert f"{part} " in timing[0], timing[0]
    rates = [line for line in out.splitlines() if line.startswith("Commands per second:")]
    assert len(rates) == 1 and "while driving" in rates[0] and "end to end" in rates[0], out
    assert (tmp_path / "report.html").exists()
