"""`pace demo` end to end on a tiny history: it prints its own wall times and commands/s, and
Ctrl-C stops it and everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]


@pytest.mark.parametrize("workers", [[], ["--workers", "0"]], ids=["workers", "one-process"])
def test_the_demo_prints_its_wall_times_and_commands_per_second(tmp_path: Path,
                                                                 workers: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NATS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "apps.cli", "demo", "--scale", "0.01", "--partner", "mechelen",
         "--no-secure", "--html", str(tmp_path / "report.html"), *workers],
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
    where = "every service in this process" if workers else "services in 1 worker process"
    assert where in " ".join(out.split()), out


def descendants(pid: int) -> set[int]:
    """Every living process started by pid, and by those, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
async def test_ctrl_c_or_sigterm_stops_the_demo_and_everything_it_started(
        tmp_path: Path, stop: signal.Signals) -> None:
    """Ctrl-C at a terminal, or SIGTERM to the process group (`kill`, a CI job's timeout)."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NATS_URL", None)

    def as_from_a_terminal() -> None:  # its own process group, Ctrl-C not ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()

    demo = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "demo", "--scale", "0.3", "--partner", "mechelen",
         "--partner", "gent", "--workers", "2", "--html", str(tmp_path / "report.html")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
        preexec_fn=as_from_a_terminal)
    try:
        assert demo.stdout is not None
        seen = []
        for line in demo.stdout:  # up to the network's being up, then into the drive
            seen.append(line)
            if "worker process" in line:
                break
        started = descendants(demo.pid)
        assert len(started) >= 5, seen  # three nats-servers, two workers (and their helper)
        os.killpg(demo.pid, stop)
        out = "".join(seen) + demo.communicate(timeout=90)[0]
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 130, out
    assert "Interrupted: everything the demo started has been stopped." in out


    def running() -> list[str]:
        return [_cmdline(pid) for pid in started if Path(f"/proc/{pid}").exists()]

    # multiprocessing's resource tracker ends on its own once the demo has: allow a moment
    try:
        await eventually(lambda: not running(), "every process the demo started gone", 15)
    except AssertionError:
        raise AssertionError(f"still running after the demo: {running()}") from None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return f"{pid} (gone)"
