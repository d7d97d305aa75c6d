"""The one polling helper the tests share."""

from __future__ import annotations

import pytest

from tests.eventually import eventually


async def test_it_returns_the_first_true_answer_of_a_plain_or_async_check() -> None:
    answers = iter([0, [], "ready"])

    async def later() -> str:
        return "async ready"

    assert await eventually(lambda: next(answers), poll=0) == "ready"
    assert await eventually(later) == "async ready"


async def test_listed_errors_count_as_not_yet() -> None:
    answers = iter([KeyError("not there"), "found"])

    def check() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert await eventually(check, poll=0, retry_on=(KeyError,)) == "found"


async def test_at_the_deadline_it_fails_naming_what_and_the_last_answer() -> None:
    with pytest.raises(AssertionError, match=r"the hub's copy not reached in 0.05s; last: \[\]"):
        await eventually(lambda: [], "the hub's copy", 0.05, poll=0.01)


async def test_an_unlisted_error_fails_at_once() -> None:
    def broken() -> None:
        raise ValueError("a bug, not a wait")

    with pytest.raises(ValueError, match="a bug"):
        await eventually(broken)
