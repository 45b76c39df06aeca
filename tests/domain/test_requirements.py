"""The one weight model and the § 7-9 status worked out from the tender document, per route,
met and not met, on both sides of 1 July 2026 (procure.domain.requirements and
procure.domain.climate.check_document)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from procure.domain.climate import check_document
from procure.domain.requirements import Line, award_weights, check_weights
from procure.domain.rules import DEFAULT_RULES_DIR, RuleError, load_rulebook

BOOK = load_rulebook(DEFAULT_RULES_DIR)
OLD = BOOK.for_date(date(2026, 6, 30))
NEW = BOOK.for_date(date(2026, 7, 1))
BOTH = pytest.mark.parametrize("ruleset", [OLD, NEW], ids=["2024-variant", "2026-variant"])


def award(key, weight, *, climate=False, group="quality", parent=None, title=""):
    return Line(key, "award", None if weight is None else Decimal(weight), climate, group,
                parent, title or f"K{key}")


PRICE_QUALITY_CLIMATE = [award(1, 60, group="price"), award(2, 10), award(3, 30, climate=True)]


def test_totals_are_worked_out_from_the_criteria_and_sub_criteria():
    lines = [award(1, 50, group="price"), award(2, 30),
             award(3, 10, parent=2), award(4, 20, parent=2, climate=True),
             award(5, 20, climate=True, group="other"),
             award(6, 5, parent=5), award(7, 15, parent=5),  # under a climate criterion
             Line(8, "spec-must", climate=True)]
    weights = award_weights(lines)
    assert weights.complete and weights.total == 100 and weights.criteria == 3
    assert dict(weights.totals) == {"price": 50, "quality": 10, "climate": 40, "other": 0}


@pytest.mark.parametrize(("lines", "codes"), [
    ([], ["no-criteria"]),
    ([award(1, 60), award(2, 30)], ["total"]),
    ([award(1, 60), award(2, None)], ["total", "no-weight"]),
    ([award(1, 60), award(2, 40), award(3, 30, parent=2)], ["sub-criteria"]),
    ([award(1, 60), award(2, 40), award(3, 40, parent=2), award(4, None, parent=2)],
     ["no-weight"]),
])
def test_what_keeps_the_weights_from_adding_up(lines, codes):
    assert [p.code for p in award_weights(lines).problems] == codes
    assert not award_weights(lines).complete


def test_weights_can_be_tried_before_they_are_saved():
    lines = [award(1, None), award(2, None)]
    assert check_weights({1: Decimal(70), 2: Decimal(30)}, lines).complete
    assert not check_weights({1: Decimal(70)}, lines).complete


@BOTH
def test_criteria_route_met_by_climate_award_criteria_of_30_percent(ruleset):
    check = check_document(ruleset, PRICE_QUALITY_CLIMATE)
    assert (check.status, check.basis, check.code) == ("met", "criteria",
                                                       "quality-nor-env-criteria")


@BOTH
def test_criteria_route_met_by_climate_sub_criteria(ruleset):
    lines = [award(1, 60, group="price"), award(2, 40), award(3, 10, parent=2),
             award(4, 30, parent=2, climate=True)]
    assert check_document(ruleset, lines).basis == "criteria"


@BOTH
def test_criteria_route_not_met_below_30_percent(ruleset):
    lines = [award(1, 60, group="price"), award(2, Decimal("10.5")),
             award(3, Decimal("29.5"), climate=True)]
    check = check_document(ruleset, lines)
    assert check.status == "not-met"
    assert check.missing[0] == ("Klima og miljø må vektes minst 30 % i tildelingskriteriene "
                                "(nå 29,5 %).")


@BOTH
def test_criteria_route_not_met_when_only_a_quality_criterion_weighs_30(ruleset):
    lines = [award(1, 70, group="price"), award(2, 30, title="Miljø og kvalitet")]
    assert check_document(ruleset, lines).status == "not-met"


@BOTH
def test_criteria_route_not_met_while_the_weights_do_not_add_up(ruleset):
    lines = [award(1, 40, group="price"), award(2, 30, climate=True)]  # 70 % in all
    check = check_document(ruleset, lines)
    assert check.status == "not-met"
    assert check.missing[0] == ("Klima og miljø må vektes minst 30 % i tildelingskriteriene, "
                                "og vektene må gå opp: tildelingskriteriene veier nå 70 % til "
                                "sammen (skal være 100 %), klima og miljø 30 %.")


@BOTH
def test_nothing_typed_counts_a_document_without_requirements_is_not_met(ruleset):
    check = check_document(ruleset, [])
    assert (check.status, check.basis, check.code) == ("not-met", None, None)


@BOTH
def test_spec_route_met_with_a_justification(ruleset):
    lines = [Line(1, "spec-must", climate=True)]
    unjustified = check_document(ruleset, lines)
    assert unjustified.status == "not-met"
    assert any("begrunnes" in m for m in unjustified.missing)
    justified = check_document(ruleset, lines, spec_justification="Klart bedre effekt.")
    assert (justified.status, justified.basis, justified.code) == (
        "met", "spec", "quality-nor-env-spec")


@BOTH
@pytest.mark.parametrize("kind", ["spec-should", "qualification", "contract-clause"])
def test_spec_route_counts_only_the_kinds_the_rules_name(ruleset, kind):
    assert ruleset.climate.spec_requirement_kinds == ("spec-must",)
    check = check_document(ruleset, [Line(1, kind, climate=True)],
                           spec_justification="Begrunnelse.")
    assert check.status == "not-met"
    not_climate = check_document(ruleset, [Line(1, "spec-must")],
                                 spec_justification="Begrunnelse.")
    assert not_climate.status == "not-met"


def test_combination_of_criteria_and_spec_requirements_from_1_july_2026():
    lines = [award(1, 80, group="price"), award(2, 20, climate=True),
             Line(3, "spec-must", climate=True)]
    old = check_document(OLD, lines, spec_justification="Begrunnelse.")
    new = check_document(NEW, lines, spec_justification="Begrunnelse.")
    assert (old.status, old.basis) == ("met", "spec")
    assert (new.status, new.basis, new.code) == ("met", "combination", "quality-nor-env-spec")


@BOTH
def test_exemption_route_met_only_with_a_justification(ruleset):
    assert check_document(ruleset, [], exemption="insignificant").status == "not-met"
    check = check_document(ruleset, [], exemption="insignificant",
                           exemption_justification="Kurs med lite utslipp.")
    assert (check.status, check.basis) == ("met", "exemption-insignificant")


@pytest.mark.parametrize("exemption", ["critical-interest", "national-minimum"])
def test_new_exemptions_are_routes_only_from_1_july_2026(exemption):
    args = {"exemption": exemption, "exemption_justification": "Skriftlig begrunnelse."}
    assert check_document(OLD, [], **args).status == "not-met"
    assert check_document(NEW, [], **args).basis == f"exemption-{exemption}"


def test_the_counted_kinds_are_data_in_the_rule_file(tmp_path: Path):
    source = DEFAULT_RULES_DIR / "2026-07-01.toml"
    text = source.read_text(encoding="utf-8")
    assert 'spec_requirement_kinds = ["spec-must"]' in text
    wider = replace(NEW.climate, spec_requirement_kinds=("spec-must", "contract-clause"))
    check = check_document(wider, [Line(1, "contract-clause", climate=True)],
                           spec_justification="Begrunnelse.")
    assert check.basis == "spec"
    broken = tmp_path / "2026-07-01.toml"
    broken.write_text(text.replace('spec_requirement_kinds = ["spec-must"]',
                                   'spec_requirement_kinds = ["wishes"]'), encoding="utf-8")
    for other in DEFAULT_RULES_DIR.glob("*.toml"):
        if other.name != broken.name:
            (tmp_path / other.name).write_text(other.read_text(encoding="utf-8"),
                                               encoding="utf-8")
    with pytest.raises(RuleError, match="spec_requirement_kinds"):
        load_rulebook(tmp_path)
