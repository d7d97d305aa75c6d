"""Log lines: JSON off a terminal, correlation ids from the task's context, secrets redacted."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from pace.logging import REDACTED, bind_correlation, configure_logging, get_logger


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def output() -> io.StringIO:
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    return stream


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_off_a_terminal_each_line_is_json_with_an_iso_utc_timestamp(capsys):
    configure_logging()

    get_logger("pace.relay").info("relay.published", count=3)

    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["event"] == "relay.published"
    assert line["count"] == 3
    assert line["level"] == "info"
    assert line["logger"] == "pace.relay"
    assert line["timestamp"].endswith("Z")


def test_correlation_ids_are_on_every_line_of_the_task(output):
    log = get_logger("pace.consumer")

    bind_correlation(correlation_id="corr-1", causation_id="cause-1")
    log.info("first")
    log.warning("second")

    assert [(line["correlation_id"], line["causation_id"]) for line in lines(output)] == [
        ("corr-1", "cause-1"), ("corr-1", "cause-1")]


async def test_correlation_ids_stay_within_their_own_task(output):
    log = get_logger("pace.consumer")

    async def handle(correlation_id: str) -> None:
        bind_correlation(correlation_id)
        await asyncio.sleep(0)
        log.info("handled")

    await asyncio.gather(handle("corr-a"), handle("corr-b"))
    log.info("outside")

    assert [line.get("correlation_id") for line in lines(output)] == ["corr-a", "corr-b", None]


def test_a_password_never_reaches_the_log(output):
    get_logger("apps.cli").info("connecting", user="ops", password="hunter2")

    [line] = lines(output)
    assert line["password"] == REDACTED
    assert line["user"] == "ops"
    assert "hunter2" not in output.getvalue()


def test_secrets_nested_in_values_and_urls_are_redacted(output):
    get_logger("apps.cli").info(
        "leaf.configured", remote={"url": "nats-leaf://hub:s3cret@hub.example.org:7422",
                                   "credentials": "/etc/pace/leaf.creds",
                                   "accounts": [{"nkey": "SUAEXAMPLE"}]},
        api_key="k-123", key_id="visible")

    for secret in ("s3cret", "leaf.creds", "SUAEXAMPLE", "k-123"):
        assert secret not in output.getvalue()
    assert lines(output)[0]["key_id"] == "visible"


def test_exceptions_are_logged_without_local_variables(output):
    def connect(token: str) -> None:
        raise ConnectionError("hub unreachable")

    try:
        connect(token="tok-123")
    except ConnectionError:
        get_logger("pace.relay").exception("relay.failed")

    [line] = lines(output)
    assert line["exception"][0]["exc_value"] == "hub unreachable"
    assert "tok-123" not in output.getvalue()


def test_library_logs_through_stdlib_logging_get_the_same_format(output):
    logging.getLogger("nats.aio.client").warning("reconnecting to %s", "nats://a:pw@127.0.0.1")

    [line] = lines(output)
    assert line["logger"] == "nats.aio.client"
    assert line["event"] == f"reconnecting to nats://a:{REDACTED}@127.0.0.1"


def test_lines_below_the_level_are_dropped():
    stream = io.StringIO()
    configure_logging("WARNING", json=True, stream=stream)

    get_logger("pace").info("chatty")
    get_logger("pace").warning("kept")

    assert [line["event"] for line in lines(stream)] == ["kept"]


def test_on_request_lines_are_readable_text_not_json():
    stream = io.StringIO()
    configure_logging(json=False, stream=stream)

    get_logger("pace").info("started", password="hunter2")

    assert "started" in stream.getvalue()
    assert "hunter2" not in stream.getvalue()
    with pytest.raises(json.JSONDecodeError):
        json.loads(stream.getvalue())


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging("LOUD")
