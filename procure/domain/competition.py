"""Simplified competition rules: invitation warnings, weighted evaluation and ranking.

Award criteria are the tender's weight categories (price, quality, climate and environment,
other) with a weight above zero. Scores run from 0 to 10. The price score is computed, not
given: the lowest price scores 10 and every other price lowest / price × 10 (the proportional
method). Points = weight × score / 10, so the best possible total is 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MIN_SUPPLIERS = 3
LOCAL_SME_CLASSES = ("micro", "small", "medium")
TOO_FEW = "too-few"
NO_LOCAL_SME = "no-local-sme"

PRICE = "price"
CRITERIA = ("price", "quality", "climate", "other")
WEIGHT_FIELD = {"price": "weight_price", "quality": "weight_quality",
                "climate": "weight_climate", "other": "weight_other"}
MAX_SCORE = Decimal(10)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Invitee:
    kommunenummer: str
    size_class: str


def is_local_sme(invitee: Invitee, buyer_kommune: str) -> bool:
    return bool(buyer_kommune) and invitee.kommunenummer == buyer_kommune \
        and invitee.size_class in LOCAL_SME_CLASSES


def invitation_warnings(invitees: Sequence[Invitee], buyer_kommune: str) -> tuple[str, ...]:
    """What to warn about: fewer than three invited, and no local SME among them."""
    warnings = []
    if len(invitees) < MIN_SUPPLIERS:
        warnings.append(TOO_FEW)
    if not any(is_local_sme(invitee, buyer_kommune) for invitee in invitees):
        warnings.append(NO_LOCAL_SME)
    return tuple(warnings)


def award_criteria(weights: Mapping[str, Decimal | None]) -> tuple[tuple[str, Decimal], ...]:
    """(criterion, weight in percent) for each weight above zero, keyed by CRITERIA; without
    any weights the price alone decides (100 %)."""
    chosen = tuple((name, Decimal(weight)) for name in CRITERIA
                   if (weight := weights.get(name)) is not None and Decimal(weight) > 0)
    return chosen or ((PRICE, Decimal(100)),)


def price_score(price: Decimal, lowest: Decimal) -> Decimal:
    if price <= 0:
        return MAX_SCORE
    return (MAX_SCORE * lowest / price).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class OfferInput:
    key: int
    price: Decimal
    scores: Mapping[str, Decimal | None]
    rejected: bool = False


@dataclass(frozen=True)
class Line:
    criterion: str
    weight: Decimal
    score: Decimal | None
    points: Decimal | None


@dataclass(frozen=True)
class Ranked:
    key: int
    price: Decimal
    lines: tuple[Line, ...]
    total: Decimal | None
    rank: int | None = None
    tied: bool = False

    @property
    def complete(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class Evaluation:
    criteria: tuple[tuple[str, Decimal], ...]
    ranked: tuple[Ranked, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return bool(self.ranked) and all(r.complete for r in self.ranked)

    @property
    def best(self) -> Ranked | None:
        return self.ranked[0] if self.complete else None

    def for_key(self, key: int) -> Ranked | None:
        return next((r for r in self.ranked if r.key == key), None)


def _rank_order(ranked: Ranked) -> tuple[Decimal, Decimal, int]:
    """Sort key of a complete offer: highest total first, then lowest price, then key."""
    total = ranked.total if ranked.total is not None else Decimal(0)
    return (-total, ranked.price, ranked.key)


def _score(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    score = Decimal(str(value))
    if not Decimal(0) <= score <= MAX_SCORE:
        raise ValueError(f"score {score} is outside 0 to 10")
    return score


def evaluate(offers: Iterable[OfferInput],
             criteria: Sequence[tuple[str, Decimal]]) -> Evaluation:
    """Score and rank the offers that are not rejected. Offers missing a score get no total
    and come last; equal totals share a rank (1, 1, 3) and are marked as tied."""
    valid = [offer for offer in offers if not offer.rejected]
    lowest = min((offer.price for offer in valid), default=Decimal(0))
    scored = []
    for offer in valid:
        lines = []
        for name, weight in criteria:
            score = (price_score(offer.price, lowest) if name == PRICE
                     else _score(offer.scores.get(name)))
            points = (None if score is None
                      else (weight * score / MAX_SCORE).quantize(TWO_PLACES, ROUND_HALF_UP))
            lines.append(Line(name, weight, score, points))
        earned = [line.points for line in lines if line.points is not None]
        total = sum(earned, Decimal(0)) if len(earned) == len(lines) else None
        scored.append(Ranked(offer.key, offer.price, tuple(lines), total))
    complete = sorted((r for r in scored if r.total is not None),
                      key=_rank_order)
    ranked = []
    for row in complete:
        first = next(i for i, other in enumerate(complete) if other.total == row.total)
        tied = sum(1 for other in complete if other.total == row.total) > 1
        ranked.append(Ranked(row.key, row.price, row.lines, row.total, first + 1, tied))
    ranked.extend(r for r in scored if r.total is None)
    return Evaluation(tuple(criteria), tuple(ranked))
