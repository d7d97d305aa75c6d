"""A reader of the conf format the generator writes, and the variables and TLS tests give it."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from pace.network.configs import (
    CLUSTER_TLS,
    DEFAULT_OUT,
    PRODUCTION_TLS,
    TlsFiles,
    env_references,
    quote,
)

DEPLOY = DEFAULT_OUT.parent
LOOPBACK = "127.0.0.1"
REAL_DEADLINE = 15.0
SERVER_TLS = {"cert_file": "/etc/nats/tls/server.pem", "key_file": "/etc/nats/tls/server-key.pem",
              "ca_file": "/etc/nats/tls/ca.pem"}


# -- a reader for the subset of the conf format the generator writes -----------------------


def parse(text: str) -> dict[str, Any]:
    """Nested dicts/lists of our own output: `k: v`, `k {`, `k: [`, `{` in lists, `}`, `]`."""
    root: dict[str, Any] = {}
    stack: list[Any] = [root]
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        top = stack[-1]
        if line in ("}", "]"):
            stack.pop()
        elif line == "{":
            top.append({})
            stack.append(top[-1])
        elif line.endswith(" {"):
            top[line[:-2]] = {}
            stack.append(top[line[:-2]])
        elif line.endswith(": ["):
            top[line[:-3]] = []
            stack.append(top[line[:-3]])
        elif isinstance(top, list):
            top.append(_value(line))
        else:
            key, value = line.split(": ", 1)
            top[key] = _value(value)
    assert stack == [root], "unbalanced blocks"
    return root


def _value(text: str) -> Any:
    """A JSON value, or a `$VAR` reference kept as its text."""
    return text if text.startswith("$") else json.loads(text)


def conf_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.conf"))


def password() -> str:
    """A random password as nats-server reads it from a variable: letters first."""
    return f"pw{secrets.token_hex(16)}"


def dummy_env(text: str) -> dict[str, str]:
    """A value for every `$VAR` a config reads: passwords, and distinct hub leaf URLs."""
    return {name: (f"nats-leaf://leaf-x:{password()}@hub-{name[-1]}:7422"
                   if name.startswith("PACE_HUB_LEAF_URL_") else password())
            for name in env_references(text)}


def with_tls(text: str, tls: TlsFiles) -> str:
    """A checked-in config with the container's TLS paths moved to the test's files."""
    for field in ("ca_file", "cert_file", "key_file"):
        for production in (PRODUCTION_TLS, CLUSTER_TLS):
            text = text.replace(quote(getattr(production, field)), quote(getattr(tls, field)))
    return text
