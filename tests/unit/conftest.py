"""Unit tests start no process: pure code, in this interpreter, fast."""

from __future__ import annotations

import subprocess

import pytest


class ProcessStartedError(AssertionError):
    """A unit test tried to start a process; such a test belongs in tests/integration."""


@pytest.fixture(autouse=True)
def no_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self, args, *_args, **_kwargs) -> None:
        raise ProcessStartedError(f"a unit test started {args!r}: move it to tests/integration")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
