"""The image, the partner stack and the hub stack on one Docker engine, as deploy/README.md says.

Runs where a Docker engine answers (`make test` installs and starts one); skips, saying why,
where none can be had. One module-wide set-up: build, onboard, bring both stacks up.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from pace.nats_server import free_ports
from tests.deploy.engine import IMAGE, build_images, missing_engine, run
from tests.deploy.onboarding import env_value, make_ca, onboard_hub, onboard_partner

pytestmark = [pytest.mark.deploy, pytest.mark.timeout(900)]

PARTNER = "mechelen"
SESSION_DAY = (date.today() + timedelta(days=14 - date.today().weekday())).isoformat()  # a Monday
HUB_ADDRESSES = ["198.18.0.1", "198.18.0.2", "198.18.0.3"]  # on lo: three "hub machines"


@dataclass
class Network:
    """Both stacks' compose directories and the host ports they publish on loopback."""

    partner: Path
    hub: Path
    nats_port: int
    monitor_port: int
    hub_port: int

    def compose(self, side: str, *args: str, timeout: float = 300, check: bool = True):
        where = self.partner if side == "partner" else self.hub
        return run(
            "docker",
            "compose",
            "-f",
            f"{side}.yml",
            "--env-file",
            f"{side}.env",
            *args,
            cwd=where,
            timeout=timeout,
            check=check,
        )

    def pace(self, *args: str, user: str = "staff", check: bool = True):
        """`pace ARGS` in a container of the image on the host's network, as the partner's
        `staff` (commands, lists) or `ops` (doctor) user, or the hub's `coordinator`."""
        if user == "coordinator":
            secrets = self.hub / "secrets"
            password = env_value(secrets / "hub-nats.env", "PACE_NATS_PASSWORD_COORDINATOR")
            creds = [
                "-e",
                "PACE_NATS_USER=coordinator",
                "-e",
                f"PACE_NATS_PASSWORD={password}",
                "-e",
                "PACE_NATS_INBOX_PREFIX=_INBOX.coordinator",
            ]
        else:
            secrets = self.partner / "secrets"
            creds = [
                "-e",
                f"PACE_NATS_USER={user}",
                "-e",
                f"PACE_NATS_PASSWORD_FILE=/run/secrets/nats-{user}-password",
                "-v",
                f"{secrets / f'nats-{user}-password'}:/run/secrets/nats-{user}-password:ro",
                "-e",
                f"PACE_NATS_INBOX_PREFIX=_INBOX.{user}",
                "-e",
                f"NATS_URL=tls://127.0.0.1:{self.nats_port}",
            ]
        return run(
            "docker",
            "run",
            "--rm",
            "--network",
            "host",
            "-e",
            "COLUMNS=200",
            "-e",
            "PACE_NATS_CA_FILE=/run/secrets/ca.pem",
            "-v",
            f"{secrets / 'tls' / 'ca.pem'}:/run/secrets/ca.pem:ro",
            *creds,
            IMAGE,
            *args,
            timeout=120,
            check=check,
        )

    def figures(self) -> str:
        return self.pace(
            "report",
            "--hub-url",
            f"tls://127.0.0.1:{self.hub_port}",
            "--format",
            "csv",
            user="coordinator",
        ).stdout


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    if (reason := missing_engine()) is not None:
        pytest.skip(f"deploy tests need a Docker engine: {reason}")
    build_images()
    root = tmp_path_factory.mktemp("deploy")
    ca = make_ca(root / "coordinator")
    nats_port, monitor_port, hub_port = free_ports(3)
    partner = onboard_partner(
        root / "partner-machine",
        PARTNER,
        ca,
        {
            "PACE_PARTNER": PARTNER,
            "NATS_PORT": str(nats_port),
            "MONITOR_PORT": str(monitor_port),
            **{f"HUB_{n}_ADDRESS": a for n, a in enumerate(HUB_ADDRESSES, 1)},
        },
    )
    link = env_value(partner / "secrets/partner-nats.env", "PACE_HUB_LEAF_URL_1")
    link_password = link.split(":")[2].split("@")[0]
    hub = onboard_hub(
        root / "hub-machine",
        ca,
        {
            "HUB_NATS_PORT": str(hub_port),
            **{f"HUB_{n}_ADDRESS": a for n, a in enumerate(HUB_ADDRESSES, 1)},
        },
        {PARTNER: link_password},
    )
    added = _add_addresses(HUB_ADDRESSES)
    net = Network(partner, hub, nats_port, monitor_port, hub_port)
    try:
        with ThreadPoolExecutor(2) as both:  # two machines: the leaf retries until the hub is up
            ups = [
                both.submit(net.compose, side, "up", "-d", "--wait", "--no-build", timeout=600)
                for side in ("hub", "partner")
            ]
            for up in ups:
                up.result()
        yield net
    finally:
        for side in ("partner", "hub"):
            logs = net.compose(side, "logs", "--no-color", "--tail", "60", check=False)
            (root / f"{side}.log").write_text(logs.stdout + logs.stderr)
            net.compose(side, "down", "-v", "--timeout", "10", check=False)
        for address in added:
            run("ip", "addr", "del", f"{address}/32", "dev", "lo", check=False)


def _add_addresses(addresses: list[str]) -> list[str]:
    """Put the hub nodes' addresses on lo (the partner's leaf dials them); those added."""
    present = run("ip", "-4", "addr", "show", "dev", "lo").stdout
    added = [a for a in addresses if f"{a}/" not in present]
    for address in added:
        run("ip", "addr", "add", f"{address}/32", "dev", "lo")
    return added


def _until(predicate, what: str, seconds: float = 120, every: float = 3.0):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {seconds:.0f} s"
        time.sleep(every)


def _referred(csv: str) -> int:
    """The hub's families_referred for the partner, from `pace report --format csv`."""
    for line in csv.splitlines():
        _, _, kind, scope, dimension, _, indicator, value = line.split(",")
        if (kind, scope, dimension, indicator) == ("partner", PARTNER, "", "families_referred"):
            return int(value)
    raise AssertionError(f"no families_referred for {PARTNER} in the report:\n{csv[:2000]}")


def test_every_service_of_both_stacks_is_running(network: Network) -> None:
    partner = network.compose("partner", "ps", "--format", "{{.Service}} {{.State}}").stdout
    hub = network.compose("hub", "ps", "--format", "{{.Service}} {{.State}}").stdout

    for service in ("nats", "postgres", "intake", "booking", "trajectory", "sharing"):
        assert f"{service} running" in partner, partner
    done = network.compose("partner", "ps", "-a", "--format", "{{.Service}} {{.State}}").stdout
    assert "streams exited" in done, done  # the ops user made the streams, then stopped
    for service in ("hub-1", "hub-2", "hub-3", "postgres", "reporting"):
        assert f"{service} running" in hub, hub


def test_the_leaf_is_linked_to_the_hub(network: Network) -> None:
    logs = _until(
        lambda: (
            "Leafnode connection created"
            in (out := network.compose("partner", "logs", "nats").stdout)
            and out
        ),
        "the partner's leaf link",
        seconds=60,
    )

    assert "hub" in logs


def _refer_with_consent(network: Network, family: str, *, parent: str, gender: str,
                        source: str, purposes: tuple[str, ...] = ()) -> str:
    """Refer a family and record its consents; statistics consent lets it reach the hub."""
    referred = network.pace(
        "command",
        "intake",
        "refer_family",
        "--partner",
        PARTNER,
        f"family_id={family}",
        f"referral_source={source}",
        "referred_on=2026-01-05",
        f'parents=[{{"parent_id": "{family}-p", "gender": "{gender}", "full_name": "{parent}"}}]',
        f'children=[{{"child_id": "{family}-c", "first_name": "Lien", "birth_month": "2024-03"}}]',
    )
    for purpose in (*purposes, "cross_border_statistics"):
        network.pace(
            "command",
            "intake",
            "record_consent",
            "--partner",
            PARTNER,
            f"family_id={family}",
            f"purpose={purpose}",
            "given_on=2026-01-05",
        )
    return referred.stdout


# The coordinator sees partner cells of 1 to 4 as "<5" (disclosure control): each step refers
# five families with statistics consent, so every cell the test reads stays a number.
NAMES = ("Els Claes", "An Peeters", "Lies Janssens", "Sofie Maes", "Eva Jacobs")


def test_a_referral_and_a_booking_through_pace_command_change_the_hubs_figures(
    network: Network,
) -> None:
    before = _referred(network.figures())

    referred = [
        _refer_with_consent(network, f"fam-d{i}", parent=name, gender="female",
                            source="social_services", purposes=("trajectory", "childcare"))
        for i, name in enumerate(NAMES, start=1)
    ]
    network.pace(
        "command",
        "intake",
        "enrol_family",
        "--partner",
        PARTNER,
        "family_id=fam-d1",
        "coach_id=coach-3",
        "enrolled_on=2026-01-06",
    )
    capacity = network.pace(
        "command",
        "booking",
        "set_daypart_capacity",
        "--partner",
        PARTNER,
        "location_id=loc-1",
        f"session_date={SESSION_DAY}",
        "daypart=morning",
        "capacity=15",
    )
    booked = _until(
        lambda: (
            (
                r := network.pace(  # booking learns of the enrolment by event
                    "command",
                    "booking",
                    "book_slot",
                    "--partner",
                    PARTNER,
                    "location_id=loc-1",
                    f"session_date={SESSION_DAY}",
                    "daypart=morning",
                    "booking_id=b-1",
                    "family_id=fam-d1",
                    "child_id=fam-d1-c",
                    check=False,
                )
            ).returncode
            == 0
            and r
        ),
        "the booking",
        seconds=90,
    )
    after = _until(
        lambda: (n := _referred(network.figures())) >= before + 5 and n,
        "the hub's figures for mechelen to change",
        seconds=150,
    )

    assert all("ok FamilyReferred" in out for out in referred), referred
    assert capacity.returncode == 0 and "ok SlotBooked" in booked.stdout, booked.stdout
    assert after == before + 5


def test_pace_doctor_is_green(network: Network) -> None:
    result = network.pace(
        "doctor",
        "--partner",
        PARTNER,
        "--nats-url",
        f"tls://127.0.0.1:{network.nats_port}",
        "--monitor-url",
        f"http://127.0.0.1:{network.monitor_port}",
        user="ops",
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "fail" not in result.stdout


def test_figures_still_arrive_with_one_hub_node_killed(network: Network) -> None:
    before = _referred(network.figures())
    network.compose("hub", "kill", "hub-3")

    for i, name in enumerate(("Jan Peeters", "Tom Claes", "Bart Maes", "Wim Jacobs", "Luc Wouters"),
                             start=6):
        _refer_with_consent(network, f"fam-d{i}", parent=name, gender="male", source="self")
    after = _until(
        lambda: (n := _referred(network.figures())) >= before + 5 and n,
        "the figures with hub-3 down",
        seconds=150,
    )

    assert after == before + 5
