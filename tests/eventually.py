"""The one way a test waits for something asynchronous: poll a check until it holds, bounded."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

DEFAULT_SECONDS = 60.0


async def eventually(check: Callable[[], Any], what: str = "",
                     seconds: float = DEFAULT_SECONDS, *, poll: float = 0.2,
                     retry_on: tuple[type[BaseException], ...] = ()) -> Any:
    """Call check() (plain or async) until it returns something true, and return that.

    Errors of the `retry_on` types count as "not yet". At the deadline (which also bounds a
    check that hangs) the test fails with `what` and the last answer or error.
    """
    last: Any = None
    try:
        async with asyncio.timeout(seconds):
            while True:
                try:
                    last = check()
                    if inspect.isawaitable(last):
                        last = await last
                except retry_on as error:
                    last = error
                else:
                    if last:
                        return last
                await asyncio.sleep(poll)
    except TimeoutError:
        raise AssertionError(f"{what or 'the condition'} not reached in {seconds:g}s; "
                             f"last: {last!r}") from None
