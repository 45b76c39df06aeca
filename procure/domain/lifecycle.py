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
