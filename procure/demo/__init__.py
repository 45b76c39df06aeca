"""Demo data for Lillestrøm kommune: `load_demo` in `loader`, one module per part of the story."""

from datetime import datetime
from typing import TypedDict


class StatusStamps(TypedDict, total=False):
    """When a demo tender reached each status: Tender's timestamps of the same names."""

    planned_at: datetime
    opened_at: datetime
    evaluation_at: datetime
    awarded_at: datetime
    cancelled_at: datetime
