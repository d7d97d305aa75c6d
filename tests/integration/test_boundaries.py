"""The import-linter contracts in pyproject.toml catch a broken dependency rule: each test adds
one forbidden import to a copy of the packages and runs `lint-imports` on the copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["contracts", "pace", "services", "apps", "simulation"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's packages and pyproject.toml, copied where a test may break them."""
    root = tmp_path_factory.mktemp("layout")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def lint_imports(root: Path, *contracts: str) -> tuple[int, str]:
    """Run the contracts (all when none are named) on the packages under root."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    chosen = [arg for contract in contracts for arg in ("--contract", contract)]
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", *chosen],
                          cwd=root, env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def untouched(copy: Path) -> str:
    """The report of every contract on the copy as it was made."""
    return lint_imports(copy)[1]


def with_import(root: Path, module: str, statement: str, contract: str) -> tuple[int, str]:
    """Run a contract with one extra module holding a forbidden import, then remove it."""
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(f'"""A forbidden import, for the test."""\n\n{statement}\n', encoding="utf-8")
    try:
        return lint_imports(root, contract)
    finally:
        path.unlink()


@pytest.mark.parametrize(("module", "statement", "contract", "complaint"), [
    ("pace.probe", "import services.intake.domain", "pace-is-the-library",
     "pace.probe -> services.intake.domain"),
    ("pace.probe", "from rich.console import Console", "pace-is-the-library",
     "pace.probe -> rich"),
    ("contracts.probe", "from pace.clock import Clock", "contracts-imports-nothing-of-ours",
     "contracts.probe -> pace.clock"),
    ("simulation.probe", "import apps.bootstrap", "only-apps-import-apps",
     "simulation.probe -> apps.bootstrap"),
    ("simulation.probe", "from services.booking.app import BookingService",
     "simulation-uses-pure-rules", "simulation.probe -> services.booking.app"),
    ("services.intake.probe", "import services.booking.domain", "services-apart",
     "services.intake.probe -> services.booking.domain"),
])
def test_a_forbidden_import_breaks_its_contract(copy: Path, untouched: str, module: str,
                                                statement: str, contract: str,
                                                complaint: str) -> None:
    code, report = with_import(copy, module, statement, contract)

    assert complaint not in untouched
    assert code != 0
    assert complaint in report, report


@pytest.mark.parametrize("rule", [
    "pace is the library: it imports no services, apps, simulation, typer or rich KEPT",
    "contracts is the shared language: it imports nothing of ours KEPT",
    "Only apps import apps: services and simulation never do KEPT",
    "simulation uses the services' pure rules only: no app, views or web KEPT",
])
def test_the_packages_as_they_are_keep_the_rules(untouched: str, rule: str) -> None:
    assert rule in untouched, untouched
