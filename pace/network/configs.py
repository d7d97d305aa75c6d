"""nats-server configuration files for production-like deployments, from the partners registry.

Pure functions return configuration text (the nats-server conf format):

- `hub_config()`: a single hub node (JetStream domain `hub`, accepts leaf nodes).
- `hub_cluster_configs()`: a 3-node hub JetStream cluster (`pace-hub`), for R3 hub streams.
- `leaf_config(partner, hub_leaf_urls)`: a delivery partner's leaf node, JetStream domain
  = the partner id, one remote listing every hub node's leaf port (failover).

Usage: python -m pace.network.configs [--check] [--out DIR]

writes DIR/hub.conf, DIR/hub-cluster/hub-1..3.conf and DIR/leaf/<partner>.conf for every
delivery partner (DIR defaults to deploy/nats); `--check` writes nothing and exits 1 listing
the files that are missing, differ, or should not be there.

The checked-in files are secure by default (`generated()`): TLS on every listener and link
(the files at fixed paths in the container, `TlsFiles`: the network's CA, the server's
certificate and key), mutual TLS on the hub's leaf-node listener and cluster routes, and
users from pace.network.permissions, their passwords only as `$ENV_VAR` references that
nats-server resolves from its environment:

- hub (every node): `reporting` ($PACE_NATS_PASSWORD_REPORTING), `coordinator`
  ($PACE_NATS_PASSWORD_COORDINATOR) and one `leaf-<partner>` per delivery partner
  ($PACE_LEAF_PASSWORD_<PARTNER>, e.g. PACE_LEAF_PASSWORD_SAINT_MARTIN), the login of that
  partner's leaf-node link;
- leaf (a partner's): a user per service and role (pace.network.permissions.PARTNER_USERS:
  intake, booking, trajectory, sharing, web, staff, ops), each password in
  $PACE_NATS_PASSWORD_<USER> (PACE_NATS_PASSWORD_INTAKE ...), and the link's URLs as
  `$PACE_HUB_LEAF_URL_1`.. (one per hub node), each holding the login:
  `nats-leaf://leaf-<partner>:<password>@hub-1:7422`;
- hub cluster routes: mutual TLS under a CA of their own (`CLUSTER_TLS`: cluster-ca.pem,
  cluster.pem, cluster-key.pem), not the network CA that signs the partners' certificates.

The config functions themselves write no users and no TLS unless given (`authorization=`,
`Tls`); `hub_security()` and `leaf_security()` give the options `generated()` uses. Every
function takes `extra`, text appended verbatim at the top level. nats-server silently lets a
repeated top-level block REPLACE the earlier one (a second `jetstream { }` drops the domain
and store_dir), so `extra` may not repeat a key this module writes.

The conf format (quoting, blocks, checks) is in configs_format, the deployment's TLS files,
users and password variables in configs_security; their public names import from here too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from contracts.subjects import HUB_DOMAIN, check_partner
from pace.network.configs_format import (
    ENV_REFERENCE,
    ConfigError,
    Tls,
    array,
    block,
    check_host,
    check_name,
    check_ports,
    comment,
    env_references,
    hostport,
    quote,
    top_level_keys,
)
from pace.network.configs_security import (
    CLUSTER_TLS,
    COORDINATOR_PASSWORD_ENV,
    PRODUCTION_TLS,
    REPORTING_PASSWORD_ENV,
    TlsFiles,
    admin_password_env,
    hub_leaf_url_envs,
    hub_security,
    hub_users,
    leaf_password_env,
    leaf_security,
    leaf_users,
    partner_password_env,
)
from pace.network.permissions import User, authorization_lines
from pace.network.registry import Registry, load_registry

# The public names, those of configs_format and configs_security included (importable here).
__all__ = [
    "BIND", "CLIENT_PORT", "CLUSTER_DIR", "CLUSTER_PORT", "CLUSTER_TLS",
    "COORDINATOR_PASSWORD_ENV", "ConfigError", "DEFAULT_OUT", "HUB_CLUSTER_NAME", "HUB_FILE",
    "HUB_NAME", "HUB_NODES", "HubNode", "LEAF_DIR", "LEAF_PORT", "LEAF_URL_SCHEMES",
    "MONITOR_PORT", "PRODUCTION_TLS", "REGENERATE", "REPORTING_PASSWORD_ENV", "STORE_DIR", "Tls",
    "TlsFiles", "admin_password_env", "env_references", "generated", "hub_cluster_configs",
    "hub_config",
    "hub_leaf_url_envs", "hub_leaf_urls", "hub_security", "hub_users", "leaf_config",
    "leaf_password_env", "leaf_security", "leaf_users", "main", "partner_password_env", "quote",
    "stale", "top_level_keys", "write",
]

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "deploy" / "nats"
REGENERATE = "python -m pace.network.configs"

CLIENT_PORT = 4222
LEAF_PORT = 7422
CLUSTER_PORT = 6222
MONITOR_PORT = 8222
BIND = "0.0.0.0"
# nats-server keeps its streams in a `jetstream/` folder inside store_dir: /data/jetstream
STORE_DIR = "/data"
HUB_NAME = "hub"
HUB_CLUSTER_NAME = "pace-hub"
HUB_NODES = ("hub-1", "hub-2", "hub-3")
LEAF_URL_SCHEMES = ("nats-leaf", "nats", "tls", "ws", "wss")

HUB_FILE = "hub.conf"
CLUSTER_DIR = "hub-cluster"
LEAF_DIR = "leaf"


@dataclass(frozen=True, slots=True)
class HubNode:
    """One hub cluster node: its server name, the address its peers and leaves reach it at
    (default: the name, as a compose service or k8s pod host name), and its ports."""

    name: str
    host: str | None = None
    client_port: int = CLIENT_PORT
    leaf_port: int = LEAF_PORT
    cluster_port: int = CLUSTER_PORT
    monitor_port: int | None = MONITOR_PORT

    @property
    def address(self) -> str:
        return self.host or self.name

    @property
    def leaf_url(self) -> str:
        return f"nats-leaf://{hostport(self.address, self.leaf_port)}"

    @property
    def route_url(self) -> str:
        return f"nats-route://{hostport(self.address, self.cluster_port)}"


# -- rendering helpers ---------------------------------------------------------------------


def _check_leaf_url(url: str) -> str:
    if isinstance(url, str) and ENV_REFERENCE.fullmatch(url):
        return url  # the URL, with the link's login, from the server's environment
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ConfigError(f"hub leaf url {url!r}: {error}") from error
    if parts.scheme not in LEAF_URL_SCHEMES or not parts.hostname:
        raise ConfigError(f"hub leaf url {url!r} must look like nats-leaf://host:{LEAF_PORT} "
                          f"(schemes: {', '.join(LEAF_URL_SCHEMES)})")
    if port == 0:
        raise ConfigError(f"hub leaf url {url!r}: port 0")
    return url


def _render(header: Sequence[str], body: list[str], extra: str) -> str:
    written = top_level_keys("\n".join(body))
    if extra:
        clash = sorted(top_level_keys(extra) & written)
        if clash:
            raise ConfigError(
                f"extra repeats {', '.join(clash)}: nats-server would let it replace the "
                "generated block silently; pass the option (e.g. tls=) or extend this module")
        body = [*body, "", "# extra", extra.strip("\n")]
    return "\n".join([*(comment(line) for line in header), *body]) + "\n"


def _header(*what: str) -> list[str]:
    return [*what, f"Generated by `{REGENERATE}`; do not edit by hand."]


def _jetstream(domain: str, store_dir: str) -> list[str]:
    return block("jetstream", [f"domain: {quote(domain)}", f"store_dir: {quote(store_dir)}"])


def _server(name: str, bind: str, client_port: int, monitor_port: int | None,
            client_tls: Tls | None) -> list[str]:
    lines = [f"server_name: {quote(name)}", f"listen: {quote(hostport(bind, client_port))}"]
    if monitor_port is not None:
        lines.append(f"http: {quote(hostport(bind, monitor_port))}")
    if client_tls is not None:
        lines += client_tls.lines()
    return lines


def _leaf_listen(bind: str, port: int, tls: Tls | None) -> list[str]:
    body = [f"listen: {quote(hostport(bind, port))}",
            "# gossip no internal URLs to leaves (NAT, proxies): they list every hub node",
            "no_advertise: true"]
    return block("leafnodes", [*body, *(tls.lines() if tls else [])])


def _authorization(users: Sequence[User] | None) -> list[str]:
    """Client users and their permissions (pace.network.permissions); none when None."""
    return [] if users is None else authorization_lines(users)


# -- the configurations --------------------------------------------------------------------


def hub_config(*, name: str = HUB_NAME, bind: str = BIND, client_port: int = CLIENT_PORT,
               leaf_port: int = LEAF_PORT, monitor_port: int | None = MONITOR_PORT,
               store_dir: str | os.PathLike[str] = STORE_DIR, client_tls: Tls | None = None,
               leaf_tls: Tls | None = None, authorization: Sequence[User] | None = None,
               extra: str = "") -> str:
    """A single hub node: JetStream domain `hub`, accepting the partners' leaf nodes."""
    check_name(name, "server name")
    check_host(bind, "bind address")
    check_ports(name, client=client_port, leaf=leaf_port, monitor=monitor_port)
    body = [*_server(name, bind, client_port, monitor_port, client_tls),
            *_jetstream(HUB_DOMAIN, str(store_dir)),
            *_leaf_listen(bind, leaf_port, leaf_tls), *_authorization(authorization)]
    return _render(_header("PACE hub, single node (JetStream domain hub)."), body, extra)


def hub_cluster_configs(nodes: Sequence[str | HubNode] = HUB_NODES, *,
                        cluster_name: str = HUB_CLUSTER_NAME, bind: str = BIND,
                        store_dir: str | os.PathLike[str] = STORE_DIR,
                        client_tls: Tls | None = None, leaf_tls: Tls | None = None,
                        route_tls: Tls | None = None,
                        authorization: Sequence[User] | None = None,
                        extra: str = "") -> dict[str, str]:
    """Node name -> config of a hub JetStream cluster (domain `hub`) routing to its peers.

    Three nodes (the default) keep R3 streams such as PACE_NETWORK available through the
    loss of one node. Every node accepts leaf nodes, so partners fail over between them.
    """
    hub = [HubNode(n) if isinstance(n, str) else n for n in nodes]
    if len(hub) < 3:
        raise ConfigError(f"a hub cluster needs at least 3 nodes for R3 streams, got {len(hub)}")
    check_name(cluster_name, "cluster name")
    check_host(bind, "bind address")
    names = [check_name(node.name, "server name") for node in hub]
    if len(set(names)) != len(names):
        raise ConfigError(f"hub node names must be distinct: {names}")
    configs: dict[str, str] = {}
    for node in hub:
        check_host(node.address, f"host of {node.name}")
        check_ports(node.name, client=node.client_port, leaf=node.leaf_port,
                     cluster=node.cluster_port, monitor=node.monitor_port)
        cluster = [f"name: {quote(cluster_name)}",
                   f"listen: {quote(hostport(bind, node.cluster_port))}",
                   *array("routes", [p.route_url for p in hub if p is not node]),
                   *(route_tls.lines() if route_tls else [])]
        body = [*_server(node.name, bind, node.client_port, node.monitor_port, client_tls),
                *_jetstream(HUB_DOMAIN, str(store_dir)),
                *block("cluster", cluster),
                *_leaf_listen(bind, node.leaf_port, leaf_tls), *_authorization(authorization)]
        header = _header(f"PACE hub cluster {cluster_name}, node {node.name} of {len(hub)} "
                         "(JetStream domain hub).")
        configs[node.name] = _render(header, body, extra)
    return configs


def hub_leaf_urls(nodes: Sequence[str | HubNode] = HUB_NODES) -> list[str]:
    """The leaf-node URL of every hub node, for a partner's remote."""
    return [(HubNode(n) if isinstance(n, str) else n).leaf_url for n in nodes]


def leaf_config(partner: str, hub_leaf_urls: Sequence[str], *,
                registry: Registry | None = None, name: str | None = None, bind: str = BIND,
                client_port: int = CLIENT_PORT, monitor_port: int | None = MONITOR_PORT,
                store_dir: str | os.PathLike[str] = STORE_DIR, client_tls: Tls | None = None,
                hub_tls: Tls | None = None, authorization: Sequence[User] | None = None,
                extra: str = "") -> str:
    """A delivery partner's leaf node: JetStream domain = partner id, remote = every hub node.

    Refuses a partner that is not in the registry or delivers no services.
    """
    registry = registry if registry is not None else load_registry()
    if partner not in registry:
        known = ", ".join(p.id for p in registry.delivery)
        raise ConfigError(f"no partner {partner!r} in the registry "
                          f"(delivery partners: {known})")
    info = registry[partner]
    if not info.delivers:
        raise ConfigError(f"{partner!r} is a {info.role.value} partner: only delivery "
                          "partners run a leaf node")
    check_partner(partner)
    server_name = check_name(name or partner, "server name")
    check_host(bind, "bind address")
    check_ports(server_name, client=client_port, monitor=monitor_port)
    if isinstance(hub_leaf_urls, str) or not hub_leaf_urls:
        raise ConfigError("hub_leaf_urls: give a list with at least one hub leaf URL")
    urls = [_check_leaf_url(url) for url in hub_leaf_urls]
    remote = [*array("urls", urls), *(hub_tls.lines() if hub_tls else [])]
    leafnodes = ["remotes: [", *(f"  {line}" for line in ["{", *(f"  {r}" for r in remote),
                                                           "}"]), "]"]
    body = [*_server(server_name, bind, client_port, monitor_port, client_tls),
            *_jetstream(partner, str(store_dir)),
            *block("leafnodes", leafnodes), *_authorization(authorization)]
    header = _header(f"PACE leaf node of {info.name} ({info.city}, {info.country}).",
                     f"JetStream domain {partner}; one leaf link to the hub, failing over "
                     "between the URLs.")
    return _render(header, body, extra)


# -- the checked-in files ------------------------------------------------------------------


def generated(registry: Registry | None = None, tls: TlsFiles = PRODUCTION_TLS
              ) -> dict[str, str]:
    """Relative path -> text of every file the CLI writes, with the production defaults.

    `tls` moves the certificate paths, the routes' too (tests point them at test certificates).
    """
    registry = registry if registry is not None else load_registry()
    cluster_tls = CLUSTER_TLS if tls == PRODUCTION_TLS else tls
    # hub_security gives a dict of options whose keys depend on `cluster`: not typed per key
    files = {HUB_FILE: hub_config(**hub_security(registry, tls))}  # type: ignore[arg-type]
    nodes = hub_cluster_configs(**hub_security(registry, tls, cluster=True,  # type: ignore[arg-type]
                                               cluster_tls=cluster_tls))
    for node, text in nodes.items():
        files[f"{CLUSTER_DIR}/{node}.conf"] = text
    urls = [f"${name}" for name in hub_leaf_url_envs(len(HUB_NODES))]
    for info in registry.delivery:
        files[f"{LEAF_DIR}/{info.id}.conf"] = leaf_config(
            info.id, urls, registry=registry, **leaf_security(info.id, tls))
    return dict(sorted(files.items()))


def _present(directory: Path) -> dict[str, Path]:
    """Generated-looking files: hub.conf and every .conf in the two generated folders."""
    found = {HUB_FILE: directory / HUB_FILE} if (directory / HUB_FILE).exists() else {}
    for sub in (CLUSTER_DIR, LEAF_DIR):
        for path in (directory / sub).glob("*.conf"):
            found[f"{sub}/{path.name}"] = path
    return found


def stale(directory: Path = DEFAULT_OUT, registry: Registry | None = None) -> dict[str, str]:
    """Relative path -> "missing" | "differs" | "not generated"; empty when all is current."""
    wanted = generated(registry)
    present = _present(directory)
    problems = {name: "missing" for name in wanted if name not in present}
    problems.update({name: "differs" for name, text in wanted.items()
                     if name in present and present[name].read_text(encoding="utf-8") != text})
    problems.update({name: "not generated" for name in present if name not in wanted})
    return dict(sorted(problems.items()))


def write(directory: Path = DEFAULT_OUT, registry: Registry | None = None) -> int:
    """Write every file (removing generated-folder .conf files no longer generated)."""
    wanted = generated(registry)
    for name, path in _present(directory).items():
        if name not in wanted:
            path.unlink()
    for name, text in wanted.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(wanted)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the configs, or with --check list the stale ones and exit 1.

    With the default output it also keeps the partner lists in deploy/compose and
    deploy/helm current (pace.network.partner_lists).
    """
    from pace.network.partner_lists import stale_lists, write_lists

    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing missing or differing files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default: {_shown(DEFAULT_OUT)})")
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    lists = args.out == DEFAULT_OUT
    if args.check:
        problems = stale(args.out)
        for name, reason in problems.items():
            print(f"stale config ({reason}): {_shown(args.out / name)}")
        listed = stale_lists(DEFAULT_OUT.parent, load_registry()) if lists else []
        for path in listed:
            print(f"stale partner list: {_shown(path)}")
        if problems or listed:
            print(f"run: {REGENERATE}" + ("" if args.out == DEFAULT_OUT else
                                         f" --out {args.out}"))
        return 1 if problems or listed else 0
    count = write(args.out)
    print(f"wrote {count} nats-server configs to {_shown(args.out)}")
    if lists:
        for path in write_lists(DEFAULT_OUT.parent, load_registry()):
            print(f"updated the partner list in {_shown(path)}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
