"""Letters to an innovation partnership's candidates, after the prequalification and after the
choice of partners. Each goes by e-mail to the supplier's first contact with an address and is
kept as a supplier message (services/supplier_messages.py), so the tender shows what was sent,
to whom and when. Each round is sent once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from procure import clock
from procure.domain import partnership_letters as letters
from procure.domain.competition_letters import Letter
from procure.errors import N_
from procure.models import Supplier, SupplierMessage, Tender
from procure.services import audit, supplier_messages, suppliers
from procure.services import innovation_partnership as ip
from procure.services.competition import facts
from procure.services.supplier_messages import Mailer

ROUNDS = {"prequalification": letters.PREQUALIFICATION, "partners": letters.PARTNERS}


@dataclass(frozen=True)
class Outgoing:
    supplier: Supplier
    email: str  # "" when the supplier has no contact with an e-mail address
    kind: str
    letter: Letter


def sent(session: Session, tender: Tender, round_: str) -> list[SupplierMessage]:
    return supplier_messages.sent(session, tender, ROUNDS[round_])


def _email(session: Session, supplier: Supplier, organisation_id: int) -> str:
    contact = suppliers.primary_contact(session, supplier, organisation_id)
    return contact.email if contact else ""


def outgoing(session: Session, tender: Tender, round_: str) -> list[Outgoing]:
    """The letters the round would send now; empty until its decision is taken."""
    row = ip.existing(session, tender)
    info = facts(session, tender)
    result = []
    if round_ == "prequalification":
        if row is None or row.negotiation_invited_at is None:
            return []
        for c in ip.candidates(session, tender):
            if c.row.invited_at:
                kind, letter = "ip-invited", letters.invited(info, c.supplier.name,
                                                             row.negotiation_cap)
            elif c.row.decision == "qualified":
                kind, letter = "ip-not-invited", letters.not_invited(
                    info, c.supplier.name, row.negotiation_cap or 0)
            else:
                kind, letter = "ip-rejected", letters.rejected(info, c.supplier.name,
                                                               c.row.decision_reason)
            result.append(Outgoing(c.supplier, _email(session, c.supplier,
                                                      tender.organisation_id), kind, letter))
    else:
        if row is None or row.partners_selected_at is None:
            return []
        chosen = [c.supplier.name for c in ip.partners(session, tender)]
        phases = ip.phases(session, tender)
        first = phases[0].name if phases else ""
        for c in ip.negotiating(session, tender):
            if c.row.partner_since:
                kind, letter = "ip-partner", letters.partner(info, c.supplier.name, chosen,
                                                             row.partners_reason, first)
            else:
                kind, letter = "ip-not-partner", letters.not_partner(
                    info, c.supplier.name, chosen, row.partners_reason)
            result.append(Outgoing(c.supplier, _email(session, c.supplier,
                                                      tender.organisation_id), kind, letter))
    order = ROUNDS[round_]
    return sorted(result, key=lambda o: (order.index(o.kind), o.supplier.name))


def send(session: Session, tender: Tender, round_: str, *, actor_id: int | None,
         mailer: Mailer, now: datetime | None = None) -> tuple[list[SupplierMessage],
                                                                 list[str]]:
    """Send the round's letters; returns the messages and the suppliers without an e-mail
    address (they must be told another way, and the trail says so)."""
    if round_ not in ROUNDS:
        raise ip.PartnershipError(N_("Unknown letters."))
    if sent(session, tender, round_):
        raise ip.PartnershipError(N_("These letters have already been sent."))
    letters_now = outgoing(session, tender, round_)
    if not letters_now:
        raise ip.PartnershipError(N_("Take the decision first; the letters tell it."))
    now = now or clock.now()
    reachable = [o for o in letters_now if o.email]
    rows = supplier_messages.send(session, tender, mailer, [
        supplier_messages.Outgoing(kind=o.kind, recipient=o.email, subject=o.letter.subject,
                                   body=o.letter.body, supplier_id=o.supplier.id)
        for o in reachable], now=now, error=ip.PartnershipError)
    without = [o.supplier.name for o in letters_now if not o.email]
    audit.record(session, f"partnership.letters_{round_}", actor_id=actor_id,
                 object_type="tender", object_id=tender.id,
                 recipients=[o.supplier.name for o in reachable], without_email=without)
    return rows, without
