"""Parts stopped (or started) side by side: each runs to its end, the first error after."""

from __future__ import annotations

import asyncio

import pytest

from pace.service import side_by_side


async def test_the_stops_run_side_by_side() -> None:
    # the first stop can only end once the second has begun: one after the other, it would
    # wait for ever (bounded here by wait_for)
    second_began = asyncio.Event()
    ended: list[str] = []

    async def first() -> None:
        await second_began.wait()
        ended.append("first")

    async def second() -> None:
        second_began.set()
        ended.append("second")

    await asyncio.wait_for(side_by_side([first, second]), timeout=5)
    assert sorted(ended) == ["first", "second"]


async def test_a_failing_stop_does_not_keep_the_others_running() -> None:
    ended: list[str] = []

    async def fails() -> None:
        raise RuntimeError("the first part would not stop")

    async def later_fails() -> None:
        await asyncio.sleep(0)
        ended.append("later")
        raise OSError("another")

    async def stops() -> None:
        await asyncio.sleep(0)
        ended.append("stops")

    with pytest.raises(RuntimeError, match="would not stop"):
        await side_by_side([fails, later_fails, stops])
    assert sorted(ended) == ["later", "stops"]
