"""Staff logins: a TOML users file with scrypt hashes, roles, and a signed session cookie.

The users file (never in the repository) lists one `[[user]]` table per login:

    [[user]]
    username = "anna"            # also the coach id sent with enrolments
    role = "coach"               # coach | childcare_worker | partner_admin | coordinator
    password_hash = "scrypt$16384$8$1$<salt>$<hash>"   # from `hash_password`

The session cookie holds the username, role and expiry, signed with HMAC-SHA256 under a
secret from $PACE_WEB_SECRET or the file $PACE_WEB_SECRET_FILE.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import orjson

from contracts.intake import ID_PATTERN

SESSION_COOKIE = "pace_session"
SESSION_SECONDS = 8 * 3600
_SCRYPT = (2**14, 8, 1)


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
}
PARTNER_ROLES = frozenset({Role.COACH, Role.CHILDCARE_WORKER, Role.PARTNER_ADMIN})


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    password_hash: str

    def may(self, area: str) -> bool:
        return self.role in AREAS[area]


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A scrypt hash: `scrypt$n$r$p$<salt b64>$<hash b64>`."""
    salt = salt or secrets.token_bytes(16)
    n, r, p = _SCRYPT
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return "$".join(["scrypt", str(n), str(r), str(p),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                              r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(computed, base64.b64decode(digest))


def load_users(path: Path) -> dict[str, User]:
    """The users of a users file; refuses plaintext passwords, unknown roles, odd names."""
    import re

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    users = {}
    for entry in data.get("user", []):
        if "password" in entry:
            raise ValueError(f"{path}: user {entry.get('username')!r} has a plaintext "
                             "password; store password_hash only")
        username = str(entry["username"])
        if not re.match(ID_PATTERN, username):
            raise ValueError(f"{path}: username {username!r}: letters, digits, . _ : - only")
        users[username] = User(username, Role(entry["role"]), str(entry["password_hash"]))
    return users


def load_secret(secret_file: Path | None = None) -> bytes:
    """The cookie-signing secret: the file given, $PACE_WEB_SECRET or $PACE_WEB_SECRET_FILE."""
    if secret_file is None and os.environ.get("PACE_WEB_SECRET"):
        secret = os.environ["PACE_WEB_SECRET"].encode()
    else:
        name = secret_file or os.environ.get("PACE_WEB_SECRET_FILE")
        if not name:
            raise ValueError("no session secret: set PACE_WEB_SECRET or PACE_WEB_SECRET_FILE "
                             "(e.g. `openssl rand -hex 32 > web-secret`)")
        secret = Path(name).read_bytes().strip()
    if len(secret) < 32:
        raise ValueError("the session secret must be at least 32 bytes")
    return secret


class Sessions:
    """Signs and checks session cookies; a cookie names a user still in the users file."""

    def __init__(self, users: dict[str, User], secret: bytes) -> None:
        self.users = users
        self.secret = secret

    def login(self, username: str, password: str) -> User | None:
        user = self.users.get(username)
        if user is None:
            check_password(password, hash_password("not a user"))  # same time either way
            return None
        return user if check_password(password, user.password_hash) else None

    def _sign(self, body: bytes) -> str:
        return hmac.new(self.secret, body, hashlib.sha256).hexdigest()

    def cookie_for(self, user: User, now: float | None = None) -> str:
        body = base64.urlsafe_b64encode(orjson.dumps({
            "u": user.username, "r": user.role.value,
            "exp": int((now or time.time()) + SESSION_SECONDS)}))
        return f"{body.decode()}.{self._sign(body)}"

    def user_of(self, cookie: str | None, now: float | None = None) -> User | None:
        if not cookie or "." not in cookie:
            return None
        body, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(body.encode())):
            return None
        try:
            data = orjson.loads(base64.urlsafe_b64decode(body))
        except (ValueError, orjson.JSONDecodeError):
            return None
        user = self.users.get(data.get("u"))
        if user is None or user.role.value != data.get("r"):
            return None
        return user if data.get("exp", 0) > (now or time.time()) else None
