"""Staff logins: users from a users file (services.web.users), signed session cookies.

The session cookie holds the username, role, the user's session version and an expiry,
signed with HMAC-SHA256 under a secret from $PACE_WEB_SECRET or the file
$PACE_WEB_SECRET_FILE. Logout and a password change raise the session version, so every
cookie issued before stops working. Served over TLS (`secure`), the cookie is `Secure`
and named with the `__Host-` prefix. Logins hash in a thread pool (services.web.passwords)
and are throttled per user and per address (services.web.throttle).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from pathlib import Path

import orjson

from services.web.passwords import Hasher, check_password, hash_password, needs_upgrade
from services.web.throttle import Throttle, ThrottledError
from services.web.users import AREAS, Role, User, UsersStore, parse_users

__all__ = ["AREAS", "PARTNER_ROLES", "SESSION_COOKIE", "SESSION_SECONDS", "Role", "Sessions",
           "ThrottledError", "User", "check_password", "hash_password", "load_secret",
           "load_users"]

SESSION_COOKIE = "pace_session"
SECURE_SESSION_COOKIE = "__Host-pace_session"
SESSION_SECONDS = 8 * 3600
PARTNER_ROLES = frozenset({Role.COACH, Role.CHILDCARE_WORKER, Role.PARTNER_ADMIN})


def load_users(path: Path) -> dict[str, User]:
    """The users of a users file (see services.web.users)."""
    return parse_users(path.read_text(encoding="utf-8"), str(path))


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
    """Logs users in and signs and checks session cookies against the current users file."""

    def __init__(self, users: dict[str, User] | UsersStore, secret: bytes, *,
                 secure: bool = False, hasher: Hasher | None = None,
                 throttle: Throttle | None = None) -> None:
        self.store = users if isinstance(users, UsersStore) else UsersStore(users=users)
        self.secret = secret
        self.secure = secure
        self.hasher = hasher or Hasher()
        self.throttle = throttle or Throttle()

    @classmethod
    def from_file(cls, path: Path, secret: bytes, **options: object) -> Sessions:
        return cls(UsersStore(path), secret, **options)  # type: ignore[arg-type]

    @property
    def users(self) -> dict[str, User]:
        return self.store.users

    @property
    def cookie_name(self) -> str:
        return SECURE_SESSION_COOKIE if self.secure else SESSION_COOKIE

    async def login(self, username: str, password: str, address: str = "") -> User | None:
        """The user, or None; one hash either way; ThrottledError after repeated failures."""
        keys = (f"user:{username[:200]}", f"addr:{address}")
        self.throttle.check(*keys)
        user = self.store.get(username)
        if not await self.hasher.check(password, user.password_hash if user else None):
            self.throttle.failed(*keys)
            return None
        assert user is not None
        self.throttle.succeeded(keys[0])
        if needs_upgrade(user.password_hash):
            user = self.store.update(username, password_hash=await self.hasher.hash(password))
        return user

    def logout(self, user: User) -> None:
        """Every cookie of this user issued so far stops working."""
        current = self.store.get(user.username)
        if current is not None and current.session_version == user.session_version:
            self.store.update(user.username, session_version=user.session_version + 1)

    def _sign(self, body: bytes) -> str:
        return hmac.new(self.secret, body, hashlib.sha256).hexdigest()

    def cookie_for(self, user: User, now: float | None = None) -> str:
        body = base64.urlsafe_b64encode(orjson.dumps({
            "u": user.username, "r": user.role.value, "v": user.session_version,
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
        user = self.store.get(data.get("u"))
        if user is None or user.role.value != data.get("r"):
            return None
        if data.get("v") != user.session_version:
            return None  # logged out, or the password changed, since
        return user if data.get("exp", 0) > (now or time.time()) else None
