"""A tender's requirements as the rules see them: their kinds, and the one weight model.

The officer writes the tender's own requirements (and copies library criteria in as pinned
versions): qualification requirements, specification requirements that must or should be met,
award criteria with sub-criteria, and contract clauses. Weights live on the award criteria and
their sub-criteria only:

- the top-level award criteria add up to 100 %;
- the sub-criteria of a criterion add up to that criterion's weight;
- the price, quality, climate/environment and other totals are worked out from them: a leaf
  (a sub-criterion, or a criterion without any) counts for climate and environment when it or
  its parent is marked so, else for its criterion's group (price, quality or other).

Nothing here knows the database: a requirement is a `Line` of plain values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

KINDS = ("qualification", "spec-must", "spec-should", "award", "contract-clause")
AWARD = "award"
# What an award criterion counts as when it is not marked as climate and environment.
AWARD_GROUPS = ("price", "quality", "other")
# The totals the weights are summed into; the same codes as the competition's criteria.
TOTALS = ("price", "quality", "climate", "other")
# The kind a library criterion of each type becomes when it is copied into a tender.
KIND_OF_CRITERION_TYPE = {"qualification": "qualification", "specification": "spec-must",
                          "award": "award", "contract-clause": "contract-clause"}
# Kinds a library criterion copied in may be moved between (its text stays as pinned).
LIBRARY_KINDS = {"award": ("award",),
                 **{kind: ("qualification", "spec-must", "spec-should", "contract-clause")
                    for kind in ("qualification", "spec-must", "spec-should",
                                 "contract-clause")}}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Line:
    """One requirement: its key (the row id), kind, and for award criteria the weight, the
    group and the parent criterion (sub-criteria)."""

    key: int
    kind: str
    weight: Decimal | None = None
    climate: bool = False
    group: str | None = None
    parent: int | None = None
    title: str = ""


@dataclass(frozen=True)
class WeightProblem:
    """Why the award weights are not yet a whole: `code` is one of
    - "no-criteria": there are no award criteria;
    - "total": the criteria add up to `total`, not 100 %;
    - "no-weight": criterion `title` has no weight;
    - "sub-criteria": the sub-criteria of `title` add up to `total`, not its `weight`."""

    code: str
    title: str = ""
    total: Decimal = Decimal(0)
    weight: Decimal | None = None


@dataclass(frozen=True)
class AwardWeights:
    """The award weights summed: the top-level total and the four derived totals."""

    total: Decimal
    totals: Mapping[str, Decimal]
    criteria: int
    problems: tuple[WeightProblem, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        """True if there are award criteria and their weights add up as they must."""
        return self.criteria > 0 and not self.problems

    @property
    def climate(self) -> Decimal:
        return self.totals["climate"]


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((value for value in values if value is not None), Decimal(0))


def bucket(line: Line, parent: Line | None = None) -> str:
    """The total a leaf's weight counts for."""
    if line.climate or (parent is not None and parent.climate):
        return "climate"
    group = (parent.group if parent is not None else line.group) or "quality"
    return group if group in AWARD_GROUPS else "quality"


def award_weights(lines: Iterable[Line]) -> AwardWeights:
    """Sum the award weights and say what keeps them from adding up."""
    award = [line for line in lines if line.kind == AWARD]
    top = [line for line in award if line.parent is None]
    children: dict[int, list[Line]] = defaultdict(list)
    for line in award:
        if line.parent is not None:
            children[line.parent].append(line)
    totals = dict.fromkeys(TOTALS, Decimal(0))
    problems: list[WeightProblem] = []
    if not top:
        return AwardWeights(Decimal(0), totals, 0, (WeightProblem("no-criteria"),))
    for criterion in top:
        subs = children.get(criterion.key, [])
        if criterion.weight is None:
            problems.append(WeightProblem("no-weight", criterion.title))
        for sub in subs:
            if sub.weight is None:
                problems.append(WeightProblem("no-weight", sub.title))
        if subs:
            sub_total = _sum(sub.weight for sub in subs)
            if criterion.weight is not None and sub_total != criterion.weight:
                problems.append(WeightProblem("sub-criteria", criterion.title, sub_total,
                                              criterion.weight))
            for sub in subs:
                totals[bucket(sub, criterion)] += sub.weight or 0
        else:
            totals[bucket(criterion)] += criterion.weight or 0
    total = _sum(criterion.weight for criterion in top)
    if total != HUNDRED:
        problems.insert(0, WeightProblem("total", total=total))
    return AwardWeights(total, totals, len(top), tuple(problems))


def climate_kinds(lines: Iterable[Line]) -> tuple[str, ...]:
    """The kinds of the requirements marked as climate and environment, in document order."""
    return tuple(line.kind for line in lines if line.climate)


def check_weights(weights: Mapping[int, Decimal | None], lines: Iterable[Line]) -> AwardWeights:
    """The award weights as they would be with `weights` (key -> weight) applied."""
    return award_weights(replace(line, weight=weights[line.key]) if line.key in weights
                         else line for line in lines)
