"""Tender status derived from timestamps, never stored as a field of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STATUSES = ("draft", "planned", "open", "evaluation", "awarded", "cancelled", "closed")


@dataclass(frozen=True)
class TenderTimestamps:
    planned_at: datetime | None = None
    opened_at: datetime | None = None
    evaluation_at: datetime | None = None
    awarded_at: datetime | None = None
    cancelled_at: datetime | None = None
    closed_at: datetime | None = None


def tender_status(ts: TenderTimestamps) -> str:
    """The latest milestone reached wins; cancellation and closing end the lifecycle."""
    if ts.closed_at:
        return "closed"
    if ts.cancelled_at:
        return "cancelled"
    for name, stamp in (
        ("awarded", ts.awarded_at),
        ("evaluation", ts.evaluation_at),
        ("open", ts.opened_at),
        ("planned", ts.planned_at),
    ):
        if stamp:
            return name
    return "draft"


# Which status may follow which. Cancelling is possible until the award; a tender may open
# without having been announced as planned first.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("planned", "open", "cancelled"),
    "planned": ("open", "cancelled"),
    "open": ("evaluation", "cancelled"),
    "evaluation": ("awarded", "cancelled"),
    "awarded": ("closed",),
    "cancelled": (),
    "closed": (),
}
STAMP_FOR = {
    "planned": "planned_at",
    "open": "opened_at",
    "evaluation": "evaluation_at",
    "awarded": "awarded_at",
    "cancelled": "cancelled_at",
    "closed": "closed_at",
}


class TransitionError(ValueError):
    """A status change the lifecycle does not allow."""

    def __init__(self, current: str, target: str) -> None:
        self.current, self.target = current, target
        super().__init__(f"cannot go from {current} to {target}")


def allowed_transitions(current: str) -> tuple[str, ...]:
    return TRANSITIONS[current]


def transition_stamp(current: str, target: str) -> str:
    """The timestamp field to set for current -> target; raises TransitionError if not allowed."""
    if target not in TRANSITIONS.get(current, ()):
        raise TransitionError(current, target)
    return STAMP_FOR[target]
