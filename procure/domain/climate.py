"""FOA § 7-9 check: is the climate and environment duty met, on which basis, with which code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from procure.domain.requirements import Line, award_weights, climate_kinds
from procure.domain.rules import CLIMATE_EXEMPTIONS, ClimateVariant, RuleSet


@dataclass(frozen=True)
class ClimateCheck:
    status: str  # "met" | "not-met"
    basis: str | None  # criteria | spec | combination | exemption-<id>; None when not met
    code: str | None  # the DFØ eForms award-criterion-type code for the basis
    missing: tuple[str, ...]  # what is missing, in plain Norwegian
    legal_ref: str = ""
    variant: str = ""


def check_climate_environment(
    ruleset_or_variant: RuleSet | ClimateVariant,
    *,
    climate_weight_percent: Decimal | int | None = None,
    has_spec_requirements: bool = False,
    spec_justification: str | None = None,
    exemption: str | None = None,
    exemption_justification: str | None = None,
    notice_date: date | None = None,
) -> ClimateCheck:
    """§ 7-9 is met by the weight floor, justified spec requirements, a combination where the
    variant allows it, or a justified exemption that the variant in force recognises.

    DFØ's eForms codes exist only from the variant's `codes_valid_from`: a purchase announced
    before that date meets the duty the same way, but there is no code to report (None)."""
    variant = (ruleset_or_variant.climate if isinstance(ruleset_or_variant, RuleSet)
               else ruleset_or_variant)
    if exemption is not None and exemption not in CLIMATE_EXEMPTIONS:
        raise ValueError(f"ukjent unntak {exemption!r}; gyldige er {', '.join(CLIMATE_EXEMPTIONS)}")
    weight = Decimal(climate_weight_percent or 0)
    if not 0 <= weight <= 100:
        raise ValueError("vekten for klima og miljø må være mellom 0 og 100 %")
    justified = bool(spec_justification and spec_justification.strip())

    no_codes_yet = bool(variant.codes_valid_from and notice_date
                        and notice_date < variant.codes_valid_from)

    def met(basis_id: str, code: str, legal_ref: str) -> ClimateCheck:
        return ClimateCheck("met", basis_id, None if no_codes_yet else code, (), legal_ref,
                            variant.id)

    bases = variant.bases
    if weight >= variant.min_weight_percent:
        return met("criteria", bases["criteria"].code, bases["criteria"].legal_ref)
    # From 1 July 2026 spec requirements may be combined with award criteria (new § 7-9 (2)).
    for basis_id, applies in (("combination", weight > 0), ("spec", True)):
        basis = bases.get(basis_id)
        if basis and applies and has_spec_requirements and (
                justified or not basis.requires_justification):
            return met(basis_id, basis.code, basis.legal_ref)
    if exemption is not None and exemption in variant.exemptions:
        rule = variant.exemptions[exemption]
        if exemption_justification and exemption_justification.strip():
            return met(f"exemption-{exemption}", rule.code, rule.legal_ref)
    return ClimateCheck("not-met", None, None,
                        _missing(variant, weight, has_spec_requirements, justified,
                                 exemption, exemption_justification),
                        variant.legal_ref, variant.id)


def check_document(
    ruleset_or_variant: RuleSet | ClimateVariant,
    lines: Iterable[Line],
    *,
    spec_justification: str | None = None,
    exemption: str | None = None,
    exemption_justification: str | None = None,
    notice_date: date | None = None,
) -> ClimateCheck:
    """The § 7-9 result worked out from what the tender document holds, never from a typed
    figure: the climate and environment weight is the sum of the award criteria (and
    sub-criteria) marked as climate and environment, and counts only once the award weights
    add up; the specification route needs climate and environment requirements of a kind the
    rules in force count (`spec_requirement_kinds` in the rule file) and, where the rules ask
    for it, the justification; an exemption needs its justification."""
    variant = (ruleset_or_variant.climate if isinstance(ruleset_or_variant, RuleSet)
               else ruleset_or_variant)
    lines = list(lines)
    weights = award_weights(lines)
    counted = set(variant.spec_requirement_kinds)
    check = check_climate_environment(
        variant, climate_weight_percent=weights.climate if weights.complete else 0,
        has_spec_requirements=any(kind in counted for kind in climate_kinds(lines)),
        spec_justification=spec_justification, exemption=exemption,
        exemption_justification=exemption_justification, notice_date=notice_date)
    if check.status != "met" and weights.criteria and not weights.complete:
        floor, total, climate = (_percent(n) for n in (
            variant.min_weight_percent, weights.total, weights.climate))
        first = (f"Klima og miljø må vektes minst {floor} % i tildelingskriteriene, og vektene "
                 f"må gå opp: tildelingskriteriene veier nå {total} % til sammen (skal være "
                 f"100 %), klima og miljø {climate} %.")
        check = replace(check, missing=(first, *check.missing[1:]))
    return check


def _percent(number: Decimal) -> str:
    return f"{number.normalize():f}".replace(".", ",")


def _missing(variant: ClimateVariant, weight: Decimal, has_spec: bool, justified: bool,
             exemption: str | None, exemption_justification: str | None) -> tuple[str, ...]:
    floor, now = (_percent(n) for n in (variant.min_weight_percent, weight))
    missing = [f"Klima og miljø må vektes minst {floor} % i tildelingskriteriene (nå {now} %)."]
    spec = variant.bases.get("spec")
    if spec is not None:
        if not has_spec:
            alternative = ("alene eller i kombinasjon med tildelingskriteriene"
                           if "combination" in variant.bases else "i stedet for kriteriene")
            missing.append(f"Alternativt: still klima- og miljøkrav i kravspesifikasjonen "
                           f"{alternative} ({spec.legal_ref}).")
        elif spec.requires_justification and not justified:
            missing.append("Kravene i kravspesifikasjonen må begrunnes i anskaffelsesdokumentene "
                           f"({spec.legal_ref}).")
    if exemption is not None:
        if exemption not in variant.exemptions:
            known = ", ".join(e.label for e in variant.exemptions.values()) or "ingen"
            missing.append(f"Unntaket «{exemption}» finnes ikke i {variant.legal_ref}. "
                           f"Unntak som gjelder: {known}.")
        elif not (exemption_justification and exemption_justification.strip()):
            rule = variant.exemptions[exemption]
            missing.append(f"Unntaket for {rule.label} krever en skriftlig begrunnelse i "
                           f"anskaffelsesdokumentene ({rule.legal_ref}).")
    return tuple(missing)
