"""Password hashes: scrypt at N=2^17 (OWASP), computed in threads with a concurrency cap.

Each hash takes about 128 MiB and a few tenths of a second, so logins run in a small thread
pool (`Hasher`), never on the event loop, and at most `limit` at a time. An unknown user is
checked against a dummy hash, so every login attempt costs exactly one hash.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MAX_N = 2**20
_MAXMEM = 256 * 1024 * 1024
_B64 = r"[A-Za-z0-9+/=]"
_HASH = re.compile(rf"^scrypt\$\d{{1,8}}\$\d{{1,3}}\$\d{{1,3}}\${_B64}{{4,100}}\${_B64}{{4,200}}$")


class Counter:
    """How many scrypt computations this process ran (tests compare logins by it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self) -> None:
        with self._lock:
            self.count += 1


HASHES = Counter()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    HASHES.add()
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=_MAXMEM)


def is_hash(stored: str) -> bool:
    """A well-formed `scrypt$n$r$p$salt$hash` (nothing a TOML string could break out of)."""
    return isinstance(stored, str) and bool(_HASH.fullmatch(stored))


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A scrypt hash at the current cost: `scrypt$n$r$p$<salt b64>$<hash b64>`."""
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def check_password(password: str, stored: str) -> bool:
    """Whether the password matches; a malformed or absurdly costly hash never matches."""
    if not is_hash(stored):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    if int(n) > MAX_N or int(n) < 2 or int(r) > 32 or int(p) > 16:
        return False
    computed = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(computed, base64.b64decode(digest))


def needs_upgrade(stored: str) -> bool:
    """A hash made at a lower cost than today's: rehash at the next good login."""
    parts = stored.split("$")
    return len(parts) == 6 and (int(parts[1]), int(parts[2])) < (SCRYPT_N, SCRYPT_R)


# today's cost, random salt and digest: checking against it costs one hash, never matches
DUMMY_HASH = "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                       base64.b64encode(secrets.token_bytes(16)).decode(),
                       base64.b64encode(secrets.token_bytes(32)).decode()])


class Hasher:
    """Runs hashes in threads, `limit` at a time, keeping the event loop free."""

    def __init__(self, limit: int = 2) -> None:
        self.limit = limit
        self._pool = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="scrypt")

    async def _run(self, function, *args):  # noqa: ANN001, ANN202 - a thin pass-through
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    async def check(self, password: str, stored: str | None) -> bool:
        """One hash whether or not the user exists (None: compare against the dummy)."""
        target = stored if stored is not None and is_hash(stored) else DUMMY_HASH
        matched = await self._run(check_password, password, target)
        return matched and stored is not None

    async def hash(self, password: str) -> str:
        return await self._run(hash_password, password)
