"""How a PACE process connects to NATS: user and password, TLS, its own inbox prefix.

Every connection our code makes (services, relays, consumers, the reporting service, staff
tools) takes its options from one `NatsAuth`. Deployed processes read it from the
environment (`NatsAuth.from_env`); passwords may come from a file so that they never sit in
an environment dump, and a NatsAuth never prints its password.

| variable | meaning |
|---|---|
| PACE_NATS_USER | user name on the NATS server |
| PACE_NATS_PASSWORD / PACE_NATS_PASSWORD_FILE | its password, or a file holding it |
| PACE_NATS_CREDS_FILE | a `.creds` file (JWT + nkey seed) instead of user and password |
| PACE_NATS_CA_FILE | CA certificate(s) to verify the server by (turns TLS on) |
| PACE_NATS_CERT_FILE, PACE_NATS_KEY_FILE | client certificate and key (mutual TLS) |
| PACE_NATS_INBOX_PREFIX | the prefix of this user's reply inboxes (hub users have their own) |

`pace doctor --hub-url` reads the same names with PACE_HUB_NATS_ for its hub connection.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nats

from pace.logging import get_logger

_log = get_logger(__name__)

ENV_PREFIX = "PACE_NATS_"


class ConnectionSettingsError(ValueError):
    """Connection settings that cannot work (a file missing, a password without a user)."""


def _read_secret_file(path: str, what: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError as error:
        raise ConnectionSettingsError(f"cannot read {what} from {path}: "
                                      f"{error.strerror}") from error


@dataclass(frozen=True, slots=True)
class NatsAuth:
    """Connection options shared by nats-py and FastStream; empty means plain and anonymous."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    creds_file: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    inbox_prefix: str | None = None

    def __post_init__(self) -> None:
        if (self.user is None) != (self.password is None):
            raise ConnectionSettingsError("give a NATS user and its password together")
        if self.user is not None and self.creds_file is not None:
            raise ConnectionSettingsError("give either user and password or a creds file")
        if (self.cert_file is None) != (self.key_file is None):
            raise ConnectionSettingsError("a client certificate needs its key, and the key "
                                          "its certificate")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 prefix: str = ENV_PREFIX) -> NatsAuth:
        """The PACE_NATS_* variables (see the module's table); none set means no options.

        Another `prefix` reads a second identity, e.g. PACE_HUB_NATS_* for `pace doctor`'s
        look at the hub.
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(prefix + name) or None

        password = get("PASSWORD")
        if password is None and (path := get("PASSWORD_FILE")):
            password = _read_secret_file(path, "the NATS password")
        return cls(user=get("USER"), password=password, creds_file=get("CREDS_FILE"),
                   ca_file=get("CA_FILE"), cert_file=get("CERT_FILE"),
                   key_file=get("KEY_FILE"), inbox_prefix=get("INBOX_PREFIX"))

    def with_inbox(self, prefix: str) -> NatsAuth:
        return replace(self, inbox_prefix=prefix)

    @property
    def uses_tls(self) -> bool:
        return self.ca_file is not None or self.cert_file is not None

    def tls_context(self) -> ssl.SSLContext | None:
        """A client TLS context verifying the server by the CA; None without TLS."""
        if not self.uses_tls:
            return None
        try:
            context = ssl.create_default_context(cafile=self.ca_file)
            if self.cert_file is not None:
                context.load_cert_chain(self.cert_file, self.key_file)
        except (OSError, ssl.SSLError) as error:
            raise ConnectionSettingsError(f"cannot load the TLS files: {error}") from error
        return context

    def connect_options(self) -> dict[str, Any]:
        """Keyword arguments for `nats.connect`."""
        options: dict[str, Any] = {}
        if self.user is not None:
            options |= {"user": self.user, "password": self.password}
        if self.creds_file is not None:
            options["user_credentials"] = self.creds_file
        if (context := self.tls_context()) is not None:
            options["tls"] = context
        if self.inbox_prefix is not None:
            options["inbox_prefix"] = self.inbox_prefix
        return options

    def broker_options(self) -> dict[str, Any]:
        """Keyword arguments for FastStream's NatsBroker (the same connection options)."""
        from faststream.nats.security import NatsSecurity, NatsUserPassword
        from faststream.security import BaseSecurity

        options: dict[str, Any] = {}
        context = self.tls_context()
        security: BaseSecurity | None = None
        if self.user is not None:
            assert self.password is not None
            security = NatsUserPassword(self.user, self.password, ssl_context=context)
        elif context is not None:
            security = NatsSecurity(ssl_context=context)
        if security is not None:
            options["security"] = security
        if self.creds_file is not None:
            options["user_credentials"] = self.creds_file
        if self.inbox_prefix is not None:
            options["inbox_prefix"] = self.inbox_prefix
        return options

    def describe(self) -> dict[str, Any]:
        """What a log line may say about this connection: never the password."""
        return {"nats_user": self.user or ("creds" if self.creds_file else "anonymous"),
                "tls": self.uses_tls, "inbox_prefix": self.inbox_prefix or "_INBOX"}

    def secrets(self) -> list[str]:
        """The secret values in these options, for tests that check logs never show them."""
        return [self.password] if self.password else []


async def _report(error: Exception) -> None:
    """A connection's error, logged once; a TLS peer's data after its close notify (as a
    connection closes) is normal shutdown, not an error."""
    if isinstance(error, ssl.SSLError) and "AFTER_CLOSE_NOTIFY" in str(error):
        _log.debug("nats.tls_closed", error=str(error))
        return
    _log.warning("nats.error", error=repr(error))


async def connect(url: str, auth: NatsAuth | None = None, **options: Any) -> nats.NATS:
    """`nats.connect` with the auth's options (given options win)."""
    return await nats.connect(url, **{"error_cb": _report,
                                      **(auth or NatsAuth()).connect_options(), **options})


async def settle(nc: nats.NATS, timeout: float = 10.0) -> None:
    """Return once the server has handled everything written on `nc` so far.

    After a subscribe, a request from another connection must find the subscriber. nats-py
    2.16's `flush()` alone does not promise that: it writes its PING straight to the socket,
    ahead of the commands still queued for its flusher task (the SUB just made), so the PONG
    can come back before the server has seen the SUB (a first request then gets "no
    responders"; seen in one start in four under load). So first wait until the flusher has
    written the queue, then ping: the server answers a connection's commands in order.
    """
    async with asyncio.timeout(timeout):
        while nc.pending_data_size:
            await asyncio.sleep(0.001)
    await nc.flush(timeout=max(1, round(timeout)))
