"""Dating facts by quota: exactly as many items as a target asks have a fact by each as-of date."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from simulation.calibration import Calibration, CalibrationError
from simulation.dates import Window, clip, days, each_day


class QuotaPlanner:
    """The base of a partner's planning passes: its random draws and the targets they meet."""

    def __init__(self, rng: random.Random, targets: Calibration) -> None:
        self.rng, self.targets = rng, targets

    def quota(self, what: str, windows: list[Window | None], naturals: list[date | None],
              quotas: list[tuple[date, int]] | None = None, **options: Any) -> list[date | None]:
        """The day each item has the fact `what` (see `by_quota`), meeting the partner's
        targets for it, or the `quotas` given."""
        return by_quota(self.rng, what, windows, naturals,
                        self.targets.quotas(what) if quotas is None else quotas, **options)


def by_quota(rng: random.Random, what: str, windows: Sequence[Window | None],
             naturals: Sequence[date | None], quotas: Sequence[tuple[date, int]], *,
             postpone: bool = False, allowed: Callable[[date], bool] | None = None
             ) -> list[date | None]:
    """The day each item (a family, a child) has a fact, or None, meeting the quotas exactly.

    windows[i] are the days item i can have the fact (None: never); naturals[i] the day it
    would have it by chance (None: it would not). For each (as_of, total), in order, exactly
    `total` items have the fact on or before as_of: dated after the previous as-of date,
    those whose natural day falls there first, then others at random. The others have it
    only after as_of (postpone: their natural day moves after it) or not at all. After the
    last as-of date, items have the fact on their natural day if their window allows it.
    `allowed` limits the fact to some days (e.g. session days).
    """
    natural = list(naturals)
    dates: list[date | None] = [None] * len(windows)
    since, done = date.min, 0
    for as_of, total in quotas:
        open_ = {i: span for i, window in enumerate(windows)
                 if dates[i] is None and (span := clip(window, since, as_of, allowed))}
        need = total - done
        if not 0 <= need <= len(open_):
            raise CalibrationError(f"{what} = {total} as of {as_of}: {need} more needed "
                                   f"there, {len(open_)} can")
        fitting = [i for i, (lo, hi) in open_.items()
                   if natural[i] is not None and lo <= natural[i] <= hi]
        room = {i: (hi - lo).days + 1 for i, (lo, hi) in open_.items()}
        chosen = pick(rng, list(open_), need, fitting.__contains__, what, f"as of {as_of}",
                      weight=room.__getitem__)
        for i in chosen:
            dates[i] = place(rng, natural[i], open_[i], allowed)
        for i, day in enumerate(natural):
            if dates[i] is None and day is not None and day <= as_of:
                natural[i] = as_of + days(rng.randint(1, 240)) if postpone else None
        since, done = as_of, total
    for i, day in enumerate(natural):
        span = clip(windows[i], since, date.max, allowed)
        if dates[i] is None and day is not None and span and span[0] <= day <= span[1]:
            dates[i] = place(rng, day, span, allowed)
    return dates


def pick(rng: random.Random, candidates: list[Any], need: int,
         natural: Callable[[Any], bool], what: str, when: str,
         weight: Callable[[Any], float] | None = None) -> list[Any]:
    """`need` of the candidates, at random: among the natural ones, then among the others
    (the more likely the larger their weight: a fact brought in then spreads out in time
    rather than crowding just before an as-of date)."""
    if not 0 <= need <= len(candidates):
        raise CalibrationError(f"{what} ({when}): {need} needed, {len(candidates)} can")
    fitting = [c for c in candidates if natural(c)]
    if len(fitting) >= need:
        return rng.sample(fitting, need)
    others = [c for c in candidates if not natural(c)]
    if weight is not None:  # weighted sampling without replacement (Efraimidis-Spirakis)
        keys = {id(c): rng.random() ** (1 / weight(c)) for c in others}
        others.sort(key=lambda c: keys[id(c)], reverse=True)
        return fitting + others[:need - len(fitting)]
    return fitting + rng.sample(others, need - len(fitting))


def place(rng: random.Random, natural: date | None, window: Window,
          allowed: Callable[[date], bool] | None = None) -> date:
    """A day in the window, on an allowed day: the natural day if it is in it, a little
    after the start if the natural day is before it (the fact comes late), else anywhere in
    it (the fact is brought forward, or happens where it would not have)."""
    lo, hi = window
    room = (hi - lo).days
    if natural is not None and lo <= natural <= hi:
        day = natural
    elif natural is not None and natural < lo:
        day = lo + days(rng.randint(0, min(30, room)))
    else:
        day = lo + days(rng.randint(0, room))
    if allowed is not None:
        later = next((d for d in each_day(day, hi) if allowed(d)), None)
        day = later or next(d for d in each_day(day, lo, -1) if allowed(d))
    return day


def spread(rng: random.Random, first: date, last: date, count: int) -> list[date]:
    """`count` days from first to last, evenly spread with a random day in each stretch."""
    span = (last - first).days + 1
    return [first + days(i * span // count + rng.randrange(max(1, (i + 1) * span // count
                                                               - i * span // count)))
            for i in range(count)]
