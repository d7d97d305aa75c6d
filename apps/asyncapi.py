"""The AsyncAPI document of the whole PACE network, generated from the FastStream apps.

Usage: python -m apps.asyncapi [--check]

How the document is made (`document()`):

1. The real services are built for the placeholder partner id `partner`, exactly as
   `apps.bootstrap.Partner` builds them, but without stores (`build()` only closes over its
   store; a stand-in that refuses every use proves it), and mounted on a real
   `ServiceRunner`: its NatsBroker declares the real command and query subscribers. The
   hub's `ReportingService` is constructed the same way for its network query subscriber.
   Nothing connects to NATS.
2. FastStream cannot tie one message schema to each subject of a wildcard subscriber, and
   the relays and consumers publish with nats-py, so documentation-only endpoints are
   declared on two separate brokers built here: one channel per command route and query
   of the real services, per event type (in its envelope), per shareable event's hub copy,
   per consumer's dead letters, the figures and the network queries, and the replies.
3. `FastStream(*brokers, specification=AsyncAPI(...))` makes the document
   (`app.schema.to_specification()`). A last pass adds what FastStream 0.7.8 cannot say:
   the `{partner}` channel parameter, request/reply links, the headers and correlation id
   each message really carries, the payloads of the real wildcard subscribers, named
   servers and where each channel comes from (`x-pace-origin`).

The output is canonical JSON (sorted keys, two-space indent), so it only changes when the
network does; `--check` exits 1 naming what is stale.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

from faststream import FastStream
from faststream.specification import AsyncAPI

from apps.asyncapi_endpoints import (  # noqa: F401 - the names tests and readers use
    DOCUMENT,
    FROM_REPORTING,
    FROM_RUNNER,
    NETWORK_QUERIES,
    ORIGIN,
    PARAMETER,
    PARTNER,
    PARTNER_URL,
    REGENERATE,
    REPORTING_CONSUMER,
    ROOT,
    Endpoints,
    partner_services,
    reporting_broker,
)
from apps.asyncapi_finish import finish, pointer, references, resolve, version  # noqa: F401
from apps.asyncapi_replies import CommandReply  # noqa: F401
from pace.service import ServiceRunner


def build_document() -> dict[str, Any]:
    """The AsyncAPI document as a dict, built from the real services and the contracts."""
    services = partner_services()
    runner = ServiceRunner(PARTNER_URL, services)
    endpoints = Endpoints(services)
    endpoints.declare()
    reporting, why = reporting_broker()
    brokers = [runner.broker, endpoints.partner]
    if reporting is None:
        endpoints.network_query_fallback(why)
    else:
        brokers.append(reporting)
    brokers.append(endpoints.hub)
    app = FastStream(*brokers, logger=None, specification=AsyncAPI(
        title="PACE network", version=version(), schema_version="3.0.0"))
    with warnings.catch_warnings():
        # FastStream warns, then overwrites, when two channels or schemas share a name
        warnings.simplefilter("error", RuntimeWarning)
        generated = json.loads(app.schema.to_specification().to_json())
    return finish(generated, endpoints)


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def document() -> str:
    """The document exactly as the generator writes it."""
    return render(build_document())


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def differences(wanted: str, path: Path = DOCUMENT) -> list[str]:
    """What differs between the file and the wanted document: empty when it is current."""
    name = _shown(path)
    if not path.exists():
        return [f"{name}: missing"]
    present = path.read_text(encoding="utf-8")
    if present == wanted:
        return []
    try:
        old = json.loads(present)
    except ValueError:
        return [f"{name}: not valid JSON"]
    new = json.loads(wanted)
    found = []
    for section in ("info", "servers", "channels", "operations", "components.messages",
                    "components.schemas"):
        before, after = old, new
        for part in section.split("."):
            before, after = before.get(part, {}), after.get(part, {})
        if section == "info":
            before, after = {"info": before}, {"info": after}
        for key in sorted(set(before) | set(after)):
            if key not in after:
                found.append(f"{name}: {section} {key!r} is gone")
            elif key not in before:
                found.append(f"{name}: {section} {key!r} is missing")
            elif before[key] != after[key]:
                found.append(f"{name}: {section} {key!r} differs")
    return found or [f"{name}: differs (formatting or top-level fields)"]


def write(path: Path = DOCUMENT) -> int:
    """Write the document; returns its size in bytes."""
    text = document()
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def main(argv: list[str] | None = None) -> int:
    """Write contracts/asyncapi.json, or with --check list what is stale and exit 1."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        problems = differences(document())
        for line in problems[:40]:
            print(f"stale AsyncAPI document: {line}")
        if len(problems) > 40:
            print(f"... and {len(problems) - 40} more")
        if problems:
            print(f"run: {REGENERATE}")
        return 1 if problems else 0
    size = write()
    print(f"wrote {_shown(DOCUMENT)} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
