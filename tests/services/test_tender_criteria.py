"""Criteria applied to a tender: pinning, fit, § 7-9 worked out from the document on both sides
of 1 July 2026, publishing blockers and the superseded-criteria report (service level)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from procure.domain.criteria import DEFAULT_CRITERIA_DIR, content_hash, load_library
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
from procure.models import AuditEvent, Organisation, TenderCriterion, TenderRequirement
from procure.services import publishing, requirements, tender_criteria, tenders

LIBRARY = load_library(DEFAULT_CRITERIA_DIR)
RULES = load_rulebook(DEFAULT_RULES_DIR)
BEFORE, FROM = date(2026, 6, 30), date(2026, 7, 1)
BOTH_SIDES = pytest.mark.parametrize("notice", [BEFORE, FROM], ids=["2024-variant",
                                                                     "2026-variant"])


@pytest.fixture
def org(db):
    organisation = Organisation(name="Testkommune", orgnr="923456783", kommunenummer="3205")
    db.add(organisation)
    db.flush()
    return organisation


@pytest.fixture
def make_tender(db, org):
    def _make(notice: date | None = FROM, title: str = "Renhold", cpv="90911200-8"):
        tender = tenders.create_draft(db, org.id, title, "Behov", actor_id=None)
        tenders.update_tender(db, tender, {"planned_notice_date": notice, "cpv_code": cpv},
                              actor_id=None)
        return tender

    return _make


def award(db, tender, title, weight, *, climate=False, group="quality"):
    return requirements.add_requirement(db, tender, kind="award", title=title, weight=weight,
                                        award_group=group, climate_environment=climate,
                                        actor_id=None)


def weigh(db, tender, price, quality, climate):
    """Own award criteria: price, quality and a climate and environment criterion."""
    award(db, tender, "Pris", Decimal(price), group="price")
    award(db, tender, "Kvalitet", Decimal(quality))
    if climate:
        award(db, tender, "Utslipp i bruk", Decimal(climate), climate=True)


def requirement_of(db, pin):
    return db.exec(select(TenderRequirement).where(
        TenderRequirement.criterion_pin_id == pin.id)).one()


def test_a_pin_keeps_id_version_hash_and_a_snapshot(db, make_tender):
    tender = make_tender()
    pin = tender_criteria.pin_criterion(db, tender, LIBRARY, "veh-ev-01:2", actor_id=None)
    criterion = LIBRARY.criterion("veh-ev-01:2")
    assert (pin.criterion_id, pin.base_id, pin.version) == ("veh-ev-01:2", "veh-ev-01", 2)
    assert pin.content_hash == content_hash(criterion)
    assert (pin.set_id, pin.set_version) == ("vehicles", "2026-1")
    assert pin.snapshot["content"]["text"] == criterion.text
    assert pin.snapshot["source"]["url"].startswith("https://")
    assert tender_criteria.snapshot_intact(pin)
    # It joins the tender's requirements: a specification criterion as a must requirement.
    row = requirement_of(db, pin)
    assert (row.kind, row.title, row.text) == ("spec-must", criterion.title, criterion.text)
    assert (row.documentation, row.climate_environment) == (criterion.verification, True)
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.criterion_pinned")).one()
    assert event.details["criterion"] == "veh-ev-01:2"
    assert event.details["hash"] == pin.content_hash


def test_the_snapshot_names_the_set_in_force_on_the_date(db, make_tender):
    tender = make_tender(BEFORE)
    pin = tender_criteria.pin_criterion(db, tender, LIBRARY, "veh-lov-01:1", actor_id=None,
                                        on=BEFORE)
    assert pin.set_version == "2025-1"  # veh-lov-01:1 is in both sets, unchanged


def test_pinning_another_version_replaces_the_pin(db, make_tender):
    tender = make_tender()
    first = tender_criteria.pin_criterion(db, tender, LIBRARY, "veh-ev-01:1", actor_id=None)
    second = tender_criteria.pin_criterion(db, tender, LIBRARY, "veh-ev-01:2", actor_id=None)
    assert first.id == second.id
    assert [p.criterion_id for p in tender_criteria.tender_pins(db, tender)] == ["veh-ev-01:2"]
    # The requirement follows the new version's text, in the same place.
    rows = requirements.tender_requirements(db, tender)
    assert [r.title for r in rows] == [LIBRARY.criterion("veh-ev-01:2").title]
    with pytest.raises(tender_criteria.TenderCriteriaError) as error:
        tender_criteria.pin_criterion(db, tender, LIBRARY, "veh-ev-01:9", actor_id=None)
    assert error.value.params == {"id": "veh-ev-01:9"}


def test_save_selection_pins_and_unpins_within_the_offered(db, make_tender):
    tender = make_tender()
    offered = [c.id for c in tender_criteria.selectable_criteria(
        LIBRARY, tender, "cleaning-services", [], FROM)]
    assert "cln-kjem-01:1" in offered
    added, removed = tender_criteria.save_selection(
        db, tender, LIBRARY, offered, ["cln-kjem-01:1", "cln-merke-01:1"], actor_id=None)
    assert (added, removed) == (2, 0)
    added, removed = tender_criteria.save_selection(
        db, tender, LIBRARY, offered, ["cln-merke-01:1"], actor_id=None)
    assert (added, removed) == (0, 1)
    with pytest.raises(tender_criteria.TenderCriteriaError):
        tender_criteria.save_selection(db, tender, LIBRARY, offered, ["veh-ev-01:2"],
                                       actor_id=None)


def test_a_category_that_does_not_fit_asks_for_confirmation_and_says_why(db, make_tender):
    tender = make_tender(cpv="34430000-0")  # bicycles: no category in the library
    offered = [c.id for c in tender_criteria.selectable_criteria(
        LIBRARY, tender, "vehicles", [], FROM)]
    with pytest.raises(tender_criteria.CategoryFitError) as error:
        tender_criteria.save_selection(db, tender, LIBRARY, offered, ["veh-lov-01:1"],
                                       actor_id=None, on=FROM, category="vehicles")
    assert (error.value.fit.reason, error.value.category) == ("other-area", "vehicles")
    assert "34100000-8" in error.value.fit.areas
    assert tender_criteria.tender_pins(db, tender) == []
    added, _removed = tender_criteria.save_selection(
        db, tender, LIBRARY, offered, ["veh-lov-01:1"], actor_id=None, on=FROM,
        category="vehicles", fit_confirmed=True)
    assert added == 1
    # Removing criteria of a category that does not fit needs no confirmation.
    assert tender_criteria.save_selection(db, tender, LIBRARY, offered, [], actor_id=None,
                                          on=FROM, category="vehicles") == (0, 1)
    # Without a CPV code the library cannot tell: that asks too, for another reason.
    bare = make_tender(cpv=None)
    with pytest.raises(tender_criteria.CategoryFitError) as error:
        tender_criteria.save_selection(db, bare, LIBRARY, offered, ["veh-lov-01:1"],
                                       actor_id=None, on=FROM, category="vehicles")
    assert error.value.fit.reason == "no-cpv"
    # A fitting category pins at once.
    vans = make_tender(cpv="34144900-7")
    assert tender_criteria.save_selection(db, vans, LIBRARY, offered, ["veh-lov-01:1"],
                                          actor_id=None, on=FROM, category="vehicles")[0] == 1


@BOTH_SIDES
def test_climate_award_criteria_of_30_percent_meet_the_duty_on_both_sides(db, make_tender,
                                                                          notice):
    tender = make_tender(notice)
    weigh(db, tender, 60, 10, 30)
    check = tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert (check.status, check.basis, check.code) == ("met", "criteria",
                                                       "quality-nor-env-criteria")
    assert (tender.climate_status, tender.climate_basis, tender.climate_code) == (
        "met", "criteria", "quality-nor-env-criteria")
    # The totals are worked out from the criteria.
    assert (tender.weight_price, tender.weight_quality, tender.weight_climate,
            tender.weight_other) == (60, 10, 30, 0)
    # The climate criterion gone, the duty is not met, and the totals no longer add up.
    climate = next(r for r in requirements.tender_requirements(db, tender)
                   if r.climate_environment)
    requirements.delete_requirement(db, tender, climate, actor_id=None)
    check = tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert check.status == "not-met" and tender.climate_code is None
    assert "veier nå 70 % til sammen" in check.missing[0]


@BOTH_SIDES
def test_thirty_typed_into_the_weight_columns_no_longer_counts(db, make_tender, notice):
    tender = make_tender(notice)
    tenders.update_tender(db, tender, {"weight_price": Decimal(70),
                                       "weight_climate": Decimal(30)}, actor_id=None)
    check = tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert check.status == "not-met" and tender.climate_status == "not-met"
    # A quality criterion of 30 % that is not marked as climate does not count either.
    weigh(db, tender, 70, 30, 0)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None).status == "not-met"
    assert tender.weight_climate == 0


@pytest.mark.parametrize(("notice", "basis"), [(BEFORE, "spec"), (FROM, "combination")])
def test_spec_requirements_with_some_weight_combine_only_from_1_july(db, make_tender, notice,
                                                                      basis):
    tender = make_tender(notice)
    tender_criteria.pin_criterion(db, tender, LIBRARY, "cln-kjem-01:1", actor_id=None)
    weigh(db, tender, 80, 10, 10)
    check = tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert check.status == "not-met"
    assert any("begrunnes" in line for line in check.missing)
    tender_criteria.set_climate_inputs(db, tender, spec_justification="Klart bedre effekt.",
                                       exemption=None, exemption_justification="",
                                       actor_id=None)
    tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert (tender.climate_status, tender.climate_basis, tender.climate_code) == (
        "met", basis, "quality-nor-env-spec")


def test_only_climate_must_requirements_in_the_specification_count(db, make_tender):
    tender = make_tender()
    pin = tender_criteria.pin_criterion(db, tender, LIBRARY, "food-antibiotika-01:1",
                                        actor_id=None)
    assert requirement_of(db, pin).kind == "spec-must" and not pin.climate_environment
    tender_criteria.set_climate_inputs(db, tender, spec_justification="Begrunnelse.",
                                       exemption=None, exemption_justification="",
                                       actor_id=None)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None).status == "not-met"
    climate_pin = tender_criteria.pin_criterion(db, tender, LIBRARY, "food-veg-01:1",
                                                actor_id=None)
    row = requirement_of(db, climate_pin)
    fields = dict(title=row.title, text=row.text, documentation=row.documentation,
                  climate_environment=True, actor_id=None)
    requirements.update_requirement(db, tender, row, kind="spec-should", **fields)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None).status == "not-met"
    requirements.update_requirement(db, tender, row, kind="spec-must", **fields)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None).basis == "spec"
    # An own requirement counts the same way.
    requirements.delete_requirement(db, tender, row, actor_id=None)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None).status == "not-met"
    requirements.add_requirement(db, tender, kind="spec-must", title="Elektriske kjøretøy",
                                 climate_environment=True, actor_id=None)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None).basis == "spec"


@pytest.mark.parametrize(("notice", "status", "code"), [
    (BEFORE, "not-met", None),
    (FROM, "met", "quality-nor-env-exempt-critical-interest"),
])
def test_critical_interest_exemption_exists_only_from_1_july(db, make_tender, notice, status,
                                                             code):
    tender = make_tender(notice)
    tender_criteria.set_climate_inputs(db, tender, spec_justification="",
                                       exemption="critical-interest",
                                       exemption_justification="Beredskapslager for sykehjem.",
                                       actor_id=None)
    check = tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert (check.status, check.code, tender.climate_code) == (status, code, code)
    if status == "not-met":
        assert any("Unntaket «critical-interest» finnes ikke" in line for line in check.missing)


@pytest.mark.parametrize(("notice", "code"), [
    (BEFORE, "quality-nor-env-none"), (FROM, "quality-nor-env-exempt-insignificant")])
def test_insignificant_exemption_code_follows_the_notice_date(db, make_tender, notice, code):
    tender = make_tender(notice)
    tender_criteria.set_climate_inputs(db, tender, spec_justification="",
                                       exemption="insignificant", exemption_justification="",
                                       actor_id=None)
    unjustified = tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert unjustified.status == "not-met"
    assert any("krever en skriftlig begrunnelse" in line for line in unjustified.missing)
    tender_criteria.set_climate_inputs(db, tender, spec_justification="",
                                       exemption="insignificant",
                                       exemption_justification="Kurs med lite utslipp.",
                                       actor_id=None)
    tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    assert (tender.climate_status, tender.climate_basis, tender.climate_code) == (
        "met", "exemption-insignificant", code)


def test_no_notice_date_means_no_check(db, make_tender):
    tender = make_tender(None)
    assert tender_criteria.refresh_climate(db, tender, RULES, actor_id=None) is None
    assert tender.climate_status is None
    blockers = publishing.publish_blockers(tender, [], None)
    assert [b.key for b in blockers] == ["track", "notice-date"]


def test_publishing_is_blocked_until_track_and_duty_are_in_place(db, make_tender):
    tender = make_tender(FROM)
    with pytest.raises(publishing.PublishError):
        publishing.publish_as_planned(db, tender, RULES, actor_id=None)
    rows = requirements.tender_requirements(db, tender)
    check = tender_criteria.climate_check(tender, rows, RULES)
    blockers = publishing.publish_blockers(tender, rows, check)
    assert [b.key for b in blockers] == ["track", "climate"]
    assert blockers[0].msgid == "Choose the track (step 5 of the wizard)."
    assert blockers[1].params == {"legal_ref": "FOA § 7-9 (fra 1. juli 2026)"}
    assert blockers[1].details == (
        "Klima og miljø må vektes minst 30 % i tildelingskriteriene (nå 0 %).",
        "Alternativt: still klima- og miljøkrav i kravspesifikasjonen alene eller i "
        "kombinasjon med tildelingskriteriene (FOA § 7-9 (2)).")

    pin = tender_criteria.pin_criterion(db, tender, LIBRARY, "cln-merke-01:1", actor_id=None)
    award(db, tender, "Pris", Decimal(60), group="price")
    award(db, tender, "Kvalitet", Decimal(10))
    tenders.update_tender(db, tender, {"track": "simplified-competition"}, actor_id=None)
    rows = requirements.tender_requirements(db, tender)
    blockers = publishing.publish_blockers(
        tender, rows, tender_criteria.climate_check(tender, rows, RULES))
    assert [(b.key, b.msgid) for b in blockers] == [
        ("climate", "The climate and environment duty (%(legal_ref)s) is not met yet:"),
        ("weights", requirements.PROBLEM_MESSAGES["total"]),
        ("weights", requirements.PROBLEM_MESSAGES["no-weight"])]
    assert blockers[1].params["total"] == 70
    assert blockers[2].params["title"] == LIBRARY.criterion("cln-merke-01:1").title
    requirements.set_award_weights(db, tender, {requirement_of(db, pin).id: Decimal(30)},
                                   actor_id=None)
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    publishing.publish_as_planned(db, tender, RULES, actor_id=None, now=now)
    assert tender.status == "planned" and tender.planned_at == now
    assert tender.climate_status == "met"
    with pytest.raises(publishing.PublishError, match="Only a draft"):
        publishing.publish_as_planned(db, tender, RULES, actor_id=None)


def test_superseded_report_shows_what_changed(db, make_tender):
    tender = make_tender(BEFORE)
    for criterion_id in ("veh-ev-01:1", "veh-euro-01:1", "veh-lov-01:1"):
        tender_criteria.pin_criterion(db, tender, LIBRARY, criterion_id, actor_id=None)
    rows = tender_criteria.superseded_pins(db, tender.organisation_id, LIBRARY, date(2026, 8, 1))
    found = {row.pin.criterion_id: row for row in rows}
    assert set(found) == {"veh-ev-01:1", "veh-euro-01:1"}  # veh-lov-01:1 is unchanged
    changed = found["veh-ev-01:1"]
    assert changed.current.id == "veh-ev-01:2"
    fields = {change.field: (change.old, change.new) for change in changed.changes}
    assert fields["level"] == ("avansert", "basis")
    assert fields["title"] == ("Nullutslipp for tyngre varebiler", "Nullutslipp for alle varebiler")
    assert found["veh-euro-01:1"].current is None
    # Before the new set is in force, nothing is superseded.
    assert tender_criteria.superseded_pins(db, tender.organisation_id, LIBRARY, BEFORE) == []
    # Finished tenders are left out.
    tenders.update_tender(db, tender, {"cancelled_at": datetime(2026, 7, 2, tzinfo=UTC)},
                          actor_id=None)
    assert tender_criteria.superseded_pins(db, tender.organisation_id, LIBRARY,
                                           date(2026, 8, 1)) == []


def test_summary_for_the_cli(db, make_tender):
    tender = make_tender(FROM)
    tender_criteria.pin_criterion(db, tender, LIBRARY, "cln-kjem-01:1", actor_id=None)
    award(db, tender, "Pris", Decimal("62.5"), group="price")
    award(db, tender, "Kvalitet", Decimal("7.5"))
    award(db, tender, "Miljømerket utstyr", Decimal(30), climate=True)
    tender_criteria.refresh_climate(db, tender, RULES, actor_id=None)
    summary = tender_criteria.tender_summary(db, tender, RULES)
    assert summary["weights"] == {"price": 62.5, "quality": 7.5, "climate_environment": 30,
                                  "other": 0}
    assert summary["weights_add_up"] is True
    first = summary["requirements"][0]
    assert (first["kind"], first["criterion"]["id"], first["criterion"]["version"]) == (
        "spec-must", "cln-kjem-01:1", 1)
    assert first["criterion"]["hash"] == content_hash(LIBRARY.criterion("cln-kjem-01:1"))
    assert [r["title"] for r in summary["requirements"][1:]] == [
        "Pris", "Kvalitet", "Miljømerket utstyr"]
    assert summary["requirements"][3]["criterion"] is None
    assert summary["climate"]["status"] == "met"
    assert summary["climate"]["code"] == "quality-nor-env-criteria"
    assert db.exec(select(TenderCriterion)).one().tender_id == tender.id
