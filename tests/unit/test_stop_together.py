"""Stopping several parts side by side: every part stops, the first error is raised after."""

from __future__ import annotations

import asyncio

import pytest

from pace.service import stop_together


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

    await asyncio.wait_for(stop_together([first, second]), timeout=5)
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
        await stop_together([fails, later_fails, stops])
    assert sorted(ended) == ["later", "stops"]
