"""A child's warm handover (stream `child-<child_id>`) as a pure decider: once per child."""

from __future__ import annotations

from typing import Any

from contracts.booking import ChildHandedOver
from contracts.commands import HandOverChild
from pace.domain import Decider, RuleBrokenError, UnknownFamilyError
from services.booking.domain import Request


def decide_handover(request: Request, handed_over: bool) -> list[Any]:
    """A child's warm handover (stream `child-<child_id>`), once."""
    command: HandOverChild = request.command
    family = request.family
    if family is None or family.erased:
        raise UnknownFamilyError(f"no family {command.family_id} is known to booking")
    if command.child_id not in family.children:
        raise RuleBrokenError(f"child {command.child_id} is not a child of {command.family_id}")
    if handed_over:
        raise RuleBrokenError(f"child {command.child_id} has already been handed over")
    return [
        ChildHandedOver(
            family_id=command.family_id,
            child_id=command.child_id,
            destination=command.destination,
            handed_over_on=command.handed_over_on,
        )
    ]


handover_decider: Decider[Request, bool] = Decider(
    False, lambda handed, event: handed or isinstance(event, ChildHandedOver), decide_handover
)
