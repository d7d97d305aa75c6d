"""The nats-server conf format: quoting, blocks, `tls { }`, and the checks a config needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_HOST = re.compile(r"^[A-Za-z0-9_.:\[\]-]{1,253}$")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ENV_REFERENCE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


class ConfigError(ValueError):
    """A configuration that nats-server would refuse, misread, or that names no real partner."""


@dataclass(frozen=True, slots=True)
class Tls:
    """Paths of a `tls { }` block, as seen by the server (inside its container).

    Extension point: the files must exist wherever `nats-server -t` runs (it loads them).
    `verify` asks for and checks the peer's certificate (mutual TLS).
    """

    cert_file: str | None = None
    key_file: str | None = None
    ca_file: str | None = None
    verify: bool = False

    def lines(self) -> list[str]:
        if (self.cert_file is None) != (self.key_file is None):
            raise ConfigError("tls needs both cert_file and key_file, or neither")
        if self.cert_file is None and self.ca_file is None:
            raise ConfigError("tls needs a cert_file and key_file, or a ca_file")
        body = [f"{key}: {quote(value)}" for key, value in
                (("cert_file", self.cert_file), ("key_file", self.key_file),
                 ("ca_file", self.ca_file)) if value is not None]
        if self.verify:
            body.append("verify: true")
        return block("tls", body)


def env_references(text: str) -> set[str]:
    """The environment variables a config reads (`$VAR` outside comments and strings)."""
    found: set[str] = set()
    for line in text.splitlines():
        code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split("#", 1)[0]
        found.update(match[1:] for match in ENV_REFERENCE.findall(code))
    return found


def quote(value: object) -> str:
    """A double-quoted conf string. Only the escapes nats-server knows (\\\\ \\" \\t \\n \\r):
    it refuses JSON's \\uXXXX, so non-ASCII stays raw UTF-8; `$VAR` and `#` stay literal."""
    text = str(value)
    bad = [c for c in text if (ord(c) < 0x20 and c not in _ESCAPES) or ord(c) == 0x7F]
    if bad:
        raise ConfigError(f"{text!r} contains control characters a config cannot carry")
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def block(name: str, body: Iterable[str]) -> list[str]:
    return [f"{name} {{", *(f"  {line}" for line in body), "}"]


def array(name: str, values: Iterable[str]) -> list[str]:
    """`name: [ ... ]`; a `$VAR` item stays unquoted (read from the server's environment)."""
    return [f"{name}: [", *(f"  {v if ENV_REFERENCE.fullmatch(v) else quote(v)}"
                            for v in values), "]"]


def comment(text: str) -> str:
    return "# " + " ".join(text.split())


def hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a valid {what}: 1-63 ascii letters, digits, '.', "
                          "'-' or '_', starting with a letter or digit (no spaces)")
    return name


def check_host(host: str, what: str) -> str:
    if not isinstance(host, str) or not _HOST.fullmatch(host):
        raise ConfigError(f"{host!r} is not a valid {what}: a host name or IP address")
    return host


def check_ports(owner: str, **ports: int | None) -> None:
    used: dict[int, str] = {}
    for what, port in ports.items():
        if port is None:
            continue
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ConfigError(f"{owner}: {what} port {port!r} is not between 1 and 65535")
        if port in used:
            raise ConfigError(f"{owner}: {what} and {used[port]} both use port {port}")
        used[port] = what


def top_level_keys(text: str) -> set[str]:
    """Keys assigned at the top level of conf text (outside blocks, strings and comments)."""
    keys: set[str] = set()
    depth, i, at_key = 0, 0, True
    while i < len(text):
        char = text[i]
        if char == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        if char in "\"'":
            end = i + 1
            while end < len(text) and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            i, at_key = end + 1, False
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif char in "\n,;":
            at_key = True
        elif depth == 0 and at_key and not char.isspace():
            match = _KEY.match(text, i)
            if match:
                keys.add(match.group().lower())
                i = match.end()
            at_key = False
            continue
        i += 1
    return keys
