"""Each partner's time zone in the registry: given, taken from the country, or refused."""

from __future__ import annotations

import pytest

from pace.network.registry import RegistryError, load_registry

ENTRY = 'id = "{id}"\nname = "N"\ncity = "C"\ncountry = "{country}"\nlanguage = "en"\n'


def registry(tmp_path, *extra: str, country: str = "UK"):
    path = tmp_path / "partners.toml"
    path.write_text(
        "[[partner]]\n"
        + ENTRY.format(id="lead", country="BE")
        + 'role = "delivery"\nlead = true\n\n[[partner]]\n'
        + ENTRY.format(id="p", country=country)
        + 'role = "delivery"\n'
        + "".join(extra),
        encoding="utf-8",
    )
    return load_registry(path)


def test_every_partner_of_the_network_has_its_countrys_time_zone():
    zones = {p.country: p.time_zone for p in load_registry().partners}

    assert zones == {
        "BE": "Europe/Brussels",
        "NL": "Europe/Amsterdam",
        "FR": "Europe/Paris",
        "UK": "Europe/London",
    }


def test_a_partner_without_a_time_zone_gets_its_countrys(tmp_path):
    assert registry(tmp_path, country="FR")["p"].time_zone == "Europe/Paris"


def test_a_time_zone_given_is_kept(tmp_path):
    assert registry(tmp_path, 'time_zone = "Europe/Dublin"\n')["p"].time_zone == "Europe/Dublin"


def test_an_unknown_time_zone_is_refused_with_the_partner_named(tmp_path):
    with pytest.raises(RegistryError, match=r"partner #2 \(p\): time_zone 'Mars/Olympus'"):
        registry(tmp_path, 'time_zone = "Mars/Olympus"\n')
