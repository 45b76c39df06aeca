"""Green criteria applied to a tender: pinning, fit, and the FOA § 7-9 check.

A pinned criterion keeps its id:version, content hash and a snapshot of its content, so a
later change to the criteria files never alters the tender; pinning it copies it into the
tender's requirements (procure.services.requirements), where the officer orders and weighs it
beside their own. The § 7-9 result is worked out from those requirements (never from a typed
figure) with the rule set valid on the planned notice date, and copied into the tender's
climate_* columns whenever an input changes (statistics group by them in SQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlmodel import Session, col, select

from procure import clock
from procure.domain.climate import ClimateCheck, check_document
from procure.domain.cpv_categories import CategoryFit, category_fit
from procure.domain.criteria import (
    CONTENT_FIELDS,
    LEVELS,
    Criterion,
    Library,
    content_hash,
    criterion_content,
)
from procure.domain.rules import CLIMATE_EXEMPTIONS, NoRuleSetError, RuleBook, RuleSet
from procure.errors import N_, UserError
from procure.models import Tender, TenderCriterion, TenderRequirement
from procure.services import audit, requirements
from procure.services.tenders import update_tender

WEIGHT_FIELDS = ("weight_price", "weight_quality", "weight_climate", "weight_other")
WEIGHT_KEYS = {"weight_price": "price", "weight_quality": "quality",
               "weight_climate": "climate_environment", "weight_other": "other"}
TYPE_ORDER = ("qualification", "specification", "award", "contract-clause")
# Tenders whose criteria may still matter for a change: not yet in evaluation or later.
ACTIVE_STATUSES = ("draft", "planned", "open")


class TenderCriteriaError(UserError):
    """Criteria, weights or § 7-9 inputs that cannot be recorded."""


class CategoryFitError(TenderCriteriaError):
    """Criteria of a category that does not fit the tender, chosen without confirming."""

    def __init__(self, fit: CategoryFit, category: str) -> None:
        super().__init__(N_("These criteria are not made for this purchase. Confirm that you "
                            "want them anyway."))
        self.fit, self.category = fit, category


# --- reading ---------------------------------------------------------------------------------


def criteria_date(tender: Tender, today: date | None = None) -> date:
    """The day whose criteria sets and rules apply: the planned notice date, else today."""
    return tender.planned_notice_date or today or clock.today()


def tender_pins(session: Session, tender: Tender) -> list[TenderCriterion]:
    """The tender's pinned criteria, by set, then type, then id."""
    rows = session.exec(select(TenderCriterion).where(TenderCriterion.tender_id == tender.id))
    return sorted(rows.all(), key=lambda p: (p.set_id, TYPE_ORDER.index(p.type)
                                              if p.type in TYPE_ORDER else 9, p.base_id))


def get_pin(session: Session, tender: Tender, pin_id: int) -> TenderCriterion | None:
    pin = session.get(TenderCriterion, pin_id)
    return pin if pin is not None and pin.tender_id == tender.id else None


def pinned_criterion(pin: TenderCriterion) -> Criterion:
    """The criterion as pinned, rebuilt from the snapshot alone (never from the files)."""
    content = pin.snapshot["content"]
    return Criterion(**{name: content.get(name) for name in CONTENT_FIELDS},
                     category=pin.set_id)


def snapshot_intact(pin: TenderCriterion) -> bool:
    """True if the snapshot still hashes to the pinned content hash."""
    return content_hash(pinned_criterion(pin)) == pin.content_hash


def level_rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


# --- pinning ---------------------------------------------------------------------------------


def _snapshot(library: Library, criterion: Criterion, on: date | None) -> dict[str, Any]:
    # The set version the criterion came from: the newest one holding it in force on the date.
    containing = library.versions_containing(criterion.id)
    in_force = [s for s in containing if on is None or s.valid_from <= on]
    criteria_set = (in_force or containing)[-1]
    source = criteria_set.source(criterion.source)
    return {
        "content": criterion_content(criterion),
        "set": {"id": criteria_set.id, "version": criteria_set.version,
                "title": criteria_set.title, "title_en": criteria_set.title_en},
        "source": {"id": source.id, "title": source.title, "url": source.url},
    }


def pin_criterion(
    session: Session, tender: Tender, library: Library, criterion_id: str, *,
    actor_id: int | None, now: datetime | None = None, on: date | None = None,
) -> TenderCriterion:
    """Pin one criterion version; a pin of another version of the same criterion is replaced.
    `on` (default: today) picks which set version the snapshot names as its origin."""
    try:
        criterion = library.criterion(criterion_id)
    except KeyError:
        raise TenderCriteriaError(N_("There is no criterion %(id)s in the library."),
                                  id=criterion_id) from None
    existing = session.exec(select(TenderCriterion).where(
        TenderCriterion.tender_id == tender.id,
        TenderCriterion.base_id == criterion.base_id)).first()
    if existing is not None and existing.criterion_id == criterion.id:
        return existing
    snapshot = _snapshot(library, criterion, on or (now or clock.now()).date())
    fields = dict(
        criterion_id=criterion.id, base_id=criterion.base_id, version=criterion.version,
        content_hash=content_hash(criterion), set_id=snapshot["set"]["id"],
        set_version=snapshot["set"]["version"], type=criterion.type, level=criterion.level,
        climate_environment=criterion.climate_environment, snapshot=snapshot,
        pinned_at=now or clock.now(), pinned_by_id=actor_id,
    )
    if existing is None:
        pin = TenderCriterion(tender_id=cast(int, tender.id), **fields)
        action, replaced = "tender.criterion_pinned", None
    else:
        pin, replaced = existing, existing.criterion_id
        for name, value in fields.items():
            setattr(pin, name, value)
        action = "tender.criterion_replaced"
    session.add(pin)
    session.flush()
    audit.record(session, action, actor_id=actor_id, object_type="tender", object_id=tender.id,
                 criterion=criterion.id, title=criterion.title, hash=pin.content_hash,
                 replaced=replaced)
    if existing is None:
        requirements.add_from_pin(session, tender, pin, actor_id=actor_id, now=now)
        requirements.derive_weights(session, tender, actor_id=actor_id)
    else:
        requirements.follow_pin(session, tender, pin, actor_id=actor_id)
    return pin


def unpin(session: Session, tender: Tender, pin: TenderCriterion, *,
          actor_id: int | None) -> None:
    """Remove a pinned criterion and the requirement it became."""
    requirements.remove_for_pin(session, tender, pin, actor_id=actor_id)
    audit.record(session, "tender.criterion_unpinned", actor_id=actor_id, object_type="tender",
                 object_id=tender.id, criterion=pin.criterion_id,
                 title=(pin.snapshot or {}).get("content", {}).get("title"),
                 hash=pin.content_hash)
    session.delete(pin)
    session.flush()


def selectable_criteria(
    library: Library, tender: Tender, category: str, pins: Iterable[TenderCriterion],
    on: date,
) -> list[Criterion]:
    """A category's criteria as offered to the tender: the set valid on the date, with the
    pinned version in place of the library's where the tender pinned another one, and pinned
    criteria that the current set dropped at the end."""
    pinned = {p.base_id: p for p in pins if p.set_id == category}
    current = library.latest(category, on) if category in library.categories() else None
    offered = []
    for criterion in current.criteria if current else ():
        pin = pinned.pop(criterion.base_id, None)
        offered.append(pinned_criterion(pin) if pin else criterion)
    offered += [pinned_criterion(pin) for pin in pinned.values()]
    return offered


def fit_of(library: Library, tender: Tender, category: str, on: date) -> CategoryFit:
    """Whether a category's criteria are made for the tender's CPV code, and if not, why."""
    return category_fit(tender.cpv_code, category, library, on)


def save_selection(
    session: Session, tender: Tender, library: Library, offered: Iterable[str],
    selected: Iterable[str], *, actor_id: int | None, on: date | None = None,
    category: str | None = None, fit_confirmed: bool = False,
) -> tuple[int, int]:
    """Pin the selected ids among those offered and unpin the offered ones left unselected.
    Returns (pinned, removed). Pinning criteria of a `category` that does not fit the tender's
    CPV code raises CategoryFitError (saying why) unless `fit_confirmed`."""
    offered, selected = list(offered), set(selected)
    unknown = selected - set(offered)
    if unknown:
        raise TenderCriteriaError(N_("There is no criterion %(id)s in the library."),
                                  id=sorted(unknown)[0])
    by_id = {p.criterion_id: p for p in tender_pins(session, tender)}
    adding = [c for c in offered if c in selected and c not in by_id]
    if category and adding and not fit_confirmed:
        fit = fit_of(library, tender, category, on or clock.today())
        if not fit.fits:
            raise CategoryFitError(fit, category)
    added = removed = 0
    for criterion_id in offered:
        pin = by_id.get(criterion_id)
        if criterion_id in selected and pin is None:
            pin_criterion(session, tender, library, criterion_id, actor_id=actor_id, on=on)
            added += 1
        elif criterion_id not in selected and pin is not None:
            unpin(session, tender, pin, actor_id=actor_id)
            removed += 1
    return added, removed


def set_ambition(session: Session, tender: Tender, level: str | None, *,
                 actor_id: int | None, expected_version: int | None = None) -> None:
    if level is not None and level not in LEVELS:
        raise TenderCriteriaError(N_("Choose the ambition level."))
    update_tender(session, tender, {"ambition_level": level}, actor_id=actor_id,
                  action="tender.ambition_set", expected_version=expected_version)


# --- FOA § 7-9 --------------------------------------------------------------------------------


def set_climate_inputs(
    session: Session, tender: Tender, *, spec_justification: str, exemption: str | None,
    exemption_justification: str, actor_id: int | None, expected_version: int | None = None,
) -> None:
    if exemption is not None and exemption not in CLIMATE_EXEMPTIONS:
        raise TenderCriteriaError(N_("Choose one of the exemptions."))
    update_tender(session, tender, {
        "climate_spec_justification": spec_justification.strip(),
        "climate_exemption": exemption,
        "climate_exemption_justification": exemption_justification.strip() if exemption else "",
    }, actor_id=actor_id, action="tender.climate_inputs_set", expected_version=expected_version)


def ruleset_for(tender: Tender, rulebook: RuleBook) -> RuleSet | None:
    if tender.planned_notice_date is None:
        return None
    try:
        return rulebook.for_date(tender.planned_notice_date)
    except NoRuleSetError:
        return None


def climate_check(tender: Tender, rows: Iterable[TenderRequirement],
                  rulebook: RuleBook) -> ClimateCheck | None:
    """The § 7-9 result for the tender document as it stands (its requirements, weights and
    justifications); None when no rule set applies (the planned notice date is missing or
    outside every rule set). A figure typed anywhere else never counts."""
    ruleset = ruleset_for(tender, rulebook)
    if ruleset is None:
        return None
    return check_document(
        ruleset, requirements.lines(rows),
        spec_justification=tender.climate_spec_justification,
        exemption=tender.climate_exemption,
        exemption_justification=tender.climate_exemption_justification,
        notice_date=tender.planned_notice_date,
    )


def refresh_climate(session: Session, tender: Tender, rulebook: RuleBook, *,
                    actor_id: int | None) -> ClimateCheck | None:
    """Compute the § 7-9 result and keep the tender's climate_* columns in step with it."""
    check = climate_check(tender, requirements.tender_requirements(session, tender), rulebook)
    update_tender(session, tender, {
        "climate_status": check.status if check else None,
        "climate_basis": check.basis if check else None,
        "climate_code": check.code if check else None,
    }, actor_id=actor_id, action="tender.climate_checked")
    return check


def refresh_climate_if_started(session: Session, tender: Tender, rulebook: RuleBook, *,
                               actor_id: int | None) -> ClimateCheck | None:
    """Refresh the § 7-9 result after an input elsewhere (the notice date) changed, but only for
    tenders where the officer has begun on requirements, criteria or the duty."""
    started = (tender.climate_status is not None or tender.climate_exemption is not None
               or tender.climate_spec_justification
               or session.exec(select(TenderRequirement.id).where(
                   TenderRequirement.tender_id == tender.id)).first() is not None)
    return refresh_climate(session, tender, rulebook, actor_id=actor_id) if started else None


# --- superseded criteria -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDiff:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class SupersededPin:
    tender: Tender
    pin: TenderCriterion
    current: Criterion | None  # None: the current set no longer has the criterion
    changes: tuple[FieldDiff, ...]


def criterion_diff(old: Criterion, new: Criterion) -> tuple[FieldDiff, ...]:
    """Field by field, what differs between two criteria's content."""
    before, after = criterion_content(old), criterion_content(new)
    return tuple(FieldDiff(name, before.get(name), after.get(name)) for name in CONTENT_FIELDS
                 if before.get(name) != after.get(name))


def pin_diff(pin: TenderCriterion, current: Criterion) -> tuple[FieldDiff, ...]:
    """What differs between the pinned content (from the snapshot) and a library criterion."""
    return criterion_diff(pinned_criterion(pin), current)


def current_for(library: Library, pin: TenderCriterion, on: date) -> tuple[bool, Criterion | None]:
    """(superseded?, the library's current criterion with the same base id or None)."""
    if pin.set_id not in library.categories():
        return True, None
    current_set = library.latest(pin.set_id, on)
    if current_set is None:
        return False, None
    current = next((c for c in current_set.criteria if c.base_id == pin.base_id), None)
    if current is None:
        return True, None
    return current.id != pin.criterion_id or content_hash(current) != pin.content_hash, current


def superseded_pins(session: Session, organisation_id: int, library: Library,
                    on: date) -> list[SupersededPin]:
    """Pins of the organisation's active tenders whose criterion has a newer version, or was
    dropped, in the set valid on the date."""
    rows = session.exec(
        select(TenderCriterion, Tender)
        .join(Tender, col(Tender.id) == col(TenderCriterion.tender_id))
        .where(Tender.organisation_id == organisation_id)
        .order_by(Tender.reference, TenderCriterion.base_id)
    ).all()
    found = []
    for pin, tender in rows:
        if tender.status not in ACTIVE_STATUSES:
            continue
        superseded, current = current_for(library, pin, on)
        if superseded:
            changes = pin_diff(pin, current) if current is not None else ()
            found.append(SupersededPin(tender, pin, current, changes))
    return found


# --- summary for the CLI and the overview ---------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def tender_summary(session: Session, tender: Tender, rulebook: RuleBook) -> dict[str, object]:
    """The tender's requirements, derived weights and § 7-9 result as plain JSON-able data."""
    rows = requirements.tender_requirements(session, tender)
    pins = requirements.pins_by_id(session, tender)
    check = climate_check(tender, rows, rulebook)
    weights = requirements.weights_of(rows)

    def pin_of(row: TenderRequirement) -> dict[str, object] | None:
        pin = pins.get(row.criterion_pin_id) if row.criterion_pin_id else None
        if pin is None:
            return None
        return {"id": pin.criterion_id, "base_id": pin.base_id, "version": pin.version,
                "hash": pin.content_hash, "set": pin.set_id, "set_version": pin.set_version,
                "type": pin.type, "level": pin.level}

    return {
        "id": tender.id,
        "reference": tender.reference,
        "title": tender.title,
        "status": tender.status,
        "cpv_code": tender.cpv_code,
        "planned_notice_date": (tender.planned_notice_date.isoformat()
                                if tender.planned_notice_date else None),
        "track": tender.track,
        "ambition_level": tender.ambition_level,
        "weights": {WEIGHT_KEYS[name]: _number(getattr(tender, name)) for name in WEIGHT_FIELDS},
        "weights_add_up": weights.complete,
        "requirements": [
            {"id": row.id, "kind": row.kind, "title": row.title,
             "parent": row.parent_id, "weight": _number(row.weight),
             "award_group": row.award_group, "climate_environment": row.climate_environment,
             "criterion": pin_of(row)}
            for row in rows
        ],
        "climate": {
            "status": check.status if check else None,
            "basis": check.basis if check else None,
            "code": check.code if check else None,
            "variant": check.variant if check else None,
            "legal_ref": check.legal_ref if check else None,
            "missing": list(check.missing) if check else [],
            "spec_justification": tender.climate_spec_justification,
            "exemption": tender.climate_exemption,
            "exemption_justification": tender.climate_exemption_justification,
        },
    }
