"""Paths and shared checks of the deploy/ files' tests."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from apps import migrate
from apps.cli import app as cli
from pace.network.permissions import OPS_USER
from pace.network.registry import load_registry
from pace.settings import SECRETS, Settings, env_name, env_names

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose"
CHART = DEPLOY / "helm" / "pace"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"]
OUR_IMAGE = f"pace-network:{VERSION}"
DELIVERY = [p.id for p in load_registry().delivery]


# -- shared checks ---------------------------------------------------------------------------


def check_pace_command(args: list[str]) -> None:
    """args is a real `pace` subcommand with options it accepts."""
    group: Any = get_command(cli)
    path: list[str] = []
    rest = list(args)
    while hasattr(group, "commands"):  # a group of subcommands
        name = rest.pop(0)
        path.append(name)
        assert name in group.commands, f"`pace {' '.join(path)}` does not exist"
        group = group.commands[name]
    group.make_context(" ".join(path), rest)  # raises on unknown options or bad values


def check_migrate_command(args: list[str]) -> None:
    migrate.arguments().parse_args(args)


def check_container(entrypoint: list[str] | None, args: list[str]) -> None:
    if entrypoint in (None, ["pace"]):
        check_pace_command(args)
    elif entrypoint[:2] == ["sh", "-c"]:  # the migrations, retried a bounded number of times
        assert 'python -m apps.migrate "$@" && exit 0' in entrypoint[2], entrypoint
        assert entrypoint[2].startswith("for try in 1 2 3") and "exit 1" in entrypoint[2]
        check_migrate_command(args)
    else:
        assert entrypoint == ["python", "-m", "apps.migrate"], entrypoint
        check_migrate_command(args)


def check_environment(environment: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only known PACE_* names, secrets never as plain values, and together valid settings."""
    for name in (*env_names(), "NATS_URL"):
        monkeypatch.delenv(name, raising=False)
    pace = {k: v for k, v in environment.items() if k.startswith("PACE_")}
    unknown = set(pace) - env_names()
    assert not unknown, f"not in pace.settings: {sorted(unknown)}"
    for secret in SECRETS:
        value = pace.get(env_name(secret))
        assert value is None or value == "<from a secret>", f"{secret} given in plain text"
    for name, value in pace.items():
        monkeypatch.setenv(name, str(value))
    Settings()


def nats_user_of(side: str, name: str, service: dict[str, Any]) -> str:
    """The NATS user a container must run as: a partner's service its own (`--only X`), the
    streams job `ops`; at the hub, `reporting`."""
    if side == "hub":
        return "reporting"
    command = service["command"]
    if command[:2] == ["partner", "streams"]:
        return OPS_USER
    assert command[:2] == ["partner", "up"] and "--only" in command, name
    return command[command.index("--only") + 1]
