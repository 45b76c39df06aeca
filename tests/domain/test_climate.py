"""FOA § 7-9 check on both sides of 1 July 2026, with codes taken from the rule data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from procure.domain.climate import check_climate_environment
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook

BOOK = load_rulebook(DEFAULT_RULES_DIR)
OLD = BOOK.for_date(date(2026, 6, 30))
NEW = BOOK.for_date(date(2026, 7, 1))


@pytest.mark.parametrize("ruleset", [OLD, NEW], ids=["2024-variant", "2026-variant"])
def test_thirty_percent_weight_meets_the_duty(ruleset):
    check = check_climate_environment(ruleset, climate_weight_percent=30)
    assert (check.status, check.basis) == ("met", "criteria")
    assert check.code == "quality-nor-env-criteria"
    assert check.missing == ()


@pytest.mark.parametrize("ruleset", [OLD, NEW], ids=["2024-variant", "2026-variant"])
def test_below_thirty_percent_without_anything_else_is_not_met(ruleset):
    check = check_climate_environment(ruleset, climate_weight_percent=Decimal("29.5"))
    assert (check.status, check.basis, check.code) == ("not-met", None, None)
    assert check.missing[0] == ("Klima og miljø må vektes minst 30 % i tildelingskriteriene "
                                "(nå 29,5 %).")
    assert any("kravspesifikasjonen" in m for m in check.missing)


@pytest.mark.parametrize("ruleset", [OLD, NEW], ids=["2024-variant", "2026-variant"])
def test_spec_requirements_need_a_justification(ruleset):
    unjustified = check_climate_environment(ruleset, has_spec_requirements=True)
    assert unjustified.status == "not-met"
    assert any("begrunnes" in m for m in unjustified.missing)
    justified = check_climate_environment(ruleset, has_spec_requirements=True,
                                          spec_justification="Krav gir klart bedre effekt.")
    assert (justified.status, justified.basis, justified.code) == (
        "met", "spec", "quality-nor-env-spec")


def test_combination_is_a_basis_only_from_1_july_2026():
    args = dict(climate_weight_percent=10, has_spec_requirements=True,
                spec_justification="Kombinasjon av krav og kriterier.")
    assert check_climate_environment(OLD, **args).basis == "spec"
    new = check_climate_environment(NEW, **args)
    assert (new.status, new.basis, new.code) == ("met", "combination", "quality-nor-env-spec")


def test_insignificant_exemption_code_changes_on_1_july_2026():
    args = dict(exemption="insignificant", exemption_justification="Kjøp av kurs, lite utslipp.")
    old, new = check_climate_environment(OLD, **args), check_climate_environment(NEW, **args)
    assert (old.status, old.basis, old.code) == (
        "met", "exemption-insignificant", "quality-nor-env-none")
    assert (new.status, new.basis, new.code) == (
        "met", "exemption-insignificant", "quality-nor-env-exempt-insignificant")
    assert old.legal_ref == "FOA § 7-9 (5)"
    # DFØ codelist: the 2026 exemptions are § 7-9 (3) and (4); "bokstav a/b" is not the numbering.
    assert new.legal_ref == "FOA § 7-9 (3)"


@pytest.mark.parametrize(("exemption", "code"), [
    ("critical-interest", "quality-nor-env-exempt-critical-interest"),
    ("national-minimum", "quality-nor-env-exempt-national-minimum"),
])
def test_new_exemptions_exist_only_from_1_july_2026(exemption, code):
    args = dict(exemption=exemption, exemption_justification="Skriftlig begrunnelse.")
    old = check_climate_environment(OLD, **args)
    assert old.status == "not-met"
    assert any(f"«{exemption}» finnes ikke" in m for m in old.missing)
    new = check_climate_environment(NEW, **args)
    assert (new.status, new.basis, new.code) == ("met", f"exemption-{exemption}", code)


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_an_exemption_needs_a_written_justification(justification):
    check = check_climate_environment(NEW, exemption="critical-interest",
                                      exemption_justification=justification)
    assert check.status == "not-met"
    assert any("skriftlig begrunnelse" in m for m in check.missing)


def test_accepts_the_variant_itself_and_codes_come_from_data():
    check = check_climate_environment(OLD.climate, climate_weight_percent=40)
    assert check.code == OLD.climate.bases["criteria"].code
    assert check.variant == "2024-01-01"


def test_unknown_exemption_or_impossible_weight_is_a_value_error():
    with pytest.raises(ValueError):
        check_climate_environment(NEW, exemption="too-expensive", exemption_justification="x")
    with pytest.raises(ValueError):
        check_climate_environment(NEW, climate_weight_percent=120)


@pytest.mark.parametrize(("day", "code"), [
    (date(2024, 1, 1), None), (date(2024, 1, 15), None),
    (date(2024, 1, 16), "quality-nor-env-criteria"), (date(2024, 3, 1), "quality-nor-env-criteria"),
])
def test_no_dfo_code_before_the_codes_existed(day, code):
    # Issue 18 point 11: DFØ's codelist (award-criterion-type.no.yaml) is valid from 2024-01-16;
    # § 7-9 itself applies from 1 January 2024 (DFØ guide ch. 1).
    check = check_climate_environment(BOOK.for_date(day), climate_weight_percent=30,
                                      notice_date=day)
    assert (check.status, check.basis, check.code) == ("met", "criteria", code)
