"""The partner lists inside deployment files (compose and Helm examples), kept to the registry.

Files a person edits still carry lines (or blocks) per delivery partner: the hub's leaf
link passwords and partner admins' passwords (`admin-<partner>`, who submits its
quarters). Each such list sits between two marker lines and is rewritten from
`deploy/partners.toml` by `python -m pace.network.configs` (checked by its `--check`), so
adding a partner stays one edit to the registry and one regeneration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pace.network.configs import admin_password_env, leaf_password_env
from pace.network.registry import Registry

BEGIN = "# -- one per delivery partner, from deploy/partners.toml: generated, do not edit --"
END = "# -- end of the generated partner list --"


class PartnerListError(ValueError):
    """A deployment file whose generated partner list is missing its markers."""


def _password_envs(registry: Registry) -> list[str]:
    """The hub's password variables per delivery partner: its leaf link, then its admin."""
    return [*(leaf_password_env(p.id) for p in registry.delivery),
            *(admin_password_env(p.id) for p in registry.delivery)]


def _compose_lines(registry: Registry, indent: str) -> list[str]:
    return [f"{indent}{name}=pwCHANGEME" for name in _password_envs(registry)]


def _helm_lines(registry: Registry, indent: str) -> list[str]:
    lines = []
    for name in _password_envs(registry):
        lines += [f"{indent}{name}:", f"{indent}  valueFrom:",
                  f"{indent}    secretKeyRef: {{name: pace-nats, key: {name}}}"]
    return lines


@dataclass(frozen=True)
class PartnerList:
    """A file (relative to the deploy directory) and how its list is written."""

    path: str
    lines: Callable[[Registry, str], list[str]]


LISTS = (
    PartnerList("compose/hub-nats.env.example", _compose_lines),
    PartnerList("helm/pace/values-hub.yaml", _helm_lines),
)


def rewritten(text: str, registry: Registry, lines: Callable[[Registry, str], list[str]],
              where: str) -> str:
    """The text with the block between the markers regenerated (indented like the marker)."""
    rows = text.split("\n")
    begin = next((i for i, row in enumerate(rows) if row.strip() == BEGIN), None)
    end = next((i for i, row in enumerate(rows) if row.strip() == END), None)
    if begin is None or end is None or end < begin:
        raise PartnerListError(f"{where}: the partner list's markers are missing; put\n"
                               f"  {BEGIN}\n  {END}\naround the list")
    indent = rows[begin][: len(rows[begin]) - len(rows[begin].lstrip())]
    return "\n".join(rows[: begin + 1] + lines(registry, indent) + rows[end:])


def generated_lists(deploy_dir: Path, registry: Registry) -> dict[Path, str]:
    """Path -> the file's text with its partner list current."""
    out = {}
    for item in LISTS:
        path = deploy_dir / item.path
        out[path] = rewritten(path.read_text(encoding="utf-8"), registry, item.lines,
                              item.path)
    return out


def stale_lists(deploy_dir: Path, registry: Registry) -> list[Path]:
    """The files whose partner list differs from the registry."""
    return [path for path, text in generated_lists(deploy_dir, registry).items()
            if path.read_text(encoding="utf-8") != text]


def write_lists(deploy_dir: Path, registry: Registry) -> list[Path]:
    """Rewrite the stale files; returns them."""
    changed = stale_lists(deploy_dir, registry)
    texts = generated_lists(deploy_dir, registry)
    for path in changed:
        path.write_text(texts[path], encoding="utf-8")
    return changed
