"""TLS and NATS users for a network on one machine (the demo, the tests), made afresh each run.

A private CA (pace.tls) signs one certificate for loopback, used by every nats-server for
its clients and on the leaf-node link in both directions (mutual TLS, as deployed).
Every user gets a random password held only in memory: on a partner's leaf, one user per
service and role (intake, booking, trajectory, sharing, figures, web, staff, ops; see
pace.network.permissions), at the hub each partner's leaf link and admin, the reporting
service and the coordinator. A nats-server is handed the passwords it checks through its own
environment (`$VAR` in its config), a leaf its link URL the same way, so no password is
written to a file unless asked (`write_env_file`, 0600, for staff tools). The variable names
and TLS layout are those of the generated production configs (pace.network.configs).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from contracts import subjects
from pace.connection import NatsAuth
from pace.network.configs import (
    COORDINATOR_PASSWORD_ENV,
    REPORTING_PASSWORD_ENV,
    TlsFiles,
    admin_password_env,
    leaf_password_env,
    partner_password_env,
)
from pace.network.permissions import (
    COORDINATOR_USER,
    FIGURES_USER,
    OPS_USER,
    PARTNER_USERS,
    REPORTING_USER,
    SERVICE_CONTEXTS,
    SHARING_USER,
    STAFF_USER,
    WEB_USER,
    Secret,
    User,
    authorization_lines,
    coordinator_user,
    inbox_of,
    leaf_user,
    partner_admin_user,
    partner_role_users,
    reporting_user,
)
from pace.tls import TestAuthority

LEAF_URL_ENV = "PACE_HUB_LEAF_URL_1"


def _env_name(user: str) -> str:
    """The variable a server reads the user's password from (as in deploy/nats/)."""
    if user == REPORTING_USER:
        return REPORTING_PASSWORD_ENV
    if user == COORDINATOR_USER:
        return COORDINATOR_PASSWORD_ENV
    if user.startswith("leaf-"):
        return leaf_password_env(user.removeprefix("leaf-"))
    if user.startswith("admin-"):
        return admin_password_env(user.removeprefix("admin-"))
    return partner_password_env(user.split("/", 1)[1])  # <partner>/<role user>


def _password() -> str:
    # nats-server parses a variable's value as config: letters first, then hex, reads as a
    # plain string (a value starting with a digit would be read as a number)
    return f"pw{secrets.token_hex(24)}"


class LocalSecurity:
    """Certificates and passwords for one local network; nothing secret touches the disk."""

    def __init__(self, directory: Path, partners: Sequence[str]) -> None:
        self.authority = TestAuthority(directory)
        self.server = self.authority.issue("nats-server", ["127.0.0.1", "localhost"])
        self.partners = [subjects.check_partner(p) for p in partners]
        names = [REPORTING_USER, COORDINATOR_USER,
                 *(f"{p}/{u}" for p in self.partners for u in PARTNER_USERS),
                 *(f"leaf-{p}" for p in self.partners), *(f"admin-{p}" for p in self.partners)]
        self._passwords = {name: _password() for name in names}

    def __repr__(self) -> str:
        return f"LocalSecurity(partners={self.partners}, passwords=***)"

    # -- servers -------------------------------------------------------------------------

    @property
    def files(self) -> TlsFiles:
        return TlsFiles(ca_file=str(self.authority.ca_file),
                        cert_file=str(self.server.cert_file),
                        key_file=str(self.server.key_file))

    def server_tls(self, *, verify: bool = False) -> list[str]:
        return self.files.serving(verify=verify).lines()

    def remote_tls(self) -> list[str]:
        """A leaf's `tls { }` towards the hub: check it by our CA, show our certificate."""
        return self.files.dialing().lines()

    def hub_users(self) -> list[User]:
        return [reporting_user(Secret.from_env(_env_name(REPORTING_USER))),
                coordinator_user(Secret.from_env(_env_name(COORDINATOR_USER))),
                *(leaf_user(p, Secret.from_env(_env_name(f"leaf-{p}"))) for p in self.partners),
                *(partner_admin_user(p, Secret.from_env(_env_name(f"admin-{p}")))
                  for p in self.partners)]

    def hub_server_options(self) -> dict[str, object]:
        """Options of the hub's ManagedNatsServer."""
        users = self.hub_users()
        names = [REPORTING_USER, COORDINATOR_USER, *(f"leaf-{p}" for p in self.partners),
                 *(f"admin-{p}" for p in self.partners)]
        return {"tls": self.server_tls(), "leaf_tls": self.server_tls(verify=True),
                "authorization": authorization_lines(users),
                "env": {_env_name(n): self._passwords[n] for n in names},
                "client": self.reporting()}

    def leaf_server_options(self, partner: str, hub_leaf_url: str | None = None
                            ) -> dict[str, object]:
        """Options of a partner's ManagedNatsServer: its users, TLS, and (given the hub's
        leaf URL) its link's login."""
        users = partner_role_users(partner, lambda u: Secret.from_env(partner_password_env(u)))
        env = {partner_password_env(u): self._passwords[f"{partner}/{u}"] for u in PARTNER_USERS}
        options: dict[str, object] = {"tls": self.server_tls(),
                                      "authorization": authorization_lines(users),
                                      "env": env, "client": self.ops(partner)}
        if hub_leaf_url is not None:
            login = hub_leaf_url.replace("://", f"://leaf-{partner}:"
                                         f"{self._passwords[f'leaf-{partner}']}@", 1)
            options |= {"remote_tls": self.remote_tls(), "leaf_remotes": [f"${LEAF_URL_ENV}"]}
            env[LEAF_URL_ENV] = f'"{login}"'  # quoted: a URL is no bare config word
        return options

    # -- clients -------------------------------------------------------------------------

    def _auth(self, key: str, user: str) -> NatsAuth:
        return NatsAuth(user=user, password=self._passwords[key],
                        ca_file=str(self.authority.ca_file), inbox_prefix=inbox_of(user))

    def user(self, partner: str, user: str) -> NatsAuth:
        """One of a partner's users (pace.network.permissions.PARTNER_USERS)."""
        return self._auth(f"{partner}/{user}", user)

    def services(self, partner: str) -> dict[str, NatsAuth]:
        """Each service's own user: intake, booking, trajectory, sharing, figures."""
        return {u: self.user(partner, u) for u in (*SERVICE_CONTEXTS, SHARING_USER, FIGURES_USER)}

    def partner(self, partner: str) -> NatsAuth:
        """The staff tools' user: commands and queries only."""
        return self.user(partner, STAFF_USER)

    def web(self, partner: str) -> NatsAuth:
        return self.user(partner, WEB_USER)

    def ops(self, partner: str) -> NatsAuth:
        """The user that creates and updates the partner's streams."""
        return self.user(partner, OPS_USER)

    def reporting(self) -> NatsAuth:
        return self._auth(REPORTING_USER, REPORTING_USER)

    def coordinator(self) -> NatsAuth:
        return self._auth(COORDINATOR_USER, COORDINATOR_USER)

    def admin(self, partner: str) -> NatsAuth:
        """A partner admin at the hub (`admin-<partner>`): submits its own quarters only."""
        name = f"admin-{subjects.check_partner(partner)}"
        return self._auth(name, name)

    def leaf_password(self, partner: str) -> str:
        return self._passwords[f"leaf-{partner}"]

    def secrets(self) -> list[str]:
        """Every password, for tests that check no log or file shows one."""
        return list(self._passwords.values())


def write_env_file(path: Path, url: str, auth: NatsAuth) -> Path:
    """A 0600 file of PACE_NATS_* settings for staff tools (`set -a; . FILE; set +a`)."""
    lines = [f"NATS_URL={url}", f"PACE_NATS_USER={auth.user}",
             f"PACE_NATS_PASSWORD={auth.password}", f"PACE_NATS_CA_FILE={auth.ca_file}",
             f"PACE_NATS_INBOX_PREFIX={auth.inbox_prefix}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path
