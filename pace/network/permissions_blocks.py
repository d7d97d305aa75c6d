"""nats-server users and their allow-lists, rendered as `authorization` or `accounts` blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_USER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_NKEY = re.compile(r"^U[A-Z2-7]{55}$")
_STREAM = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_SUBJECT = re.compile(r"^[^\s.]+(\.[^\s.]+)*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


class PermissionsError(ValueError):
    """A user or permission nats-server would refuse or misread."""


def _quote(value: str) -> str:
    if any((ord(c) < 0x20 and c not in _ESCAPES) or ord(c) == 0x7F for c in value):
        raise PermissionsError(f"{value!r} contains control characters a config cannot carry")
    return '"' + "".join(_ESCAPES.get(c, c) for c in value) + '"'


def checked_subject(value: str) -> str:
    """The subject, or PermissionsError when nats-server would misread it."""
    if not isinstance(value, str) or not _SUBJECT.fullmatch(value):
        raise PermissionsError(f"{value!r} is not a subject")
    return value


def checked_stream(name: str) -> str:
    """The stream name, or PermissionsError when it has dots, spaces or wildcards."""
    if not isinstance(name, str) or not _STREAM.fullmatch(name):
        raise PermissionsError(f"{name!r} is not a stream name (no dots, spaces or wildcards)")
    return name


@dataclass(frozen=True, slots=True)
class Secret:
    """A password: an environment variable's name (`$VAR` in the config) or a given value."""

    env: str | None = None
    literal: str | None = None

    @classmethod
    def from_env(cls, name: str) -> Secret:
        if not isinstance(name, str) or not _ENV.fullmatch(name):
            raise PermissionsError(f"{name!r} is not an environment variable name")
        return cls(env=name)

    @classmethod
    def value(cls, text: str) -> Secret:
        if not isinstance(text, str) or not text:
            raise PermissionsError("a password value may not be empty")
        return cls(literal=text)

    def render(self) -> str:
        if (self.env is None) == (self.literal is None):
            raise PermissionsError("a Secret is either from_env(NAME) or value(TEXT)")
        return f"${self.env}" if self.env is not None else _quote(str(self.literal))


@dataclass(frozen=True, slots=True)
class Permissions:
    """Allow-lists of subjects; `allow_responses` lets the user reply to requests it got."""

    publish: tuple[str, ...] = ()
    subscribe: tuple[str, ...] = ()
    allow_responses: bool = False

    def lines(self) -> list[str]:
        body: list[str] = []
        for what, allowed in (("publish", self.publish), ("subscribe", self.subscribe)):
            # an empty allow list would mean "no restriction" to nats-server: deny all instead
            body += ([f"{what}: {{", "  allow: ["] + [f"    {_quote(checked_subject(s))}"
                                                     for s in allowed] + ["  ]", "}"]
                     if allowed else [f"{what}: {{", '  deny: [">"]', "}"])
        if self.allow_responses:
            body.append("allow_responses: true")
        return body


@dataclass(frozen=True, slots=True)
class User:
    """One authorization user: a name and a password, or an nkey (public key) alone."""

    name: str
    permissions: Permissions
    password: Secret | None = None
    nkey: str | None = None

    def lines(self) -> list[str]:
        if (self.password is None) == (self.nkey is None):
            raise PermissionsError(f"user {self.name!r}: give a password or an nkey, not both")
        if self.nkey is not None:
            if not _NKEY.fullmatch(self.nkey):
                raise PermissionsError(f"user {self.name!r}: {self.nkey!r} is not a user "
                                       "nkey public key (U...); never give the seed")
            head = [f"nkey: {_quote(self.nkey)}"]
        else:
            if not isinstance(self.name, str) or not _USER.fullmatch(self.name):
                raise PermissionsError(f"{self.name!r} is not a valid user name")
            assert self.password is not None
            head = [f"user: {_quote(self.name)}", f"password: {self.password.render()}"]
        perms = self.permissions.lines()
        return ["{", *(f"  {line}" for line in
                       [*head, "permissions: {", *(f"  {p}" for p in perms), "}"]), "}"]


def _users(users: Sequence[User]) -> list[str]:
    if not users:
        raise PermissionsError("an authorization block needs at least one user")
    names = [u.name for u in users if u.nkey is None]
    if len(set(names)) != len(names):
        raise PermissionsError(f"user names must be distinct: {names}")
    return ["users: [", *(f"  {line}" for user in users for line in user.lines()), "]"]


def authorization_lines(users: Sequence[User]) -> list[str]:
    """`authorization { users: [...] }` (one account, the server's global one)."""
    return ["authorization {", *(f"  {line}" for line in _users(users)), "}"]


def authorization_block(users: Sequence[User]) -> str:
    return "\n".join(authorization_lines(users)) + "\n"


@dataclass(frozen=True, slots=True)
class Account:
    """A NATS account: its own subjects and its own JetStream (streams invisible to others)."""

    name: str
    users: Sequence[User] = field(default_factory=tuple)
    jetstream: bool = True


def accounts_lines(accounts: Sequence[Account]) -> list[str]:
    """`accounts { NAME: { jetstream: enabled, users: [...] } }`: hard isolation per account."""
    body: list[str] = []
    for account in accounts:
        if not _USER.fullmatch(account.name):
            raise PermissionsError(f"{account.name!r} is not a valid account name")
        inner = (["jetstream: enabled"] if account.jetstream else []) + _users(account.users)
        body += [f"{account.name}: {{", *(f"  {line}" for line in inner), "}"]
    return ["accounts {", *(f"  {line}" for line in body), "}"]
