"""A tender's requirements: the officer's own, and the library criteria copied in.

One list per tender, in document order: qualification requirements, the specification's must
and should requirements, award criteria (each with its sub-criteria) and contract clauses. A
library criterion copied in is a requirement that names its pin (procure.models.TenderCriterion,
which keeps the criterion's id:version, content hash and snapshot); its text is the pinned text
and cannot be edited here. Weights live on award criteria and sub-criteria only; after every
change the tender's weight_* totals are worked out again from them (the competition's
evaluation and the statistics read those columns), so nothing is typed twice.

Every change is recorded on the tender's trail with the requirement's title and each field's
old and new value. The functions take the session first, flush and never commit; optimistic
locking is the caller's (the step runner claims the tender version before it calls them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlmodel import Session, select

from procure import clock
from procure.domain.requirements import (
    AWARD,
    AWARD_GROUPS,
    KIND_OF_CRITERION_TYPE,
    KINDS,
    LIBRARY_KINDS,
    AwardWeights,
    Line,
    award_weights,
    check_weights,
)
from procure.errors import N_, UserError
from procure.models import Tender, TenderCriterion, TenderRequirement
from procure.services import audit
from procure.services.tenders import update_tender

TITLE_MAX = 300
ID_MAX = 2**31 - 1
TEXT_MAX = 20000
WEIGHT_FIELDS = {"price": "weight_price", "quality": "weight_quality",
                 "climate": "weight_climate", "other": "weight_other"}
CENT = Decimal("0.01")
# The messages of procure.vocabulary.WEIGHT_PROBLEMS, for a refusal.
PROBLEM_MESSAGES = {
    "total": N_("The award criteria weigh %(total)s %% in all; they must add up to 100 %%."),
    "no-weight": N_("«%(title)s» has no weight."),
    "sub-criteria": N_("The sub-criteria of «%(title)s» weigh %(total)s %% in all; they must "
                       "add up to the criterion's %(weight)s %%."),
}


class RequirementError(UserError):
    """A requirement that cannot be added, changed, moved or deleted as asked."""


class WeightsError(RequirementError):
    """Award weights that do not add up."""


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A requirement with its sub-criteria (award criteria only), in order."""

    row: TenderRequirement
    children: tuple[TenderRequirement, ...] = ()


def _key(row: TenderRequirement) -> tuple[int, int]:
    return (row.position, row.id or 0)


def ordered(rows: Iterable[TenderRequirement]) -> list[TenderRequirement]:
    """Document order: by kind, then position; each award criterion followed by its
    sub-criteria."""
    rows = list(rows)
    children: dict[int | None, list[TenderRequirement]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(row)
    top = sorted((row for row in rows if row.parent_id is None),
                 key=lambda r: (KINDS.index(r.kind) if r.kind in KINDS else 9, *_key(r)))
    result = []
    for row in top:
        result.append(row)
        result.extend(sorted(children.get(row.id, []), key=_key))
    return result


def tender_requirements(session: Session, tender: Tender) -> list[TenderRequirement]:
    """The tender's requirements in document order (only its own: a tender uses no other's)."""
    return ordered(session.exec(select(TenderRequirement).where(
        TenderRequirement.tender_id == tender.id)).all())


def requirement_tree(rows: Iterable[TenderRequirement]) -> dict[str, list[Node]]:
    """Per kind (every kind, in KINDS order), its requirements with their sub-criteria."""
    rows = ordered(rows)
    children: dict[int | None, list[TenderRequirement]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(row)
    tree: dict[str, list[Node]] = {kind: [] for kind in KINDS}
    for row in rows:
        if row.parent_id is None:
            tree.setdefault(row.kind, []).append(Node(row, tuple(children.get(row.id, ()))))
    return tree


def lines(rows: Iterable[TenderRequirement]) -> list[Line]:
    """The requirements as the rules (procure.domain) see them."""
    return [Line(cast(int, row.id), row.kind, row.weight, row.climate_environment,
                 row.award_group, row.parent_id, row.title) for row in rows]


def weights_of(rows: Iterable[TenderRequirement]) -> AwardWeights:
    return award_weights(lines(rows))


def get_requirement(session: Session, tender: Tender,
                    requirement_id: int) -> TenderRequirement | None:
    """The tender's requirement with this id; None for another tender's (or none)."""
    if not 1 <= requirement_id <= ID_MAX:  # a number no row can have (or the column hold)
        return None
    row = session.get(TenderRequirement, requirement_id)
    return row if row is not None and row.tender_id == tender.id else None


def pins_by_id(session: Session, tender: Tender) -> dict[int, TenderCriterion]:
    """The tender's pins by id, for showing where a copied-in criterion came from."""
    return {cast(int, pin.id): pin for pin in session.exec(select(TenderCriterion).where(
        TenderCriterion.tender_id == tender.id)).all()}


def requirement_for_pin(session: Session, pin: TenderCriterion) -> TenderRequirement | None:
    return session.exec(select(TenderRequirement).where(
        TenderRequirement.criterion_pin_id == pin.id)).first()


def _siblings(session: Session, tender: Tender, kind: str,
              parent_id: int | None) -> list[TenderRequirement]:
    statement = select(TenderRequirement).where(TenderRequirement.tender_id == tender.id)
    rows = [row for row in session.exec(statement).all()
            if row.parent_id == parent_id and (parent_id is not None or row.kind == kind)]
    return sorted(rows, key=_key)


def _next_position(session: Session, tender: Tender, kind: str, parent_id: int | None) -> int:
    return max((row.position for row in _siblings(session, tender, kind, parent_id)),
               default=0) + 1


# --- checking what was asked ---------------------------------------------------------------------


def _text(value: str | None, limit: int) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise RequirementError(N_("A text can be at most %(limit)s characters."), limit=limit)
    return value


def _weight(value: Decimal | int | None, kind: str) -> Decimal | None:
    if value is None:
        return None
    if kind != AWARD:
        raise RequirementError(N_("Only award criteria and their sub-criteria have a weight."))
    weight = Decimal(value)
    if not weight.is_finite() or not 0 <= weight <= 100:
        raise WeightsError(N_("A weight must be between 0 and 100 %%, not %(weight)s."),
                           weight=weight)
    if weight != weight.quantize(CENT):
        raise WeightsError(N_("Give the weight with at most two decimals."))
    return weight.quantize(CENT)


def _checked(session: Session, tender: Tender, *, kind: str, title: str, text: str | None,
             documentation: str | None, weight: Decimal | int | None, award_group: str | None,
             parent_id: int | None) -> dict[str, object]:
    """The fields of a requirement as they will be saved, or a refusal saying what is wrong."""
    parent = None
    if parent_id is not None:
        parent = get_requirement(session, tender, parent_id)
        if parent is None or parent.kind != AWARD or parent.parent_id is not None:
            raise RequirementError(N_("A sub-criterion belongs under one of this tender's "
                                      "award criteria. Choose one from the list."))
        kind = AWARD
    if kind not in KINDS:
        raise RequirementError(N_("Choose the type of requirement."))
    title = _text(title, TITLE_MAX)
    if not title:
        raise RequirementError(N_("Give the requirement a title."))
    if kind == AWARD and parent is None:
        award_group = award_group or "quality"
        if award_group not in AWARD_GROUPS:
            raise RequirementError(N_("Choose what the award criterion counts as."))
    else:
        award_group = None
    return {"kind": kind, "title": title, "text": _text(text, TEXT_MAX),
            "documentation": _text(documentation, TEXT_MAX), "weight": _weight(weight, kind),
            "award_group": award_group, "parent": parent}


def _jsonable(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _record(session: Session, tender: Tender, action: str, row: TenderRequirement,
            actor_id: int | None, changes: Mapping[str, tuple[object, object]] | None = None,
            **details: object) -> None:
    audit.record(session, action, actor_id=actor_id, object_type="tender", object_id=tender.id,
                 title=row.title, requirement=row.id,
                 changes={name: [_jsonable(old), _jsonable(new)]
                          for name, (old, new) in (changes or {}).items()} or None,
                 **details)


# --- changing ------------------------------------------------------------------------------------


def add_requirement(
    session: Session, tender: Tender, *, kind: str, title: str, text: str = "",
    documentation: str = "", weight: Decimal | int | None = None,
    award_group: str | None = None, climate_environment: bool = False,
    parent_id: int | None = None, actor_id: int | None, now: datetime | None = None,
) -> TenderRequirement:
    """Add one of the officer's own requirements at the end of its kind (or of its parent's
    sub-criteria)."""
    fields = _checked(session, tender, kind=kind, title=title, text=text,
                      documentation=documentation, weight=weight, award_group=award_group,
                      parent_id=parent_id)
    parent = cast(TenderRequirement | None, fields.pop("parent"))
    kind = cast(str, fields["kind"])
    parent_id = parent.id if parent is not None else None
    row = TenderRequirement(
        tender_id=cast(int, tender.id), kind=kind, title=cast(str, fields["title"]),
        parent_id=parent_id, position=_next_position(session, tender, kind, parent_id),
        climate_environment=bool(climate_environment), created_at=now or clock.now(),
        created_by_id=actor_id)
    for name, value in fields.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    changes: dict[str, tuple[object, object]] = {"requirement_kind": (None, kind)}
    if parent is not None:
        changes["parent"] = (None, parent.title)
    for name in ("text", "documentation", "weight", "award_group"):
        if fields[name] not in (None, ""):
            changes[name] = (None, fields[name])
    if row.climate_environment:
        changes["climate_environment"] = (None, True)
    _record(session, tender, "tender.requirement_added", row, actor_id, changes)
    derive_weights(session, tender, actor_id=actor_id)
    return row


def update_requirement(
    session: Session, tender: Tender, row: TenderRequirement, *, kind: str, title: str,
    text: str = "", documentation: str = "", weight: Decimal | int | None = None,
    award_group: str | None = None, climate_environment: bool = False,
    actor_id: int | None,
) -> dict[str, tuple[object, object]]:
    """Change a requirement; returns what changed. A library criterion keeps its pinned text
    and climate mark, and its kind stays among the kinds its type allows."""
    if row.tender_id != tender.id:
        raise RequirementError(N_("A tender may use only its own requirements."))
    if row.parent_id is not None:
        kind = AWARD
    fields = _checked(session, tender, kind=kind, title=title, text=text,
                      documentation=documentation, weight=weight, award_group=award_group,
                      parent_id=row.parent_id)
    fields.pop("parent")
    fields["climate_environment"] = bool(climate_environment)
    new_kind = cast(str, fields["kind"])
    if row.criterion_pin_id is not None:
        if new_kind not in LIBRARY_KINDS.get(row.kind, (row.kind,)):
            raise RequirementError(N_("A library criterion of this type cannot be made that "
                                      "type of requirement."))
        for name in ("title", "text", "documentation", "climate_environment"):
            kept = getattr(row, name)
            if fields[name] != (_text(kept, 10**9) if isinstance(kept, str) else kept):
                raise RequirementError(N_(
                    "The text of a library criterion stays as it was pinned, so it can be "
                    "traced to its source and version. Write a requirement of your own to say "
                    "it differently."))
            fields[name] = kept
    if new_kind != row.kind and _children(session, row):
        raise RequirementError(N_("An award criterion with sub-criteria stays an award "
                                  "criterion. Delete or move its sub-criteria first."))
    changes: dict[str, tuple[object, object]] = {}
    if new_kind != row.kind:
        changes["requirement_kind"] = (row.kind, new_kind)
        row.position = _next_position(session, tender, new_kind, None)
    names = {"kind": None, "title": "title", "text": "text", "documentation": "documentation",
             "weight": "weight", "award_group": "award_group",
             "climate_environment": "climate_environment"}
    for name, label in names.items():
        old, new = getattr(row, name), fields[name]
        if label is not None and old != new:
            changes[label] = (old, new)
        setattr(row, name, new)
    if changes:
        session.add(row)
        session.flush()
        _record(session, tender, "tender.requirement_changed", row, actor_id, changes)
        derive_weights(session, tender, actor_id=actor_id)
    return changes


def _children(session: Session, row: TenderRequirement) -> list[TenderRequirement]:
    return sorted(session.exec(select(TenderRequirement).where(
        TenderRequirement.parent_id == row.id)).all(), key=_key)


def _delete_children(session: Session, row: TenderRequirement) -> None:
    """Sub-criteria go first, in a flush of their own (the database would cascade them)."""
    children = _children(session, row)
    for child in children:
        session.delete(child)
    if children:
        session.flush()


def move_requirement(session: Session, tender: Tender, row: TenderRequirement, direction: str,
                     *, actor_id: int | None) -> bool:
    """Move a requirement one place up or down among its kind (or its parent's sub-criteria).
    Returns False when it is already first or last."""
    if row.tender_id != tender.id:
        raise RequirementError(N_("A tender may use only its own requirements."))
    if direction not in ("up", "down"):
        raise RequirementError(N_("Choose up or down."))
    siblings = _siblings(session, tender, row.kind, row.parent_id)
    index = next(i for i, other in enumerate(siblings) if other.id == row.id)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, other in enumerate(siblings, start=1):
        if other.position != position:
            other.position = position
            session.add(other)
    session.flush()
    _record(session, tender, "tender.requirement_moved", row, actor_id,
            {"position": (index + 1, target + 1)})
    return True


def delete_requirement(session: Session, tender: Tender, row: TenderRequirement, *,
                       actor_id: int | None) -> None:
    """Delete a requirement with its sub-criteria; a library criterion copied in is unpinned
    with it (the trail names its id and version)."""
    if row.tender_id != tender.id:
        raise RequirementError(N_("A tender may use only its own requirements."))
    pin = session.get(TenderCriterion, row.criterion_pin_id) if row.criterion_pin_id else None
    _record(session, tender, "tender.requirement_deleted", row, actor_id,
            criterion=pin.criterion_id if pin is not None else None,
            hash=pin.content_hash if pin is not None else None)
    _delete_children(session, row)
    session.delete(row)
    session.flush()  # before the pin, whose foreign key would take the row with it
    if pin is not None:
        session.delete(pin)
        session.flush()
    derive_weights(session, tender, actor_id=actor_id)


def set_award_weights(session: Session, tender: Tender,
                      weights: Mapping[int, Decimal | int | None], *,
                      actor_id: int | None) -> AwardWeights:
    """Set the weights of the tender's award criteria and sub-criteria in one go. They must
    add up: the criteria to 100 %, each criterion's sub-criteria to its weight."""
    rows = tender_requirements(session, tender)
    award = {cast(int, row.id): row for row in rows if row.kind == AWARD}
    checked: dict[int, Decimal | None] = {}
    for key, value in weights.items():
        if key not in award:
            raise WeightsError(N_("There is no award criterion %(id)s in this tender."), id=key)
        checked[key] = _weight(value, AWARD)
    result = check_weights(checked, lines(rows))
    problems = [p for p in result.problems if p.code in PROBLEM_MESSAGES]
    if problems:
        problem = problems[0]
        raise WeightsError(PROBLEM_MESSAGES[problem.code], title=problem.title,
                           total=problem.total, weight=problem.weight)
    for key, weight in checked.items():
        row = award[key]
        if row.weight != weight:
            _record(session, tender, "tender.requirement_changed", row, actor_id,
                    {"weight": (row.weight, weight)})
            row.weight = weight
            session.add(row)
    session.flush()
    return derive_weights(session, tender, actor_id=actor_id)


def derive_weights(session: Session, tender: Tender, *, actor_id: int | None) -> AwardWeights:
    """Work the tender's price, quality, climate and other totals out from its award criteria
    (all empty when it has none: then the price alone decides)."""
    result = weights_of(tender_requirements(session, tender))
    values = {field: (result.totals[name].quantize(CENT) if result.criteria else None)
              for name, field in WEIGHT_FIELDS.items()}
    update_tender(session, tender, values, actor_id=actor_id, action="tender.weights_derived")
    return result


# --- library criteria copied in ------------------------------------------------------------------


def _pinned_fields(pin: TenderCriterion) -> dict[str, object]:
    content = (pin.snapshot or {}).get("content", {})
    return {"title": str(content.get("title") or pin.criterion_id)[:TITLE_MAX],
            "text": str(content.get("text") or ""),
            "documentation": str(content.get("verification") or ""),
            "climate_environment": bool(pin.climate_environment)}


def add_from_pin(session: Session, tender: Tender, pin: TenderCriterion, *,
                 actor_id: int | None, now: datetime | None = None) -> TenderRequirement:
    """The requirement a newly pinned library criterion becomes (the pin's own event on the
    trail says it was added)."""
    kind = KIND_OF_CRITERION_TYPE.get(pin.type, "spec-must")
    row = TenderRequirement(
        tender_id=cast(int, tender.id), kind=kind, title="", criterion_pin_id=pin.id,
        position=_next_position(session, tender, kind, None),
        award_group="quality" if kind == AWARD else None, created_at=now or clock.now(),
        created_by_id=actor_id)
    for name, value in _pinned_fields(pin).items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return row


def follow_pin(session: Session, tender: Tender, pin: TenderCriterion, *,
               actor_id: int | None) -> TenderRequirement:
    """After a pin is replaced by another version, its requirement takes the new text; its
    place, weight and kind stay (unless the new version is of another type)."""
    row = requirement_for_pin(session, pin)
    if row is None:
        return add_from_pin(session, tender, pin, actor_id=actor_id)
    kind = KIND_OF_CRITERION_TYPE.get(pin.type, "spec-must")
    if kind not in LIBRARY_KINDS.get(row.kind, (row.kind,)):
        _delete_children(session, row)
        row.kind, row.weight = kind, None
        row.award_group = "quality" if kind == AWARD else None
        row.position = _next_position(session, tender, kind, None)
    for name, value in _pinned_fields(pin).items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    derive_weights(session, tender, actor_id=actor_id)
    return row


def remove_for_pin(session: Session, tender: Tender, pin: TenderCriterion, *,
                   actor_id: int | None) -> None:
    """The requirement of a pin being removed goes with it (sub-criteria too)."""
    row = requirement_for_pin(session, pin)
    if row is None:
        return
    _delete_children(session, row)
    session.delete(row)
    session.flush()
    derive_weights(session, tender, actor_id=actor_id)
