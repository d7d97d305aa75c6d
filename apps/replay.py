"""`pace replay`: the figures rebuilt from a log, offline, and compared with the hub's."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from apps.audit import LogReport, checked_entries, collector_paused, replay
from pace.network.registry import load_registry

console = Console()


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(scope, indicator, log value, hub value) wherever two report dicts disagree."""
    found = []
    for kind in ("partners", "countries"):
        for scope in sorted({*ours[kind], *theirs[kind]}):
            mine, hub = ours[kind].get(scope, {}), theirs[kind].get(scope, {})
            for name in sorted({*mine, *hub}):
                if mine.get(name) != hub.get(name):
                    found.append((scope, name, mine.get(name), hub.get(name)))
    for name in sorted({*ours["network"], *theirs["network"]}):
        if ours["network"].get(name) != theirs["network"].get(name):
            found.append(("network", name, ours["network"].get(name),
                          theirs["network"].get(name)))
    return found


def current_of(data: dict[str, Any]) -> dict[str, Any]:
    """A report dict with each approved partner's current figures (approved + adjustment).

    The hub shows an approved quarter's approved figures; the log gives the current ones.
    """
    partners = {p: dict(f) for p, f in data["partners"].items()}
    for partner, changes in data.get("adjustments", {}).items():
        for name, change in changes.items():
            partners.setdefault(partner, {})[name] = change["current"]
    rest = {k: v for k, v in data.items() if k not in ("approvals", "adjustments")}
    return {**rest, "partners": partners}


def run_replay(log: Path, *, as_of: str, period: str, partner: str | None, fmt: str,
               output: Path | None, diff: bool, hub_url: str | None) -> int:
    from apps.report_console import print_report
    from contracts.periods import Period
    from contracts.report import report_from_dict, report_to_dict, to_csv, to_json
    from services.web.figures import to_html

    try:
        day = date.fromisoformat(as_of)
        Period.parse(period)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    if fmt not in ("table", "csv", "json", "html"):
        raise typer.BadParameter("--format must be table, csv, json or html")
    if diff and not hub_url:
        raise typer.BadParameter("--diff needs --hub-url (or PACE_HUB_URL)")

    checked = LogReport()
    with collector_paused():
        with Progress(transient=True, console=Console(stderr=True)) as bar:
            task = bar.add_task("Replaying", total=log.stat().st_size)
            fold = replay(checked_entries(log, checked, lambda n: bar.advance(task, n)),
                          partner=partner)
        if not checked.ok:
            for problem in checked.problems[:20]:
                typer.echo(f"PROBLEM {problem}", err=True)
            typer.echo(f"{log} is broken: no figures from it (see `pace log verify`).",
                       err=True)
            return 1
        registry = load_registry()
        countries = {p: registry.country_of(p) if p in registry else "??"
                     for p in fold.partners()}
        report = fold.figures(day, period, countries)

    if diff:
        from apps.reports import HubUnavailableError, ask_hub

        try:
            answer = asyncio.run(ask_hub(hub_url or "", "figures",
                                         {"as_of": day.isoformat(), "period": period}))
        except HubUnavailableError as error:
            typer.echo(f"error: {error}", err=True)
            return 2
        hub = current_of(report_to_dict(report_from_dict(answer["report"])))
        found = differences(report_to_dict(report), hub)
        if not found:
            console.print(f"The log's figures equal the hub's (as of {day}, {period}): "
                          f"{checked.lines:,} events replayed.")
            return 0
        table = Table("scope", "indicator", "from the log", "from the hub",
                      title=f"Differences as of {day}, {period}")
        for scope, name, mine, theirs in found:
            table.add_row(scope, name, str(mine), str(theirs))
        console.print(table)
        return 1

    if fmt == "table":
        print_report(console, report)
        console.print(f"{checked.lines:,} events replayed from {log.name}; chain intact.")
        return 0
    if fmt == "html":
        text = to_html(report, None, title=f"PACE report replayed from {log.name}")
        target = output or Path("pace-replay.html")
        target.write_text(text, encoding="utf-8")
        console.print(f"HTML report written to {target}")
        return 0
    data = to_json(report) if fmt == "json" else to_csv(report).encode()
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
    return 0


def run_replay_approved(log: Path, *, approvals: Path | None, hub_url: str | None) -> int:
    """Each approved quarter recomputed from the log as it was approved; 1 on a difference."""
    from apps.replay_approved import approvals_in, approved_differences

    if approvals is None and not hub_url:
        raise typer.BadParameter("--approved needs --approvals FILE or --hub-url")
    if approvals is not None:
        source = LogReport()
        approved = approvals_in(checked_entries(approvals, source))
        if not source.ok:
            typer.echo(f"{approvals} is broken (see `pace log verify`).", err=True)
            return 1
    else:
        from apps.reports import HubUnavailableError, ask_hub

        try:
            answer = asyncio.run(ask_hub(hub_url or "", "approvals", {}))
        except HubUnavailableError as error:
            typer.echo(f"error: {error}", err=True)
            return 2
        approved = approvals_in(answer["approvals"])
    checked = LogReport()
    with collector_paused():
        found = approved_differences(checked_entries(log, checked), approved)
    if not checked.ok:
        typer.echo(f"{log} is broken: no figures from it (see `pace log verify`).", err=True)
        return 1
    if not found:
        console.print(f"Every approved quarter ({len(approved)}) equals the log's figures as "
                      f"approved: {checked.lines:,} events replayed.")
        return 0
    for each in found:
        if each.problem:
            typer.echo(f"PROBLEM {each.partner} {each.period}: {each.problem}")
    table = Table("partner", "period", "indicator", "approved", "from the log",
                  title="Approved figures the log does not give again")
    for each in (f for f in found if not f.problem):
        table.add_row(each.partner, each.period, each.indicator, str(each.approved),
                      str(each.replayed))
    if table.row_count:
        console.print(table)
    return 1
