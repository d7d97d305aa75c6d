"""HTTP hardening for both web apps: body size limit, same-origin POSTs, security headers.

- A request body over `MAX_BODY_BYTES` is refused with 413, whether announced by
  Content-Length or streamed in chunks.
- Every state-changing request (POST, PUT, PATCH, DELETE) must come from this site: a
  browser's `Sec-Fetch-Site` must be same-origin (or none: typed by the user), and an
  `Origin` header must be this site's own. Requests without either (API clients, curl)
  carry no ambient browser credentials and pass.
- Every page gets a strict CSP, `X-Frame-Options: DENY`, `nosniff`, a same-origin referrer
  policy, and `Cache-Control: no-store` (pages and API answers hold people's names).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 1024 * 1024
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")


async def _refuse(send: Send, status: int, text: str) -> None:
    body = ('{"detail": "' + text + '"}').encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            *SECURITY_HEADERS, NO_STORE]})
    await send({"type": "http.response.body", "body": body})


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def cross_site(scope: Scope) -> str | None:
    """Why an unsafe request looks cross-site, or None when it comes from this site."""
    headers = _headers(scope)
    fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site {fetch_site}"
    origin = headers.get(b"origin", b"").decode("latin-1")
    if origin:
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        host = headers.get(b"host", b"").decode("latin-1")
        if origin.lower() != f"{scheme}://{host}".lower():
            return f"Origin {origin[:100]}"
    return None


class Hardening:
    """ASGI middleware applying the rules above to every HTTP request."""

    def __init__(self, app: App, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in UNSAFE_METHODS and (why := cross_site(scope)):
            await _refuse(send, 403, f"cross-site request refused ({why})")
            return
        length = _headers(scope).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _refuse(send, 413, f"request body over {self.max_body} bytes")
            return
        static = scope["path"].startswith("/static/")
        received = 0
        started = too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True  # whatever the app answers to this, it becomes a 413
                    raise BodyTooLargeError
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if too_large:
                if not started:
                    started = True
                    await _refuse(send, 413, f"request body over {self.max_body} bytes")
                return
            if message["type"] == "http.response.start":
                started = True
                replaced = {*dict(SECURITY_HEADERS), *([] if static else [NO_STORE[0]])}
                headers = [h for h in message.get("headers", []) if h[0].lower() not in replaced]
                message["headers"] = [*headers, *SECURITY_HEADERS,
                                      *([] if static else [NO_STORE])]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLargeError:
            if not started:
                await _refuse(send, 413, f"request body over {self.max_body} bytes")


class BodyTooLargeError(Exception):
    """A streamed request body passed the limit."""
