"""Hub cluster routes trust a CA of their own: a certificate from the network CA (which
signs every partner's leaf certificate) cannot join the cluster as a route.

Two nodes of the generated hub cluster config run on loopback with their route
certificates from a cluster CA; a third server with a valid network-CA certificate dials
their route port and is refused, while the two nodes route to each other.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from pace.nats_server import free_ports, nats_server_binary
from pace.network.configs import (
    COORDINATOR_PASSWORD_ENV,
    REPORTING_PASSWORD_ENV,
    HubNode,
    Tls,
    TlsFiles,
    admin_password_env,
    hub_cluster_configs,
    hub_security,
    leaf_password_env,
)
from pace.network.registry import load_registry
from pace.tls import TestAuthority

pytestmark = [pytest.mark.nats, pytest.mark.timeout(90)]

LOOPBACK = "127.0.0.1"


def tls_files(authority: TestAuthority, name: str) -> TlsFiles:
    pair = authority.issue(name, [LOOPBACK, "localhost"])
    return TlsFiles(str(authority.ca_file), str(pair.cert_file), str(pair.key_file))


def routez(monitor_port: int) -> list[str]:
    url = f"http://{LOOPBACK}:{monitor_port}/routez"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return sorted({r.get("remote_name", "?") for r in json.load(response)["routes"] or []})


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not seen in {timeout:.0f}s: {what}")


def test_a_network_ca_certificate_cannot_join_the_hub_cluster_as_a_route(tmp_path: Path):
    network_ca = TestAuthority(tmp_path / "network-ca", name="PACE network CA")
    cluster_ca = TestAuthority(tmp_path / "cluster-ca", name="PACE hub cluster CA")
    ports = free_ports(12)
    nodes = [
        HubNode(
            f"hub-{n}",
            host=LOOPBACK,
            client_port=ports[4 * n - 4],
            leaf_port=ports[4 * n - 3],
            cluster_port=ports[4 * n - 2],
            monitor_port=ports[4 * n - 1],
        )
        for n in (1, 2, 3)
    ]
    options = hub_security(
        tls=tls_files(network_ca, "hub"),
        cluster=True,
        cluster_tls=tls_files(cluster_ca, "hub-route"),
    )
    configs = {
        n.name: hub_cluster_configs(nodes, bind=LOOPBACK, store_dir=tmp_path / n.name, **options)[
            n.name
        ]
        for n in nodes
    }
    env = {
        REPORTING_PASSWORD_ENV: "pwr",
        COORDINATOR_PASSWORD_ENV: "pwc",
        **{leaf_password_env(p.id): "pwl" for p in load_registry().delivery},
        **{admin_password_env(p.id): "pwa" for p in load_registry().delivery},
    }
    # a partner's valid certificate from the network CA, offered on the route port
    partner = tls_files(network_ca, "partner-leaf")
    rogue_tls = Tls(partner.cert_file, partner.key_file, partner.ca_file)
    rogue = "\n".join(
        [
            'server_name: "rogue"',
            f'listen: "{LOOPBACK}:{free_ports(1)[0]}"',
            "cluster {",
            '  name: "pace-hub"',
            f'  listen: "{LOOPBACK}:{free_ports(1)[0]}"',
            f'  routes: ["nats-route://{LOOPBACK}:{nodes[0].cluster_port}"]',
            *(f"  {line}" for line in rogue_tls.lines()),
            "}",
        ]
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, text in (
            ("hub-1", configs["hub-1"]),
            ("hub-2", configs["hub-2"]),
            ("rogue", rogue),
        ):
            (tmp_path / f"{name}.conf").write_text(text, encoding="utf-8")
            with (tmp_path / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        [nats_server_binary(), "-c", str(tmp_path / f"{name}.conf")],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        env={**os.environ, **env},
                        start_new_session=True,
                    )
                )
        # the control: the two hub nodes route to each other under the cluster CA
        wait_for(lambda: routez(nodes[0].monitor_port) == ["hub-2"], 30, "hub-1 <-> hub-2")
        wait_for(
            lambda: (
                "tls" in (tmp_path / "hub-1.log").read_text().lower()
                and "rogue" not in routez(nodes[0].monitor_port)
                and "error" in (tmp_path / "rogue.log").read_text().lower()
            ),
            30,
            "the rogue's route attempt refused",
        )
        time.sleep(1.0)  # it keeps retrying; it never gets in
        assert routez(nodes[0].monitor_port) == ["hub-2"]
        assert routez(nodes[1].monitor_port) == ["hub-1"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
