"""The data of a tender's documents, gathered from the tender itself (no request state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from procure.domain.estimate import format_nok
from procure.models import Organisation, Tender

OSLO = ZoneInfo("Europe/Oslo")
NOT_SET = "Ikke fastsatt"

# The document is a Norwegian legal text whatever language the officer's UI uses.
PROCEDURE_NB = {
    "market-dialogue": "markedsdialog før konkurranse",
    "direct-award": "direkte kjøp",
    "simplified-competition": "forenklet konkurranse",
    "open-tender-competition": "åpen tilbudskonkurranse",
    "restricted-tender-competition": "begrenset tilbudskonkurranse",
    "open-procedure": "åpen anbudskonkurranse",
    "restricted-procedure": "begrenset anbudskonkurranse",
    "competitive-negotiation": "konkurranse med forhandling",
    "competitive-dialogue": "konkurransepreget dialog",
    "innovation-partnership": "innovasjonspartnerskap",
}
REGIME_NB = {
    "outside": ("Utenfor regelverket", "alminnelige forretningsmessige prinsipper"),
    "part-1": ("FOA del I", "anskaffelsesforskriften del I"),
    "part-2": ("FOA del I og II", "anskaffelsesforskriften del I og II"),
    "part-3": ("FOA del I og III", "anskaffelsesforskriften del I og III"),
    "part-4": ("FOA del I og IV", "anskaffelsesforskriften del I og IV"),
}
CONTRACT_NB = {"goods": "varer", "services": "tjenester", "works": "bygge- og anleggsarbeid",
               "health-social": "helse- og sosialtjenester",
               "special-services": "andre særlige tjenester"}
CHAPTERS = (
    ("need", "Behov og bakgrunn"), ("procedure", "Prosedyre og rettslig grunnlag"),
    ("timeline", "Tidsplan"), ("qualification", "Kvalifikasjonskrav"),
    ("specification", "Kravspesifikasjon"), ("award", "Tildelingskriterier"),
    ("green", "Grønne krav og kriterier"), ("clauses", "Kontraktsvilkår"),
    ("submission", "Spørsmål og innlevering"), ("appendices", "Vedlegg"),
)


@dataclass
class TenderDocument:
    kind: str
    reference: str
    title: str
    buyer: str
    buyer_orgnr: str
    generated: str
    procedure: str
    regime: str
    regime_long: str
    rules_version: str
    notice_date: str
    question_deadline: str
    tender_deadline: str
    need: str
    cpv: str
    contract_type: str
    value: str
    value_lines: list[str]
    explanation: list[str]
    deviation: str
    timeline: list[tuple[str, str]]
    climate: dict
    chapters: tuple = CHAPTERS
    qualification: list[dict] = field(default_factory=list)
    specification: list[dict] = field(default_factory=list)
    award: list[dict] = field(default_factory=list)
    clauses: list[dict] = field(default_factory=list)
    green: list[dict] = field(default_factory=list)
    weights: list[tuple[str, int]] = field(default_factory=list)
    appendices: list[str] = field(default_factory=list)
    contact: str = ""


def norwegian_date(value: date | datetime | None) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, datetime):
        return value.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M")
    return value.strftime("%d.%m.%Y")


def tender_document(session: Session, tender: Tender, *, now: datetime) -> TenderDocument:
    """Everything the konkurransegrunnlag shows, as plain values."""
    organisation = session.get(Organisation, tender.organisation_id)
    recommendation = tender.recommendation or {}
    regime_short, regime_long = REGIME_NB.get(recommendation.get("regime", ""), ("–", "–"))
    track = tender.track or tender.recommended_track or ""
    obligations = {o["id"]: o for o in recommendation.get("obligations", [])}
    timeline = [
        ("Kunngjøring eller invitasjon", norwegian_date(tender.planned_notice_date)),
        ("Frist for spørsmål", norwegian_date(getattr(tender, "question_deadline", None))),
        ("Tilbudsfrist", norwegian_date(tender.tender_deadline)),
    ]
    if "standstill" in obligations:
        timeline.append(("Karensperiode", obligations["standstill"]["text"]))
    appendices = ["Tilbudsbrev", "Prisskjema", "Kontrakt med vilkår"]
    if "espd" in obligations:
        appendices.insert(1, "ESPD (egenerklæringsskjema)")
    document = TenderDocument(
        kind="Konkurransegrunnlag",
        reference=tender.reference,
        title=tender.title,
        buyer=organisation.name if organisation else "",
        buyer_orgnr=organisation.orgnr if organisation else "",
        generated=now.astimezone(OSLO).strftime("%d.%m.%Y"),
        procedure=PROCEDURE_NB.get(track, track or NOT_SET),
        regime=regime_short,
        regime_long=regime_long,
        rules_version=tender.rules_version or "–",
        notice_date=norwegian_date(tender.planned_notice_date),
        question_deadline=norwegian_date(getattr(tender, "question_deadline", None)),
        tender_deadline=norwegian_date(tender.tender_deadline),
        need=tender.description or "",
        cpv=tender.cpv_code or "",
        contract_type=CONTRACT_NB.get(tender.contract_type or "", "–"),
        value=_document_value(tender),
        # The working behind the estimate is internal; it goes into the protocol only.
        value_lines=[],
        explanation=_public_explanation(tender, recommendation),
        deviation=tender.track_reason,
        timeline=timeline,
        climate=_climate_statement(tender),
        appendices=appendices,
    )
    _add_criteria(session, tender, document)
    return document


LEVEL_NB = {"basis": "Basis", "avansert": "Avansert", "spydspiss": "Spydspiss"}
TYPE_NB = {"qualification": "Kvalifikasjonskrav", "specification": "Krav i spesifikasjonen",
           "award": "Tildelingskriterium", "contract-clause": "Kontraktsvilkår"}
WEIGHTS_NB = (("weight_price", "Pris"), ("weight_quality", "Kvalitet"),
              ("weight_climate", "Klima og miljø"), ("weight_other", "Andre kriterier"))


def _percent(value: object) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _add_criteria(session: Session, tender: Tender, document: TenderDocument) -> None:
    """Criteria come from the pinned snapshots only, never from today's criteria files."""
    from procure.services.tender_criteria import tender_pins

    groups = {"qualification": document.qualification, "specification": document.specification,
              "award": document.award, "contract-clause": document.clauses}
    for pin in tender_pins(session, tender):
        content = pin.snapshot.get("content", {})
        item = {
            "id": pin.criterion_id, "title": content.get("title", ""),
            "text": content.get("text", ""), "verification": content.get("verification", ""),
            "level_label": LEVEL_NB.get(pin.level, pin.level),
            "type_label": TYPE_NB.get(pin.type, pin.type),
            "source": pin.snapshot.get("source", {}).get("title", ""),
            "weight": _percent(pin.weight),
        }
        groups.get(pin.type, document.specification).append(item)
        if pin.climate_environment:
            document.green.append(item)
    document.weights = [(label, _percent(getattr(tender, name))) for name, label in WEIGHTS_NB
                        if getattr(tender, name, None)]
    document.climate["justification"] = (
        getattr(tender, "climate_exemption_justification", "")
        or getattr(tender, "climate_spec_justification", ""))


CLIMATE_BASIS_NB = {
    "criteria": "klima- og miljøhensyn er vektet med minst 30 % i tildelingskriteriene",
    "spec": "klima- og miljøkrav er stilt i kravspesifikasjonen",
    "combination": "kombinasjon av tildelingskriterier og krav i kravspesifikasjonen",
    "exemption-insignificant": "unntak: anskaffelsen har uvesentlig klimafotavtrykk og "
                               "miljøbelastning",
    "exemption-critical-interest": "unntak: vesentlige hensyn til helse, sikkerhet eller "
                                   "beredskap",
    "exemption-national-minimum": "unntak: nasjonale minimumskrav gjelder",
}


def _public_explanation(tender: Tender, recommendation: dict) -> list[str]:
    """The reasons for the procedure; without figures when the value is confidential."""
    if not getattr(tender, "value_confidential", False):
        return list(recommendation.get("explanation", []))
    return [f"Prosedyren følger av anskaffelsens art, anslått verdi og kunngjøringsdato "
            f"etter regelsett {tender.rules_version or '–'}."]


def _document_value(tender: Tender) -> str:
    """The document is published to suppliers: a confidential value is not stated in it."""
    if getattr(tender, "value_confidential", False):
        return "Oppgis ikke"
    if tender.estimated_value is None:
        return NOT_SET
    return format_nok(tender.estimated_value) + " ekskl. mva."


def _climate_statement(tender: Tender) -> dict:
    if tender.climate_status == "met":
        basis = CLIMATE_BASIS_NB.get(tender.climate_basis or "", tender.climate_basis)
        statement = f"Kravet i § 7-9 er oppfylt: {basis}."
    else:
        statement = "Kravet i § 7-9 er ikke dokumentert oppfylt ennå."
    return {"status": tender.climate_status, "statement": statement,
            "code": tender.climate_code, "justification": ""}
