"""The registry of PACE partners (deploy/partners.toml): who they are and what they run."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contracts.subjects import check_partner

DEFAULT_REGISTRY = Path(__file__).resolve().parents[2] / "deploy" / "partners.toml"
COUNTRIES = ("BE", "NL", "FR", "UK")
LANGUAGES = ("nl", "fr", "en")
COUNTRY_TIME_ZONES = {
    "BE": "Europe/Brussels",
    "NL": "Europe/Amsterdam",
    "FR": "Europe/Paris",
    "UK": "Europe/London",
}


class Role(StrEnum):
    DELIVERY = "delivery"
    RESEARCH = "research"
    COORDINATOR = "coordinator"


class RegistryError(ValueError):
    """The registry file is missing, unreadable or describes an impossible network."""


@dataclass(frozen=True, slots=True)
class PartnerInfo:
    id: str
    name: str
    city: str
    country: str
    language: str
    role: Role
    lead: bool = False
    time_zone: str = "Europe/Brussels"  # IANA name: the partner's "today" and its cut-offs

    @property
    def delivers(self) -> bool:
        return self.role is Role.DELIVERY


@dataclass(frozen=True, slots=True)
class Registry:
    partners: tuple[PartnerInfo, ...]

    def __getitem__(self, partner_id: str) -> PartnerInfo:
        for info in self.partners:
            if info.id == partner_id:
                return info
        known = ", ".join(p.id for p in self.partners)
        raise KeyError(f"no partner {partner_id!r} in the registry (known: {known})")

    def __contains__(self, partner_id: object) -> bool:
        return any(p.id == partner_id for p in self.partners)

    @property
    def delivery(self) -> tuple[PartnerInfo, ...]:
        return tuple(p for p in self.partners if p.delivers)

    @property
    def lead(self) -> PartnerInfo:
        return next(p for p in self.partners if p.lead)

    def country_of(self, partner_id: str) -> str:
        return self[partner_id].country


def load_registry(path: Path = DEFAULT_REGISTRY) -> Registry:
    """Read and check the registry; every problem is named with the partner it concerns."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RegistryError(f"cannot read the partners registry {path.name}: {error}") from error
    entries = raw.get("partner")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path.name} lists no [[partner]] tables")
    partners = [_partner(entry, index) for index, entry in enumerate(entries, start=1)]
    ids = [p.id for p in partners]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"{path.name}: partner ids used twice: {', '.join(duplicates)}")
    leads = [p.id for p in partners if p.lead]
    if len(leads) != 1:
        raise RegistryError(f"{path.name}: exactly one lead partner expected, found {leads}")
    return Registry(tuple(partners))


_FIELDS = ("id", "name", "city", "country", "language", "role")


def _partner(entry: object, index: int) -> PartnerInfo:
    if not isinstance(entry, dict):
        raise RegistryError(f"partner #{index} is not a table")
    where = f"partner #{index} ({entry.get('id', '?')})"
    missing = [f for f in _FIELDS if not isinstance(entry.get(f), str) or not entry.get(f)]
    if missing:
        raise RegistryError(f"{where}: missing or empty: {', '.join(missing)}")
    unknown = sorted(set(entry) - {*_FIELDS, "lead", "time_zone"})
    if unknown:
        raise RegistryError(f"{where}: unknown keys: {', '.join(unknown)}")
    try:
        check_partner(entry["id"])
        role = Role(entry["role"])
    except ValueError as error:
        raise RegistryError(f"{where}: {error}") from error
    if entry["country"] not in COUNTRIES:
        raise RegistryError(f"{where}: country must be one of {', '.join(COUNTRIES)}")
    if entry["language"] not in LANGUAGES:
        raise RegistryError(f"{where}: language must be one of {', '.join(LANGUAGES)}")
    lead = entry.get("lead", False)
    if not isinstance(lead, bool):
        raise RegistryError(f"{where}: lead must be true or false")
    zone = entry.get("time_zone", COUNTRY_TIME_ZONES[entry["country"]])
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise RegistryError(f"{where}: time_zone {zone!r} is not a known time zone") from error
    return PartnerInfo(
        entry["id"],
        entry["name"],
        entry["city"],
        entry["country"],
        entry["language"],
        role,
        lead,
        zone,
    )
