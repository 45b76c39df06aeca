"""The innovation partnership track (issue 5, item 5), from the set-up to the phase decisions.

Set-up (before the notice): qualification requirements on R&D and on implementation, the IPR
terms, the purchase-option conditions and the phases with interim targets and a maximum cost;
their sum plus the later purchase is the tender's estimated value. Then requests to participate
(open), prequalification and negotiation rounds (evaluation), the partners chosen (awarded), and
a decision after each phase: continue, reduce the partners, or stop (closed). Candidates come
from the supplier register, the market dialogue's participants or businesses that registered
interest. Every step is in the tender's audit trail (object_type "tender").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from procure import clock
from procure.domain import innovation_partnership as domain
from procure.domain.estimate import ValueEstimate
from procure.domain.procedures import recommend
from procure.domain.rules import NoRuleSetError, RuleBook
from procure.errors import N_, UserError
from procure.models import (
    DialogueParticipant,
    InnovationPartnership,
    InterestRegistration,
    NegotiationRound,
    PartnershipCandidate,
    PartnershipPhase,
    Supplier,
    Tender,
    stored_id,
)
from procure.services import audit, chooser, interest, supplier_identity, suppliers, tenders
from procure.services import market_dialogue as lup

TRACK = "innovation-partnership"
BEFORE_NOTICE = ("draft", "planned")


class PartnershipError(UserError):
    """An innovation partnership step that cannot be carried out now."""


def applies(tender: Tender) -> bool:
    return tender.track == TRACK


def existing(session: Session, tender: Tender) -> InnovationPartnership | None:
    return session.exec(select(InnovationPartnership).where(
        InnovationPartnership.tender_id == tender.id)).first()


def partnership_for(session: Session, tender: Tender) -> InnovationPartnership:
    """The tender's partnership row, created on first use."""
    if not applies(tender):
        raise PartnershipError(N_("This tender does not follow the innovation partnership "
                                  "track."))
    row = existing(session, tender)
    if row is None:
        row = InnovationPartnership(tender_id=stored_id(tender))
        session.add(row)
        session.flush()
    return row


def _record(session: Session, tender: Tender, action: str, actor_id: int | None,
            **details: object) -> None:
    audit.record(session, action, actor_id=actor_id, object_type="tender",
                 object_id=tender.id, **details)


def _require_status(tender: Tender, *statuses: str) -> None:
    if tender.status not in statuses:
        raise PartnershipError(N_("This cannot be done while the tender is %(status)s."),
                               status=tender.status)


def _require_setup_open(tender: Tender) -> None:
    """The notice carries the full terms: once it is out, they are what candidates apply on."""
    if tender.status not in BEFORE_NOTICE:
        raise PartnershipError(N_("The partnership is announced; its requirements and terms "
                                  "can no longer be changed."))


def _save_fields(session: Session, tender: Tender, row: InnovationPartnership,
                 values: dict[str, object], action: str, actor_id: int | None) -> dict:
    changes = {name: [_plain(getattr(row, name)), _plain(value)]
               for name, value in values.items() if getattr(row, name) != value}
    if changes:
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
        session.flush()
        _record(session, tender, action, actor_id, changes=changes)
    return changes


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value if value != "" else None


def _money(raw: object, message: str) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise PartnershipError(message) from None
    if not amount.is_finite() or amount <= 0:
        raise PartnershipError(message)
    return amount.quantize(Decimal("0.01"))


# --- set-up: requirements, IPR, purchase option, phases ----------------------------------------


def save_requirements(session: Session, tender: Tender, rnd: str, implementation: str, *,
                      actor_id: int | None) -> dict:
    row = partnership_for(session, tender)
    _require_setup_open(tender)
    rnd, implementation = (rnd or "").strip(), (implementation or "").strip()
    if not rnd or not implementation:
        raise PartnershipError(N_("Describe the requirements both for research and development "
                                  "and for implementing the solution."))
    return _save_fields(session, tender, row, {"rnd_requirements": rnd,
                                               "implementation_requirements": implementation},
                        "partnership.requirements_saved", actor_id)


def save_ipr(session: Session, tender: Tender, ownership: str, licence: str | None,
             terms: str, *, actor_id: int | None) -> dict:
    row = partnership_for(session, tender)
    _require_setup_open(tender)
    if ownership not in domain.IPR_OWNERSHIP:
        raise PartnershipError(N_("Choose who owns the results."))
    if ownership == "buyer":
        licence = None  # the owner needs no licence
    elif licence not in domain.IPR_LICENCE:
        raise PartnershipError(N_("Choose the municipality's rights to use the results."))
    return _save_fields(session, tender, row, {"ipr_ownership": ownership,
                                               "ipr_licence": licence,
                                               "ipr_terms": (terms or "").strip()},
                        "partnership.ipr_saved", actor_id)


def save_option(session: Session, tender: Tender, targets: str, max_cost: object, *,
                actor_id: int | None) -> dict:
    """The conditions for using the purchase option; the maximum cost feeds the estimate."""
    row = partnership_for(session, tender)
    _require_setup_open(tender)
    targets = (targets or "").strip()
    if not targets:
        raise PartnershipError(N_("Describe the performance targets the solution must meet "
                                  "before it is bought."))
    cost = _money(max_cost, N_("Give the maximum cost of the purchase in NOK excluding VAT."))
    changes = _save_fields(session, tender, row, {"purchase_targets": targets,
                                                  "purchase_max_cost": cost},
                           "partnership.option_saved", actor_id)
    sync_estimate(session, tender, actor_id=actor_id)
    return changes


def phases(session: Session, tender: Tender) -> list[PartnershipPhase]:
    return list(session.exec(select(PartnershipPhase).where(
        PartnershipPhase.tender_id == tender.id).order_by(col(PartnershipPhase.number))).all())


def get_phase(session: Session, tender: Tender, phase_id: int) -> PartnershipPhase | None:
    row = session.get(PartnershipPhase, phase_id)
    return row if row is not None and row.tender_id == tender.id else None


def add_phase(session: Session, tender: Tender, name: str, targets: str, max_cost: object, *,
              actor_id: int | None) -> PartnershipPhase:
    partnership_for(session, tender)
    _require_setup_open(tender)
    name, targets, cost = _phase_values(name, targets, max_cost)
    number = len(phases(session, tender)) + 1
    phase = PartnershipPhase(tender_id=stored_id(tender), number=number, name=name[:200],
                             interim_targets=targets, max_cost=cost)
    session.add(phase)
    session.flush()
    _record(session, tender, "partnership.phase_added", actor_id, number=number,
            name=phase.name, max_cost=str(cost), interim_targets=targets)
    sync_estimate(session, tender, actor_id=actor_id)
    return phase


def change_phase(session: Session, tender: Tender, phase: PartnershipPhase, name: str,
                 targets: str, max_cost: object, *, actor_id: int | None) -> bool:
    """Edit a phase until the notice is out; the trail keeps what it said before. Returns
    whether anything changed."""
    partnership_for(session, tender)
    _require_setup_open(tender)
    name, targets, cost = _phase_values(name, targets, max_cost)
    changes = {label: [str(old), str(new)] for label, old, new in (
        ("name", phase.name, name[:200]), ("interim_targets", phase.interim_targets, targets),
        ("max_cost", phase.max_cost, cost)) if old != new}
    if not changes:
        return False
    phase.name, phase.interim_targets, phase.max_cost = name[:200], targets, cost
    session.add(phase)
    session.flush()
    _record(session, tender, "partnership.phase_changed", actor_id, number=phase.number,
            changes=changes)
    sync_estimate(session, tender, actor_id=actor_id)
    return True


def _phase_values(name: str, targets: str, max_cost: object) -> tuple[str, str, Decimal]:
    name, targets = (name or "").strip(), (targets or "").strip()
    if not name:
        raise PartnershipError(N_("Name the phase, for example concept, prototype or pilot."))
    if not targets:
        raise PartnershipError(N_("Describe the interim targets of the phase."))
    cost = _money(max_cost, N_("Give the maximum cost of the phase in NOK excluding VAT."))
    return name, targets, cost


def remove_phase(session: Session, tender: Tender, phase: PartnershipPhase, *,
                 actor_id: int | None) -> None:
    """Only the last phase can go, so the numbers stay in order."""
    partnership_for(session, tender)
    _require_setup_open(tender)
    if phase.number != len(phases(session, tender)):
        raise PartnershipError(N_("Only the last phase can be removed."))
    _record(session, tender, "partnership.phase_removed", actor_id, number=phase.number,
            name=phase.name)
    session.delete(phase)
    session.flush()
    sync_estimate(session, tender, actor_id=actor_id)


def value(session: Session, tender: Tender) -> ValueEstimate | None:
    row = existing(session, tender)
    rows = phases(session, tender)
    if row is None or (not rows and row.purchase_max_cost is None):
        return None
    return domain.estimate([(p.name, p.max_cost) for p in rows], row.purchase_max_cost)


def sync_estimate(session: Session, tender: Tender, *, actor_id: int | None) -> None:
    """Make the partnership's value the tender's estimated value, with its working, so the
    thresholds, the public band and the protocol all use the same figure."""
    result = value(session, tender)
    if result is None:
        return
    working = {**(tender.value_estimate or {}), "lines": list(result.lines),
               "total": str(result.total), "basis": TRACK}
    tenders.update_tender(session, tender, {"estimated_value": result.total,
                                            "value_estimate": working},
                          actor_id=actor_id, action="partnership.estimate_updated")


def regime_change(session: Session, tender: Tender, rulebook: RuleBook) -> tuple[str, str] | None:
    """(regime when the track was chosen, regime for the partnership's value) when the value
    moved the tender across a threshold. The recommendation itself is kept: recomputing it would
    take the chosen track away."""
    recorded = (tender.recommendation or {}).get("regime")
    if not recorded or tender.planned_notice_date is None or value(session, tender) is None:
        return None
    try:
        ruleset = rulebook.for_date(tender.planned_notice_date)
    except NoRuleSetError:
        return None
    current = recommend(chooser.recommendation_input(tender), ruleset,
                        chooser.earlier_same_division_total(session, tender)).regime
    return (recorded, current) if current != recorded else None


def setup_missing(session: Session, tender: Tender) -> list[str]:
    row = existing(session, tender) or InnovationPartnership(tender_id=stored_id(tender))
    return domain.setup_missing(domain.Setup(
        row.rnd_requirements, row.implementation_requirements, row.ipr_ownership,
        row.ipr_licence, row.purchase_targets, row.purchase_max_cost,
        len(phases(session, tender))))


def rules_for(tender: Tender, rulebook: RuleBook, today: date) -> domain.PartnershipRules:
    """The procedure's rules in the rule set in force on the planned notice date (today
    without one), for the regime the chooser found."""
    day = tender.planned_notice_date or today
    try:
        ruleset = rulebook.for_date(day)
    except NoRuleSetError:
        ruleset = rulebook.for_date(today)
    return domain.partnership_rules(ruleset, (tender.recommendation or {}).get("regime"))


def open_for_requests(session: Session, tender: Tender, deadline: date | None, *,
                      rules: domain.PartnershipRules, actor_id: int | None, today: date,
                      now: datetime | None = None) -> None:
    """Announce the partnership: the deadline for requests to participate, at least
    rules.request_days (30) away, and the tender opens. Refused until the notice can be
    complete."""
    partnership_for(session, tender)
    _require_status(tender, *BEFORE_NOTICE)
    if setup_missing(session, tender):
        raise PartnershipError(N_("Complete the requirements, the IPR terms, the purchase "
                                  "option and the phases first: the notice must be complete."))
    if deadline is None or not domain.requests_deadline_ok(deadline, today, rules):
        raise PartnershipError(N_("Requests to participate need at least %(days)s days: the "
                                  "deadline must be on or after %(first)s."),
                               days=rules.request_days,
                               first=domain.first_requests_deadline(today, rules).isoformat())
    tenders.update_tender(session, tender, {"tender_deadline": deadline}, actor_id=actor_id,
                          action="partnership.requests_deadline_set")
    tenders.transition(session, tender, "open", actor_id=actor_id, now=now)


# --- candidates and prequalification -----------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    row: PartnershipCandidate
    supplier: Supplier

    @property
    def active_partner(self) -> bool:
        return self.row.partner_since is not None and self.row.left_after_phase is None


def candidates(session: Session, tender: Tender) -> list[Candidate]:
    rows = session.exec(
        select(PartnershipCandidate, Supplier)
        .join(Supplier, col(Supplier.id) == PartnershipCandidate.supplier_id)
        .where(PartnershipCandidate.tender_id == tender.id)
        .order_by(col(Supplier.name), col(PartnershipCandidate.id))).all()
    return [Candidate(row, supplier) for row, supplier in rows]


def get_candidate(session: Session, tender: Tender,
                  candidate_id: int) -> PartnershipCandidate | None:
    row = session.get(PartnershipCandidate, candidate_id)
    return row if row is not None and row.tender_id == tender.id else None


def partners(session: Session, tender: Tender) -> list[Candidate]:
    return [c for c in candidates(session, tender) if c.active_partner]


def _require_candidates_open(session: Session, tender: Tender) -> InnovationPartnership:
    row = partnership_for(session, tender)
    _require_status(tender, *BEFORE_NOTICE, "open", "evaluation")
    if row.negotiation_invited_at is not None:
        raise PartnershipError(N_("The negotiation has started; the prequalification is "
                                  "closed."))
    return row


def add_candidate(session: Session, tender: Tender, supplier_id: int, *, actor_id: int | None,
                  source: str = "register", now: datetime | None = None) -> PartnershipCandidate:
    _require_candidates_open(session, tender)
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise PartnershipError(N_("That supplier is not in the register."))
    if session.exec(select(PartnershipCandidate.id).where(
            PartnershipCandidate.tender_id == tender.id,
            PartnershipCandidate.supplier_id == supplier.id)).first() is not None:
        raise PartnershipError(N_("%(name)s is already a candidate."), name=supplier.name)
    row = PartnershipCandidate(tender_id=stored_id(tender), supplier_id=stored_id(supplier),
                               source=source,
                               added_at=now or clock.now(), added_by_id=actor_id)
    session.add(row)
    session.flush()
    _record(session, tender, "partnership.candidate_added", actor_id, supplier=supplier.name,
            orgnr=supplier.orgnr, source=source)
    return row


def _supplier_for(session: Session, orgnr: str, name: str, email: str, role: str, *,
                  organisation_id: int, actor_id: int | None) -> Supplier:
    """The register's supplier with this organisation number, added (size unknown) when
    missing, with the address (one an officer typed) as a contact so letters can reach it."""
    supplier = suppliers.by_orgnr(session, orgnr)
    if supplier is None:
        supplier = suppliers.create_supplier(session, {"orgnr": orgnr, "name": name,
                                                       "size_class": "unknown"},
                                             actor_id=actor_id, require_postal_code=False)
    if email and not suppliers.has_contact(session, supplier, email, organisation_id):
        suppliers.add_contact(session, supplier, {"name": name, "email": email, "role": role},
                              organisation_id=organisation_id, actor_id=actor_id)
    return supplier


def dialogue_candidates(session: Session, tender: Tender) -> list[DialogueParticipant]:
    """The market dialogue's participants that are not yet candidates."""
    known = {c.supplier.orgnr for c in candidates(session, tender)}
    return [p for p in lup.participants(session, tender) if p.orgnr not in known]


def add_participant(session: Session, tender: Tender, participant_id: int, *,
                    actor_id: int | None, now: datetime | None = None) -> PartnershipCandidate:
    person = lup.get_participant(session, tender, participant_id)
    if person is None or person not in dialogue_candidates(session, tender):
        raise PartnershipError(N_("That business is not among the dialogue's participants."))
    _require_candidates_open(session, tender)
    # An address the officer typed becomes the supplier's contact; one that came from a
    # registration of interest does not (it is a register contact already, or unconfirmed).
    supplier = _supplier_for(session, person.orgnr, person.name,
                             person.email if person.source != "interest" else "",
                             "Deltaker i markedsdialogen",
                             organisation_id=tender.organisation_id, actor_id=actor_id)
    return add_candidate(session, tender, stored_id(supplier), actor_id=actor_id, source="dialogue",
                         now=now)


def interested_candidates(session: Session, tender: Tender) -> list[InterestRegistration]:
    """Confirmed interest in the tender from businesses that are not yet candidates."""
    known = {c.supplier.orgnr for c in candidates(session, tender)}
    known |= {p.orgnr for p in lup.participants(session, tender)}
    found: list[InterestRegistration] = []
    for item in interest.interested_in(session, tender):
        if item.registration.orgnr not in known:
            known.add(item.registration.orgnr)
            found.append(item.registration)
    return found


def add_interested(session: Session, tender: Tender, registration_id: int, *,
                   actor_id: int | None, now: datetime | None = None) -> PartnershipCandidate:
    """Add a business that registered interest as a candidate, once its address is a contact
    of the business in the supplier register (supplier_identity): the letters go to the
    register's contacts. An unconfirmed registration is refused."""
    registration = next((r for r in interested_candidates(session, tender)
                         if r.id == registration_id), None)
    if registration is None:
        raise PartnershipError(N_("That registration of interest is not among the businesses "
                                  "interested in this tender."))
    _require_candidates_open(session, tender)
    supplier, _contact = supplier_identity.contact_for(session, tender, registration,
                                                       error=PartnershipError)
    return add_candidate(session, tender, stored_id(supplier), actor_id=actor_id, source="interest",
                         now=now)


def decide_candidate(session: Session, tender: Tender, candidate: PartnershipCandidate,
                     decision: str, reason: str, *, actor_id: int | None,
                     now: datetime | None = None) -> None:
    """Qualify or reject a candidate against the R&D and implementation requirements; the
    reason is required either way and goes into the protocol."""
    row = _require_candidates_open(session, tender)
    _require_status(tender, "open", "evaluation")
    if not row.rnd_requirements:
        raise PartnershipError(N_("Write the qualification requirements first."))
    if decision not in domain.CANDIDATE_DECISIONS:
        raise PartnershipError(N_("Choose whether the candidate is qualified."))
    reason = (reason or "").strip()
    if not reason:
        raise PartnershipError(N_("Give the reason for the decision, measured against the "
                                  "requirements."))
    if (decision, reason) == (candidate.decision, candidate.decision_reason):
        return
    supplier = session.get(Supplier, candidate.supplier_id)
    _record(session, tender, "partnership.candidate_decided", actor_id,
            supplier=supplier.name if supplier else "", decision=decision, reason=reason,
            changes={"decision": [candidate.decision, decision]})
    candidate.decision, candidate.decision_reason = decision, reason
    candidate.decided_at, candidate.decided_by_id = now or clock.now(), actor_id
    session.add(candidate)
    session.flush()


# --- negotiation -------------------------------------------------------------------------------

WARNINGS = {domain.FEWER_THAN_THREE: N_("Fewer than %(minimum)d candidates are invited to "
                                        "negotiate.")}
REFUSALS = {
    domain.NONE_INVITED: N_("Choose the qualified candidates to invite to negotiate."),
    domain.CAP_BELOW_THREE: N_("If you cap the number of candidates, the cap must be at least "
                               "%(minimum)d."),
    domain.OVER_CAP: N_("More candidates are chosen than the cap allows."),
    domain.NOT_ALL_INVITED: N_("Without a cap, every qualified candidate is invited to "
                               "negotiate."),
    domain.BELOW_THREE: N_("With a cap, at least %(minimum)d candidates are invited, unless "
                           "fewer qualified."),
}


def invite_to_negotiation(session: Session, tender: Tender, candidate_ids: Sequence[int],
                          cap: int | None, reason: str, *, rules: domain.PartnershipRules,
                          actor_id: int | None, now: datetime | None = None) -> list[Candidate]:
    """Invite qualified candidates to negotiate; the tender moves to evaluation. Fewer than
    rules.min_negotiation (three) is a deviation: allowed only when fewer qualified, and only
    with a reason."""
    row = _require_candidates_open(session, tender)
    _require_status(tender, "open", "evaluation")
    every = candidates(session, tender)
    if not every or any(c.row.decision is None for c in every):
        raise PartnershipError(N_("Decide on every candidate first."))
    qualified = [c for c in every if c.row.decision == "qualified"]
    chosen = [c for c in qualified if c.row.id in set(candidate_ids)]
    if len(chosen) != len(set(candidate_ids)):
        raise PartnershipError(N_("Only qualified candidates can be invited to negotiate."))
    check = domain.negotiation_check(len(qualified), len(chosen), cap, rules.min_negotiation)
    if check.refusals:
        raise PartnershipError(REFUSALS[check.refusals[0]], minimum=rules.min_negotiation)
    reason = (reason or "").strip()
    if check.warnings and not reason:
        raise PartnershipError(N_("Fewer than %(minimum)d candidates are invited. Give the "
                                  "reason; it is recorded in the protocol as a deviation."),
                               minimum=rules.min_negotiation)
    now = now or clock.now()
    for candidate in chosen:
        candidate.row.invited_at = now
        session.add(candidate.row)
    row.negotiation_cap, row.negotiation_invited_at = cap, now
    row.negotiation_minimum = rules.min_negotiation
    row.negotiation_reason = reason if check.warnings else ""
    session.add(row)
    session.flush()
    _record(session, tender, "partnership.negotiation_invited", actor_id,
            suppliers=[c.supplier.name for c in chosen], cap=cap,
            warnings=list(check.warnings), reason=row.negotiation_reason or None)
    if tender.status == "open":
        tenders.transition(session, tender, "evaluation", actor_id=actor_id, now=now)
    return chosen


def negotiating(session: Session, tender: Tender) -> list[Candidate]:
    return [c for c in candidates(session, tender) if c.row.invited_at is not None]


def rounds(session: Session, tender: Tender) -> list[NegotiationRound]:
    return list(session.exec(select(NegotiationRound).where(
        NegotiationRound.tender_id == tender.id).order_by(col(NegotiationRound.number))).all())


def add_round(session: Session, tender: Tender, held_on: date | None, topics: str,
              outcome: str, *, actor_id: int | None, today: date,
              now: datetime | None = None) -> NegotiationRound:
    row = partnership_for(session, tender)
    _require_status(tender, "evaluation")
    if row.negotiation_invited_at is None:
        raise PartnershipError(N_("Invite the candidates to negotiate first."))
    if held_on is None or held_on > today:
        raise PartnershipError(N_("Record a round once it has been held: the date cannot be "
                                  "in the future."))
    topics, outcome = (topics or "").strip(), (outcome or "").strip()
    if not topics:
        raise PartnershipError(N_("Write what was negotiated in the round."))
    number = len(rounds(session, tender)) + 1
    item = NegotiationRound(tender_id=stored_id(tender), number=number, held_on=held_on,
                            topics=topics, outcome=outcome, recorded_at=now or clock.now(),
                            recorded_by_id=actor_id)
    session.add(item)
    session.flush()
    _record(session, tender, "partnership.round_recorded", actor_id, number=number,
            held_on=held_on.isoformat(), topics=topics, outcome=outcome or None)
    return item


def select_partners(session: Session, tender: Tender, candidate_ids: Sequence[int],
                    reason: str, *, actor_id: int | None,
                    now: datetime | None = None) -> list[Candidate]:
    """Choose one or more partners among those negotiating; the partnership is awarded and
    the first phase starts."""
    row = partnership_for(session, tender)
    _require_status(tender, "evaluation")
    if not rounds(session, tender):
        raise PartnershipError(N_("Negotiation is mandatory: record at least one round "
                                  "first."))
    if not phases(session, tender):
        raise PartnershipError(N_("Plan the phases first."))
    pool = {c.row.id: c for c in negotiating(session, tender)}
    chosen = [pool[i] for i in dict.fromkeys(candidate_ids) if i in pool]
    if not chosen or len(chosen) != len(set(candidate_ids)):
        raise PartnershipError(N_("Choose the partners among the candidates in the "
                                  "negotiation."))
    reason = (reason or "").strip()
    if not reason:
        raise PartnershipError(N_("Give the reason for the choice: the best ratio between "
                                  "price or cost and quality."))
    now = now or clock.now()
    for candidate in chosen:
        candidate.row.partner_since = now
        session.add(candidate.row)
    row.partners_reason, row.partners_selected_at = reason, now
    row.partners_selected_by_id = actor_id
    session.add(row)
    session.flush()
    _record(session, tender, "partnership.partners_selected", actor_id,
            partners=[c.supplier.name for c in chosen], reason=reason)
    tenders.transition(session, tender, "awarded", actor_id=actor_id, now=now)
    return chosen


# --- phases and the decisions after them -------------------------------------------------------


def phase_states(session: Session, tender: Tender) -> dict[int, str]:
    row = existing(session, tender)
    rows = phases(session, tender)
    states = domain.phase_states([domain.PhaseFacts(p.decision) for p in rows],
                                 bool(row and row.partners_selected_at))
    return {stored_id(p): state for p, state in zip(rows, states, strict=True)}


def running_phase(session: Session, tender: Tender) -> PartnershipPhase | None:
    states = phase_states(session, tender)
    return next((p for p in phases(session, tender) if states[stored_id(p)] == "running"), None)


DECISION_PROBLEMS = {
    domain.NO_DECISION: N_("Choose the decision: continue, reduce the partners, or stop."),
    domain.NO_REASON: N_("Give the justification for the decision."),
    domain.NO_TARGETS_ANSWER: N_("Say whether the phase's interim targets were met."),
    domain.LEAVING_NONE: N_("Choose the partners that leave."),
    domain.LEAVING_UNKNOWN: N_("Only current partners can leave."),
    domain.LEAVING_ALL: N_("At least one partner must remain; to end the partnership, stop "
                           "it."),
    domain.LEAVING_ONLY_REDUCE: N_("Partners leave only when the decision is to reduce."),
    domain.OPTION_CONDITIONS: N_("The purchase option may only be used when the performance "
                                 "targets and the maximum cost are met; stop the partnership "
                                 "instead."),
}


def decide_phase(session: Session, tender: Tender, phase: PartnershipPhase, decision: str,
                 reason: str, targets_met: bool | None, leaving: Sequence[int], *,
                 actor_id: int | None, now: datetime | None = None) -> None:
    """The decision after a phase. Reducing ends the leaving partners' part; stopping ends
    the partnership (the tender is closed). After the last phase, continuing means going on
    to the purchase, which needs the targets met."""
    _require_status(tender, "awarded")
    if running_phase(session, tender) is not phase:
        raise PartnershipError(N_("Decide on the phase that is running."))
    current = partners(session, tender)
    problems = domain.decision_problems(
        decision, reason, targets_met, [stored_id(c.row) for c in current], list(leaving),
        last_phase=phase.number == len(phases(session, tender)))
    if problems:
        raise PartnershipError(DECISION_PROBLEMS[problems[0]])
    now = now or clock.now()
    by_id = {c.row.id: c for c in current}
    leavers = [by_id[i] for i in dict.fromkeys(leaving)]
    for candidate in leavers:
        candidate.row.left_after_phase = phase.number
        session.add(candidate.row)
    phase.decision, phase.decision_reason = decision, reason.strip()
    phase.targets_met, phase.decided_at, phase.decided_by_id = targets_met, now, actor_id
    session.add(phase)
    session.flush()
    _record(session, tender, "partnership.phase_decided", actor_id, phase=phase.number,
            name=phase.name, decision=decision, reason=phase.decision_reason,
            targets_met=targets_met, leaving=[c.supplier.name for c in leavers] or None,
            remaining=[c.supplier.name for c in current if c not in leavers])
    if decision == "stop":
        tenders.transition(session, tender, "closed", actor_id=actor_id, now=now)
