"""A tender's own requirements (issue 20): add, change, order, delete, sub-criteria, the one
weight model, the trail in words, and the demo tenders meeting § 7-9 by what they contain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from procure.domain.climate import check_document
from procure.domain.criteria import DEFAULT_CRITERIA_DIR, load_library
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
from procure.exports.trail import audit_trail
from procure.models import Organisation, Tender, TenderCriterion, TenderRequirement
from procure.services import requirements, tender_criteria, tenders
from procure.services.requirements import RequirementError, WeightsError
from tests.support.templates import load_demo

LIBRARY = load_library(DEFAULT_CRITERIA_DIR)
RULES = load_rulebook(DEFAULT_RULES_DIR)


@pytest.fixture
def org(db):
    organisation = Organisation(name="Testkommune", orgnr="923456783", kommunenummer="3205")
    db.add(organisation)
    db.flush()
    return organisation


@pytest.fixture
def tender(db, org):
    row = tenders.create_draft(db, org.id, "Elsykler til hjemmetjenesten", "Behov",
                               actor_id=None)
    tenders.update_tender(db, row, {"planned_notice_date": date(2026, 9, 1),
                                    "cpv_code": "34430000-0"}, actor_id=None)
    return row


def add(db, tender, kind="spec-must", title="Krav", **fields):
    return requirements.add_requirement(db, tender, kind=kind, title=title, actor_id=None,
                                        **fields)


def titles(db, tender, kind=None):
    return [r.title for r in requirements.tender_requirements(db, tender)
            if kind is None or r.kind == kind]


def test_add_each_kind_and_read_them_back_in_document_order(db, tender):
    add(db, tender, "contract-clause", "Dagbøter", text="0,1 % per dag.")
    add(db, tender, "award", "Pris", weight=Decimal(70), award_group="price")
    add(db, tender, "qualification", "Skatteattest", documentation="Attest fra Skatteetaten.")
    add(db, tender, "spec-should", "Lav vekt")
    add(db, tender, "spec-must", "Batteri 500 Wh", climate_environment=True)
    assert titles(db, tender) == ["Skatteattest", "Batteri 500 Wh", "Lav vekt", "Pris",
                                  "Dagbøter"]
    rows = requirements.tender_requirements(db, tender)
    assert rows[0].documentation == "Attest fra Skatteetaten."
    assert rows[1].climate_environment and rows[3].weight == Decimal(70)
    assert rows[3].award_group == "price" and rows[1].award_group is None
    tree = requirements.requirement_tree(rows)
    assert list(tree) == ["qualification", "spec-must", "spec-should", "award",
                          "contract-clause"]


@pytest.mark.parametrize(("fields", "msgid"), [
    ({"kind": "wish"}, "Choose the type of requirement."),
    ({"title": "   "}, "Give the requirement a title."),
    ({"kind": "spec-must", "weight": Decimal(10)},
     "Only award criteria and their sub-criteria have a weight."),
    ({"kind": "award", "weight": Decimal(101)},
     "A weight must be between 0 and 100 %%, not %(weight)s."),
    ({"kind": "award", "weight": Decimal("10.125")},
     "Give the weight with at most two decimals."),
    ({"kind": "award", "award_group": "climate"}, "Choose what the award criterion counts as."),
    ({"text": "x" * 20001}, "A text can be at most %(limit)s characters."),
    ({"parent_id": 999999}, "A sub-criterion belongs under one of this tender's award "
                            "criteria. Choose one from the list."),
])
def test_bad_requirements_are_refused_with_a_reason(db, tender, fields, msgid):
    values = {"kind": "spec-must", "title": "Krav", **fields}
    with pytest.raises(RequirementError) as error:
        requirements.add_requirement(db, tender, actor_id=None, **values)
    assert error.value.msgid == msgid
    assert requirements.tender_requirements(db, tender) == []


def test_change_a_requirement_and_its_kind(db, tender):
    row = add(db, tender, "spec-must", "Rekkevidde", text="Minst 60 km.")
    add(db, tender, "spec-should", "Lys")
    changes = requirements.update_requirement(
        db, tender, row, kind="spec-should", title="Rekkevidde om vinteren",
        text="Minst 60 km ved −10 °C.", documentation="Datablad.", actor_id=None)
    assert changes["requirement_kind"] == ("spec-must", "spec-should")
    assert changes["title"] == ("Rekkevidde", "Rekkevidde om vinteren")
    assert titles(db, tender, "spec-should") == ["Lys", "Rekkevidde om vinteren"]  # at the end
    assert requirements.update_requirement(
        db, tender, row, kind="spec-should", title="Rekkevidde om vinteren",
        text="Minst 60 km ved −10 °C.", documentation="Datablad.", actor_id=None) == {}
    # Into an award criterion: it takes the quality group, and may now carry a weight.
    requirements.update_requirement(db, tender, row, kind="award", title=row.title,
                                    text=row.text, weight=Decimal(20), actor_id=None)
    assert (row.kind, row.award_group, row.weight) == ("award", "quality", Decimal(20))


def test_move_up_and_down_within_the_kind(db, tender):
    first, second, third = (add(db, tender, title=t) for t in ("A", "B", "C"))
    add(db, tender, "qualification", "Q")
    assert requirements.move_requirement(db, tender, third, "up", actor_id=None)
    assert titles(db, tender, "spec-must") == ["A", "C", "B"]
    assert requirements.move_requirement(db, tender, first, "down", actor_id=None)
    assert titles(db, tender, "spec-must") == ["C", "A", "B"]
    assert not requirements.move_requirement(db, tender, third, "up", actor_id=None)  # first
    assert not requirements.move_requirement(db, tender, second, "down", actor_id=None)
    with pytest.raises(RequirementError):
        requirements.move_requirement(db, tender, second, "sideways", actor_id=None)


def test_sub_criteria_sum_to_their_parent_and_move_among_themselves(db, tender):
    price = add(db, tender, "award", "Pris", weight=Decimal(60), award_group="price")
    quality = add(db, tender, "award", "Kvalitet", weight=Decimal(40))
    service = add(db, tender, "award", "Service", weight=Decimal(25), parent_id=quality.id)
    climate = add(db, tender, "spec-must", "Elsykkel", parent_id=quality.id,
                  weight=Decimal(15), climate_environment=True)
    assert (climate.kind, climate.parent_id, climate.award_group) == ("award", quality.id, None)
    assert titles(db, tender, "award") == ["Pris", "Kvalitet", "Service", "Elsykkel"]
    weights = requirements.weights_of(requirements.tender_requirements(db, tender))
    assert weights.complete
    assert dict(weights.totals) == {"price": 60, "quality": 25, "climate": 15, "other": 0}
    assert (tender.weight_price, tender.weight_quality, tender.weight_climate) == (60, 25, 15)
    assert requirements.move_requirement(db, tender, climate, "up", actor_id=None)
    assert titles(db, tender, "award") == ["Pris", "Kvalitet", "Elsykkel", "Service"]
    # A sub-criterion of a sub-criterion, or under another kind, is refused.
    for parent in (service, add(db, tender, "qualification", "Q")):
        with pytest.raises(RequirementError):
            add(db, tender, "award", "Dypt", parent_id=parent.id)
    # A criterion with sub-criteria stays an award criterion; deleting it takes them along.
    with pytest.raises(RequirementError, match="sub-criteria"):
        requirements.update_requirement(db, tender, quality, kind="spec-must",
                                        title="Kvalitet", actor_id=None)
    requirements.delete_requirement(db, tender, quality, actor_id=None)
    assert titles(db, tender, "award") == ["Pris"]
    assert tender.weight_price == 60 and tender.weight_quality == 0
    assert price.id is not None


def test_weights_saved_together_must_add_up(db, tender):
    price = add(db, tender, "award", "Pris", award_group="price")
    quality = add(db, tender, "award", "Kvalitet")
    sub = add(db, tender, "award", "Utslipp", parent_id=quality.id, climate_environment=True)
    with pytest.raises(WeightsError) as error:
        requirements.set_award_weights(db, tender, {price.id: Decimal(60), quality.id: 30,
                                                    sub.id: 30}, actor_id=None)
    assert error.value.msgid == requirements.PROBLEM_MESSAGES["total"]
    assert error.value.params["total"] == 90
    with pytest.raises(WeightsError) as error:
        requirements.set_award_weights(db, tender, {price.id: 60, quality.id: 40, sub.id: 30},
                                       actor_id=None)
    assert error.value.msgid == requirements.PROBLEM_MESSAGES["sub-criteria"]
    assert (error.value.params["title"], error.value.params["total"],
            error.value.params["weight"]) == ("Kvalitet", 30, 40)
    with pytest.raises(WeightsError) as error:
        requirements.set_award_weights(db, tender, {price.id: 60, quality.id: 40},
                                       actor_id=None)
    assert error.value.params["title"] == "Utslipp"  # no weight
    assert price.weight is None  # nothing was saved
    result = requirements.set_award_weights(db, tender, {price.id: 60, quality.id: 40,
                                                         sub.id: 40}, actor_id=None)
    assert result.complete and result.climate == 40
    assert (tender.weight_price, tender.weight_quality, tender.weight_climate,
            tender.weight_other) == (60, 0, 40, 0)


def test_a_tender_uses_only_its_own_requirements(db, org, tender):
    other = tenders.create_draft(db, org.id, "Annen anskaffelse", actor_id=None)
    theirs = add(db, other, "award", "Deres kriterium", weight=Decimal(100))
    assert requirements.get_requirement(db, tender, theirs.id) is None
    with pytest.raises(RequirementError):
        add(db, tender, "award", "Under deres", parent_id=theirs.id)
    for call in (lambda: requirements.update_requirement(db, tender, theirs, kind="award",
                                                         title="x", actor_id=None),
                 lambda: requirements.move_requirement(db, tender, theirs, "up",
                                                       actor_id=None),
                 lambda: requirements.delete_requirement(db, tender, theirs, actor_id=None)):
        with pytest.raises(RequirementError, match="only its own"):
            call()
    with pytest.raises(WeightsError):
        requirements.set_award_weights(db, tender, {theirs.id: 100}, actor_id=None)
    assert requirements.tender_requirements(db, tender) == []
    assert titles(db, other) == ["Deres kriterium"]


def test_a_library_criterion_keeps_its_text_and_goes_with_its_pin(db, tender):
    pin = tender_criteria.pin_criterion(db, tender, LIBRARY, "veh-energi-01:1",
                                        actor_id=None)
    row = db.exec(select(TenderRequirement).where(
        TenderRequirement.criterion_pin_id == pin.id)).one()
    assert (row.kind, row.award_group, row.climate_environment) == ("award", "quality", True)
    same = dict(title=row.title, text=row.text, documentation=row.documentation,
                climate_environment=True)
    with pytest.raises(RequirementError, match="stays as it was pinned"):
        requirements.update_requirement(db, tender, row, kind="award",
                                        **{**same, "text": "Annen tekst"}, actor_id=None)
    with pytest.raises(RequirementError, match="stays as it was pinned"):
        requirements.update_requirement(db, tender, row, kind="award",
                                        **{**same, "climate_environment": False},
                                        actor_id=None)
    with pytest.raises(RequirementError, match="cannot be made"):
        requirements.update_requirement(db, tender, row, kind="spec-must", **same,
                                        actor_id=None)
    requirements.update_requirement(db, tender, row, kind="award", **same, weight=30,
                                    actor_id=None)
    assert row.weight == 30 and tender.weight_climate == 30
    # Deleting the requirement unpins the criterion; the trail names it.
    requirements.delete_requirement(db, tender, row, actor_id=None)
    assert db.exec(select(TenderCriterion)).all() == []
    entry = audit_trail(db, tender)[-2]  # then the derived weights
    assert entry.action_label == "Krav slettet"
    assert row.title in entry.subject


def test_every_change_reads_as_a_sentence_in_the_history(db, tender):
    row = add(db, tender, "award", "Pris", weight=Decimal(50), award_group="price",
              documentation="Prisskjema.")
    requirements.update_requirement(db, tender, row, kind="award", title="Samlet pris",
                                    documentation="Prisskjema.", weight=Decimal(60),
                                    award_group="price", climate_environment=True,
                                    actor_id=None)
    add(db, tender, "award", "Kvalitet")
    requirements.move_requirement(db, tender, row, "down", actor_id=None)
    trail = [entry for entry in audit_trail(db, tender)
             if entry.action.startswith("tender.requirement")]
    added, changed, _quality, moved = trail
    assert (added.action_label, added.subject) == ("Krav lagt til", "Pris")
    assert ("Type krav", "–", "Tildelingskriterium") in added.changes
    assert ("Vekt", "–", "50 %") in added.changes
    assert ("Teller som", "–", "Pris") in added.changes
    assert changed.subject == "Samlet pris"
    assert set(changed.changes) == {("Tittel", "Pris", "Samlet pris"), ("Vekt", "50 %", "60 %"),
                                    ("Teller for klima og miljø (§ 7-9)", "Nei", "Ja")}
    assert moved.changes == [("Plass i listen", "1", "2")]
    derived = next(e for e in audit_trail(db, tender) if e.action == "tender.weights_derived")
    assert derived.action_label.startswith("Vektene for pris, kvalitet og klima")


def test_every_demo_tender_meets_the_duty_by_what_its_document_holds(app, db):
    load_demo(db)
    db.commit()
    checked = 0
    for tender in db.exec(select(Tender)).all():
        rows = requirements.tender_requirements(db, tender)
        check = tender_criteria.climate_check(tender, rows, RULES)
        if tender.status != "draft" or tender.climate_status is not None:
            assert check is not None and check.status == "met", (tender.reference,
                                                                  check and check.missing)
        if check is None:
            continue
        checked += 1
        # The stored result is the one the document gives, basis and all.
        assert (tender.climate_status, tender.climate_basis) == (check.status, check.basis)
        weights = requirements.weights_of(rows)
        assert weights.complete or not weights.criteria, tender.reference
        if check.basis == "criteria":
            climate = [r for r in rows if r.kind == "award" and r.climate_environment]
            assert climate and weights.climate >= 30, tender.reference
        elif check.basis in ("spec", "combination"):
            assert any(r.kind == "spec-must" and r.climate_environment for r in rows)
            assert tender.climate_spec_justification, tender.reference
        else:
            assert tender.climate_exemption_justification, tender.reference
        # The typed totals are the document's.
        if weights.criteria:
            assert tender.weight_climate == weights.climate, tender.reference
        # Nothing but the document decides: the same rows give the same result without the
        # tender's stored columns.
        again = check_document(RULES.for_date(tender.planned_notice_date),
                               requirements.lines(rows),
                               spec_justification=tender.climate_spec_justification,
                               exemption=tender.climate_exemption,
                               exemption_justification=tender.climate_exemption_justification)
        assert again.status == check.status
    assert checked >= 15
    own = db.exec(select(TenderRequirement).where(
        TenderRequirement.criterion_pin_id.is_(None))).all()  # type: ignore[union-attr]
    assert {r.kind for r in own} == {"qualification", "spec-must", "spec-should", "award",
                                     "contract-clause"}
