"""Amendments (rettelser) after publication, on every track.

Once suppliers have seen a tender (published as planned, or the invitations sent), a change to
what they see is an amendment: a running number per tender, the officer's description of the
change, each changed field's old and new value, and a notice e-mailed to every invited and
interested business through supplier_messages.send (the outbox, after the commit). The public
purchase page shows the change log. The wizard refuses to change those fields of a published
tender any other way (`refuse_silent_change`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure import clock
from procure.domain import amendments as rules
from procure.domain.competition_letters import TenderFacts
from procure.errors import N_, UserError
from procure.models import (
    CompetitionInvitation,
    DialogueParticipant,
    Organisation,
    PartnershipCandidate,
    Supplier,
    SupplierMessage,
    Tender,
    TenderAmendment,
    stored_id,
)
from procure.services import audit, interest, supplier_messages, suppliers
from procure.services.supplier_messages import Mailer


class AmendmentError(UserError):
    """An amendment that cannot be made."""


def seen_by_suppliers(tender: Tender) -> bool:
    """Whether suppliers have seen the tender: published as planned, or invitations sent (the
    tender opened)."""
    return tender.planned_at is not None or tender.opened_at is not None


def can_amend(tender: Tender) -> bool:
    return seen_by_suppliers(tender) and tender.status in rules.AMENDABLE_STATUSES


def amendments(session: Session, tender: Tender) -> list[TenderAmendment]:
    """The tender's amendments, oldest first."""
    return list(session.exec(select(TenderAmendment).where(
        TenderAmendment.tender_id == tender.id).order_by(col(TenderAmendment.number))).all())


def refuse_silent_change(tender: Tender, changes: Mapping[str, object]) -> None:
    """Refuse a change to what suppliers have seen that is not made as an amendment."""
    if not seen_by_suppliers(tender):
        return
    if any(name in changes and changes[name] != getattr(tender, name)
           for name in rules.AMENDABLE):
        raise AmendmentError(N_(
            "Suppliers have seen this tender, so its title, description and deadline change "
            "only through an amendment, which every invited and interested business is told "
            "about. Make the change under Amendments on the tender's page."))


# --- who is told ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """A business that is sent the notice of an amendment."""

    name: str
    email: str
    reason: str  # invited | participant | candidate | purchase | event | category
    supplier_id: int | None = None
    participant_id: int | None = None


def recipients(session: Session, tender: Tender) -> list[Recipient]:
    """Every invited and interested business, each address once: the suppliers the
    invitations went to, the dialogue's participants, the partnership's candidates still in
    it, and the businesses that registered interest (with alerts on) in the tender, its
    dialogue conferences or its category."""
    found: dict[str, Recipient] = {}

    def add(item: Recipient) -> None:
        if item.email:
            found.setdefault(item.email.strip().lower(), item)

    for invitation, supplier in session.exec(
            select(CompetitionInvitation, Supplier)
            .join(Supplier, col(Supplier.id) == CompetitionInvitation.supplier_id)
            .where(CompetitionInvitation.tender_id == tender.id,
                   col(CompetitionInvitation.sent_at).is_not(None))
            .order_by(col(Supplier.name), col(CompetitionInvitation.id))).all():
        add(Recipient(supplier.name, invitation.email, "invited", supplier_id=supplier.id))
    for participant in session.exec(
            select(DialogueParticipant).where(DialogueParticipant.tender_id == tender.id)
            .order_by(col(DialogueParticipant.name), col(DialogueParticipant.id))).all():
        add(Recipient(participant.name, participant.email, "participant",
                      participant_id=participant.id))
    for candidate, supplier in session.exec(
            select(PartnershipCandidate, Supplier)
            .join(Supplier, col(Supplier.id) == PartnershipCandidate.supplier_id)
            .where(PartnershipCandidate.tender_id == tender.id)
            .order_by(col(Supplier.name), col(PartnershipCandidate.id))).all():
        if candidate.decision == "rejected":
            continue
        contact = suppliers.primary_contact(session, supplier, tender.organisation_id)
        if contact is not None:
            add(Recipient(supplier.name, contact.email, "candidate", supplier_id=supplier.id))
    interested = [item for item in interest.interested_in(session, tender)
                  if item.registration.alerts]
    orgnrs = sorted({item.registration.orgnr for item in interested})
    register = dict(session.exec(select(Supplier.orgnr, Supplier.name).where(
        col(Supplier.orgnr).in_(orgnrs))).all()) if orgnrs else {}
    for item in interested:
        # The name the letter opens with: the register's, never one typed into the public
        # form, which must not reach an e-mail sent in the buyer's name (issue 19, finding 2).
        orgnr = item.registration.orgnr
        add(Recipient(register.get(orgnr) or f"org.nr. {orgnr}", item.registration.email,
                      item.reason))
    return list(found.values())


# --- making an amendment -------------------------------------------------------------------------


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _facts(session: Session, tender: Tender) -> TenderFacts:
    organisation = session.get(Organisation, tender.organisation_id)
    contact = " ".join(part for part in (tender.contact_name, tender.contact_email) if part)
    return TenderFacts(buyer=organisation.name if organisation else "",
                       reference=tender.reference, title=tender.title,
                       description=tender.description, contact=contact)


@dataclass(frozen=True)
class Amended:
    amendment: TenderAmendment
    messages: list[SupplierMessage]


def amend(
    session: Session, tender: Tender, description: str, values: Mapping[str, object], *,
    document_changed: bool, actor_id: int | None, mailer: Mailer, today: date, page_url: str,
    now: datetime | None = None,
) -> Amended:
    """Change what suppliers see as amendment number n: the fields in `values` (of
    rules.AMENDABLE) take their new values, the change is recorded with the officer's
    description, and every invited and interested business is sent a notice. The caller has
    claimed the tender's version (the step runner, or tenders.claim_version)."""
    unknown = set(values) - set(rules.AMENDABLE)
    if unknown:  # a programming error, not the user's
        raise ValueError(f"not amendable: {sorted(unknown)}")
    if not seen_by_suppliers(tender):
        raise AmendmentError(N_("The tender is not published yet: change it directly. An "
                                "amendment is for changes after suppliers have seen it."))
    if tender.status not in rules.AMENDABLE_STATUSES:
        raise AmendmentError(N_("The deadline has passed or the tender is finished: what "
                                "suppliers were told can no longer be amended."))
    description = (description or "").strip()
    if not description:
        raise AmendmentError(N_("Describe the change for the suppliers."))
    changes = {name: (getattr(tender, name), value) for name, value in values.items()
               if value != getattr(tender, name)}
    if "title" in changes and not str(changes["title"][1] or "").strip():
        raise AmendmentError(N_("A tender needs a title."))
    if "tender_deadline" in changes:
        new = changes["tender_deadline"][1]
        if not isinstance(new, date):
            raise AmendmentError(N_("Give the new deadline for offers."))
        if new <= today:
            raise AmendmentError(N_("The deadline for offers must be a day after today."))
    if not changes and not document_changed:
        raise AmendmentError(N_("Nothing is changed. Change the deadline, the title or the "
                                "description, or say that the tender document has changed."))
    now = now or clock.now()
    number = (session.exec(select(func.max(TenderAmendment.number)).where(
        TenderAmendment.tender_id == tender.id)).one() or 0) + 1
    for name, (_old, new) in changes.items():
        setattr(tender, name, new)
    session.add(tender)
    row = TenderAmendment(
        tender_id=stored_id(tender), number=number, description=description,
        changes={name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()},
        document_changed=document_changed, made_at=now, made_by_id=actor_id)
    session.add(row)
    session.flush()
    facts = _facts(session, tender)
    told = recipients(session, tender)
    batch = []
    for item in told:
        letter = rules.notice(facts, item.name, number, description, changes,
                              document_changed, page_url)
        batch.append(supplier_messages.Outgoing(
            kind="amendment", recipient=item.email, subject=letter.subject, body=letter.body,
            supplier_id=item.supplier_id, participant_id=item.participant_id,
            amendment_id=row.id))
    messages = supplier_messages.send(session, tender, mailer, batch, now=now,
                                      error=AmendmentError)
    audit.record(session, "tender.amended", actor_id=actor_id, object_type="tender",
                 object_id=tender.id, version=tender.version, number=number, note=description,
                 document_changed=document_changed or None,
                 changes={name: [_jsonable(old), _jsonable(new)]
                          for name, (old, new) in changes.items()} or None,
                 recipients=[item.name for item in told] or None)
    return Amended(row, messages)


def notices(session: Session, tender: Tender) -> list[SupplierMessage]:
    """The notices sent about the tender's amendments, oldest first."""
    return supplier_messages.sent(session, tender, supplier_messages.AMENDMENT)
