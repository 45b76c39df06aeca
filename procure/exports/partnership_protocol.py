"""The innovation partnership's part of the protocol (Norwegian, as the record): the
requirements and prequalification, the negotiation and its rounds, the partners, the phases and
the decisions after them, the purchase-option conditions, the IPR terms and the value."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from procure import vocabulary as v
from procure.clock import norwegian_date, norwegian_day
from procure.domain import innovation_partnership as domain
from procure.domain.estimate import format_nok
from procure.models import Tender, User, stored_id
from procure.services import innovation_partnership as ip
from procure.vocabulary import translate as _


def _day(value: date | datetime | None) -> str:
    return norwegian_date(value) if value else "–"


def _who(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return (user.name or user.email) if user else "–"


def protocol_data(session: Session, tender: Tender) -> dict | None:
    """The partnership's part of the protocol, labelled in bokmål (the record)."""
    with v.bokmal():
        return _protocol_data(session, tender)


def _protocol_data(session: Session, tender: Tender) -> dict | None:
    row = ip.existing(session, tender)
    if row is None and not ip.applies(tender):
        return None
    every = ip.candidates(session, tender)
    rows = ip.phases(session, tender)
    states = ip.phase_states(session, tender)
    names = {c.row.id: c.supplier.name for c in every}
    invited = [c for c in every if c.row.invited_at]
    warnings = [] if not row or not row.negotiation_invited_at else [
        v.label(v.PARTNERSHIP_WARNINGS, w, minimum=row.negotiation_minimum)
        for w in domain.negotiation_check(
            sum(1 for c in every if c.row.decision == "qualified"), len(invited),
            row.negotiation_cap, row.negotiation_minimum or 0).warnings]
    estimate = ip.value(session, tender)
    return {
        "started": row is not None,
        "rnd_requirements": row.rnd_requirements if row else "",
        "implementation_requirements": row.implementation_requirements if row else "",
        "requests_deadline": _day(tender.tender_deadline) if tender.opened_at else "–",
        "candidates": [{
            "name": c.supplier.name, "orgnr": c.supplier.orgnr,
            "size": v.label(v.SIZE_CLASSES, c.supplier.size_class),
            "source": v.label(v.SUPPLIER_SOURCES, c.row.source),
            "decision": v.label(v.CANDIDATE_DECISIONS, c.row.decision,
                                missing=_("not assessed")),
            "reason": c.row.decision_reason, "decided": _day(c.row.decided_at),
            "decided_day": norwegian_day(c.row.decided_at),
            "by": _who(session, c.row.decided_by_id) if c.row.decided_by_id else "–",
            "invited": bool(c.row.invited_at)} for c in every],
        "undecided": sum(1 for c in every if c.row.decision is None),
        "cap": row.negotiation_cap if row else None,
        "invited_at": _day(row.negotiation_invited_at if row else None),
        "invited": [c.supplier.name for c in invited],
        "warnings": warnings,
        "deviation_reason": row.negotiation_reason if row else "",
        "rounds": [{"number": r.number, "held": _day(r.held_on), "topics": r.topics,
                    "outcome": r.outcome} for r in ip.rounds(session, tender)],
        "partners": [{"name": c.supplier.name, "orgnr": c.supplier.orgnr,
                      "since": _day(c.row.partner_since),
                      "left": (_("after phase %(number)s",
                                           number=c.row.left_after_phase)
                               if c.row.left_after_phase else "")}
                     for c in every if c.row.partner_since],
        "partners_reason": row.partners_reason if row else "",
        "partners_at": _day(row.partners_selected_at if row else None),
        "partners_by": _who(session, row.partners_selected_by_id) if row else "–",
        "phases": [{
            "number": p.number, "name": p.name, "targets": p.interim_targets,
            "max_cost": format_nok(p.max_cost),
            "state": v.label(v.PHASE_STATES, states[stored_id(p)]),
            "decision": v.lower_first(v.label(v.PHASE_DECISIONS, p.decision, missing="")),
            "reason": p.decision_reason,
            "targets_met": ("–" if p.targets_met is None else
                            v.lower_first(v.label(v.YES_NO, "yes" if p.targets_met else "no"))),
            "decided": _day(p.decided_at), "by": _who(session, p.decided_by_id),
            "leaving": [names[c.row.id] for c in every if c.row.left_after_phase == p.number]}
            for p in rows],
        "option": {"targets": row.purchase_targets if row else "",
                   "max_cost": format_nok(row.purchase_max_cost)
                   if row and row.purchase_max_cost is not None else "–"},
        "ipr": {"ownership": v.label(v.IPR_OWNERSHIP, row.ipr_ownership) if row else "–",
                "licence": (v.label(v.IPR_LICENCES, row.ipr_licence, missing="")
                            if row and row.ipr_ownership != "buyer" else ""),
                "terms": row.ipr_terms if row else ""},
        "value_lines": list(estimate.lines) if estimate else [],
    }


def protocol_missing(data: dict | None, tender: Tender) -> list[str]:
    """What the partnership still lacks. Only for a partnership run in procure."""
    if data is None or not data["started"]:
        return []
    missing = []
    if not (data["rnd_requirements"] and data["implementation_requirements"]):
        missing.append("Kvalifikasjonskravene til forskning og utvikling og til gjennomføring "
                       "er ikke beskrevet.")
    if data["ipr"]["ownership"] == "–":
        missing.append("Vilkårene om immaterielle rettigheter (IPR) er ikke fastsatt.")
    if not data["option"]["targets"] or data["option"]["max_cost"] == "–":
        missing.append("Vilkårene for kjøpsopsjonen (ytelsesnivå og makskostnad) er ikke "
                       "fastsatt.")
    if not data["phases"]:
        missing.append("Fasene med delmål og makskostnad er ikke fastsatt.")
    if tender.status in ("evaluation", "awarded", "closed") and data["undecided"]:
        missing.append("Ikke alle kandidatene er vurdert i prekvalifiseringen.")
    if data["warnings"] and not data["deviation_reason"]:
        missing.append("Avviket fra kravet om minst tre kandidater i forhandlingen er ikke "
                       "begrunnet.")
    if tender.status in ("awarded", "closed") and not data["partners"]:
        missing.append("Partnerne er ikke valgt.")
    if data["partners"] and not data["rounds"]:
        missing.append("Ingen forhandlingsrunde er registrert.")
    return missing
