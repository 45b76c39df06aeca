"""The new-tender wizard: its steps and how far each has come, from the saved draft alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

TO_DO, IN_PROGRESS, DONE, CANNOT_START = "to_do", "in_progress", "done", "cannot_start"


@dataclass(frozen=True)
class Step:
    slug: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


STEPS = (
    Step("need", required=("title", "description"), optional=("cpv_code",)),
    Step("value", required=("estimated_value",)),
    Step("contract", required=("contract_type", "buyer_type", "planned_notice_date")),
    Step("innovation", required=("innovation", "market", "needs_rnd")),
    Step("recommendation", required=("track",)),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)


def _filled(value: object) -> bool:
    """Whether an answer is given: an amount must be more than 0 (an estimated value of 0 kr
    is a step saved empty, not an estimate)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value > 0
    return value not in (None, "", {}, [])


def step_status(draft: Mapping[str, object]) -> dict[str, str]:
    """to_do / in_progress / done per step; the recommendation waits for the steps before it."""
    statuses: dict[str, str] = {}
    for step in STEPS:
        if step.slug == "recommendation":
            ready = all(statuses[s] == DONE for s in STEP_SLUGS[:-1])
            statuses[step.slug] = (DONE if _filled(draft.get("track")) else
                                   TO_DO if ready else CANNOT_START)
            continue
        filled = [_filled(draft.get(name)) for name in step.required]
        statuses[step.slug] = DONE if all(filled) else IN_PROGRESS if any(filled) else TO_DO
    return statuses


def next_step(slug: str) -> str | None:
    index = STEP_SLUGS.index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def ready_for_recommendation(draft: Mapping[str, object]) -> bool:
    statuses = step_status(draft)
    return all(statuses[slug] == DONE for slug in STEP_SLUGS[:-1])
