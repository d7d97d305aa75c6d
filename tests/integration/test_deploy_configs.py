"""The nats-server configs under deploy/nats: valid, current, wired right, and really working."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.api import StreamConfig

from contracts import subjects
from pace.connection import NatsAuth
from pace.nats_server import free_ports, nats_server_binary, validate_config
from pace.network.configs import (
    CLUSTER_TLS,
    COORDINATOR_PASSWORD_ENV,
    DEFAULT_OUT,
    PRODUCTION_TLS,
    REGENERATE,
    REPORTING_PASSWORD_ENV,
    ConfigError,
    HubNode,
    Tls,
    TlsFiles,
    env_references,
    generated,
    hub_cluster_configs,
    hub_config,
    hub_leaf_url_envs,
    hub_leaf_urls,
    hub_security,
    leaf_config,
    leaf_password_env,
    leaf_security,
    main,
    partner_password_env,
    quote,
    stale,
)
from pace.network.hub import ensure_hub_streams
from pace.network.permissions import OPS_USER, PARTNER_USERS, REPORTING_USER, inbox_of
from pace.network.registry import load_registry
from pace.tls import TestAuthority
from pace.topology import ensure_streams, partner_streams

DEPLOY = DEFAULT_OUT.parent
LOOPBACK = "127.0.0.1"
REAL_DEADLINE = 15.0
SERVER_TLS = {"cert_file": "/etc/nats/tls/server.pem", "key_file": "/etc/nats/tls/server-key.pem",
              "ca_file": "/etc/nats/tls/ca.pem"}


# -- a reader for the subset of the conf format the generator writes -----------------------


def parse(text: str) -> dict[str, Any]:
    """Nested dicts/lists of our own output: `k: v`, `k {`, `k: [`, `{` in lists, `}`, `]`."""
    root: dict[str, Any] = {}
    stack: list[Any] = [root]
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        top = stack[-1]
        if line in ("}", "]"):
            stack.pop()
        elif line == "{":
            top.append({})
            stack.append(top[-1])
        elif line.endswith(" {"):
            top[line[:-2]] = {}
            stack.append(top[line[:-2]])
        elif line.endswith(": ["):
            top[line[:-3]] = []
            stack.append(top[line[:-3]])
        elif isinstance(top, list):
            top.append(_value(line))
        else:
            key, value = line.split(": ", 1)
            top[key] = _value(value)
    assert stack == [root], "unbalanced blocks"
    return root


def _value(text: str) -> Any:
    """A JSON value, or a `$VAR` reference kept as its text."""
    return text if text.startswith("$") else json.loads(text)


def conf_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.conf"))


def password() -> str:
    """A random password as nats-server reads it from a variable: letters first."""
    return f"pw{secrets.token_hex(16)}"


def dummy_env(text: str) -> dict[str, str]:
    """A value for every `$VAR` a config reads: passwords, and distinct hub leaf URLs."""
    return {name: (f"nats-leaf://leaf-x:{password()}@hub-{name[-1]}:7422"
                   if name.startswith("PACE_HUB_LEAF_URL_") else password())
            for name in env_references(text)}


@pytest.fixture(scope="module")
def test_tls(tmp_path_factory) -> TlsFiles:
    """A test CA and one loopback server certificate (also a client one), as TlsFiles."""
    authority = TestAuthority(tmp_path_factory.mktemp("tls"))
    server = authority.issue("server", [LOOPBACK, "localhost"])
    return TlsFiles(ca_file=str(authority.ca_file), cert_file=str(server.cert_file),
                    key_file=str(server.key_file))


def with_tls(text: str, tls: TlsFiles) -> str:
    """A checked-in config with the container's TLS paths moved to the test's files."""
    for field in ("ca_file", "cert_file", "key_file"):
        for production in (PRODUCTION_TLS, CLUSTER_TLS):
            text = text.replace(quote(getattr(production, field)), quote(getattr(tls, field)))
    return text


# -- the checked-in files -------------------------------------------------------------------


def test_deploy_holds_a_hub_a_three_node_cluster_and_a_leaf_per_delivery_partner():
    names = {path.relative_to(DEFAULT_OUT).as_posix() for path in DEFAULT_OUT.rglob("*.conf")}
    delivery = {p.id for p in load_registry().delivery}

    assert names == {"hub.conf", "hub-cluster/hub-1.conf", "hub-cluster/hub-2.conf",
                     "hub-cluster/hub-3.conf", *(f"leaf/{p}.conf" for p in delivery)}
    assert "kdg" not in delivery and "coordination" not in delivery


@pytest.mark.nats
@pytest.mark.parametrize("path", conf_files(), ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_every_conf_under_deploy_passes_nats_server_t(path: Path, test_tls, tmp_path):
    text = with_tls(path.read_text(encoding="utf-8"), test_tls)
    assert text != path.read_text(encoding="utf-8"), "no TLS paths to move"
    checked = tmp_path / path.name
    checked.write_text(text, encoding="utf-8")

    validate_config(checked, dummy_env(text))  # loads the TLS files, resolves every $VAR
    with pytest.raises(Exception, match="variable reference"):
        validate_config(checked)  # a variable left unset is refused, not read as empty


def test_the_generator_moves_the_tls_paths_it_is_given(test_tls):
    for name, text in generated(tls=test_tls).items():
        assert text == with_tls(generated()[name], test_tls), name


def test_the_checked_in_configs_are_current():
    assert stale() == {}, f"deploy/nats is stale: run {REGENERATE}"


def test_output_is_deterministic():
    assert generated() == generated()
    assert hub_cluster_configs() == hub_cluster_configs()


def test_check_lists_missing_differing_and_extra_files_and_writing_fixes_them(tmp_path, capsys):
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "leaf" / "gent.conf").unlink()
    (tmp_path / "hub.conf").write_text("# edited by hand\n", encoding="utf-8")
    (tmp_path / "leaf" / "atlantis.conf").write_text("listen: 4222\n", encoding="utf-8")
    capsys.readouterr()

    assert main(["--check", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "(missing)" in out and "leaf/gent.conf" in out
    assert "(differs)" in out and "hub.conf" in out
    assert "(not generated)" in out and "leaf/atlantis.conf" in out
    assert REGENERATE in out
    assert stale(tmp_path) == {"hub.conf": "differs", "leaf/atlantis.conf": "not generated",
                               "leaf/gent.conf": "missing"}

    assert main(["--out", str(tmp_path)]) == 0
    assert stale(tmp_path) == {}
    assert not (tmp_path / "leaf" / "atlantis.conf").exists()


# -- what the configs say -------------------------------------------------------------------


def test_the_hub_has_domain_hub_and_accepts_leaf_nodes_without_advertising():
    conf = parse((DEFAULT_OUT / "hub.conf").read_text(encoding="utf-8"))

    assert conf["jetstream"] == {"domain": "hub", "store_dir": "/data"}
    assert conf["leafnodes"] == {"listen": "0.0.0.0:7422", "no_advertise": True,
                                 "tls": {**SERVER_TLS, "verify": True}}
    assert conf["tls"] == SERVER_TLS
    assert conf["listen"] == "0.0.0.0:4222"
    assert conf["http"] == "0.0.0.0:8222"
    assert "cluster" not in conf


def test_each_cluster_node_routes_to_exactly_the_other_two():
    nodes = {"hub-1", "hub-2", "hub-3"}
    for name in sorted(nodes):
        conf = parse((DEFAULT_OUT / "hub-cluster" / f"{name}.conf").read_text(encoding="utf-8"))

        assert conf["server_name"] == name
        assert conf["jetstream"]["domain"] == "hub"
        assert conf["cluster"]["name"] == "pace-hub"
        assert conf["cluster"]["listen"] == "0.0.0.0:6222"
        assert sorted(conf["cluster"]["routes"]) == [
            f"nats-route://{other}:6222" for other in sorted(nodes - {name})]
        assert conf["cluster"]["tls"] == {"cert_file": CLUSTER_TLS.cert_file,
                                          "key_file": CLUSTER_TLS.key_file,
                                          "ca_file": CLUSTER_TLS.ca_file, "verify": True}
        assert CLUSTER_TLS.ca_file != SERVER_TLS["ca_file"]  # routes trust their own CA
        assert conf["leafnodes"] == {"listen": "0.0.0.0:7422", "no_advertise": True,
                                     "tls": {**SERVER_TLS, "verify": True}}
        assert conf["tls"] == SERVER_TLS


def test_each_leaf_carries_its_partner_domain_and_points_at_every_hub_leaf_port():
    for partner in load_registry().delivery:
        conf = parse((DEFAULT_OUT / "leaf" / f"{partner.id}.conf").read_text(encoding="utf-8"))

        assert conf["server_name"] == partner.id
        assert conf["jetstream"] == {"domain": partner.id, "store_dir": "/data"}
        [remote] = conf["leafnodes"]["remotes"]
        assert remote["urls"] == ["$PACE_HUB_LEAF_URL_1", "$PACE_HUB_LEAF_URL_2",
                                  "$PACE_HUB_LEAF_URL_3"]
        assert remote["tls"] == SERVER_TLS  # checks the hub by the CA, shows its own cert
        assert conf["tls"] == SERVER_TLS
        assert "listen" not in conf["leafnodes"]


def users(conf: dict[str, Any]) -> dict[str, str]:
    return {user["user"]: user["password"] for user in conf["authorization"]["users"]}


def test_the_hub_nodes_know_reporting_the_coordinator_and_every_partners_leaf_link():
    delivery = [p.id for p in load_registry().delivery]
    expected = {"reporting": f"${REPORTING_PASSWORD_ENV}",
                "coordinator": f"${COORDINATOR_PASSWORD_ENV}",
                **{f"leaf-{p}": f"${leaf_password_env(p)}" for p in delivery}}
    for path in [DEFAULT_OUT / "hub.conf", *sorted((DEFAULT_OUT / "hub-cluster").glob("*"))]:
        assert users(parse(path.read_text(encoding="utf-8"))) == expected, path.name
    assert leaf_password_env("saint-martin") == "PACE_LEAF_PASSWORD_SAINT_MARTIN"


def test_each_leaf_knows_a_user_per_service_and_role_and_no_password_is_written():
    expected = {user: f"${partner_password_env(user)}" for user in PARTNER_USERS}
    assert set(expected) == {"intake", "booking", "trajectory", "sharing", "web", "staff",
                             "ops"}
    for partner in load_registry().delivery:
        text = (DEFAULT_OUT / "leaf" / f"{partner.id}.conf").read_text(encoding="utf-8")
        assert users(parse(text)) == expected
        assert env_references(text) == {partner_password_env(u) for u in PARTNER_USERS} | {
            *hub_leaf_url_envs(3)}
    for path in conf_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "password" in line:
                assert line.strip().startswith("password: $"), f"{path.name}: {line}"


def test_a_partner_not_in_the_registry_is_refused_clearly():
    with pytest.raises(ConfigError, match=r"no partner 'atlantis' in the registry.*mechelen"):
        leaf_config("atlantis", hub_leaf_urls())
    with pytest.raises(ConfigError, match="'kdg' is a research partner"):
        leaf_config("kdg", hub_leaf_urls())
    with pytest.raises(ConfigError, match="no partner 'hub'"):
        leaf_config("hub", hub_leaf_urls())


@pytest.mark.parametrize("call, message", [
    (lambda: leaf_config("gent", []), "at least one hub leaf URL"),
    (lambda: leaf_config("gent", "nats-leaf://hub:7422"), "at least one hub leaf URL"),
    (lambda: leaf_config("gent", ["http://hub:7422"]), "must look like nats-leaf://"),
    (lambda: leaf_config("gent", ["nats-leaf://hub:99999"]), "hub leaf url"),
    (lambda: hub_config(leaf_port=4222), "leaf and client both use port 4222"),
    (lambda: hub_config(monitor_port=70000), "monitor port 70000"),
    (lambda: hub_config(name="the hub"), "not a valid server name"),
    (lambda: hub_config(bind="0.0.0.0 #"), "not a valid bind address"),
    (lambda: hub_cluster_configs(["hub-1", "hub-2"]), "at least 3 nodes"),
    (lambda: hub_cluster_configs(["a", "b", "a"]), "must be distinct"),
    (lambda: hub_config(extra="jetstream { max_file_store: 1G }"), "extra repeats jetstream"),
    (lambda: leaf_config("gent", ["nats-leaf://h:7422"], extra="LeafNodes {}"),
     "extra repeats leafnodes"),
    (lambda: hub_config(store_dir="/data/\x00js"), "control characters"),
])
def test_configs_nats_server_would_refuse_or_misread_are_refused_here(call, message):
    with pytest.raises(ConfigError, match=message):
        call()


def test_strings_are_quoted_with_only_the_escapes_nats_server_knows():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert quote("tab\there") == '"tab\\there"'
    assert quote("Saint-Étienne") == '"Saint-Étienne"'  # raw UTF-8: nats-server refuses \u
    assert quote("$HOME #x") == '"$HOME #x"'


@pytest.mark.nats
def test_extra_text_is_appended_as_the_extension_point(tmp_path):
    text = hub_config(extra="max_payload: 2MB\n# accounts { } will go here\n")
    path = tmp_path / "hub.conf"
    path.write_text(text, encoding="utf-8")

    assert text.endswith("# extra\nmax_payload: 2MB\n# accounts { } will go here\n")
    validate_config(path)


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pace-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.mark.nats
def test_tls_paths_give_valid_tls_blocks(tmp_path):
    cert, key = _self_signed(tmp_path)
    server = Tls(cert_file=str(cert), key_file=str(key), ca_file=str(cert), verify=True)
    texts = {
        "hub": hub_config(client_tls=server, leaf_tls=server),
        "leaf": leaf_config("mechelen", ["tls://hub.example:7422"], client_tls=server,
                            hub_tls=Tls(cert_file=str(cert), key_file=str(key),
                                        ca_file=str(cert))),
        **hub_cluster_configs(route_tls=server, leaf_tls=server),
    }
    for name, text in texts.items():
        path = tmp_path / f"{name}.conf"
        path.write_text(text, encoding="utf-8")
        validate_config(path)
    assert parse(texts["leaf"])["leafnodes"]["remotes"][0]["tls"]["ca_file"] == str(cert)
    assert parse(texts["hub-1"])["cluster"]["tls"]["verify"] is True
    with pytest.raises(ConfigError, match="both cert_file and key_file"):
        hub_config(leaf_tls=Tls(cert_file=str(cert)))


# -- real servers from the generated configs ------------------------------------------------


async def _quiet(_error: Exception) -> None:
    """Readiness polling expects refused connections; nats-py would print each one."""


@contextmanager
def started(tmp_path: Path) -> Iterator[Any]:
    """start(name, text, env) runs a nats-server on that config, with `env` added to its
    environment (the config's `$VAR`s); stops exactly those PIDs after."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, text: str, env: dict[str, str] | None = None
              ) -> subprocess.Popen[bytes]:
        path = tmp_path / f"{name}.conf"
        path.write_text(text, encoding="utf-8")
        validate_config(path, env)
        with (tmp_path / f"{name}.log").open("wb") as log:
            processes.append(subprocess.Popen([nats_server_binary(), "-c", str(path)],
                                              stdout=log, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL,
                                              env={**os.environ, **(env or {})}))
        return processes[-1]

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


async def until(probe: Any, deadline: float, what: str) -> Any:
    """Retry an async probe until it returns, or fail at the deadline with its last error."""
    while True:
        try:
            return await probe()
        except Exception as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: still failing at the deadline: {error!r}") from error
            await asyncio.sleep(0.1)


async def connect(port: int, auth: NatsAuth | None = None) -> nats.NATS:
    auth = auth or NatsAuth()
    scheme = "tls" if auth.uses_tls else "nats"
    return await nats.connect(f"{scheme}://{LOOPBACK}:{port}", connect_timeout=1,
                              allow_reconnect=False, max_reconnect_attempts=0, error_cb=_quiet,
                              **auth.connect_options())


async def account_domain(port: int, auth: NatsAuth | None = None) -> str | None:
    nc = await connect(port, auth)
    try:
        return (await nc.jetstream(timeout=1).account_info()).domain
    finally:
        await nc.close()


async def publish_events(port: int, partner: str, count: int) -> None:
    nc = await connect(port)
    try:
        js = nc.jetstream(timeout=2)
        await js.add_stream(StreamConfig(name="PACE_EVENTS",
                                         subjects=[f"pace.{partner}.evt.>"]))
        for n in range(count):
            await js.publish(f"pace.{partner}.evt.intake.FamilyReferred", b"{}",
                             headers={"Nats-Msg-Id": f"{partner}-{n}"})
    finally:
        await nc.close()


async def seen_from(hub: nats.NATS, domain: str) -> tuple[int, list[str]]:
    info = await hub.jetstream(domain=domain, timeout=1).stream_info("PACE_EVENTS")
    return info.state.messages, list(info.config.subjects or [])


@pytest.mark.nats
@pytest.mark.timeout(30)
async def test_a_stream_in_a_leaf_domain_is_visible_from_the_hub(tmp_path):
    hub_client, hub_leaf, mechelen_client, gent_client = free_ports(4)
    hub_store = tmp_path / 'hub "store" $HOME #1'  # the quoting, proven by a real server
    deadline = time.monotonic() + REAL_DEADLINE
    with started(tmp_path) as start:
        start("hub", hub_config(bind=LOOPBACK, client_port=hub_client, leaf_port=hub_leaf,
                                monitor_port=None, store_dir=hub_store))
        urls = [f"nats-leaf://{LOOPBACK}:{hub_leaf}"]
        for partner, port in (("mechelen", mechelen_client), ("gent", gent_client)):
            start(partner, leaf_config(partner, urls, bind=LOOPBACK, client_port=port,
                                       monitor_port=None, store_dir=tmp_path / partner))

        assert await until(lambda: account_domain(hub_client), deadline, "hub") == "hub"
        assert await until(lambda: account_domain(mechelen_client), deadline,
                           "mechelen") == "mechelen"
        assert await until(lambda: account_domain(gent_client), deadline, "gent") == "gent"
        await publish_events(mechelen_client, "mechelen", 3)
        await publish_events(gent_client, "gent", 1)

        hub = await connect(hub_client)
        try:
            assert await until(lambda: seen_from(hub, "mechelen"), deadline,
                               "mechelen from the hub") == (3, ["pace.mechelen.evt.>"])
            assert await until(lambda: seen_from(hub, "gent"), deadline,
                               "gent from the hub") == (1, ["pace.gent.evt.>"])
        finally:
            await hub.close()
    assert (hub_store / "jetstream").is_dir()


async def refused(port: int, auth: NatsAuth) -> None:
    """A connection attempt with these options fails; the test fails if it gets through."""
    try:
        nc = await connect(port, auth)
    except Exception:
        return
    await nc.close()
    raise AssertionError(f"port {port} accepted {auth.describe()}")


async def publish_shared(port: int, ops: NatsAuth, sharing: NatsAuth, partner: str,
                         count: int) -> None:
    """The partner's streams made by ops, `count` events put on its shared stream by sharing."""
    nc = await connect(port, ops)
    try:
        await ensure_streams(nc.jetstream(timeout=2), partner_streams(partner))
    finally:
        await nc.close()
    nc = await connect(port, sharing)
    try:
        js = nc.jetstream(timeout=2)
        for n in range(count):
            await js.publish(subjects.shared_subject(partner, "FamilyReferred"), b"{}",
                             headers={"Nats-Msg-Id": f"{partner}-{n}"})
    finally:
        await nc.close()


async def network_messages(hub: nats.NATS) -> int:
    info = await hub.jetstream(timeout=1).stream_info(subjects.NETWORK_STREAM)
    if not info.state.messages:
        raise AssertionError("PACE_NETWORK is still empty")
    return info.state.messages


@pytest.mark.nats
@pytest.mark.timeout(60)
async def test_the_secure_hub_cluster_serves_a_leaf_that_logs_in_and_is_sourced(tmp_path,
                                                                               test_tls):
    """The generated hub cluster and a partner's leaf, as deployed (TLS, mutual TLS on the
    link and the routes, users) but on loopback: the leaf links as `leaf-mechelen`, the
    partner's services user works on it, the hub sources PACE_SHARED_MECHELEN, and clients
    without credentials are refused by both."""
    ports = free_ports(13)
    nodes = [HubNode(f"hub-{n}", host=LOOPBACK, client_port=ports[3 * n - 3],
                     leaf_port=ports[3 * n - 2], cluster_port=ports[3 * n - 1],
                     monitor_port=None) for n in (1, 2, 3)]
    leaf_client = ports[9]
    partner = "mechelen"
    hub_env = {REPORTING_PASSWORD_ENV: password(), COORDINATOR_PASSWORD_ENV: password(),
               **{leaf_password_env(p.id): password() for p in load_registry().delivery}}
    leaf_login = f"leaf-{partner}:{hub_env[leaf_password_env(partner)]}"
    leaf_env = {**{partner_password_env(u): password() for u in PARTNER_USERS},
                **{name: url.replace("://", f"://{leaf_login}@", 1)
                   for name, url in zip(hub_leaf_url_envs(3), hub_leaf_urls(nodes),
                                        strict=True)}}
    ca = test_tls.ca_file
    reporting = NatsAuth(user=REPORTING_USER, password=hub_env[REPORTING_PASSWORD_ENV],
                         ca_file=ca, inbox_prefix=f"_INBOX.{REPORTING_USER}")
    services = NatsAuth(user=OPS_USER, password=leaf_env[partner_password_env(OPS_USER)],
                        ca_file=ca, inbox_prefix=inbox_of(OPS_USER))
    deadline = time.monotonic() + REAL_DEADLINE
    with started(tmp_path) as start:
        for node in nodes:  # only the addresses, ports, store and TLS paths are the test's
            text = hub_cluster_configs(nodes, bind=LOOPBACK, store_dir=tmp_path / node.name,
                                       **hub_security(tls=test_tls, cluster=True,
                                                    cluster_tls=test_tls))[node.name]
            assert env_references(text) == set(hub_env)
            start(node.name, text, hub_env)
        text = leaf_config(partner, [f"${name}" for name in hub_leaf_url_envs(3)],
                           bind=LOOPBACK, client_port=leaf_client, monitor_port=None,
                           store_dir=tmp_path / partner, **leaf_security(partner, test_tls))
        assert env_references(text) == set(leaf_env)
        start(partner, text, leaf_env)

        for port in (nodes[0].client_port, leaf_client):
            await until(lambda p=port: account_domain(p, services if p == leaf_client
                                                      else reporting), deadline, str(port))
            await refused(port, NatsAuth())  # plain: TLS is required
            await refused(port, NatsAuth(ca_file=ca))  # TLS without a user
            await refused(port, NatsAuth(user=OPS_USER, password="pwguessed", ca_file=ca))
        await refused(nodes[0].client_port, services)  # the partner's user is the leaf's

        sharing = NatsAuth(user="sharing", password=leaf_env[partner_password_env("sharing")],
                           ca_file=ca, inbox_prefix=inbox_of("sharing"))
        await publish_shared(leaf_client, services, sharing, partner, 2)
        hub = await connect(nodes[0].client_port, reporting)
        try:
            js = hub.jetstream(timeout=2)
            await until(lambda: ensure_hub_streams(js, [partner], replicas=3), deadline,
                        "the R3 hub streams")
            info = await js.stream_info(subjects.NETWORK_STREAM)
            assert info.cluster is not None and info.cluster.name == "pace-hub"
            assert len(info.cluster.replicas or []) == 2
            assert await until(lambda: network_messages(hub), deadline,
                               "PACE_NETWORK sourcing over the leaf link") == 2
        finally:
            await hub.close()
