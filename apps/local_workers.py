"""The local network's partners spread over a few worker processes, so that every core works.

In one process, the demo's partners, the hub and the history's driver share one interpreter,
which keeps one core busy while the other mostly waits (py-spy: the demo's process at ~100%
of a core, its nats-servers at ~25% of the other). A worker runs several partners exactly as
LocalNetwork runs them in its own process (apps.bootstrap.Partner: its stores, services and a
NATS user per service); the network keeps the nats-servers, the hub and the driver.

A worker is started with `spawn` (a fresh interpreter, nothing inherited but what it is
given). Its partners' settings, NATS passwords included, reach it through its pipe, never its
command line or a file. The pipe then carries three requests: whether the partners have
settled (and what they shared), stop, and nothing more. If the network's process dies, the
pipe closes and the worker stops its partners and ends; Ctrl-C is left to the network, which
stops the workers in order. As with any `spawn`, the worker imports the program's main module
again (as `__mp_main__`): a script that starts workers keeps its top level under
`if __name__ == "__main__":`, or the worker refuses to start (multiprocessing's own error).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
import sys
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any

START_SECONDS = 120.0
ANSWER_SECONDS = 60.0
STOP_SECONDS = 30.0
SETTLED, STOP = "settled", "stop"


class PartnerWorker:
    """One worker process running some partners; asked through its pipe, stopped by its PID."""

    def __init__(self, name: str, partners: Mapping[str, dict[str, Any]],
                 log_level: str = "WARNING") -> None:
        """`partners`: partner -> apps.bootstrap.Partner's keyword arguments."""
        self.name = name
        self.partners = dict(partners)
        self.log_level = log_level
        self.process: Any = None
        self._pipe: Connection | None = None
        self._asking = asyncio.Lock()

    async def start(self) -> PartnerWorker:
        """Start it and wait until its partners are up; their error if one cannot start."""
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        process = context.Process(target=_worker_main, name=f"pace {self.name}",
                                  args=(self.partners, child_end, self.log_level))
        try:
            process.start()
        finally:
            child_end.close()
        self.process = process  # started: stop() may join it
        status, detail = await self._receive(START_SECONDS)
        if status != "up":
            await self.stop()
            raise RuntimeError(f"{self.name} could not start {', '.join(self.partners)}: "
                               f"{detail}")
        return self

    async def settled_shared_counts(self) -> dict[str, int] | None:
        """Each partner's shared count once all have relayed and applied all they hold."""
        status, counts = await self._ask(SETTLED)
        if status != "ok":
            raise RuntimeError(f"{self.name}: {counts}")
        return counts

    async def stop(self) -> None:
        """Ask it to stop its partners in order; SIGTERM, then SIGKILL, if it does not end."""
        pipe, self._pipe = self._pipe, None
        process, self.process = self.process, None
        stopped = False
        if pipe is not None:
            try:
                pipe.send(STOP)
                stopped = await asyncio.to_thread(pipe.poll, STOP_SECONDS)
            except (EOFError, OSError):
                stopped = True  # it had ended already
            finally:
                pipe.close()
        if process is not None:
            await asyncio.to_thread(process.join, 5.0 if stopped else 0.0)
            for end in (process.terminate, process.kill):  # only if it did not end by itself
                if process.is_alive():
                    end()
                    await asyncio.to_thread(process.join, 5.0)
            process.close()

    async def _ask(self, request: str) -> tuple[str, Any]:
        async with self._asking:
            if self._pipe is None:
                raise RuntimeError(f"{self.name} is not running")
            self._pipe.send(request)
            return await self._receive(ANSWER_SECONDS)

    async def _receive(self, timeout: float) -> tuple[str, Any]:
        pipe = self._pipe
        assert pipe is not None
        try:
            if not await asyncio.to_thread(pipe.poll, timeout):
                return "error", f"no answer in {timeout:.0f} s"
            status, detail = pipe.recv()
        except (EOFError, OSError):
            code = self.process.exitcode if self.process is not None else None
            return "error", f"the worker ended (exit code {code}); its output is above"
        return status, detail


def _worker_main(partners: Mapping[str, dict[str, Any]], pipe: Connection,
                 log_level: str) -> None:
    from pace.logging import configure_logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the network stops us in order on Ctrl-C
    configure_logging(log_level, stream=sys.stderr)
    asyncio.run(_serve(partners, pipe))


async def _serve(partners: Mapping[str, dict[str, Any]], pipe: Connection) -> None:
    from apps.bootstrap import Partner, settled_shared_counts
    from pace.service import side_by_side

    running: dict[str, Partner] = {}
    try:
        try:
            for partner, options in partners.items():
                running[partner] = await Partner(partner, **options).start()
        except Exception as error:  # noqa: BLE001 - the network shows it and stops us
            pipe.send(("error", f"{type(error).__name__}: {error}"))
            return
        pipe.send(("up", None))
        while True:
            try:
                request = await asyncio.to_thread(pipe.recv)
            except (EOFError, OSError):
                return  # the network's process is gone: stop
            if request != SETTLED:
                return
            try:
                pipe.send(("ok", await settled_shared_counts(running)))
            except Exception as error:  # noqa: BLE001 - an answer, not a dead worker
                pipe.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        await side_by_side(p.stop for p in running.values())
        with contextlib.suppress(OSError):  # the network's process may be gone
            pipe.send(("stopped", None))

