"""`pace partner up` on one machine: its own nats-server, secure by default.

Secure: TLS from a CA made for the run and a random user and password per service and role
(pace.network.security), the staff's and the web app's settings written to 0600 files.
With a given NATS (deployed), the PACE_NATS_* user runs the services and the PACE_OPS_NATS_*
user, when given, makes the streams; a service's own role user never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pace.connection import NatsAuth
from pace.nats_server import ManagedNatsServer
from pace.network.permissions import PARTNER_USERS
from pace.network.security import LocalSecurity, write_env_file

OPS_ENV_PREFIX = "PACE_OPS_NATS_"
STAFF_FILE = "staff.env"
WEB_FILE = "web.env"


async def local_partner_server(partner: str, data_dir: Path, *, secure: bool = True
                               ) -> tuple[ManagedNatsServer, LocalSecurity | None]:
    """The partner's own nats-server (JetStream domain = partner), on loopback, started."""
    security = LocalSecurity(data_dir / "tls", [partner]) if secure else None
    options = security.leaf_server_options(partner) if security else {}
    server = ManagedNatsServer(data_dir / "nats", name=partner, domain=partner,
                               **options)  # type: ignore[arg-type]
    return await server.start(), security


def service_auths(partner: str, security: LocalSecurity | None, given: NatsAuth,
                  server: ManagedNatsServer | None,
                  environ: Mapping[str, str] | None = None
                  ) -> tuple[NatsAuth | dict[str, NatsAuth], NatsAuth | None, bool]:
    """(the services' users, the ops user, whether the services make the streams)."""
    if server is not None:
        if security is None:
            return NatsAuth(), None, True
        return security.services(partner), security.ops(partner), True
    ops = NatsAuth.from_env(environ, prefix=OPS_ENV_PREFIX)
    if ops.user is not None or ops.creds_file is not None:
        return given, ops, True
    # a role user of pace.network.permissions may not touch the streams: ops makes them
    return given, None, given.user not in PARTNER_USERS


def write_staff_files(partner: str, data_dir: Path, url: str, security: LocalSecurity
                      ) -> tuple[Path, Path]:
    """The staff CLI's and the web app's connection settings, each in a 0600 file."""
    return (write_env_file(data_dir / STAFF_FILE, url, security.partner(partner)),
            write_env_file(data_dir / WEB_FILE, url, security.web(partner)))
