"""How staff commands reach a partner's NATS: a connect timeout, a few tries, a plain error."""

from __future__ import annotations

import asyncio
import ssl

import nats
import nats.errors

from pace.connection import NatsAuth, connect

CONNECT_TIMEOUT = 3.0  # seconds per try
TRIES = 3


class NatsUnreachableError(ConnectionError):
    """The NATS server could not be reached or refused us; the message says what to set."""


def explain(
    url: str, error: BaseException, auth: NatsAuth, timeout: float = CONNECT_TIMEOUT
) -> str:
    """A sentence for a person: what went wrong connecting to `url` and what to set."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    lowered = text.lower()
    if isinstance(error, ssl.SSLError) or "certificate" in lowered or "ssl" in lowered:
        if auth.ca_file is None:
            return (
                f"cannot reach NATS at {url}: TLS required; set PACE_NATS_CA_FILE to the "
                "network's CA certificate (secrets/tls/ca.pem) and use a tls:// URL"
            )
        return (
            f"cannot reach NATS at {url}: its certificate is not trusted by the CA in "
            f"PACE_NATS_CA_FILE ({auth.ca_file}) or does not name this host ({text})"
        )
    if "authorization" in lowered or "authentication" in lowered:
        return (
            f"cannot reach NATS at {url}: the server refused the login; set "
            "PACE_NATS_USER and PACE_NATS_PASSWORD_FILE (the partner's services user)"
        )
    if (
        isinstance(error, ConnectionRefusedError | nats.errors.NoServersError)
        or "connect call failed" in lowered
    ):
        return f"cannot reach NATS at {url}: nothing answers there (is the server up?)"
    if isinstance(error, TimeoutError | asyncio.TimeoutError | nats.errors.TimeoutError):
        return f"cannot reach NATS at {url}: no answer within {timeout:g} s"
    return f"cannot reach NATS at {url}: {text[:200]}"


async def staff_connect(
    url: str, auth: NatsAuth, *, tries: int = TRIES, timeout: float = CONNECT_TIMEOUT
) -> nats.NATS:
    """Connect within `tries` bounded attempts, or raise NatsUnreachableError."""
    errors: list[BaseException] = []

    async def remember(error: Exception) -> None:
        errors.append(error)

    for attempt in range(tries):
        try:
            async with asyncio.timeout(timeout * 2):
                return await connect(
                    url,
                    auth,
                    connect_timeout=timeout,
                    allow_reconnect=False,
                    max_reconnect_attempts=1,
                    error_cb=remember,
                )
        except Exception as error:  # noqa: BLE001 - every failure to connect is explained
            errors.append(error)
        if attempt + 1 < tries:
            await asyncio.sleep(0.5 * (attempt + 1))
    raise NatsUnreachableError(explain(url, _cause(errors), auth, timeout))


def _cause(errors: list[BaseException]) -> BaseException:
    """The most telling error: TLS or login, then a refused connection, then the last."""
    for error in errors:
        text = str(error).lower()
        if isinstance(error, ssl.SSLError) or "certificate" in text or "authorization" in text:
            return error
    for error in errors:
        if isinstance(error, ConnectionRefusedError) or "connect call failed" in str(error):
            return error
    return errors[-1] if errors else TimeoutError()
