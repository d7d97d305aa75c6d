"""The Dockerfile and compose files in deploy/: they parse, and name only images, settings,
files and `pace` commands that exist. (Helm chart: test_deploy_files_helm; nats-server
configs: test_deploy_configs.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from pace.nats_server import nats_server_binary
from pace.network.configs import CLUSTER_TLS, PRODUCTION_TLS, env_references
from pace.network.permissions import PARTNER_USERS, inbox_of
from pace.settings import SECRETS, Settings, env_name, env_names
from tests.integration.deploy_facts import (
    COMPOSE,
    DELIVERY,
    DEPLOY,
    OUR_IMAGE,
    ROOT,
    check_container,
    check_environment,
    nats_user_of,
)

# -- Dockerfile -------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def test_the_image_is_python_slim_non_root_and_runs_pace():
    instructions = dockerfile_instructions()
    froms = [arg.split()[0] for op, arg in instructions if op == "FROM"]
    users = [arg for op, arg in instructions if op == "USER"]

    assert set(froms) == {"python:3.11-slim"}
    assert users and not users[-1].startswith(("0", "root"))
    assert ("ENTRYPOINT", '["pace"]') in instructions
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"]
    assert scripts["pace"] == "apps.cli:main"


def test_the_dockerfile_copies_only_files_that_exist_and_the_context_keeps():
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    kept = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copies = [arg.split() for op, arg in dockerfile_instructions()
              if op == "COPY" and not arg.startswith("--from=")]

    assert copies
    for *sources, _target in copies:
        for source in sources:
            if "*" in source:  # optional, e.g. requirements*.lock: kept when there is one
                assert source in kept, f"{source} is left out by .dockerignore"
                continue
            assert (ROOT / source).exists(), source
            assert source.rstrip("/") in kept, f"{source} is left out by .dockerignore"


def test_the_dependencies_are_installed_before_the_code_is_copied():
    ops = [(op, arg) for op, arg in dockerfile_instructions()]
    final = ops[max(i for i, (op, _) in enumerate(ops) if op == "FROM"):]
    install = next(i for i, (op, arg) in enumerate(final) if op == "RUN" and "requirements" in arg)
    code = next(i for i, (op, arg) in enumerate(final) if op == "COPY" and arg.startswith("pace"))

    assert install < code


def test_the_image_installs_exactly_the_locked_dependencies():
    runs = [arg for op, arg in dockerfile_instructions() if op == "RUN"]
    copies = [arg.split() for op, arg in dockerfile_instructions() if op == "COPY"]

    assert ["requirements.lock", "/tmp/requirements.lock"] in copies
    assert any("pip install --require-hashes --no-deps -r /tmp/requirements.lock" in arg
               for arg in runs)
    assert (ROOT / "requirements.lock").is_file()
    installs = [arg for arg in runs if "pip install" in arg]
    assert all("--no-deps" in arg for arg in installs), installs  # nothing resolved in the build


def test_the_image_exposes_the_health_and_metrics_ports_of_the_settings():
    exposed = [arg for op, arg in dockerfile_instructions() if op == "EXPOSE"]
    defaults = Settings.model_fields

    assert exposed == [f"{defaults['health_port'].default} {defaults['metrics_port'].default}"]


# -- compose ----------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$(?:\$|\{(\w+)(?:(:?[-?])([^}]*))?\}|(\w+))")


def interpolate(value: Any, env: dict[str, str], used: set[str]) -> Any:
    """Compose's interpolation, strict: a variable neither set nor defaulted fails."""
    if isinstance(value, dict):
        return {k: interpolate(v, env, used) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, used) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        used.add(name)
        if name in env and (env[name] or ":" not in (match.group(2) or "")):
            return env[name]
        if match.group(2) in (":-", "-"):
            return match.group(3)
        raise AssertionError(f"${{{name}}} is not set: {match.group(3) or 'no default'}")

    return _VARIABLE.sub(substitute, value)


def example_env(name: str) -> dict[str, str]:
    lines = (COMPOSE / f"{name}.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def compose_file(name: str, **overrides: str) -> tuple[dict[str, Any], set[str]]:
    raw = yaml.safe_load((COMPOSE / f"{name}.yml").read_text(encoding="utf-8"))
    used: set[str] = set()
    env = {**example_env(name), **overrides}
    return interpolate(raw, env, used), used


COMPOSE_CASES = [("hub", {}), *(("partner", {"PACE_PARTNER": p}) for p in DELIVERY)]


def compose_ids(case: tuple[str, dict[str, str]]) -> str:
    return "-".join([case[0], *case[1].values()])


@pytest.mark.parametrize("case", COMPOSE_CASES, ids=compose_ids)
def test_compose_images_are_ours_or_pinned_official_ones(case):
    document, _ = compose_file(case[0], **case[1])
    services = document["services"]
    nats_version = nats_server_version()

    built = [s for s in services.values() if "build" in s]
    assert built and all(s["build"] == {"context": "../..", "dockerfile": "deploy/Dockerfile"}
                         for s in built)
    for name, service in services.items():
        image = service["image"]
        if image == OUR_IMAGE:
            continue
        repository, tag = image.split(":")
        assert repository in ("nats", "postgres"), f"{name}: {image}"
        if repository == "nats":
            assert tag == f"{nats_version}-alpine", f"{name}: not the version that checked " \
                                                    "the configs"
        else:
            assert re.fullmatch(r"18\.\d+-alpine", tag), f"{name}: {image}"


@pytest.mark.parametrize("case", COMPOSE_CASES, ids=compose_ids)
def test_compose_pace_services_run_real_commands_with_known_settings(case, monkeypatch):
    document, used = compose_file(case[0], **case[1])

    assert {v for v in used if v.startswith("PACE_")} <= env_names()
    pace_services = {n: s for n, s in document["services"].items() if s["image"] == OUR_IMAGE}
    assert pace_services
    for name, service in pace_services.items():
        environment = {k: ("<from a secret>" if k in map(env_name, SECRETS) else v)
                       for k, v in service["environment"].items()}
        check_environment(environment, monkeypatch)  # the command reads it, as in its container
        check_container(service.get("entrypoint"), service.get("command", ["--help"]))
        for key, value in service["environment"].items():
            if key.endswith("_FILE"):
                secret = value.removeprefix("/run/secrets/")
                assert secret in service.get("secrets", []), f"{name}: {key} has no secret"


@pytest.mark.parametrize("case", COMPOSE_CASES, ids=compose_ids)
def test_compose_mounts_files_that_exist_and_secrets_that_stay_out_of_git(case):
    document, _ = compose_file(case[0], **case[1])

    for name, service in document["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./secrets/"):  # made on the host, ignored by git
                assert (COMPOSE / "secrets") in (COMPOSE / source).resolve().parents
            elif source.startswith((".", "/")):
                path = (COMPOSE / source).resolve()
                assert path.is_file() and DEPLOY in path.parents, f"{name}: {source}"
        for env_file in service.get("env_file", []):
            assert env_file.startswith("./secrets/"), f"{name}: {env_file} is not a secret"
        if service["image"].startswith("nats:"):
            conf = next(v for v in service["volumes"] if v.endswith(".conf:ro"))
            assert service["command"] == ["--config", conf.split(":")[1]]
    for secret in document["secrets"].values():
        assert secret["file"].startswith("./secrets/")
    assert (COMPOSE / "secrets" / ".gitignore").read_text(encoding="utf-8").split(
        "\n")[1:3] == ["*", "!.gitignore"]


def mounted_config(service: dict[str, Any]) -> str:
    """The text of the nats-server config a compose service mounts."""
    conf = next(v for v in service["volumes"] if v.endswith(".conf:ro"))
    return (COMPOSE / conf.split(":")[0]).read_text(encoding="utf-8")


def env_file_names(env_file: str) -> set[str]:
    """The variables of a secrets env file, read from its checked-in example beside compose:
    ./secrets/partner-nats.env -> partner-nats.env.example."""
    example = COMPOSE / (Path(env_file).name + ".example")
    assert example.is_file(), f"{env_file}: no {example.name} names its variables"
    lines = example.read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("case", COMPOSE_CASES, ids=compose_ids)
def test_compose_nats_servers_get_every_variable_and_tls_file_their_config_reads(case):
    document, _ = compose_file(case[0], **case[1])
    nats_services = {n: s for n, s in document["services"].items()
                     if s["image"].startswith("nats:")}

    assert nats_services
    for name, service in nats_services.items():
        text = mounted_config(service)
        provided = set(service.get("environment", {}))
        for env_file in service.get("env_file", []):
            provided |= env_file_names(env_file)
        needed = env_references(text)
        assert needed, f"{name}: its config reads no password from the environment"
        assert needed <= provided, f"{name}: {sorted(needed - provided)} are not provided"
        targets = {v.split(":")[1] for v in service["volumes"]
                   if v.startswith("./secrets/")}
        for path in (PRODUCTION_TLS.ca_file, PRODUCTION_TLS.cert_file, PRODUCTION_TLS.key_file):
            assert f'"{path}"' in text, f"{name}: its config has no {path}"
            assert str(Path(path).parent) in targets, f"{name}: {path} is not mounted"


@pytest.mark.parametrize("case", COMPOSE_CASES, ids=compose_ids)
def test_compose_services_connect_with_their_user_tls_and_inbox(case):
    document, _ = compose_file(case[0], **case[1])

    clients = {n: s for n, s in document["services"].items()
               if s["image"] == OUR_IMAGE and "PACE_NATS_URL" in s["environment"]}
    assert clients
    for name, service in clients.items():
        env = service["environment"]
        user = nats_user_of(case[0], name, service)
        assert env["PACE_NATS_URL"].startswith("tls://"), name
        assert env["PACE_NATS_USER"] == user, name
        assert env["PACE_NATS_INBOX_PREFIX"] == inbox_of(user), name
        assert env["PACE_NATS_PASSWORD_FILE"] == f"/run/secrets/nats-{user}-password", name
        assert env["PACE_NATS_CA_FILE"].startswith("/run/secrets/"), name
        for secret in service["secrets"]:
            assert document["secrets"][secret]["file"].startswith("./secrets/")


def test_a_partner_compose_runs_its_own_leaf_config_and_every_service():
    document, _ = compose_file("partner", PACE_PARTNER="gent")
    services = document["services"]

    assert "../nats/leaf/gent.conf:/etc/nats/nats-server.conf:ro" in services["nats"]["volumes"]
    up = {n: s for n, s in services.items() if s.get("command", [""])[:2] == ["partner", "up"]}
    assert {s["command"][-1] for s in up.values()} == {"intake", "booking", "trajectory",
                                                        "sharing", "figures"}
    assert services["streams"]["command"] == ["partner", "streams", "--partner", "gent"]
    for name, service in up.items():  # as their own users they may not make the streams
        assert service["depends_on"]["streams"] == {
            "condition": "service_completed_successfully"}, name
    with pytest.raises(AssertionError, match=r"PACE_PARTNER\} is not set"):
        compose_file("partner", PACE_PARTNER="")


def test_the_hub_compose_runs_the_three_cluster_nodes_and_reporting():
    document, _ = compose_file("hub")
    services = document["services"]

    for node in ("hub-1", "hub-2", "hub-3"):
        assert f"../nats/hub-cluster/{node}.conf:/etc/nats/nats-server.conf:ro" in services[
            node]["volumes"]
        assert services[node]["hostname"] == node
        text = mounted_config(services[node])
        mounted = {v.split(":")[1] for v in services[node]["volumes"]}
        for path in (CLUSTER_TLS.ca_file, CLUSTER_TLS.cert_file, CLUSTER_TLS.key_file):
            assert f'"{path}"' in text and str(Path(path).parent) in mounted, node
    assert services["reporting"]["command"] == ["hub", "up"]
    assert services["reporting"]["environment"]["PACE_STREAM_REPLICAS"] == "3"


def nats_server_version() -> str:
    import subprocess

    out = subprocess.run([nats_server_binary(), "--version"], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    return re.search(r"v(\d+\.\d+\.\d+)", out).group(1)


def _published_host_ports(document: dict[str, Any]) -> dict[str, list[str]]:
    return {name: [p.rsplit(":", 1)[0] for p in service.get("ports", [])]
            for name, service in document["services"].items()}


def test_a_hub_and_a_partner_publish_no_host_port_in_common():
    partner, _ = compose_file("partner", PACE_PARTNER="gent")
    hub, _ = compose_file("hub")
    partner_ports = {p for ports in _published_host_ports(partner).values() for p in ports}
    hub_ports = {p for ports in _published_host_ports(hub).values() for p in ports}

    assert partner_ports and not partner_ports & hub_ports, partner_ports & hub_ports
    assert all(p.startswith("127.0.0.1:") for p in partner_ports), partner_ports


@pytest.mark.parametrize("name", ["partner", "hub"])
def test_postgres_is_healthy_only_when_it_answers_over_tcp(name):
    document, _ = compose_file(name, PACE_PARTNER="gent")
    check = document["services"]["postgres"]["healthcheck"]["test"]

    assert check[:2] == ["CMD", "pg_isready"] and check[check.index("-h") + 1] == "127.0.0.1"


@pytest.mark.parametrize("name", ["partner", "hub"])
def test_nats_servers_have_a_health_check_the_services_wait_for(name):
    document, _ = compose_file(name, PACE_PARTNER="gent")
    services = document["services"]
    nodes = [n for n, s in services.items() if s["image"].startswith("nats:")]

    for node in nodes:
        assert "healthz" in " ".join(services[node]["healthcheck"]["test"]), node
    for service in services.values():
        for dependency, how in service.get("depends_on", {}).items():
            if dependency in nodes:
                assert how["condition"] == "service_healthy"


def test_the_stand_in_script_makes_the_images_the_files_name():
    script = (DEPLOY / "images" / "standins.sh").read_text(encoding="utf-8")
    partner, _ = compose_file("partner", PACE_PARTNER="gent")
    named = {s["image"] for s in partner["services"].values()} - {OUR_IMAGE}
    froms = {arg.split()[0] for op, arg in dockerfile_instructions() if op == "FROM"}

    for image in named | froms:
        assert f"={image}\n" in script, f"{image} has no stand-in"


def test_onboarding_makes_the_secrets_readable_by_the_image_user_and_keeps_tls_open():
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    partner, _ = compose_file("partner", PACE_PARTNER="gent")
    made = {f"nats-{user}-password" for user in PARTNER_USERS}

    # one password file per user of the leaf (and its PACE_NATS_PASSWORD_<USER>), in step 4
    assert f"for user in {' '.join(PARTNER_USERS)}; do" in readme
    for secret in partner["secrets"].values():
        name = secret["file"].removeprefix("./secrets/")
        assert not name.startswith("nats-") or name in made, name
    for name in (CLUSTER_TLS.ca_file, CLUSTER_TLS.cert_file, CLUSTER_TLS.key_file):
        assert f"secrets/tls/{Path(name).name}" in readme  # the hub's routes, their own CA

    assert "chmod 600 secrets/*" not in readme
    assert "chgrp 10001 secrets/db-password" in readme
    assert "openssl rand -hex 32 > secrets/vault.key" not in readme  # not a Fernet key
    assert "nats://127.0.0.1:4222 pace list" not in readme  # the partner's NATS needs TLS
