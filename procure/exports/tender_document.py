"""The data of a tender's documents, gathered from the tender itself (no request state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from procure import vocabulary as v
from procure.clock import NOT_SET, OSLO, norwegian_date
from procure.domain.estimate import format_nok
from procure.exports.tender_requirements import RequirementSections, requirement_sections
from procure.models import Organisation, Tender

__all__ = ["CHAPTERS", "NOT_SET", "OSLO", "TenderDocument", "norwegian_date",
           "tender_document"]

# The document is a Norwegian legal text whatever language the officer's UI uses: it is built
# inside vocabulary.bokmal(), and its labels come from the vocabulary.
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
    chapters: tuple = CHAPTERS
    # Chapters 4-8 (qualification, specification, award, green, clauses) and § 7-9:
    # procure.exports.tender_requirements, rendered by templates/pdf/_requirements.html.
    requirements: RequirementSections = field(default_factory=RequirementSections)
    appendices: list[str] = field(default_factory=list)
    contact: str = ""


def tender_document(session: Session, tender: Tender, *, now: datetime) -> TenderDocument:
    """Everything the konkurransegrunnlag shows, as plain values (bokmål)."""
    with v.bokmal():
        return _tender_document(session, tender, now=now)


def _tender_document(session: Session, tender: Tender, *, now: datetime) -> TenderDocument:
    organisation = session.get(Organisation, tender.organisation_id)
    recommendation = tender.recommendation or {}
    regime = recommendation.get("regime")
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
        procedure=v.lower_first(v.label(v.PROCEDURES, track, missing=NOT_SET)),
        regime=v.label(v.REGIMES_SHORT, regime),
        regime_long=v.label(v.REGIMES_LEGAL, regime),
        rules_version=tender.rules_version or "–",
        notice_date=norwegian_date(tender.planned_notice_date),
        question_deadline=norwegian_date(getattr(tender, "question_deadline", None)),
        tender_deadline=norwegian_date(tender.tender_deadline),
        need=tender.description or "",
        cpv=tender.cpv_code or "",
        contract_type=v.label(v.CONTRACT_TYPES, tender.contract_type),
        value=_document_value(tender),
        # The working behind the estimate is internal; it goes into the protocol only.
        value_lines=[],
        explanation=_public_explanation(tender, recommendation),
        deviation=tender.track_reason,
        timeline=timeline,
        requirements=requirement_sections(session, tender),
        appendices=appendices,
    )
    return document


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
