"""The procurement protocol (anskaffelsesprotokoll) and audit trail, built from tender data."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from procure import vocabulary as v
from procure.clock import norwegian_date
from procure.domain.estimate import format_nok
from procure.exports import partnership_protocol
from procure.exports.trail import TrailEntry, audit_trail
from procure.models import Organisation, Tender
from procure.services import competition
from procure.services import market_dialogue as lup

__all__ = ["Protocol", "TrailEntry", "audit_trail", "tender_protocol"]


@dataclass
class Protocol:
    reference: str
    title: str
    buyer: str
    buyer_orgnr: str
    status: str
    need: str
    cpv: str
    contract_type: str
    value: str
    value_lines: list[str]
    rules_version: str
    regime: str
    recommended: str
    chosen: str
    deviation: str
    decided_at: str
    explanation: list[str]
    obligations: list[dict]
    warnings: list[dict]
    climate: dict
    milestones: list[tuple[str, str]]
    trail: list[TrailEntry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    competition: dict | None = None  # simplified competition (services/competition.py)
    market_dialogue: dict | None = None  # LUP-style dialogue (services/market_dialogue.py)
    # Innovation partnership (services/partnership_protocol.py)
    innovation_partnership: dict | None = None
    # The officer's internal notes on the tender documents' sections: (section, note)
    document_notes: list[tuple[str, str]] = field(default_factory=list)


def tender_protocol(session: Session, tender: Tender) -> Protocol:
    """The protocol's content: the choice and its reasons, the value, § 7-9 and the trail.
    The protocol is the Norwegian record: its labels are bokmål whatever the UI language."""
    with v.bokmal():
        return _tender_protocol(session, tender)


def _tender_protocol(session: Session, tender: Tender) -> Protocol:
    organisation = session.get(Organisation, tender.organisation_id)
    recommendation = tender.recommendation or {}
    milestones = [(v.label(v.MILESTONES, name), norwegian_date(stamp)) for name, stamp in (
        ("created", tender.created_at), ("planned", tender.planned_at),
        ("open", tender.opened_at), ("evaluation", tender.evaluation_at),
        ("awarded", tender.awarded_at), ("cancelled", tender.cancelled_at),
        ("closed", tender.closed_at)) if stamp is not None]
    missing = []
    if not recommendation:
        missing.append("Valg av prosedyre er ikke gjort i veiviseren.")
    if tender.track is None:
        missing.append("Spor er ikke valgt.")
    if tender.climate_status != "met":
        missing.append("Klima- og miljøkravet (§ 7-9) er ikke dokumentert oppfylt.")
    competition_data = competition.protocol_data(session, tender)
    missing.extend(competition.protocol_missing(competition_data, tender))
    dialogue_data = lup.protocol_data(session, tender)
    missing.extend(lup.protocol_missing(dialogue_data))
    partnership_data = partnership_protocol.protocol_data(session, tender)
    missing.extend(partnership_protocol.protocol_missing(partnership_data, tender))
    return Protocol(
        reference=tender.reference,
        title=tender.title,
        buyer=organisation.name if organisation else "",
        buyer_orgnr=organisation.orgnr if organisation else "",
        status=tender.status,
        need=tender.description,
        cpv=tender.cpv_code or "–",
        contract_type=v.label(v.CONTRACT_TYPES, tender.contract_type),
        value=(format_nok(tender.estimated_value) + " ekskl. mva."
               if tender.estimated_value is not None else "–"),
        value_lines=list(tender.value_estimate.get("lines", [])),
        rules_version=tender.rules_version or "–",
        regime=v.label(v.REGIMES_SHORT, recommendation.get("regime")),
        recommended=v.label(v.PROCEDURES, tender.recommended_track),
        chosen=v.label(v.PROCEDURES, tender.track),
        deviation=tender.track_reason,
        decided_at=norwegian_date(tender.track_decided_at) if tender.track_decided_at else "–",
        explanation=list(recommendation.get("explanation", [])),
        obligations=[{**o, "label": v.label(v.OBLIGATIONS, o.get("id"))}
                     for o in recommendation.get("obligations", [])],
        warnings=list(recommendation.get("warnings", [])),
        climate={"status": tender.climate_status,
                 "basis": v.lower_first(v.label(v.CLIMATE_BASES, tender.climate_basis)),
                 "code": tender.climate_code},
        milestones=milestones,
        trail=audit_trail(session, tender),
        missing=missing,
        competition=competition_data,
        market_dialogue=dialogue_data,
        innovation_partnership=partnership_data,
        document_notes=_document_notes(session, tender),
    )


def _document_notes(session: Session, tender: Tender) -> list[tuple[str, str]]:
    from procure.domain.document_sections import SECTION_KEYS
    from procure.services.tender_documents import document_text

    row = document_text(session, tender)
    notes = dict(row.notes) if row else {}
    return [(v.label(v.DOCUMENT_SECTIONS, key), str(notes[key]))
            for key in SECTION_KEYS if notes.get(key)]
