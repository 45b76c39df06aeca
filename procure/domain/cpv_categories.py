"""Which criteria categories fit a CPV code, derived from the CPV codes each set declares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from procure.domain.cpv import hierarchy_prefix, parse_code
from procure.domain.criteria import Library


def category_prefixes(library: Library, on: date | None = None) -> dict[str, tuple[str, ...]]:
    """Category -> the CPV tree prefixes its current set covers ('34100000-8' gives '341')."""
    return {
        criteria_set.id: tuple(sorted({hierarchy_prefix(code) for code in criteria_set.cpv}))
        for criteria_set in library.current(on)
    }


def suggest_categories(cpv_code: str, library: Library, on: date | None = None) -> list[str]:
    """Categories whose sets cover the code, most specific match first; ValueError if malformed.

    A code inside a set's area matches (34144910 is under vehicles' 341). So does a broader
    code whose area contains a set's area (34000000 contains 341), ranked after the direct
    matches, because the officer may still be narrowing the code down.
    """
    code8 = parse_code(cpv_code)[0]
    own_prefix = hierarchy_prefix(code8)
    best: dict[str, tuple[int, int]] = {}
    for category, prefixes in category_prefixes(library, on).items():
        for prefix in prefixes:
            if code8.startswith(prefix):
                score = (0, -len(prefix))
            elif prefix.startswith(own_prefix):
                score = (1, len(prefix))
            else:
                continue
            if category not in best or score < best[category]:
                best[category] = score
    return sorted(best, key=lambda category: (best[category], category))


@dataclass(frozen=True)
class CategoryFit:
    """Whether a category's criteria are made for a tender's CPV code, and why not:
    `reason` is "fits", "no-cpv" (the tender has none yet), "bad-cpv" (it cannot be read) or
    "other-area" (the code is outside every CPV area the category's set covers, `areas`)."""

    fits: bool
    reason: str
    areas: tuple[str, ...] = ()


def category_fit(cpv_code: str | None, category: str, library: Library,
                 on: date | None = None) -> CategoryFit:
    """A category fits a tender when it is among the categories its CPV code suggests."""
    areas = tuple(criteria_set.cpv for criteria_set in library.current(on)
                  if criteria_set.id == category)
    codes = areas[0] if areas else ()
    if not cpv_code:
        return CategoryFit(False, "no-cpv", codes)
    try:
        suggested = suggest_categories(cpv_code, library, on)
    except ValueError:
        return CategoryFit(False, "bad-cpv", codes)
    if category in suggested:
        return CategoryFit(True, "fits", codes)
    return CategoryFit(False, "other-area", codes)
