"""deploy/README.md's procedures, run as written: its shell blocks, on a copy of deploy/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.deploy.engine import ROOT, run

README = ROOT / "deploy" / "README.md"
PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9_])P(?![A-Za-z0-9_]|-256)")  # the README's partner id


def shell_blocks(section: str) -> list[str]:
    """The ```sh blocks of a `## section` of deploy/README.md, in order, dedented."""
    text = README.read_text()
    start = text.index(f"## {section}\n")
    end = text.find("\n## ", start + 1)
    body = text[start : end if end > 0 else None]
    blocks = re.findall(r"^( *)```sh\n(.*?)^ *```", body, re.S | re.M)
    return [
        "\n".join(line[len(indent) :] for line in block.splitlines()) for indent, block in blocks
    ]


def bash(script: str, cwd: Path) -> None:
    run("bash", "-euo", "pipefail", "-c", script, cwd=cwd, timeout=120)


def copy_deploy(where: Path) -> Path:
    """A machine's copy of deploy/ (compose files, nats configs); returns its compose dir."""
    shutil.copytree(
        ROOT / "deploy",
        where / "deploy",
        ignore=shutil.ignore_patterns("secrets", "*.env", "images", "helm"),
    )
    return where / "deploy" / "compose"


def make_ca(where: Path) -> tuple[Path, Path]:
    """The network's CA (the coordinator's), as openssl makes it."""
    where.mkdir(parents=True, exist_ok=True)
    bash(
        "openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout ca-key.pem -out ca.pem -days 7 -subj '/O=PACE network/CN=PACE test CA' "
        "2>/dev/null",
        where,
    )
    return where / "ca.pem", where / "ca-key.pem"


def sign(csr: Path, ca: tuple[Path, Path], out: Path) -> None:
    """The coordinator signs a request (usages serverAuth and clientAuth, its names kept)."""
    ext = out.with_suffix(".ext")
    ext.write_text("extendedKeyUsage=serverAuth,clientAuth\n")
    bash(
        f"openssl x509 -req -in {csr} -CA {ca[0]} -CAkey {ca[1]} -CAcreateserial -days 7 "
        f"-copy_extensions copy -extfile {ext} -out {out} 2>/dev/null",
        out.parent,
    )


def onboard_partner(
    machine: Path, partner: str, ca: tuple[Path, Path], env: dict[str, str]
) -> Path:
    """Steps 3 to 5 of "Partner onboarding", the README's own commands; returns compose/."""
    compose = copy_deploy(machine)
    step3, step4, *_ = (PLACEHOLDER.sub(partner, b) for b in shell_blocks("Partner onboarding"))
    bash(step3, machine)  # it starts with `cd deploy/compose`
    sign(compose / f"{partner}.csr", ca, compose / "secrets/tls/server.pem")
    shutil.copy(ca[0], compose / "secrets/tls/ca.pem")
    bash(step4, compose)
    lines = (compose / "partner.env.example").read_text().splitlines()
    (compose / "partner.env").write_text(_with_values(lines, env))
    return compose


def onboard_hub(
    machine: Path, ca: tuple[Path, Path], env: dict[str, str], leaf_passwords: dict[str, str]
) -> Path:
    """The hub section's secrets block, then the partners' agreed leaf passwords (step 6)."""
    compose = copy_deploy(machine)
    tls = compose / "secrets" / "tls"
    tls.mkdir(parents=True)
    bash(
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout server-key.pem -out hub.csr -subj '/O=PACE network/CN=hub' -addext "
        "'subjectAltName=DNS:hub-1,DNS:hub-2,DNS:hub-3,DNS:localhost,IP:127.0.0.1' "
        "2>/dev/null",
        tls,
    )
    sign(tls / "hub.csr", ca, tls / "server.pem")
    shutil.copy(ca[0], tls / "ca.pem")
    secrets_block = shell_blocks("The hub, with Docker Compose")[0]
    bash(secrets_block, compose)
    hub_env = compose / "secrets" / "hub-nats.env"
    hub_env.write_text(
        _with_values(
            hub_env.read_text().splitlines(),
            {
                f"PACE_LEAF_PASSWORD_{p.upper().replace('-', '_')}": pw
                for p, pw in leaf_passwords.items()
            },
        )
    )
    lines = (compose / "hub.env.example").read_text().splitlines()
    (compose / "hub.env").write_text(_with_values(lines, env))
    return compose


def env_value(path: Path, name: str) -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise KeyError(f"{name} not in {path.name}")


def _with_values(lines: list[str], values: dict[str, str]) -> str:
    """An env file with these variables set (replaced where present, else added)."""
    left = dict(values)
    out = []
    for line in lines:
        name = line.split("=", 1)[0].lstrip("# ")
        if name in left and "=" in line:
            out.append(f"{name}={left.pop(name)}")
        else:
            out.append(line)
    return "\n".join(out + [f"{k}={v}" for k, v in left.items()]) + "\n"
