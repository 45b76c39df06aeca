"""Enterprise size class after EU Recommendation 2003/361/EC, with a documented rule for gaps.

| class  | headcount | turnover (EUR) |
|--------|-----------|----------------|
| micro  | < 10      | <= 2 M         |
| small  | < 50      | <= 10 M        |
| medium | < 250     | <= 50 M        |
| large  | otherwise |                |

The rule for missing or partial data (the register gives headcount, rarely turnover, never the
balance-sheet total or group links):

1. Public bodies (organisation forms below) are never SMEs (2003/361 art. 3(4)): class large.
2. No headcount, or no employees registered in the register: class **unknown**. It is a class
   of its own and is never counted as SME. (Holding companies in large groups register no
   employees, so "none registered" does not mean "micro".)
3. Headcount only: the class follows the headcount.
4. Headcount and turnover: the larger of the headcount class and the turnover class. The
   balance-sheet alternative cannot be checked without the balance sheet, so an enterprise
   over the turnover ceiling moves up a class: an SME may be counted as larger, never the
   reverse.
5. Figures of partner and linked enterprises should be added in (2003/361 annex art. 6); the
   register does not give group links, so they are not.
"""

from __future__ import annotations

from dataclasses import dataclass

MICRO, SMALL, MEDIUM, LARGE, UNKNOWN = "micro", "small", "medium", "large", "unknown"
# "sme": known to be an SME (for instance OCDS scale "sme") without knowing which kind.
SME = "sme"
SIZE_CLASSES = (MICRO, SMALL, MEDIUM, SME, LARGE, UNKNOWN)
SME_CLASSES = (MICRO, SMALL, MEDIUM, SME)
KNOWN_CLASSES = (*SME_CLASSES, LARGE)

HEADCOUNT_BELOW = ((MICRO, 10), (SMALL, 50), (MEDIUM, 250))
TURNOVER_EUR_AT_MOST = ((MICRO, 2_000_000), (SMALL, 10_000_000), (MEDIUM, 50_000_000))
# Conversion used for the turnover ceilings; an assumption, configurable (PROCURE_STATS_EUR_NOK).
DEFAULT_EUR_NOK = 11.5

PUBLIC_BODY_FORMS = frozenset({"KOMM", "FYLK", "STAT", "KF", "FKF", "IKS", "SF", "ORGL", "ADOS"})

# OCDS partyDetails scale codelist -> our classes ("selfEmployed" is a sole trader: micro).
OCDS_SCALE = {"micro": MICRO, "small": SMALL, "medium": MEDIUM, "sme": SME, "large": LARGE,
              "selfEmployed": MICRO}

_ORDER = {MICRO: 0, SMALL: 1, MEDIUM: 2, LARGE: 3}


@dataclass(frozen=True)
class SizeResult:
    size_class: str
    basis: str  # public-body | no-headcount | headcount | headcount+turnover


def headcount_class(employees: int) -> str:
    for size, limit in HEADCOUNT_BELOW:
        if employees < limit:
            return size
    return LARGE


def turnover_class(turnover_nok: float, eur_nok: float = DEFAULT_EUR_NOK) -> str:
    for size, ceiling in TURNOVER_EUR_AT_MOST:
        if turnover_nok <= ceiling * eur_nok:
            return size
    return LARGE


def classify(
    employees: int | None,
    turnover_nok: float | int | None = None,
    organisasjonsform: str = "",
    *,
    eur_nok: float = DEFAULT_EUR_NOK,
) -> SizeResult:
    """The size class and the rule that gave it (see the module docstring)."""
    if organisasjonsform.strip().upper() in PUBLIC_BODY_FORMS:
        return SizeResult(LARGE, "public-body")
    if employees is None or employees <= 0:
        return SizeResult(UNKNOWN, "no-headcount")
    by_headcount = headcount_class(employees)
    if turnover_nok is None:
        return SizeResult(by_headcount, "headcount")
    by_turnover = turnover_class(turnover_nok, eur_nok)
    larger = max(by_headcount, by_turnover, key=_ORDER.__getitem__)
    return SizeResult(larger, "headcount+turnover")


def from_ocds_scale(scale: object) -> str:
    """Our class for an OCDS `parties/details/scale` value; unknown when absent or unlisted."""
    return OCDS_SCALE.get(scale, UNKNOWN) if isinstance(scale, str) else UNKNOWN


def is_sme(size_class: str) -> bool:
    return size_class in SME_CLASSES
