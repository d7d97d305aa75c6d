"""Secure by default: the TLS files, users and password variables of the deployed configs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict

from contracts.subjects import check_partner
from pace.network.configs_format import Tls
from pace.network.permissions import (
    Secret,
    User,
    coordinator_user,
    leaf_user,
    partner_admin_user,
    partner_role_users,
    reporting_user,
)
from pace.network.registry import Registry, load_registry

TLS_DIR = "/etc/nats/tls"
REPORTING_PASSWORD_ENV = "PACE_NATS_PASSWORD_REPORTING"
COORDINATOR_PASSWORD_ENV = "PACE_NATS_PASSWORD_COORDINATOR"
PARTNER_PASSWORD_ENV_PREFIX = "PACE_NATS_PASSWORD_"
LEAF_PASSWORD_ENV_PREFIX = "PACE_LEAF_PASSWORD_"
ADMIN_PASSWORD_ENV_PREFIX = "PACE_ADMIN_PASSWORD_"
HUB_LEAF_URL_ENV_PREFIX = "PACE_HUB_LEAF_URL_"


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Where a server finds the network's CA and its own certificate and key (PEM).

    The defaults are the fixed paths inside the container; tests point them at test certs.
    One certificate per server, for serving (its clients, the hub's leaf and route ports)
    and, as a client certificate, for its own links (a leaf's link, a hub node's routes).
    """

    ca_file: str = f"{TLS_DIR}/ca.pem"
    cert_file: str = f"{TLS_DIR}/server.pem"
    key_file: str = f"{TLS_DIR}/server-key.pem"

    def serving(self, *, verify: bool = False) -> Tls:
        """A listener's `tls { }`; `verify` requires a client certificate from our CA."""
        return Tls(cert_file=self.cert_file, key_file=self.key_file, ca_file=self.ca_file,
                   verify=verify)

    def dialing(self) -> Tls:
        """A link's `tls { }`: check the hub by our CA, show our certificate (mutual TLS)."""
        return Tls(cert_file=self.cert_file, key_file=self.key_file, ca_file=self.ca_file)


PRODUCTION_TLS = TlsFiles()
# The hub cluster's routes trust only a CA of their own: the network CA also signs every
# partner's leaf certificate, and any of those would otherwise be accepted as a route.
CLUSTER_TLS = TlsFiles(ca_file=f"{TLS_DIR}/cluster-ca.pem",
                       cert_file=f"{TLS_DIR}/cluster.pem",
                       key_file=f"{TLS_DIR}/cluster-key.pem")


def env_suffix(name: str) -> str:
    """`saint-martin` -> `SAINT_MARTIN`, for environment variable names."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def partner_password_env(user: str) -> str:
    """A leaf's variable holding one of its users' passwords: PACE_NATS_PASSWORD_INTAKE."""
    return PARTNER_PASSWORD_ENV_PREFIX + env_suffix(user)


def leaf_password_env(partner: str) -> str:
    """The hub's variable holding the password of a partner's leaf link user."""
    return LEAF_PASSWORD_ENV_PREFIX + env_suffix(check_partner(partner))


def admin_password_env(partner: str) -> str:
    """The hub's variable holding the password of a partner admin (`admin-<partner>`)."""
    return ADMIN_PASSWORD_ENV_PREFIX + env_suffix(check_partner(partner))


def hub_leaf_url_envs(count: int = 3) -> list[str]:
    """A leaf's variables holding its link URLs (with the login), one per hub node."""
    return [f"{HUB_LEAF_URL_ENV_PREFIX}{n}" for n in range(1, count + 1)]


def hub_users(registry: Registry | None = None) -> list[User]:
    """The hub's users: reporting, coordinator, and each delivery partner's leaf link and
    admin (who submits its quarters)."""
    registry = registry if registry is not None else load_registry()
    return [reporting_user(Secret.from_env(REPORTING_PASSWORD_ENV)),
            coordinator_user(Secret.from_env(COORDINATOR_PASSWORD_ENV)),
            *(leaf_user(info.id, Secret.from_env(leaf_password_env(info.id)))
              for info in registry.delivery),
            *(partner_admin_user(info.id, Secret.from_env(admin_password_env(info.id)))
              for info in registry.delivery)]


def hub_security(registry: Registry | None = None, tls: TlsFiles = PRODUCTION_TLS, *,
                 cluster: bool = False, cluster_tls: TlsFiles = CLUSTER_TLS
                 ) -> dict[str, object]:
    """Options of hub_config (or, `cluster`, hub_cluster_configs) as deployed: TLS for
    clients, mutual TLS for leaf nodes, routes by mutual TLS under the cluster's own CA,
    the hub's users."""
    options: dict[str, object] = {"client_tls": tls.serving(),
                                  "leaf_tls": tls.serving(verify=True),
                                  "authorization": hub_users(registry)}
    if cluster:
        options["route_tls"] = cluster_tls.serving(verify=True)
    return options


def leaf_users(partner: str) -> list[User]:
    """A leaf's users, one per service and role, each password from $PACE_NATS_PASSWORD_<USER>."""
    return partner_role_users(partner, lambda user: Secret.from_env(partner_password_env(user)))


class LeafSecurity(TypedDict):
    """The keyword options of leaf_config that make a leaf node secure."""

    client_tls: Tls
    hub_tls: Tls
    authorization: list[User]


def leaf_security(partner: str, tls: TlsFiles = PRODUCTION_TLS) -> LeafSecurity:
    """Options of leaf_config as deployed: TLS for clients, mutual TLS towards the hub, a
    user per service and role."""
    return {"client_tls": tls.serving(), "hub_tls": tls.dialing(),
            "authorization": leaf_users(partner)}
