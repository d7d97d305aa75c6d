"""`pace report`: the hub's figures, asked over NATS, as a table, CSV, JSON, HTML or DHIS2 JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import nats
import orjson
from rich.console import Console

from contracts import subjects
from contracts.indicators import KEY_TRENDS
from contracts.periods import PROGRAMME_START, quarter_ends
from contracts.report import report_from_dict, to_csv, to_json
from pace.connection import NatsAuth, connect

FORMATS = ("table", "csv", "json", "html", "dhis2")


class HubUnavailableError(Exception):
    """The hub did not answer or refused the question."""


async def ask_hub(hub_url: str, query: str, params: dict[str, Any],
                  timeout: float = 30.0, auth: NatsAuth | None = None) -> dict[str, Any]:
    """One question to the hub's reporting service, as the PACE_NATS_* user unless given."""
    try:
        nc = await connect(hub_url, auth or NatsAuth.from_env(), connect_timeout=5,
                           max_reconnect_attempts=1)
    except (OSError, nats.errors.Error) as error:
        raise HubUnavailableError(f"cannot reach the hub at {hub_url}: {error}") from error
    try:
        reply = await nc.request(subjects.network_query_subject(query), orjson.dumps(params),
                                 timeout=timeout)
    except nats.errors.NoRespondersError as error:
        raise HubUnavailableError(f"the hub at {hub_url} runs no reporting service") from error
    except nats.errors.TimeoutError as error:
        raise HubUnavailableError(f"the hub at {hub_url} did not answer in {timeout:.0f}s"
                                  ) from error
    finally:
        await nc.close()
    answer = orjson.loads(reply.data)
    if not answer.get("ok"):
        raise HubUnavailableError(answer.get("error", {}).get("message", "refused"))
    return answer


async def report(hub_url: str, *, as_of: date, period: str, fmt: str,
                 output: Path | None, console: Console, mapping: Path | None = None) -> None:
    """Fetch the report (and, for HTML, the trends) and write it where asked."""
    from apps.report_console import print_report
    from services.web.figures import to_html
    from services.web.figures_dhis2 import DEFAULT_MAPPING, dhis2_period, load_mapping, to_dhis2

    if fmt == "dhis2":  # a wrong mapping or period fails before the hub is asked
        dhis2_period(period)
        dhis2 = load_mapping(mapping or DEFAULT_MAPPING)
    answer = await ask_hub(hub_url, "figures", {"as_of": as_of.isoformat(), "period": period})
    figures = report_from_dict(answer["report"])
    if fmt == "table":
        print_report(console, figures)
        return
    if fmt == "html":
        points = quarter_ends(PROGRAMME_START, as_of)
        trends = (await ask_hub(hub_url, "trends", {
            "indicators": list(KEY_TRENDS), "points": [p.isoformat() for p in points]}))["trends"]
        series = {name: [(date.fromisoformat(d), v) for d, v in values]
                  for name, values in trends.items()}
        text = to_html(figures, series, title="PACE cross-border report")
        target = output or Path("pace-report.html")
        target.write_text(text, encoding="utf-8")
        console.print(f"HTML report written to {target}")
        return
    if fmt == "dhis2":
        data = to_dhis2(figures, dhis2)
    else:
        data = to_json(figures) if fmt == "json" else to_csv(figures).encode()
    if output is None:
        console.file.write(data.decode())
        console.file.flush()
    else:
        output.write_bytes(data)
        Console(stderr=True).print(f"{fmt.upper()} report written to {output}")
