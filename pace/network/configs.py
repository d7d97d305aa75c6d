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
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from contracts.subjects import HUB_DOMAIN, check_partner
from pace.network.permissions import (
    Secret,
    User,
    authorization_lines,
    coordinator_user,
    leaf_user,
    partner_role_users,
    reporting_user,
)
from pace.network.registry import Registry, load_registry

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

TLS_DIR = "/etc/nats/tls"
REPORTING_PASSWORD_ENV = "PACE_NATS_PASSWORD_REPORTING"
COORDINATOR_PASSWORD_ENV = "PACE_NATS_PASSWORD_COORDINATOR"
PARTNER_PASSWORD_ENV_PREFIX = "PACE_NATS_PASSWORD_"
LEAF_PASSWORD_ENV_PREFIX = "PACE_LEAF_PASSWORD_"
HUB_LEAF_URL_ENV_PREFIX = "PACE_HUB_LEAF_URL_"

HUB_FILE = "hub.conf"
CLUSTER_DIR = "hub-cluster"
LEAF_DIR = "leaf"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_HOST = re.compile(r"^[A-Za-z0-9_.:\[\]-]{1,253}$")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV_REFERENCE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


class ConfigError(ValueError):
    """A configuration that nats-server would refuse, misread, or that names no real partner."""


@dataclass(frozen=True, slots=True)
class Tls:
    """Paths of a `tls { }` block, as seen by the server (inside its container).

    Extension point: the files must exist wherever `nats-server -t` runs (it loads them).
    `verify` asks for and checks the peer's certificate (mutual TLS).
    """

    cert_file: str | None = None
    key_file: str | None = None
    ca_file: str | None = None
    verify: bool = False

    def lines(self) -> list[str]:
        if (self.cert_file is None) != (self.key_file is None):
            raise ConfigError("tls needs both cert_file and key_file, or neither")
        if self.cert_file is None and self.ca_file is None:
            raise ConfigError("tls needs a cert_file and key_file, or a ca_file")
        body = [f"{key}: {quote(value)}" for key, value in
                (("cert_file", self.cert_file), ("key_file", self.key_file),
                 ("ca_file", self.ca_file)) if value is not None]
        if self.verify:
            body.append("verify: true")
        return _block("tls", body)


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


def hub_leaf_url_envs(count: int = 3) -> list[str]:
    """A leaf's variables holding its link URLs (with the login), one per hub node."""
    return [f"{HUB_LEAF_URL_ENV_PREFIX}{n}" for n in range(1, count + 1)]


def env_references(text: str) -> set[str]:
    """The environment variables a config reads (`$VAR` outside comments and strings)."""
    found: set[str] = set()
    for line in text.splitlines():
        code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split("#", 1)[0]
        found.update(match[1:] for match in _ENV_REFERENCE.findall(code))
    return found


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
        return f"nats-leaf://{_hostport(self.address, self.leaf_port)}"

    @property
    def route_url(self) -> str:
        return f"nats-route://{_hostport(self.address, self.cluster_port)}"


# -- rendering helpers ---------------------------------------------------------------------


def quote(value: object) -> str:
    """A double-quoted conf string. Only the escapes nats-server knows (\\\\ \\" \\t \\n \\r):
    it refuses JSON's \\uXXXX, so non-ASCII stays raw UTF-8; `$VAR` and `#` stay literal."""
    text = str(value)
    bad = [c for c in text if (ord(c) < 0x20 and c not in _ESCAPES) or ord(c) == 0x7F]
    if bad:
        raise ConfigError(f"{text!r} contains control characters a config cannot carry")
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def _block(name: str, body: Iterable[str]) -> list[str]:
    return [f"{name} {{", *(f"  {line}" for line in body), "}"]


def _array(name: str, values: Iterable[str]) -> list[str]:
    """`name: [ ... ]`; a `$VAR` item stays unquoted (read from the server's environment)."""
    return [f"{name}: [", *(f"  {v if _ENV_REFERENCE.fullmatch(v) else quote(v)}"
                            for v in values), "]"]


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def _check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a valid {what}: 1-63 ascii letters, digits, '.', "
                          "'-' or '_', starting with a letter or digit (no spaces)")
    return name


def _check_host(host: str, what: str) -> str:
    if not isinstance(host, str) or not _HOST.fullmatch(host):
        raise ConfigError(f"{host!r} is not a valid {what}: a host name or IP address")
    return host


def _check_ports(owner: str, **ports: int | None) -> None:
    used: dict[int, str] = {}
    for what, port in ports.items():
        if port is None:
            continue
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ConfigError(f"{owner}: {what} port {port!r} is not between 1 and 65535")
        if port in used:
            raise ConfigError(f"{owner}: {what} and {used[port]} both use port {port}")
        used[port] = what


def _check_leaf_url(url: str) -> str:
    if isinstance(url, str) and _ENV_REFERENCE.fullmatch(url):
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


def top_level_keys(text: str) -> set[str]:
    """Keys assigned at the top level of conf text (outside blocks, strings and comments)."""
    keys: set[str] = set()
    depth, i, at_key = 0, 0, True
    while i < len(text):
        char = text[i]
        if char == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        if char in "\"'":
            end = i + 1
            while end < len(text) and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            i, at_key = end + 1, False
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif char in "\n,;":
            at_key = True
        elif depth == 0 and at_key and not char.isspace():
            match = _KEY.match(text, i)
            if match:
                keys.add(match.group().lower())
                i = match.end()
            at_key = False
            continue
        i += 1
    return keys


def _render(header: Sequence[str], body: list[str], extra: str) -> str:
    written = top_level_keys("\n".join(body))
    if extra:
        clash = sorted(top_level_keys(extra) & written)
        if clash:
            raise ConfigError(
                f"extra repeats {', '.join(clash)}: nats-server would let it replace the "
                "generated block silently; pass the option (e.g. tls=) or extend this module")
        body = [*body, "", "# extra", extra.strip("\n")]
    return "\n".join([*(_comment(line) for line in header), *body]) + "\n"


def _header(*what: str) -> list[str]:
    return [*what, f"Generated by `{REGENERATE}`; do not edit by hand."]


def _jetstream(domain: str, store_dir: str) -> list[str]:
    return _block("jetstream", [f"domain: {quote(domain)}", f"store_dir: {quote(store_dir)}"])


def _server(name: str, bind: str, client_port: int, monitor_port: int | None,
            client_tls: Tls | None) -> list[str]:
    lines = [f"server_name: {quote(name)}", f"listen: {quote(_hostport(bind, client_port))}"]
    if monitor_port is not None:
        lines.append(f"http: {quote(_hostport(bind, monitor_port))}")
    if client_tls is not None:
        lines += client_tls.lines()
    return lines


def _leaf_listen(bind: str, port: int, tls: Tls | None) -> list[str]:
    body = [f"listen: {quote(_hostport(bind, port))}",
            "# gossip no internal URLs to leaves (NAT, proxies): they list every hub node",
            "no_advertise: true"]
    return _block("leafnodes", [*body, *(tls.lines() if tls else [])])


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
    _check_name(name, "server name")
    _check_host(bind, "bind address")
    _check_ports(name, client=client_port, leaf=leaf_port, monitor=monitor_port)
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
    _check_name(cluster_name, "cluster name")
    _check_host(bind, "bind address")
    names = [_check_name(node.name, "server name") for node in hub]
    if len(set(names)) != len(names):
        raise ConfigError(f"hub node names must be distinct: {names}")
    configs: dict[str, str] = {}
    for node in hub:
        _check_host(node.address, f"host of {node.name}")
        _check_ports(node.name, client=node.client_port, leaf=node.leaf_port,
                     cluster=node.cluster_port, monitor=node.monitor_port)
        cluster = [f"name: {quote(cluster_name)}",
                   f"listen: {quote(_hostport(bind, node.cluster_port))}",
                   *_array("routes", [p.route_url for p in hub if p is not node]),
                   *(route_tls.lines() if route_tls else [])]
        body = [*_server(node.name, bind, node.client_port, node.monitor_port, client_tls),
                *_jetstream(HUB_DOMAIN, str(store_dir)),
                *_block("cluster", cluster),
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
    server_name = _check_name(name or partner, "server name")
    _check_host(bind, "bind address")
    _check_ports(server_name, client=client_port, monitor=monitor_port)
    if isinstance(hub_leaf_urls, str) or not hub_leaf_urls:
        raise ConfigError("hub_leaf_urls: give a list with at least one hub leaf URL")
    urls = [_check_leaf_url(url) for url in hub_leaf_urls]
    remote = [*_array("urls", urls), *(hub_tls.lines() if hub_tls else [])]
    leafnodes = ["remotes: [", *(f"  {line}" for line in ["{", *(f"  {r}" for r in remote),
                                                           "}"]), "]"]
    body = [*_server(server_name, bind, client_port, monitor_port, client_tls),
            *_jetstream(partner, str(store_dir)),
            *_block("leafnodes", leafnodes), *_authorization(authorization)]
    header = _header(f"PACE leaf node of {info.name} ({info.city}, {info.country}).",
                     f"JetStream domain {partner}; one leaf link to the hub, failing over "
                     "between the URLs.")
    return _render(header, body, extra)


# -- secure by default: users and TLS of the deployment --------------------------------------


def hub_users(registry: Registry | None = None) -> list[User]:
    """The hub's users: reporting, coordinator, and each delivery partner's leaf link."""
    registry = registry if registry is not None else load_registry()
    return [reporting_user(Secret.from_env(REPORTING_PASSWORD_ENV)),
            coordinator_user(Secret.from_env(COORDINATOR_PASSWORD_ENV)),
            *(leaf_user(info.id, Secret.from_env(leaf_password_env(info.id)))
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


def leaf_security(partner: str, tls: TlsFiles = PRODUCTION_TLS) -> dict[str, object]:
    """Options of leaf_config as deployed: TLS for clients, mutual TLS towards the hub, a
    user per service and role."""
    return {"client_tls": tls.serving(), "hub_tls": tls.dialing(),
            "authorization": leaf_users(partner)}


# -- the checked-in files ------------------------------------------------------------------


def generated(registry: Registry | None = None, tls: TlsFiles = PRODUCTION_TLS
              ) -> dict[str, str]:
    """Relative path -> text of every file the CLI writes, with the production defaults.

    `tls` moves the certificate paths, the routes' too (tests point them at test certificates).
    """
    registry = registry if registry is not None else load_registry()
    cluster_tls = CLUSTER_TLS if tls == PRODUCTION_TLS else tls
    files = {HUB_FILE: hub_config(**hub_security(registry, tls))}  # type: ignore[arg-type]
    nodes = hub_cluster_configs(**hub_security(registry, tls, cluster=True,  # type: ignore[arg-type]
                                               cluster_tls=cluster_tls))
    for node, text in nodes.items():
        files[f"{CLUSTER_DIR}/{node}.conf"] = text
    urls = [f"${name}" for name in hub_leaf_url_envs(len(HUB_NODES))]
    for info in registry.delivery:
        files[f"{LEAF_DIR}/{info.id}.conf"] = leaf_config(
            info.id, urls, registry=registry, **leaf_security(info.id, tls))  # type: ignore[arg-type]
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
    """Write the configs, or with --check list the stale ones and exit 1."""
    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing missing or differing files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default: {_shown(DEFAULT_OUT)})")
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.check:
        problems = stale(args.out)
        for name, reason in problems.items():
            print(f"stale config ({reason}): {_shown(args.out / name)}")
        if problems:
            print(f"run: {REGENERATE}" + ("" if args.out == DEFAULT_OUT else
                                         f" --out {args.out}"))
        return 1 if problems else 0
    count = write(args.out)
    print(f"wrote {count} nats-server configs to {_shown(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
