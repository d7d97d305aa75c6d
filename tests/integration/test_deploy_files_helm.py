"""The Helm chart in deploy/helm: it renders and runs only our image, real commands and settings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from pace.network.configs import env_references
from pace.network.permissions import inbox_of
from pace.settings import SECRETS
from tests.integration.deploy_facts import (
    CHART,
    DEPLOY,
    OUR_IMAGE,
    VERSION,
    check_container,
    check_environment,
    nats_user_of,
)
from tests.unit.gotemplate import TemplateError, render

# -- the Helm chart ---------------------------------------------------------------------------


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of values files: dicts merge, a null removes the key."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
            continue
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(
            out.get(key), dict) else value
    return out


def values(*overrides: str) -> dict[str, Any]:
    result = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    for name in overrides:
        result = merged(result, yaml.safe_load((CHART / name).read_text(encoding="utf-8")))
    return result


def rendered(chart_values: dict[str, Any]) -> list[dict[str, Any]]:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    root = {"Values": chart_values, "Release": {"Name": "pace", "Namespace": "pace"},
            "Chart": {"Name": chart["name"], "Version": chart["version"],
                      "AppVersion": chart["appVersion"]}}
    documents = []
    for template in sorted((CHART / "templates").glob("*.yaml")):
        text = render(template.read_text(encoding="utf-8"), root)
        documents += [d for d in yaml.safe_load_all(text) if d]
    return documents


HELM_CASES = {"partner": values(), "hub": values("values-hub.yaml")}


def containers(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for d in documents for c in d["spec"]["template"]["spec"]["containers"]]


def test_the_chart_depends_on_the_official_nats_chart():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))

    assert chart["apiVersion"] == "v2" and chart["appVersion"] == VERSION
    [nats] = chart["dependencies"]
    assert nats["name"] == "nats"
    assert nats["repository"] == "https://nats-io.github.io/k8s/helm/charts/"
    assert nats["condition"] == "nats.enabled"


def test_the_partner_release_runs_each_service_and_the_hub_release_reporting():
    partner = rendered(HELM_CASES["partner"])
    hub = rendered(HELM_CASES["hub"])

    assert sorted(d["metadata"]["name"] for d in partner if d["kind"] == "Deployment") == [
        "pace-booking", "pace-figures", "pace-intake", "pace-sharing", "pace-trajectory"]
    assert [d["metadata"]["name"] for d in hub if d["kind"] == "Deployment"] == [
        "pace-reporting"]
    jobs = {role: sorted(d["metadata"]["name"] for d in documents if d["kind"] == "Job")
            for role, documents in (("partner", partner), ("hub", hub))}
    assert jobs == {"partner": ["pace-migrate", "pace-streams"], "hub": ["pace-migrate"]}
    [streams] = [d for d in partner if d["metadata"]["name"] == "pace-streams"]
    assert streams["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    for documents in (partner, hub):
        for document in documents:
            assert document["apiVersion"] and document["metadata"]["name"].startswith("pace-")


@pytest.mark.parametrize("role", sorted(HELM_CASES))
def test_chart_containers_run_our_image_real_commands_and_known_settings(role, monkeypatch):
    for container in containers(rendered(HELM_CASES[role])):
        assert container["image"] == OUR_IMAGE
        environment = {}
        for entry in container["env"]:
            if "valueFrom" in entry:
                assert set(entry["valueFrom"]) == {"secretKeyRef"}
                environment[entry["name"]] = "<from a secret>"
            else:
                environment[entry["name"]] = entry["value"]
        check_environment(environment, monkeypatch)  # the command reads it, as in its pod
        check_container(container.get("command"), container["args"])


def test_chart_secrets_are_referenced_never_embedded():
    for role, chart_values in HELM_CASES.items():
        documents = rendered(chart_values)
        assert not [d for d in documents if d["kind"] == "Secret"], role
        for container in containers(documents):
            for entry in container["env"]:
                secret = entry["name"].removeprefix("PACE_").lower()
                if secret in SECRETS:
                    assert "valueFrom" in entry, f"{role}: {entry['name']} in plain text"


def test_the_nats_chart_values_give_the_leaf_its_domain_and_the_hub_three_nodes():
    partner, hub = HELM_CASES["partner"], HELM_CASES["hub"]

    assert partner["nats"]["config"]["merge"]["jetstream"]["domain"] == partner["partner"]["id"]
    assert partner["nats"]["config"]["merge"]["leafnodes"]["remotes"][0]["urls"]
    assert hub["nats"]["config"]["merge"]["jetstream"]["domain"] == "hub"
    assert hub["nats"]["config"]["cluster"]["replicas"] == hub["hub"]["streamReplicas"] == 3
    assert hub["nats"]["config"]["leafnodes"]["enabled"] is True
    routes = hub["nats"]["config"]["cluster"]["tls"]  # their own CA, not the network's
    assert routes["secretName"] != hub["nats"]["config"]["nats"]["tls"]["secretName"]
    assert routes["merge"]["verify"] is True and routes["merge"]["ca_file"].startswith(
        "/etc/nats-certs/cluster/")


@pytest.mark.parametrize("role", sorted(HELM_CASES))
def test_chart_services_connect_to_nats_with_their_user_tls_and_inbox(role):
    chart_values = HELM_CASES[role]

    for container in containers(rendered(chart_values)):
        env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
        if "PACE_NATS_URL" not in env:
            continue  # the migrations need no NATS
        user = nats_user_of(role, container["name"], {"command": container["args"]})
        assert env["PACE_NATS_URL"].startswith("tls://")
        assert env["PACE_NATS_USER"] == user
        assert env["PACE_NATS_INBOX_PREFIX"] == inbox_of(user)
        assert env["PACE_NATS_PASSWORD"] == {"secretKeyRef": {
            "name": f"pace-nats-{user}-password", "key": "password"}}
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert str(Path(env["PACE_NATS_CA_FILE"]).parent) in mounts


@pytest.mark.parametrize("role", sorted(HELM_CASES))
def test_the_nats_chart_gets_every_password_variable_of_the_generated_config(role):
    chart_values = HELM_CASES[role]
    conf = (DEPLOY / "nats" / "hub-cluster" / "hub-1.conf" if role == "hub" else
            DEPLOY / "nats" / "leaf" / f"{chart_values['partner']['id']}.conf")
    env = chart_values["nats"]["container"]["env"]

    assert set(env) == env_references(conf.read_text(encoding="utf-8"))
    for name, entry in env.items():
        assert set(entry["valueFrom"]) == {"secretKeyRef"}, name
    assert chart_values["nats"]["config"]["nats"]["tls"]["enabled"] is True
    assert ("leafnodes" in chart_values["nats"]["config"]["merge"]) == (role == "partner")


def test_a_misspelt_value_in_a_template_fails_the_render():
    with pytest.raises(TemplateError, match="no 'databse'"):
        render("{{ .Values.databse.url }}", {"Values": {"database": {}}})
    with pytest.raises(TemplateError, match="unsupported"):
        render('{{ include "x" . }}', {"Values": {}})
