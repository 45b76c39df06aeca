"""The one clock: "now" (aware UTC), "today in Oslo", the Oslo zone and Norwegian dates.

Services, views, exports and the CLI ask this module for the time; domain code keeps taking
`today`/`now` as arguments. Call it as `clock.now()` (not `from procure.clock import now`), so a
test can set the time for everything at once with `clock.frozen(...)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
NOT_SET = "Ikke fastsatt"

_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware in UTC (what the database stores)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def oslo_now() -> datetime:
    """The current moment on the Oslo wall clock."""
    return now().astimezone(OSLO)


def today() -> date:
    """Today's date in Oslo: the day a Norwegian municipality's deadlines and periods use."""
    return oslo_now().date()


def oslo_day(value: datetime) -> date:
    """The Oslo calendar day of a moment (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(OSLO).date()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Stop the clock at `at` (aware) for the block: every `clock.now()`/`clock.today()`."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("the frozen time must be timezone-aware")
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous


def norwegian_date(value: date | datetime | None, *, missing: str = NOT_SET) -> str:
    """'07.12.2026' for a day, '07.12.2026 kl. 07:43' (Oslo time) for a moment; the record's
    and the documents' date format whatever the UI language."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M")
    return value.strftime("%d.%m.%Y")


def norwegian_day(value: date | datetime | None, *, missing: str = "–") -> str:
    """Just the Oslo day ('07.12.2026'), of a date or of a moment."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = oslo_day(value)
    return value.strftime("%d.%m.%Y")
