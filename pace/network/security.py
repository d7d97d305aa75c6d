"""TLS and NATS users for a network on one machine (the demo, the tests), made afresh each run.

A private CA (pace.tls) signs one certificate for loopback, used by every nats-server for
its clients and on the leaf-node link in both directions (mutual TLS, as deployed).
Every user (a partner's services, each partner's leaf link, the hub's reporting service, the
coordinator) gets a random password held only in memory: a nats-server is handed the
passwords it checks through its own environment (`$VAR` in its config), a leaf its link URL
the same way, so no password is ever written to a file. The users and their allow-lists
are those of pace.network.permissions, under the variable names and TLS layout of the
generated production configs (pace.network.configs: TlsFiles, *_PASSWORD_ENV).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

from contracts import subjects
from pace.connection import NatsAuth
from pace.network.configs import (
    COORDINATOR_PASSWORD_ENV,
    PARTNER_PASSWORD_ENV,
    REPORTING_PASSWORD_ENV,
    TlsFiles,
    leaf_password_env,
)
from pace.network.permissions import (
    COORDINATOR_USER,
    DEFAULT_INBOX,
    REPORTING_USER,
    Secret,
    User,
    authorization_lines,
    coordinator_user,
    leaf_user,
    partner_user,
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
    return PARTNER_PASSWORD_ENV  # a leaf has one services user: its partner's


class LocalSecurity:
    """Certificates and passwords for one local network; nothing secret touches the disk."""

    def __init__(self, directory: Path, partners: Sequence[str]) -> None:
        self.authority = TestAuthority(directory)
        self.server = self.authority.issue("nats-server", ["127.0.0.1", "localhost"])
        self.partners = [subjects.check_partner(p) for p in partners]
        names = [REPORTING_USER, COORDINATOR_USER, *self.partners,
                 *(f"leaf-{p}" for p in self.partners)]
        # nats-server parses a variable's value as config: letters first, then hex, reads
        # as a plain string (a value starting with a digit would be read as a number)
        self._passwords = {name: f"pw{secrets.token_hex(24)}" for name in names}

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

    def _secret(self, user: str) -> Secret:
        return Secret.from_env(_env_name(user))

    def hub_users(self) -> list[User]:
        return [reporting_user(self._secret(REPORTING_USER)),
                coordinator_user(self._secret(COORDINATOR_USER)),
                *(leaf_user(p, self._secret(f"leaf-{p}")) for p in self.partners)]

    def hub_server_options(self) -> dict[str, object]:
        """Options of the hub's ManagedNatsServer."""
        users = self.hub_users()
        return {"tls": self.server_tls(), "leaf_tls": self.server_tls(verify=True),
                "authorization": authorization_lines(users),
                "env": {_env_name(u.name): self._passwords[u.name] for u in users},
                "client": self.reporting()}

    def leaf_server_options(self, partner: str, hub_leaf_url: str) -> dict[str, object]:
        """Options of a partner's leaf ManagedNatsServer: its users, TLS, its link's login."""
        login = hub_leaf_url.replace("://", f"://leaf-{partner}:"
                                     f"{self._passwords[f'leaf-{partner}']}@", 1)
        return {"tls": self.server_tls(), "remote_tls": self.remote_tls(),
                "leaf_remotes": [f"${LEAF_URL_ENV}"],
                "authorization": authorization_lines([partner_user(
                    partner, self._secret(partner))]),
                "env": {_env_name(partner): self._passwords[partner],
                        LEAF_URL_ENV: f'"{login}"'},  # quoted: a URL is no bare config word
                "client": self.partner(partner)}

    # -- clients -------------------------------------------------------------------------

    def _auth(self, user: str, inbox: str = DEFAULT_INBOX) -> NatsAuth:
        return NatsAuth(user=user, password=self._passwords[user],
                        ca_file=str(self.authority.ca_file), inbox_prefix=inbox)

    def partner(self, partner: str) -> NatsAuth:
        return self._auth(partner)

    def reporting(self) -> NatsAuth:
        return self._auth(REPORTING_USER, f"{DEFAULT_INBOX}.{REPORTING_USER}")

    def coordinator(self) -> NatsAuth:
        return self._auth(COORDINATOR_USER, f"{DEFAULT_INBOX}.{COORDINATOR_USER}")

    def leaf_password(self, partner: str) -> str:
        return self._passwords[f"leaf-{partner}"]

    def secrets(self) -> list[str]:
        """Every password, for tests that check no log or file shows one."""
        return list(self._passwords.values())
