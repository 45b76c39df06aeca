"""The requirements chapters of the konkurransegrunnlag: qualification requirements with their
documentation, the specification's must and should requirements, the award criteria with
weights, sub-criteria and the evaluation method, the contract clauses, and the § 7-9 statement.

Everything comes from the tender's own requirement rows (procure.services.requirements),
which hold the officer's requirements and the library criteria copied in. The document goes to
suppliers: a library criterion shows its public source ("DFØ Kriterieveiviseren: Kjøretøy"),
never its internal id, version, content hash, ambition level or an eForms code.

Call `requirement_sections(session, tender)` inside `vocabulary.bokmal()` (tender_document
does); templates/pdf/_requirements.html renders the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from procure import vocabulary as v
from procure.models import Tender, TenderRequirement
from procure.services import requirements

__all__ = ["DocRequirement", "RequirementSections", "requirement_sections"]


@dataclass
class DocRequirement:
    """One requirement as suppliers read it."""

    number: str  # "1", or "2.1" for a sub-criterion
    title: str
    text: str
    documentation: str
    weight: str | None = None  # "30 %" (award criteria and sub-criteria)
    counts_as: str = ""  # award criteria: "Pris", "Kvalitet", "Klima og miljø", ...
    climate: bool = False
    source: str = ""  # a library criterion's public source
    children: list[DocRequirement] = field(default_factory=list)


@dataclass
class RequirementSections:
    qualification: list[DocRequirement] = field(default_factory=list)
    spec_must: list[DocRequirement] = field(default_factory=list)
    spec_should: list[DocRequirement] = field(default_factory=list)
    award: list[DocRequirement] = field(default_factory=list)
    clauses: list[DocRequirement] = field(default_factory=list)
    totals: list[tuple[str, str]] = field(default_factory=list)  # (what, "50 %")
    weights_add_up: bool = False
    evaluation: list[str] = field(default_factory=list)  # the evaluation method
    climate: dict = field(default_factory=dict)  # status, statement, justification
    green: list[tuple[str, DocRequirement]] = field(default_factory=list)  # (where, item)
    sources: list[str] = field(default_factory=list)  # the public sources used


def percent(value: Decimal | None) -> str | None:
    """'30 %', '12,5 %' (bokmål); None for no weight."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",") + " %"


SECTION_OF_KIND = {"qualification": "qualification", "spec-must": "spec_must",
                   "spec-should": "spec_should", "award": "award",
                   "contract-clause": "clauses"}


def _source(row: TenderRequirement, pins: dict) -> str:
    pin = pins.get(row.criterion_pin_id) if row.criterion_pin_id else None
    if pin is None:
        return ""
    return str(((pin.snapshot or {}).get("source") or {}).get("title") or "")


def _counts_as(row: TenderRequirement, parent: TenderRequirement | None = None) -> str:
    if row.climate_environment or (parent is not None and parent.climate_environment):
        return v.label(v.AWARD_CRITERIA, "climate")
    group = (parent or row).award_group or "quality"
    return v.label(v.AWARD_GROUPS, group)


def requirement_sections(session: Session, tender: Tender) -> RequirementSections:
    """The requirements chapters' content, in bokmål when built inside vocabulary.bokmal()."""
    rows = requirements.tender_requirements(session, tender)
    pins = requirements.pins_by_id(session, tender)
    tree = requirements.requirement_tree(rows)
    sections = RequirementSections()
    sources: list[str] = []
    for kind, nodes in tree.items():
        items = getattr(sections, SECTION_OF_KIND.get(kind, "spec_must"))
        for number, node in enumerate(nodes, start=1):
            row = node.row
            item = DocRequirement(
                str(number), row.title, row.text, row.documentation, percent(row.weight),
                _counts_as(row) if kind == "award" else "", row.climate_environment,
                _source(row, pins))
            for sub_number, child in enumerate(node.children, start=1):
                item.children.append(DocRequirement(
                    f"{number}.{sub_number}", child.title, child.text, child.documentation,
                    percent(child.weight), _counts_as(child, row),
                    child.climate_environment or row.climate_environment,
                    _source(child, pins)))
            items.append(item)
            where = v.label(v.REQUIREMENT_KINDS, kind)
            for each in (item, *item.children):
                if each.climate:
                    sections.green.append((where, each))
                if each.source and each.source not in sources:
                    sources.append(each.source)
    weights = requirements.weights_of(rows)
    sections.weights_add_up = weights.complete
    if weights.criteria:
        sections.totals = [(v.label(v.AWARD_CRITERIA, name), percent(total) or "0 %")
                           for name, total in weights.totals.items() if total]
    sections.evaluation = _evaluation(rows, weights.criteria > 0)
    sections.climate = _climate_statement(tender)
    sections.sources = sources
    return sections


def _evaluation(rows: list[TenderRequirement], weighted: bool) -> list[str]:
    """How the offers are evaluated: the method the simplified competition uses
    (procure.domain.competition), in words."""
    if not weighted:
        return ["Det er ikke satt tildelingskriterier. Tilbudet med lavest pris blir valgt."]
    lines = ["Tilbudene evalueres etter tildelingskriteriene og vektene under. Hvert kriterium "
             "gis en score fra 0 til 10, og poengene for et kriterium er vekten ganget med "
             "scoren delt på 10. Tilbudet med høyest samlet poengsum har det beste forholdet "
             "mellom pris og kvalitet og blir valgt."]
    if any(r.kind == "award" and r.parent_id is None and r.award_group == "price"
           and not r.climate_environment for r in rows):
        lines.append("Pris: laveste pris får score 10, og de andre tilbudene får laveste pris "
                     "delt på tilbudt pris, ganget med 10 (forholdsmetoden).")
    lines.append("De andre kriteriene scores etter en samlet vurdering av hvor godt tilbudet "
                 "oppfyller kriteriet, på grunnlag av dokumentasjonen som er bedt om. Det beste "
                 "tilbudet på et kriterium får score 10, og de andre scores i forhold til det.")
    if any(r.parent_id is not None for r in rows):
        lines.append("Et kriterium med underkriterier scores per underkriterium, med "
                     "underkriteriets vekt.")
    return lines


def _climate_statement(tender: Tender) -> dict:
    """The § 7-9 statement as suppliers read it: how the duty is met and the justification,
    never the eForms code (that belongs in the notice and the protocol)."""
    if tender.climate_status == "met":
        basis = v.lower_first(v.label(v.CLIMATE_BASES, tender.climate_basis))
        statement = f"Kravet i anskaffelsesforskriften § 7-9 er oppfylt: {basis}."
    else:
        statement = ("Kravet i anskaffelsesforskriften § 7-9 er ikke dokumentert oppfylt "
                     "ennå.")
    basis = tender.climate_basis or ""
    justification = ""
    if basis.startswith("exemption"):
        justification = tender.climate_exemption_justification or ""
    elif basis in ("spec", "combination"):
        justification = tender.climate_spec_justification or ""
    return {"status": tender.climate_status, "statement": statement,
            "justification": justification}
