"""The Docker engine the deploy tests need, or the reason it cannot be had."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "pace-network:0.1.0"


def run(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 300,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command, its output kept; a failure shows the command and what it printed."""
    result = subprocess.run(
        list(args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def missing_engine() -> str | None:
    """None when `docker` and Compose v2 answer; else why the deploy tests cannot run."""
    if shutil.which("docker") is None:
        return "no docker client (`make docker` installs Debian's docker.io, as root)"
    try:
        info = run("docker", "info", "--format", "{{.ServerVersion}}", timeout=20, check=False)
        compose = run("docker", "compose", "version", "--short", timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return "the Docker engine does not answer within 20 s"
    if info.returncode != 0:
        return f"no Docker engine answers ({info.stderr.strip()[:200]}); `make docker` starts one"
    if compose.returncode != 0 or not compose.stdout.strip().lstrip("v").startswith("2"):
        return "no Docker Compose v2 plugin (`make docker` installs it)"
    return None


def build_images() -> None:
    """The base images (pulled or stand-ins) and the project's image from deploy/Dockerfile."""
    run("bash", str(ROOT / "deploy/images/standins.sh"), timeout=900)
    run("docker", "build", "-q", "-f", "deploy/Dockerfile", "-t", IMAGE, ".", cwd=ROOT, timeout=900)
