"""Structured logging: JSON lines off a terminal, readable lines on one, correlation ids, no secrets."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

_SECRET_KEY = re.compile(r"pass(word)?|secret|token|(^|_)key$|credential|nkey|seed", re.I)
REDACTED = "[redacted]"


def redact_secrets(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Replace the value of any key that names a secret."""
    for key in list(event):
        if _SECRET_KEY.search(key):
            event[key] = REDACTED
    return event


def configure_logging(level: str = "INFO", json: bool | None = None) -> None:
    """Set up structlog once for the process; JSON unless stdout is a terminal."""
    as_json = (not sys.stdout.isatty()) if json is None else json
    renderer: Any = (structlog.processors.JSONRenderer() if as_json
                     else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty()))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=False,
    )


def bind_correlation(**ids: str) -> None:
    """Put correlation and causation ids on every log line of the current task."""
    structlog.contextvars.bind_contextvars(**ids)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
