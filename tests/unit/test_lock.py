"""requirements.lock agrees with pyproject.toml: every dependency pinned within its range,
hash-checked, and nothing pinned twice."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+) \\\n    --hash=sha256:([0-9a-f]{64})", re.M)


def pins(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, version, _digest in PIN.findall(text):
        key = canonicalize_name(name)
        assert key not in found, f"{name} is pinned twice"
        found[key] = version
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(line) for line in listed]


def disagreements(lock_text: str) -> list[str]:
    """Each dependency of pyproject.toml missing from the lock or pinned outside its range."""
    locked = pins(lock_text)
    problems = []
    for requirement in requirements():
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement}")
    return problems


def test_the_lock_pins_every_dependency_of_pyproject_within_its_range():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]

    assert disagreements(text) == []
    assert len(entries) == len(pins(text)), "every pin carries a sha256 hash"


def test_a_lock_that_disagrees_with_pyproject_is_caught():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    stale = re.sub(r"^faststream==\S+", "faststream==0.6.0", text, flags=re.M)
    missing = re.sub(r"^httpx==\S+ \\\n(    --hash=\S+( \\)?\n)+", "", text, flags=re.M)

    assert disagreements(stale) == ["faststream==0.6.0 is outside faststream[nats]==0.7.8"]
    assert disagreements(missing) == ["httpx is not in requirements.lock"]
