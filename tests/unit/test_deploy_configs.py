"""The nats-server configs under deploy/nats: valid, current, wired right, and really working."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.api import StreamConfig

from pace.nats_server import free_ports, nats_server_binary, validate_config
from pace.network.configs import (
    DEFAULT_OUT,
    REGENERATE,
    ConfigError,
    HubNode,
    Tls,
    generated,
    hub_cluster_configs,
    hub_config,
    hub_leaf_urls,
    leaf_config,
    main,
    quote,
    stale,
)
from pace.network.registry import load_registry

DEPLOY = DEFAULT_OUT.parent
LOOPBACK = "127.0.0.1"
REAL_DEADLINE = 15.0


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
            top.append(json.loads(line))
        else:
            key, value = line.split(": ", 1)
            top[key] = json.loads(value)
    assert stack == [root], "unbalanced blocks"
    return root


def conf_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.conf"))


# -- the checked-in files -------------------------------------------------------------------


def test_deploy_holds_a_hub_a_three_node_cluster_and_a_leaf_per_delivery_partner():
    names = {path.relative_to(DEFAULT_OUT).as_posix() for path in DEFAULT_OUT.rglob("*.conf")}
    delivery = {p.id for p in load_registry().delivery}

    assert names == {"hub.conf", "hub-cluster/hub-1.conf", "hub-cluster/hub-2.conf",
                     "hub-cluster/hub-3.conf", *(f"leaf/{p}.conf" for p in delivery)}
    assert "kdg" not in delivery and "coordination" not in delivery


@pytest.mark.nats
@pytest.mark.parametrize("path", conf_files(), ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_every_conf_under_deploy_passes_nats_server_t(path: Path):
    validate_config(path)


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

    assert conf["jetstream"] == {"domain": "hub", "store_dir": "/data/jetstream"}
    assert conf["leafnodes"] == {"listen": "0.0.0.0:7422", "no_advertise": True}
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
        assert conf["leafnodes"] == {"listen": "0.0.0.0:7422", "no_advertise": True}


def test_each_leaf_carries_its_partner_domain_and_points_at_every_hub_leaf_port():
    for partner in load_registry().delivery:
        conf = parse((DEFAULT_OUT / "leaf" / f"{partner.id}.conf").read_text(encoding="utf-8"))

        assert conf["server_name"] == partner.id
        assert conf["jetstream"] == {"domain": partner.id, "store_dir": "/data/jetstream"}
        [remote] = conf["leafnodes"]["remotes"]
        assert remote["urls"] == ["nats-leaf://hub-1:7422", "nats-leaf://hub-2:7422",
                                  "nats-leaf://hub-3:7422"]
        assert "listen" not in conf["leafnodes"]


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
    """start(name, text) runs a nats-server on that config; stops exactly those PIDs after."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, text: str) -> subprocess.Popen[bytes]:
        path = tmp_path / f"{name}.conf"
        path.write_text(text, encoding="utf-8")
        validate_config(path)
        with (tmp_path / f"{name}.log").open("wb") as log:
            processes.append(subprocess.Popen([nats_server_binary(), "-c", str(path)],
                                              stdout=log, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL))
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


async def connect(port: int) -> nats.NATS:
    return await nats.connect(f"nats://{LOOPBACK}:{port}", connect_timeout=1,
                              allow_reconnect=False, max_reconnect_attempts=0, error_cb=_quiet)


async def account_domain(port: int) -> str | None:
    nc = await connect(port)
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


@pytest.mark.nats
@pytest.mark.timeout(30)
async def test_the_hub_cluster_forms_holds_an_r3_stream_and_serves_a_leaf(tmp_path):
    ports = free_ports(13)
    nodes = [HubNode(f"hub-{n}", host=LOOPBACK, client_port=ports[3 * n - 3],
                     leaf_port=ports[3 * n - 2], cluster_port=ports[3 * n - 1],
                     monitor_port=None) for n in (1, 2, 3)]
    leaf_client = ports[9]
    deadline = time.monotonic() + REAL_DEADLINE
    with started(tmp_path) as start:
        for node in nodes:  # one config per node; only the store dir differs from production
            text = hub_cluster_configs(nodes, bind=LOOPBACK,
                                       store_dir=tmp_path / node.name)[node.name]
            start(node.name, text)
        start("mechelen", leaf_config("mechelen", hub_leaf_urls(nodes), bind=LOOPBACK,
                                      client_port=leaf_client, monitor_port=None,
                                      store_dir=tmp_path / "mechelen"))
        for node in nodes:
            assert await until(lambda n=node: account_domain(n.client_port), deadline,
                               node.name) == "hub"

        hub = await connect(nodes[0].client_port)
        try:
            js = hub.jetstream(timeout=2)
            info = await until(lambda: js.add_stream(StreamConfig(
                name="PACE_NETWORK_R3", subjects=["r3.test"], num_replicas=3)),
                deadline, "an R3 stream")
            assert info.cluster is not None and info.cluster.name == "pace-hub"
            assert len(info.cluster.replicas or []) == 2

            await until(lambda: account_domain(leaf_client), deadline, "mechelen leaf")
            await publish_events(leaf_client, "mechelen", 2)
            assert await until(lambda: seen_from(hub, "mechelen"), deadline,
                               "mechelen from the hub cluster") == (2, ["pace.mechelen.evt.>"])
        finally:
            await hub.close()
