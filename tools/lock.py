"""Write requirements.lock: every dependency of the project (with `dev`), pinned, with hashes.

Usage: python tools/lock.py [--check]

Resolves with pip itself (`pip install --dry-run --ignore-installed --report`), for the
interpreter that runs it (CPython 3.11 on linux x86_64, as the image), and writes one
`name==version` entry per distribution with the sha256 of every file PyPI holds for that
release (so the lock installs on any Python 3.11+ and platform PyPI has wheels for), plus the
file pip chose here. Without PyPI's JSON API, only the file pip chose. Install with
`pip install --require-hashes --no-deps -r requirements.lock`, then the project itself with
`pip install --no-deps -e '.[dev]'`. `--check` exits 1 when the lock would change.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PROJECT = "pace-network"


def resolve() -> list[tuple[str, str, str]]:
    """(name, version, sha256) of every distribution pip would install for the project."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
                        "--ignore-installed", "--report", str(report), f"{ROOT}[dev]"],
                       check=True, cwd=ROOT)
        installs = json.loads(report.read_text())["install"]
    pins = []
    for item in installs:
        name = item["metadata"]["name"].lower().replace("_", "-")
        if name == PROJECT:
            continue
        digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
        pins.append((name, item["metadata"]["version"], digest))
    return sorted(pins)


def release_hashes(name: str, version: str) -> list[str]:
    """The sha256 of every file of one release on PyPI (empty when PyPI cannot be asked)."""
    url = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - a fixed https URL
            files = json.load(answer)["releases"][version]
    except (urllib.error.URLError, OSError, KeyError, ValueError):
        return []
    return [f["digests"]["sha256"] for f in files if f.get("digests", {}).get("sha256")]


def render(pins: list[tuple[str, str, str]]) -> str:
    head = ["# Pinned dependencies of pace-network (with the dev extra), with hashes of every",
            "# file of each release on PyPI (any Python 3.11+ and platform with wheels).",
            f"# Resolved with CPython {platform.python_version_tuple()[0]}."
            f"{platform.python_version_tuple()[1]} on {sys.platform} {platform.machine()}.",
            "# Regenerate: python tools/lock.py   (checked by tests/unit/test_lock.py)",
            "# Install: pip install --require-hashes --no-deps -r requirements.lock"]
    entries = []
    for name, version, chosen in pins:
        digests = sorted({chosen, *release_hashes(name, version)})
        entries.append(f"{name}=={version} \\\n" + " \\\n".join(
            f"    --hash=sha256:{digest}" for digest in digests))
    return "\n".join([*head, *entries]) + "\n"


def main(argv: list[str]) -> int:
    text = render(resolve())
    if "--check" in argv:
        same = LOCK.exists() and LOCK.read_text() == text
        print("requirements.lock is current" if same else "requirements.lock is stale: "
              "run python tools/lock.py")
        return 0 if same else 1
    LOCK.write_text(text)
    print(f"wrote {LOCK.name}: {text.count('==')} pinned releases, "
          f"{text.count('--hash')} file hashes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
