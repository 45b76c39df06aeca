"""Public purchases: filters from the URL, value bands, search text and change fingerprints.

Pure: no Flask, no session. Everything a visitor can put in the URL is checked against an
allow-list here, so the query layer only ever sees known keys and well-formed values.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from procure.domain.cpv import CpvList

OSLO = ZoneInfo("Europe/Oslo")

PUBLIC_STATUSES = ("planned", "open")
CONTRACT_TYPES = ("goods", "services", "works", "health-social", "special-services")
# Tracks (procedures) a public purchase may have; ids as in the procedure chooser's rules.
PROCEDURES = (
    "market-dialogue", "direct-award", "simplified-competition", "open-tender-competition",
    "restricted-tender-competition", "open-procedure", "restricted-procedure",
    "competitive-negotiation", "competitive-dialogue", "innovation-partnership",
)
# A "simple purchase" for local SMEs: the simplified competition below the national threshold.
SIMPLE_PROCEDURES = frozenset({"simplified-competition"})
# Procedures where only the suppliers the municipality invites may submit offers: the public
# can follow them and register interest, but cannot bid. In every other procedure anyone may
# submit an offer or ask to take part.
INVITATION_ONLY = frozenset({"simplified-competition", "direct-award"})
# What the public list tells apart: planned, open to all for offers, running by invitation only.
LIST_STATUSES = ("planned", "open", "invitation")
SORTS = ("deadline", "newest", "title")
DEADLINE_WINDOWS = {"7": 7, "14": 14, "30": 30, "90": 90}
PER_PAGE = 20
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
_DIVISION_RE = re.compile(r"^\d\d$")


@dataclass(frozen=True)
class ValueBand:
    """Estimated value from `low` (inclusive) to `high` (exclusive), NOK excluding VAT."""

    key: str
    low: int | None
    high: int | None


# Bands a local business can read at a glance; the 500 000 and 1.3 million limits match the
# lower limit (from 1 July 2026) and the national threshold.
VALUE_BANDS = (
    ValueBand("under-500k", None, 500_000),
    ValueBand("500k-1.3m", 500_000, 1_300_000),
    ValueBand("1.3m-5m", 1_300_000, 5_000_000),
    ValueBand("5m-20m", 5_000_000, 20_000_000),
    ValueBand("over-20m", 20_000_000, None),
)
BANDS_BY_KEY = {band.key: band for band in VALUE_BANDS}
UNKNOWN_BAND = "unknown"
BAND_KEYS = (*BANDS_BY_KEY, UNKNOWN_BAND)


def value_band(value: Decimal | int | None) -> str:
    """The band key for an estimated value; 'unknown' when there is no estimate."""
    if value is None:
        return UNKNOWN_BAND
    for band in VALUE_BANDS:
        if (band.low is None or value >= band.low) and (band.high is None or value < band.high):
            return band.key
    raise AssertionError("the bands cover every amount")  # pragma: no cover


def is_simple(procedure: str | None) -> bool:
    return procedure in SIMPLE_PROCEDURES


def is_invitation_only(procedure: str | None) -> bool:
    return procedure in INVITATION_ONLY


def list_status(status: str, procedure: str | None) -> str:
    """Where the public list puts a purchase: planned, open to all, or by invitation only."""
    if status == "open":
        return "invitation" if is_invitation_only(procedure) else "open"
    return status


@dataclass(frozen=True)
class PurchaseFilters:
    """What the visitor asked for; every value has passed the allow-lists."""

    q: str = ""
    division: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    band: tuple[str, ...] = ()
    procedure: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    within: str = ""
    sort: str = "deadline"
    page: int = 1
    invalid: tuple[str, ...] = field(default=(), compare=False)

    @property
    def words(self) -> list[str]:
        return search_words(self.q)

    @property
    def active(self) -> bool:
        """True when anything narrows the list (sorting and paging do not)."""
        return bool(self.q or self.division or self.type or self.band or self.procedure
                    or self.status or self.within)

    def deadline_range(self, today: date) -> tuple[date, date] | None:
        if not self.within:
            return None
        return today, today + timedelta(days=DEADLINE_WINDOWS[self.within])

    def with_page(self, page: int) -> PurchaseFilters:
        return replace(self, page=page)


def _getlist(args: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist(key)]
    value = args.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _allowed(values: Iterable[str], allowed: Iterable[str], key: str,
             invalid: list[str]) -> tuple[str, ...]:
    allowed = tuple(allowed)
    chosen = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if value in allowed:
            if value not in chosen:
                chosen.append(value)
        else:
            invalid.append(key)
    # Canonical order, so equal filters give equal URLs and ETags.
    return tuple(v for v in allowed if v in chosen)


def parse_filters(args: Mapping[str, Any]) -> PurchaseFilters:
    """Filters from query arguments. Unknown values are dropped and reported in `invalid`;
    unknown keys are ignored."""
    invalid: list[str] = []
    q = " ".join(" ".join(_getlist(args, "q")[:1]).split())[:MAX_QUERY_LENGTH]
    divisions = sorted({d.strip() for d in _getlist(args, "division") if d.strip()})
    division = tuple(d for d in divisions if _DIVISION_RE.match(d))
    if len(division) != len(divisions):
        invalid.append("division")
    within = next(iter(_allowed(_getlist(args, "within")[:1], DEADLINE_WINDOWS, "within",
                                invalid)), "")
    sort = next(iter(_allowed(_getlist(args, "sort")[:1], SORTS, "sort", invalid)), "deadline")
    page = 1
    raw_page = (_getlist(args, "page") or ["1"])[0].strip()
    if raw_page.isdigit() and raw_page.isascii():
        # Past MAX_PAGE's length it is past MAX_PAGE: no int() of 5 000 digits (it raises).
        digits = raw_page.lstrip("0") or "0"
        page = MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else min(max(int(digits), 1),
                                                                       MAX_PAGE)
    elif raw_page:
        invalid.append("page")
    return PurchaseFilters(
        q=q,
        division=division[:20],
        type=_allowed(_getlist(args, "type"), CONTRACT_TYPES, "type", invalid),
        band=_allowed(_getlist(args, "band"), BAND_KEYS, "band", invalid),
        procedure=_allowed(_getlist(args, "procedure"), PROCEDURES, "procedure", invalid),
        status=_allowed(_getlist(args, "status"), LIST_STATUSES, "status", invalid),
        within=within,
        sort=sort,
        page=page,
        invalid=tuple(dict.fromkeys(invalid)),
    )


def query_items(filters: PurchaseFilters, *, page: bool = True,
                sort: bool = True) -> list[tuple[str, str]]:
    """The filters as (key, value) pairs in a fixed order: for links, feeds and cache keys.
    Defaults (sort by deadline, page 1) are left out so every list has one canonical URL."""
    items: list[tuple[str, str]] = []
    if filters.q:
        items.append(("q", filters.q))
    for key in ("division", "type", "band", "procedure", "status"):
        items.extend((key, value) for value in getattr(filters, key))
    if filters.within:
        items.append(("within", filters.within))
    if sort and filters.sort != "deadline":
        items.append(("sort", filters.sort))
    if page and filters.page != 1:
        items.append(("page", str(filters.page)))
    return items


def search_words(text: str) -> list[str]:
    """Case-folded words of a search, at most MAX_WORDS; every word must match."""
    words = []
    for word in fold(text).split():
        word = word.strip(".,;:!?\"'()[]")
        if word and word not in words:
            words.append(word[:50])
    return words[:MAX_WORDS]


def fold(text: str) -> str:
    """Case-fold for search; Python folds æøå correctly where SQLite's lower() does not."""
    return " ".join(text.casefold().split())


def search_text(*parts: str | None) -> str:
    """The text a purchase is found by: reference, title, description and CPV labels."""
    return fold(" ".join(part for part in parts if part))


def fingerprint(content: Mapping[str, object]) -> str:
    """A stable hash of what the public sees of a purchase; a change means 'updated'."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def pages(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-total // per_page))


def page_window(page: int, last: int, width: int = 2) -> list[int | None]:
    """Page numbers to show around the current page; None marks a gap: [1, None, 4, 5, 6]."""
    shown = sorted({1, last, *range(max(1, page - width), min(last, page + width) + 1)})
    result: list[int | None] = []
    for number in shown:
        if result and number - (result[-1] or 0) > 1:
            result.append(None)
        result.append(number)
    return result


# --- time ---------------------------------------------------------------------------------


def oslo_to_utc(day: date, clock: time) -> datetime:
    """A wall-clock time in Oslo as an aware UTC datetime (summer time handled)."""
    return datetime.combine(day, clock, tzinfo=OSLO).astimezone(UTC)


def in_oslo(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given")
    return moment.astimezone(OSLO)


def end_of_day_oslo(day: date) -> datetime:
    """The last second of a day in Oslo, as UTC: a deadline given only as a date."""
    return oslo_to_utc(day, time(23, 59, 59))


def oslo_today(now: datetime) -> date:
    return in_oslo(now).date()


# --- CPV labels for search -----------------------------------------------------------------


@cache
def _cpv_list() -> CpvList:
    from procure.domain.cpv import load_cpv

    return load_cpv()


def cpv_labels(code: str | None) -> tuple[str, ...]:
    """Norwegian and English labels of a code and of its division, for the search text."""
    if not code:
        return ()
    cpv = _cpv_list()
    found = cpv.lookup(code)
    labels: list[str] = [code[:8]]
    if found is not None:
        labels += [found.label_nb, found.label_en]
        division = cpv.lookup(found.division + "000000")
        if division is not None and division.code != found.code:
            labels += [division.label_nb, division.label_en]
    return tuple(labels)
