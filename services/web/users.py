"""The users file: read when it changes, written whole (atomically, 0600), validated first.

    [[user]]
    username = "anna"            # also the coach id sent with enrolments
    role = "coach"               # coach | childcare_worker | partner_admin | coordinator
    password_hash = "scrypt$131072$8$1$<salt>$<hash>"
    session_version = 0          # raised by logout and password changes: old cookies fail
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from contracts.intake import ID_PATTERN
from services.web.passwords import is_hash


class Role(StrEnum):
    """What a login may do; each page and API route names the roles it admits."""

    COACH = "coach"
    CHILDCARE_WORKER = "childcare_worker"
    PARTNER_ADMIN = "partner_admin"
    COORDINATOR = "coordinator"


# area -> the roles admitted; enforced on the server for every route
AREAS: dict[str, frozenset[Role]] = {
    "families": frozenset({Role.COACH, Role.PARTNER_ADMIN}),
    "erase": frozenset({Role.PARTNER_ADMIN}),
    "childcare": frozenset({Role.CHILDCARE_WORKER, Role.PARTNER_ADMIN}),
    "trajectories": frozenset({Role.COACH, Role.PARTNER_ADMIN}),
    "figures": frozenset({Role.COORDINATOR}),
    "partner_figures": frozenset({Role.PARTNER_ADMIN}),  # the partner's own, disclosure-controlled
    "docs": frozenset({Role.PARTNER_ADMIN, Role.COORDINATOR}),
}


class UsersFileError(ValueError):
    """A users file, or an entry for it, that would not load or would load wrongly."""


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    password_hash: str
    session_version: int = 0

    def may(self, area: str) -> bool:
        return self.role in AREAS[area]


def check_user(user: User) -> User:
    """Refuse names, roles, hashes or versions that a users file could not carry safely."""
    if not isinstance(user.username, str) or not re.fullmatch(ID_PATTERN, user.username):
        raise UsersFileError(f"username {user.username!r}: 1-64 letters, digits, . _ : - only")
    if not isinstance(user.role, Role):
        raise UsersFileError(f"{user.username}: unknown role {user.role!r}")
    if not is_hash(user.password_hash):
        raise UsersFileError(f"{user.username}: password_hash is not a scrypt hash")
    if not isinstance(user.session_version, int) or user.session_version < 0:
        raise UsersFileError(f"{user.username}: session_version must be a whole number")
    return user


def parse_users(text: str, where: str = "users file") -> dict[str, User]:
    """The users of a users file's text; refuses plaintext passwords, unknown roles, odd names."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsersFileError(f"{where}: not valid TOML: {error}") from error
    users: dict[str, User] = {}
    for entry in data.get("user", []):
        if "password" in entry:
            raise UsersFileError(f"{where}: user {entry.get('username')!r} has a plaintext "
                                 "password; store password_hash only")
        try:
            user = check_user(User(str(entry["username"]), Role(entry["role"]),
                                   str(entry["password_hash"]),
                                   entry.get("session_version", 0)))
        except (KeyError, ValueError) as error:
            raise UsersFileError(f"{where}: {error}") from error
        if user.username in users:
            raise UsersFileError(f"{where}: {user.username} is listed twice")
        users[user.username] = user
    return users


def render_users(users: Mapping[str, User]) -> str:
    """The file's text; every value was checked, so none can break out of its string."""
    return "".join(
        f'[[user]]\nusername = "{u.username}"\nrole = "{u.role.value}"\n'
        f'password_hash = "{u.password_hash}"\nsession_version = {u.session_version}\n\n'
        for u in (check_user(u) for u in users.values()))


def write_private(path: Path, text: str) -> None:
    """Replace a file atomically with a 0600 one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


class UsersStore:
    """The users, from a file re-read whenever it changes on disk, or held in memory."""

    def __init__(self, path: Path | None = None,
                 users: Mapping[str, User] | None = None) -> None:
        self.path = path
        self._users = dict(users or {})
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        if path is not None:
            self._reload()

    def _reload(self) -> None:
        assert self.path is not None
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._users = parse_users(self.path.read_text(encoding="utf-8"), str(self.path))
            self._stamp = stamp

    @property
    def users(self) -> dict[str, User]:
        """Every user, as the file holds them now."""
        if self.path is not None:
            with self._lock:
                self._reload()
        return dict(self._users)

    def get(self, username: str) -> User | None:
        return self.users.get(username)

    def update(self, username: str, **changes: object) -> User:
        """Change one user (hash, session version) and write the file at once."""
        with self._lock:
            if self.path is not None:
                self._reload()
            user = check_user(replace(self._users[username], **changes))  # type: ignore[arg-type]
            users = {**self._users, username: user}
            if self.path is not None:
                write_private(self.path, render_users(users))
                self._stamp = None
            self._users = users
            return user


def add_user(path: Path, user: User) -> None:
    """Add a login: checked, refused when the name is taken, written whole and 0600."""
    check_user(user)
    users = parse_users(path.read_text(encoding="utf-8"), str(path)) if path.exists() else {}
    if user.username in users:
        raise UsersFileError(f"{user.username} is already in {path}")
    text = render_users({**users, user.username: user})
    if parse_users(text) != {**users, user.username: user}:
        raise UsersFileError("the users file would not read back as written")
    write_private(path, text)
