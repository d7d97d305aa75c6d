"""How each partner's history is shaped, and each delivery partner's share of the network's targets.

The partners come from the registry (deploy/partners.toml): the lead partner gets its own
profile and MECHELEN_TARGETS; every other delivery partner, one added to the registry
included, gets the default profile and its share of the network's figures. Only the full
history (scale 1.0) is calibrated: the lead partner whenever it is planned, the network when
every delivery partner of the registry is. Smaller or partial histories have the same shape,
by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from pace.network.registry import PartnerInfo, Registry, load_registry
from services.booking.rules import Policy
from simulation.calibration import (
    MECHELEN_TARGETS,
    NETWORK_TARGETS,
    Calibration,
    CalibrationError,
    Milestone,
    NetworkTargets,
)
from simulation.dates import DENSE_FROM, LAST_PROGRAMME_REFERRAL


@dataclass(frozen=True, slots=True)
class PartnerProfile:
    """How a partner's history is shaped: size, start, the odds of each path, its targets.

    `referrals_until` is the last day a family can be referred (None: 120 days before the
    history ends). With a `calibration`, its figures are met exactly whatever the odds.
    `policy` is the partner's booking policy (places per day-part, bridging period): the
    history keeps booking's own rules with it.
    """

    partner: str
    language: str
    families: int
    starts: date
    enrol: float = 0.8
    plan: float = 0.85
    training: float = 0.6
    job: float = 0.4
    complete: float = 0.55
    drop: float = 0.12
    childcare: float = 0.9
    handover: float = 0.6
    referrals_until: date | None = None
    calibration: Calibration | None = None
    bridging: float = 0.0  # the share of completed families that keep places after coaching
    dense_from: date | None = None  # children come every week from this day (None: never)
    policy: Policy = Policy()


def lead_profile(info: PartnerInfo, scale: float, dense_from: date | None) -> PartnerProfile:
    """The lead partner (Mechelen): the largest history, calibrated to its published figures."""
    return PartnerProfile(
        info.id, info.language, max(1, round(167 * scale)), date(2017, 1, 9),
        enrol=0.85, plan=0.9, training=0.7, job=0.5, complete=0.65, drop=0.08,
        calibration=MECHELEN_TARGETS if scale == 1.0 else None, bridging=0.6,
        dense_from=dense_from)


def default_profile(info: PartnerInfo, index: int, scale: float,
                    dense_from: date | None) -> PartnerProfile:
    """Any other delivery partner: a smaller history, its size and start month set by its
    place in the registry, new families until January 2021 (the end of the programme)."""
    families = 80 + (index * 17) % 45
    return PartnerProfile(
        info.id, info.language, max(1, round(families * scale)),
        date(2017, 1 + index % 9, 2), enrol=0.85, plan=0.7,
        referrals_until=LAST_PROGRAMME_REFERRAL, bridging=0.4, dense_from=dense_from)


def default_profiles(partners: Sequence[PartnerInfo], scale: float = 1.0,
                     network: NetworkTargets | None = NETWORK_TARGETS,
                     dense_from: date | None = DENSE_FROM, everyone: bool = False,
                     registry: Registry | None = None) -> list[PartnerProfile]:
    """Profiles for the delivery partners: the lead partner first, the others smaller.

    At scale 1.0 the lead partner carries MECHELEN_TARGETS and, when `partners` are all the
    delivery partners of the registry (`registry`, else deploy/partners.toml), each other
    partner its share of the network's targets. The lead partner's children come every week
    from `dense_from` on (None: never), and so do every partner's with `everyone`
    (HISTORY_START and everyone: all along, several times slower).
    """
    profiles = [lead_profile(info, scale, dense_from) if info.lead else
                default_profile(info, index, scale, dense_from if everyone else None)
                for index, info in enumerate(partners)]
    if scale == 1.0 and network is not None:
        delivery = {p.id for p in (registry or load_registry()).delivery}
        if {p.partner for p in profiles} == delivery:
            profiles = share_out(profiles, network)
    return profiles


def share_out(profiles: list[PartnerProfile], network: NetworkTargets) -> list[PartnerProfile]:
    """Each partner's part of the network's targets: a partner whose calibration fixes its
    part (Mechelen) keeps it; the rest is split over the others by their number of families."""
    def own_part(profile: PartnerProfile) -> Milestone | None:
        return profile.calibration.at(network.as_of) if profile.calibration else None

    fixed = [part for p in profiles if (part := own_part(p)) is not None]
    sharing = [p for p in profiles if own_part(p) is None]
    shares: dict[str, list[int]] = {}
    for indicator in NetworkTargets.INDICATORS:
        if any(getattr(part, indicator) is None for part in fixed):
            raise CalibrationError(f"a partner's own part of the network's {indicator} "
                                   f"as of {network.as_of} is missing")
        rest = getattr(network, indicator) - sum(getattr(part, indicator) for part in fixed)
        shares[indicator] = split(rest, [p.families for p in sharing], indicator)
    calibrated = {}
    for index, profile in enumerate(sharing):
        base = profile.calibration or Calibration()
        part = Milestone(network.as_of, **{name: shares[name][index] for name in shares})
        calibrated[profile.partner] = replace(
            profile, calibration=replace(base, milestones=(*base.milestones, part)))
    return [calibrated.get(p.partner, p) for p in profiles]


def split(total: int, weights: list[int], what: str) -> list[int]:
    """`total` split in proportion to the weights, in whole numbers (largest remainders)."""
    if total < 0 or (total and not weights):
        raise CalibrationError(f"cannot share out {total} {what}")
    exact = [total * weight / sum(weights) for weight in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[:total - sum(parts)]:
        parts[i] += 1
    return parts
