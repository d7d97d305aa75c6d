"""`pace views rebuild`: a service's read models made again from the events in its stores.

The view tables are emptied and every event that feeds them is replayed through the view's
own projection functions, in one transaction: the service sees the old views or the rebuilt
ones, never a half. Reactions that also issue commands are not replayed, only the
projections, so a rebuild appends no event. Booking's and trajectory's views follow other
contexts' events too (intake's, trajectory's): those are read from the partner's stores of
those contexts, merged in the order they were recorded. Run it with the service stopped.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import MetaData

from contracts.registry import decode
from pace.consumer import Handler
from pace.store import EventStore, RecordedEvent

PAGE = 5000
UPSTREAM_FIRST = ("intake", "trajectory", "booking")  # on equal record times


@dataclass(frozen=True)
class Projection:
    """A service's read models: their tables, and which context's events feed which function."""

    tables: MetaData
    feeds: tuple[tuple[str, Handler], ...]

    @property
    def sources(self) -> list[str]:
        return sorted({context for context, _ in self.feeds}, key=UPSTREAM_FIRST.index)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild did: the tables it refilled and the events it replayed, per source."""

    service: str
    tables: list[str]
    events: dict[str, int]


class UnknownViewsError(ValueError):
    """No rebuildable read models are known for that service."""


def projections() -> dict[str, Projection]:
    """Each service's rebuildable read models (sharing's tables are consent state, not views)."""
    from contracts.intake import FamilyReferred
    from services.booking import trajectory_view as following
    from services.booking import views as booking
    from services.intake import views as intake
    from services.trajectory import follow_up_views
    from services.trajectory import views as trajectory

    def remember_parent(tx: Any, _envelope: Any, event: Any) -> None:
        if isinstance(event, FamilyReferred):
            trajectory.remember_parent(tx.connection, event)

    return {
        "intake": Projection(intake.metadata, (("intake", intake.apply_intake),)),
        "booking": Projection(booking.metadata, (("intake", booking.apply_intake),
                                                 ("trajectory", following.apply_trajectory),
                                                 ("booking", booking.apply_booking))),
        "trajectory": Projection(together(trajectory.metadata, follow_up_views.metadata), (
            ("intake", remember_parent), ("trajectory", trajectory.apply_trajectory),
            ("trajectory", follow_up_views.apply_follow_up))),
    }


def together(*sources: MetaData) -> MetaData:
    """One MetaData holding the tables of several (a service whose views live in modules)."""
    combined = MetaData()
    for source in sources:
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


def projection_of(service: str) -> Projection:
    known = projections()
    if service not in known:
        raise UnknownViewsError(f"no read models to rebuild for {service!r}; "
                                f"choose one of {', '.join(known)}")
    return known[service]


async def read_everything(store: Any) -> list[RecordedEvent]:
    """Every event of a store in its order, read in pages."""
    records: list[RecordedEvent] = []
    while page := await store.read_all(after=records[-1].position if records else 0,
                                       limit=PAGE):
        records += page
    return records


def merged(by_source: Mapping[str, Sequence[RecordedEvent]]
           ) -> Iterator[tuple[str, RecordedEvent]]:
    """(context, event) of every source in the order recorded (each source's order kept)."""
    def keyed(context: str) -> Iterator[tuple[str, int, int, str, RecordedEvent]]:
        rank = UPSTREAM_FIRST.index(context)
        return ((r.row["recorded_at"], rank, r.position, context, r) for r in by_source[context])

    for *_key, context, record in heapq.merge(*(keyed(c) for c in by_source)):
        yield context, record


async def rebuild(service: str, stores: Mapping[str, Any]) -> Rebuilt:
    """Empty the service's view tables and replay their events, in one transaction."""
    projection = projection_of(service)
    missing = [c for c in [service, *projection.sources] if c not in stores]
    if missing:
        raise UnknownViewsError(f"rebuilding {service}'s views needs the stores of "
                                f"{', '.join(missing)}")
    by_source = {c: await read_everything(stores[c]) for c in projection.sources}
    feeds: dict[str, list[Handler]] = {}
    for context, handler in projection.feeds:
        feeds.setdefault(context, []).append(handler)
    target = stores[service]
    await target.db.write(projection.tables.create_all)

    def replay(tx: Any) -> None:
        for table in reversed(projection.tables.sorted_tables):
            tx.connection.execute(table.delete())
        for context, record in merged(by_source):
            event = decode(record.event_type, record.row["schema_version"],
                           record.envelope.payload)
            for handler in feeds[context]:
                handler(tx, record.envelope, event)

    await target.in_transaction(replay)
    return Rebuilt(service, [t.name for t in projection.tables.sorted_tables],
                   {c: len(records) for c, records in by_source.items()})


# -- the command ----------------------------------------------------------------------------

views_app = typer.Typer(help="A service's read models: rebuild them from its events.",
                        no_args_is_help=True)


@views_app.command("rebuild")
def rebuild_command(
    service: str = typer.Option(..., "--service", help="intake, booking or trajectory."),
    partner: str = typer.Option("mechelen", envvar="PACE_PARTNER", help="The partner id."),
    data_dir: Path = typer.Option(Path("var"), envvar="PACE_DATA_DIR",
                                  help="The data dir `pace partner up` uses (its SQLite "
                                       "stores), unless PACE_DATABASE_URL names the databases."),
) -> None:
    """Empty a service's view tables and replay their events from the partner's stores.

    Run it while the service is stopped. The events themselves are only read; the consumers'
    checkpoints stay, so the service goes on from where it was when it starts again.
    """
    from pace.settings import Settings

    try:
        projection = projection_of(service)
        settings = Settings(role="partner", partner=partner, data_dir=data_dir)
    except ValueError as error:
        typer.echo(f"Views not rebuilt: {error}", err=True)
        raise typer.Exit(2) from None
    urls = {c: settings.database_url_for(c) for c in {service, *projection.sources}}
    done = asyncio.run(_rebuild_stores(service, partner, urls))
    replayed = ", ".join(f"{n:,} of {c}" for c, n in done.events.items())
    typer.echo(f"{partner} {service}: {len(done.tables)} view tables rebuilt "
               f"({', '.join(done.tables)}) from {replayed} events")


async def _rebuild_stores(service: str, partner: str, urls: Mapping[str, str]) -> Rebuilt:
    stores: dict[str, EventStore] = {}
    try:
        for context, url in urls.items():
            stores[context] = await _open_existing(url, partner)
        return await rebuild(service, stores)
    finally:
        for store in stores.values():
            await store.close()


async def _open_existing(url: str, partner: str) -> EventStore:
    if "://" not in url and not Path(url).exists():
        typer.echo(f"Views not rebuilt: no store at {url}", err=True)
        raise typer.Exit(1)
    return await EventStore.open(url, partner)
