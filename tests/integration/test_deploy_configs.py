"""The nats-server configs under deploy/nats: valid, current and wired right."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pace.nats_server import validate_config
from pace.network.configs import (
    CLUSTER_TLS,
    COORDINATOR_PASSWORD_ENV,
    DEFAULT_OUT,
    REGENERATE,
    REPORTING_PASSWORD_ENV,
    ConfigError,
    Tls,
    TlsFiles,
    admin_password_env,
    env_references,
    generated,
    hub_cluster_configs,
    hub_config,
    hub_leaf_url_envs,
    hub_leaf_urls,
    leaf_config,
    leaf_password_env,
    main,
    partner_password_env,
    quote,
    stale,
)
from pace.network.permissions import PARTNER_USERS
from pace.network.registry import load_registry
from pace.tls import TestAuthority
from tests.integration.nats_conf_facts import (
    DEPLOY,
    LOOPBACK,
    SERVER_TLS,
    conf_files,
    dummy_env,
    parse,
    with_tls,
)


@pytest.fixture(scope="module")
def test_tls(tmp_path_factory) -> TlsFiles:
    """A test CA and one loopback server certificate (also a client one), as TlsFiles."""
    authority = TestAuthority(tmp_path_factory.mktemp("tls"))
    server = authority.issue("server", [LOOPBACK, "localhost"])
    return TlsFiles(ca_file=str(authority.ca_file), cert_file=str(server.cert_file),
                    key_file=str(server.key_file))


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
                **{f"leaf-{p}": f"${leaf_password_env(p)}" for p in delivery},
                **{f"admin-{p}": f"${admin_password_env(p)}" for p in delivery}}
    for path in [DEFAULT_OUT / "hub.conf", *sorted((DEFAULT_OUT / "hub-cluster").glob("*"))]:
        assert users(parse(path.read_text(encoding="utf-8"))) == expected, path.name
    assert leaf_password_env("saint-martin") == "PACE_LEAF_PASSWORD_SAINT_MARTIN"
    assert admin_password_env("saint-martin") == "PACE_ADMIN_PASSWORD_SAINT_MARTIN"


def test_each_leaf_knows_a_user_per_service_and_role_and_no_password_is_written():
    expected = {user: f"${partner_password_env(user)}" for user in PARTNER_USERS}
    assert set(expected) == {"intake", "booking", "trajectory", "sharing", "figures", "web",
                             "staff", "ops"}
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
