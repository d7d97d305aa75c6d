"""Batches from a durable JetStream pull consumer, at a few microseconds per message.

nats-py's `PullSubscription.fetch` waits for every message of a batch on its own: a new
uuid, a task and a timer per message, about 25 us of CPU each (the relay and consumer
benchmark: its raw `fetch(500)` + ack loop spends 25 us per message, the same loop with a
`Puller` 5.6 us). A `Puller` makes the same pull requests (`CONSUMER.MSG.NEXT`, JetStream's
own protocol) on one subscription whose callback only files what arrives; a fetch then waits
once per request, not once per message.

How a fetch asks (as nats-py does, except that it never holds what has come):
1. messages already delivered and not yet taken (a request answered after its fetch
   returned) are returned at once;
2. otherwise "what is there now" (`no_wait`): the server sends up to a batch, then a 404
   status when it had fewer;
3. if nothing was there, a lingering request for one message that expires with the fetch's
   timeout, returned as soon as it comes (what came with it is there for the next fetch's
   step 2). Two requests per message when messages trickle in, as with nats-py; one request
   per batch under a steady flow; no request left open on the server after its fetch.

Each request has its own reply subject, so the status that ends a request (404, 408, 409)
is told apart from a late status of an earlier one. A status that is an error (a 409 that
ends a lingering request: too many waiting pulls, a leadership change; a 503: no such
consumer; any other code) is raised as nats-py's `APIError`, a `nats.errors.Error` that the
consumer runner logs and retries after a pause.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.client import JetStreamContext
from nats.js.errors import APIError

STATUS = "Status"
NO_MESSAGES, REQUEST_TIMEOUT, CONFLICT, CONTROL = "404", "408", "409", "100"
EXPIRES_MARGIN = 0.02  # s: a lingering request ends on the server before the fetch gives up


class Puller:
    """One durable pull consumer's batches, fetched one at a time (see the module's note)."""

    def __init__(self, js: JetStreamContext, stream: str, durable: str) -> None:
        # nats-py keeps the connection and the API prefix (a domain's, if any) on the context
        self.nc: Client = js._nc  # noqa: SLF001
        self.next_subject = f"{js._prefix}.CONSUMER.MSG.NEXT.{stream}.{durable}"  # noqa: SLF001
        self._inbox = ""
        self._sub: Subscription | None = None
        self._ready: list[Msg] = []  # delivered, not yet taken, in delivery order
        self._request = 0  # the number of the request being answered
        self._ended: Msg | None = None  # the status that ended it
        self._woken: asyncio.Future[None] | None = None

    async def start(self) -> None:
        self._inbox = self.nc.new_inbox()
        self._sub = await self.nc.subscribe(f"{self._inbox}.*", cb=self._arrived)

    async def _arrived(self, msg: Msg) -> None:
        status = msg.headers.get(STATUS) if msg.headers else None
        if not status:
            self._ready.append(msg)
        elif status == CONTROL or msg.subject != f"{self._inbox}.{self._request}":
            return  # a heartbeat, or the late end of an earlier request
        else:
            self._ended = msg
        if self._woken is not None and not self._woken.done():
            self._woken.set_result(None)

    async def fetch(self, batch: int, timeout: float) -> list[Msg]:
        """Up to `batch` messages, in delivery order; none when none came within `timeout`."""
        if self._sub is None:
            raise RuntimeError("start() the puller first")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        ready = self._ready
        if not ready:
            await self._ask({"batch": batch, "no_wait": True})
            await self._until(lambda: len(ready) >= batch, deadline)
        if not ready:
            expires = deadline - loop.time() - EXPIRES_MARGIN
            if expires > 0:
                await self._ask({"batch": 1, "expires": int(expires * 1e9)})
                await self._until(lambda: bool(ready), deadline, lingering=True)
        taken = ready[:batch]
        del ready[:batch]
        return taken

    async def _ask(self, request: dict[str, object]) -> None:
        self._request += 1
        self._ended = None
        await self.nc.publish(self.next_subject, orjson.dumps(request),
                              reply=f"{self._inbox}.{self._request}")

    async def _until(self, enough: Callable[[], bool], deadline: float, *,
                     lingering: bool = False) -> None:
        """Wait until `enough()`, the request's end, or the deadline; raise an error status."""
        loop = asyncio.get_running_loop()
        while not enough() and self._ended is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            self._woken = loop.create_future()
            try:
                async with asyncio.timeout(remaining):
                    await self._woken
            except TimeoutError:
                return
            finally:
                self._woken = None
        ended = self._ended
        if ended is None or enough():
            return
        status = ended.headers.get(STATUS) if ended.headers else None
        if status in (NO_MESSAGES, REQUEST_TIMEOUT) or (status == CONFLICT and not lingering):
            return
        APIError.from_msg(ended)

    async def stop(self) -> None:
        """Hand back what was delivered and not taken (redelivered at once), and unsubscribe."""
        ready, self._ready = self._ready, []
        for msg in ready:
            await msg.nak()
        if self._sub is not None:
            sub, self._sub = self._sub, None
            await sub.unsubscribe()
