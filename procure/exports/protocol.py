"""The procurement protocol (anskaffelsesprotokoll) and audit trail, built from tender data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from procure.domain.estimate import format_nok
from procure.exports import partnership_protocol
from procure.exports.tender_document import (
    CONTRACT_NB,
    PROCEDURE_NB,
    REGIME_NB,
    norwegian_date,
)
from procure.models import AuditEvent, Organisation, Tender, User
from procure.services import competition
from procure.services import market_dialogue as lup

# What each recorded action means, in the protocol's language (Norwegian).
ACTION_NB = {
    "tender.created": "Anskaffelsen ble opprettet",
    "tender.updated": "Opplysninger ble endret",
    "tender.recommended": "Anbefalingen ble beregnet",
    "tender.track_chosen": "Spor ble valgt",
    "tender.planned": "Kunngjort som planlagt",
    "tender.open": "Åpnet for tilbud",
    "tender.evaluation": "Evaluering startet",
    "tender.awarded": "Tildelt",
    "tender.cancelled": "Avlyst",
    "tender.closed": "Avsluttet",
    "competition.supplier_invited": "Leverandør satt på invitasjonslisten",
    "competition.supplier_removed": "Leverandør fjernet fra invitasjonslisten",
    "competition.deadline_set": "Tilbudsfrist satt",
    "competition.invitations_sent": "Invitasjoner sendt",
    "competition.question_received": "Spørsmål mottatt",
    "competition.answer_sent": "Svar sendt til alle inviterte",
    "competition.offer_recorded": "Tilbud registrert",
    "competition.offer_changed": "Tilbud endret",
    "competition.award_decided": "Tildelingsbeslutning",
    "competition.letters_sent": "Brev om tildeling sendt",
    "dialogue.anchoring_saved": "Forankring lagret",
    "dialogue.needs_saved": "Behovsbeskrivelse lagret",
    "dialogue.participant_added": "Deltaker i markedsdialogen lagt til",
    "dialogue.slots_offered": "En-til-en-møter tilbudt",
    "dialogue.minutes_saved": "Referat fra møte lagret",
    "dialogue.shared": "Delt med alle deltakerne",
    "dialogue.pin_published": "Veiledende kunngjøring publisert",
    "dialogue.converted": "Markedsdialogen gjort om til konkurranse",
    "dialogue.follow_up_saved": "Kontraktsoppfølging lagret",
    "partnership.requirements_saved": "Kvalifikasjonskrav lagret",
    "partnership.ipr_saved": "IPR-vilkår lagret",
    "partnership.option_saved": "Vilkår for kjøpsopsjonen lagret",
    "partnership.phase_added": "Fase lagt til",
    "partnership.phase_changed": "Fase endret",
    "partnership.phase_removed": "Fase fjernet",
    "partnership.estimate_updated": "Anslått verdi oppdatert fra FoU-fasene og senere kjøp",
    "partnership.requests_deadline_set": "Frist for forespørsler om deltakelse satt",
    "partnership.candidate_added": "Kandidat lagt til",
    "partnership.candidate_decided": "Prekvalifisering: beslutning om kandidat",
    "partnership.negotiation_invited": "Kandidater invitert til forhandling",
    "partnership.round_recorded": "Forhandlingsrunde registrert",
    "partnership.partners_selected": "Partnere valgt",
    "partnership.phase_decided": "Beslutning etter fase",
}


@dataclass
class TrailEntry:
    at: datetime
    who: str
    action: str
    action_label: str
    changes: list[tuple[str, str, str]]


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


def _short(value: object, limit: int = 120) -> str:
    if value in (None, ""):
        return "–"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_trail(session: Session, tender: Tender) -> list[TrailEntry]:
    """Every recorded event on the tender, oldest first, with field-level changes."""
    events = session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "tender",
                                 AuditEvent.object_id == str(tender.id))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    user_ids = {event.actor_id for event in events if event.actor_id}
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids))).all()}
    trail = []
    for event in events:
        actor = users.get(event.actor_id)
        changes = [
            (name, _short(old), _short(new))
            for name, (old, new) in event.details.get("changes", {}).items()
            if name not in ("recommendation", "value_estimate")
        ]
        trail.append(TrailEntry(
            at=event.occurred_at,
            who=(actor.name or actor.email) if actor else "system",
            action=event.action,
            action_label=ACTION_NB.get(event.action, event.action),
            changes=changes,
        ))
    return trail


def tender_protocol(session: Session, tender: Tender) -> Protocol:
    """The protocol's content: the choice and its reasons, the value, § 7-9 and the trail."""
    organisation = session.get(Organisation, tender.organisation_id)
    recommendation = tender.recommendation or {}
    milestones = [(label, norwegian_date(stamp)) for label, stamp in (
        ("Opprettet", tender.created_at), ("Kunngjort som planlagt", tender.planned_at),
        ("Åpnet for tilbud", tender.opened_at), ("Evaluering", tender.evaluation_at),
        ("Tildelt", tender.awarded_at), ("Avlyst", tender.cancelled_at),
        ("Avsluttet", tender.closed_at)) if stamp is not None]
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
        contract_type=CONTRACT_NB.get(tender.contract_type or "", "–"),
        value=(format_nok(tender.estimated_value) + " ekskl. mva."
               if tender.estimated_value is not None else "–"),
        value_lines=list(tender.value_estimate.get("lines", [])),
        rules_version=tender.rules_version or "–",
        regime=REGIME_NB.get(recommendation.get("regime", ""), ("–", "–"))[0],
        recommended=PROCEDURE_NB.get(tender.recommended_track or "", "–"),
        chosen=PROCEDURE_NB.get(tender.track or "", "–"),
        deviation=tender.track_reason,
        decided_at=norwegian_date(tender.track_decided_at) if tender.track_decided_at else "–",
        explanation=list(recommendation.get("explanation", [])),
        obligations=list(recommendation.get("obligations", [])),
        warnings=list(recommendation.get("warnings", [])),
        climate={"status": tender.climate_status, "basis": tender.climate_basis,
                 "code": tender.climate_code},
        milestones=milestones,
        trail=audit_trail(session, tender),
        missing=missing,
        competition=competition_data,
        market_dialogue=dialogue_data,
        innovation_partnership=partnership_data,
    )
