"""The sharing service's rules, pure: what the hub may learn of a child's age and of a time,
and which consent governs sharing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from contracts.booking import AgeBand
from contracts.intake import ConsentPurpose, ConsentRecorded, ConsentWithdrawn

_BANDS = (AgeBand.UNDER_ONE, AgeBand.ONE, AgeBand.TWO, AgeBand.THREE)


def age_band(birth_month: str, on: date) -> AgeBand:
    """The child's age in whole years on a date, from its birth month (born on the 1st)."""
    year, month = (int(part) for part in birth_month.split("-"))
    months = (on.year - year) * 12 + on.month - month
    years = max(months, 0) // 12
    return _BANDS[years] if years < len(_BANDS) else AgeBand.FOUR_OR_MORE


def consent_given(event: object) -> bool | None:
    """True or False for a cross-border statistics consent given or withdrawn; None for any
    other event (other purposes govern other things)."""
    if not isinstance(event, ConsentRecorded | ConsentWithdrawn):
        return None
    if event.purpose is not ConsentPurpose.CROSS_BORDER_STATISTICS:
        return None
    return isinstance(event, ConsentRecorded)


def day_of(moment: datetime) -> datetime:
    """The moment as the day it falls on: midnight UTC, nothing finer."""
    return datetime.combine(moment.astimezone(UTC).date(), datetime.min.time(), UTC)
