"""The simplified competition (FOA part I), from invitations to the award letters.

Every step is recorded in the tender's audit trail (object_type "tender"), every e-mail as a
supplier message (services/supplier_messages.py). Equal treatment: an answer goes to every
invited supplier in one action, and a supplier invited later gets the earlier answers with the
invitation.

E-mail goes through a mailer (anything with `sender` and `send`) and supplier_messages.send.
The app passes a procure.mail.Outbox: each message is queued in the caller's transaction and
delivered after its commit, so a step that fails and rolls back sends nothing. A mailer that
raises (MailError, or ValueError for a bad header) makes the step a CompetitionError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from procure import clock, vocabulary
from procure.clock import norwegian_date
from procure.db import affected_rows
from procure.domain import competition_letters as letters
from procure.domain.competition import (
    CRITERIA,
    WEIGHT_FIELD,
    Evaluation,
    Invitee,
    OfferInput,
    award_criteria,
    evaluate,
    invitation_warnings,
    is_local_sme,
)
from procure.errors import N_, UserError
from procure.models import (
    Competition,
    CompetitionInvitation,
    CompetitionOffer,
    CompetitionQuestion,
    InterestRegistration,
    Organisation,
    Supplier,
    SupplierContact,
    SupplierMessage,
    Tender,
    User,
    stored_id,
)
from procure.services import (
    audit,
    interest,
    supplier_identity,
    supplier_messages,
    suppliers,
    tenders,
)
from procure.services.supplier_messages import Mailer

TRACK = "simplified-competition"
INVITING = ("draft", "planned", "open")


class CompetitionError(UserError):
    """A competition step that cannot be carried out now."""


def applies(tender: Tender) -> bool:
    return tender.track == TRACK


def _require_track(tender: Tender) -> None:
    if not applies(tender):
        raise CompetitionError(N_("This tender does not follow the simplified competition "
                                  "track."))


def _require_status(tender: Tender, *statuses: str) -> None:
    if tender.status not in statuses:
        raise CompetitionError(N_("This cannot be done while the tender is %(status)s."),
                               status=tender.status)


def _record(session: Session, tender: Tender, action: str, actor_id: int | None,
            **details: object) -> None:
    audit.record(session, action, actor_id=actor_id, object_type="tender",
                 object_id=tender.id, **details)


def competition_for(session: Session, tender: Tender) -> Competition:
    """The tender's competition row, created on first use."""
    row = session.exec(select(Competition).where(Competition.tender_id == tender.id)).first()
    if row is None:
        row = Competition(tender_id=stored_id(tender))
        session.add(row)
        session.flush()
    return row


def existing_competition(session: Session, tender: Tender) -> Competition | None:
    return session.exec(select(Competition).where(Competition.tender_id == tender.id)).first()


def buyer_kommune(session: Session, tender: Tender) -> str:
    organisation = session.get(Organisation, tender.organisation_id)
    return organisation.kommunenummer if organisation else ""


def facts(session: Session, tender: Tender) -> letters.TenderFacts:
    organisation = session.get(Organisation, tender.organisation_id)
    contact = " ".join(part for part in (tender.contact_name, tender.contact_email) if part)
    return letters.TenderFacts(buyer=organisation.name if organisation else "",
                               reference=tender.reference, title=tender.title,
                               description=tender.description, contact=contact)


def criteria_of(tender: Tender) -> tuple[tuple[str, Decimal], ...]:
    return award_criteria({name: getattr(tender, WEIGHT_FIELD[name]) for name in CRITERIA})


def criterion_nb(name: str) -> str:
    """An award criterion's name as the letters and the protocol (bokmål) give it."""
    with vocabulary.bokmal():
        return vocabulary.label(vocabulary.AWARD_CRITERIA, name)


# --- invitations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invited:
    invitation: CompetitionInvitation
    supplier: Supplier
    local_sme: bool


def invited(session: Session, tender: Tender) -> list[Invited]:
    kommune = buyer_kommune(session, tender)
    rows = session.exec(
        select(CompetitionInvitation, Supplier)
        .join(Supplier, col(Supplier.id) == CompetitionInvitation.supplier_id)
        .where(CompetitionInvitation.tender_id == tender.id)
        .order_by(col(Supplier.name), col(CompetitionInvitation.id))).all()
    return [Invited(inv, sup, is_local_sme(Invitee(sup.kommunenummer, sup.size_class), kommune))
            for inv, sup in rows]


def warnings(session: Session, tender: Tender) -> tuple[str, ...]:
    rows = invited(session, tender)
    return invitation_warnings(
        [Invitee(r.supplier.kommunenummer, r.supplier.size_class) for r in rows],
        buyer_kommune(session, tender))


def get_invitation(session: Session, tender: Tender,
                   invitation_id: int) -> CompetitionInvitation | None:
    row = session.get(CompetitionInvitation, invitation_id)
    return row if row is not None and row.tender_id == tender.id else None


def _send(session: Session, tender: Tender, mailer: Mailer,
          batch: list[tuple[CompetitionInvitation, str, letters.Letter, int | None]],
          now: datetime) -> list[SupplierMessage]:
    """Send (invitation, kind, letter, question id) messages, then record them."""
    return supplier_messages.send(session, tender, mailer, [
        supplier_messages.Outgoing(kind=kind, recipient=inv.email, subject=letter.subject,
                                   body=letter.body, supplier_id=inv.supplier_id,
                                   question_id=question_id)
        for inv, kind, letter, question_id in batch], now=now, error=CompetitionError)


# One letter to send: the invitation it goes under, its kind, the letter, the question answered.
_Batch = list[tuple[CompetitionInvitation, str, letters.Letter, int | None]]


def _invitation_batch(session: Session, tender: Tender, inv: CompetitionInvitation,
                      supplier: Supplier) -> _Batch:
    """The invitation and every answer published so far, for one supplier."""
    info = facts(session, tender)
    named = tuple((criterion_nb(name), weight) for name, weight in criteria_of(tender))
    batch: _Batch = [(inv, "invitation", letters.invitation(info, supplier.name,
                                                            tender.tender_deadline, named), None)]
    for question in answered_questions(session, tender):
        batch.append((inv, "answer", letters.answer(info, supplier.name, question.number,
                                                    question.question, question.answer),
                      question.id))
    return batch


def invite_supplier(
    session: Session, tender: Tender, supplier_id: int, *, actor_id: int | None,
    mailer: Mailer | None = None, source: str = "register",
    contact: SupplierContact | None = None, now: datetime | None = None,
) -> CompetitionInvitation:
    """Add a supplier to the invitation list, written to its first contact with an e-mail
    address in the register (or to `contact`, one of its register contacts). Once the
    invitations have gone out, the new supplier is sent the invitation and every answer so
    far at once."""
    _require_track(tender)
    _require_status(tender, *INVITING)
    now = now or clock.now()
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise CompetitionError(N_("That supplier is not in the register."))
    if session.exec(select(CompetitionInvitation.id).where(
            CompetitionInvitation.tender_id == tender.id,
            CompetitionInvitation.supplier_id == supplier.id)).first() is not None:
        raise CompetitionError(N_("%(name)s is already invited."), name=supplier.name)
    if (contact is None or contact.supplier_id != supplier.id or not contact.email
            or contact.organisation_id != tender.organisation_id):
        contact = suppliers.primary_contact(session, supplier, tender.organisation_id)
    if contact is None:
        raise CompetitionError(N_("%(name)s has no contact with an e-mail address. Add one "
                                  "in the supplier register first."), name=supplier.name)
    row = CompetitionInvitation(tender_id=stored_id(tender), supplier_id=stored_id(supplier),
                                email=contact.email, contact_name=contact.name, source=source,
                                added_at=now, added_by_id=actor_id)
    session.add(row)
    session.flush()
    _record(session, tender, "competition.supplier_invited", actor_id,
            supplier=supplier.name, orgnr=supplier.orgnr, source=source)
    competition = existing_competition(session, tender)
    if competition is not None and competition.invitations_sent_at is not None:
        if mailer is None:
            raise CompetitionError(N_("The e-mail could not be sent: %(error)s"),
                                   error="no mailer")
        _send(session, tender, mailer, _invitation_batch(session, tender, row, supplier), now)
        row.sent_at = now
        session.add(row)
        session.flush()
    return row


def interested_candidates(session: Session, tender: Tender) -> list[interest.Interested]:
    """Confirmed interest registrations for the tender not yet on the invitation list."""
    invited_orgnr = {r.supplier.orgnr for r in invited(session, tender)}
    return [item for item in interest.interested_in(session, tender)
            if item.registration.orgnr not in invited_orgnr]


def invite_interested(
    session: Session, tender: Tender, registration_id: int, *, actor_id: int | None,
    mailer: Mailer | None = None, now: datetime | None = None,
) -> CompetitionInvitation:
    """Invite a business that registered interest, once its address is a contact of the
    business in the supplier register (supplier_identity): the invitation goes to that
    contact. An unconfirmed registration is refused."""
    _require_track(tender)
    candidates = {item.registration.id: item.registration
                  for item in interested_candidates(session, tender)}
    registration: InterestRegistration | None = candidates.get(registration_id)
    if registration is None:
        raise CompetitionError(N_("That registration of interest is not among the businesses "
                                  "interested in this tender."))
    supplier, contact = supplier_identity.contact_for(session, tender, registration,
                                                      error=CompetitionError)
    return invite_supplier(session, tender, stored_id(supplier), actor_id=actor_id, mailer=mailer,
                           source="interest", contact=contact, now=now)


def remove_invitation(session: Session, tender: Tender, row: CompetitionInvitation, *,
                      actor_id: int | None) -> None:
    if row.sent_at is not None:
        raise CompetitionError(N_("The invitation has been sent; it cannot be withdrawn here."))
    supplier = session.get(Supplier, row.supplier_id)
    session.delete(row)
    session.flush()
    _record(session, tender, "competition.supplier_removed", actor_id,
            supplier=supplier.name if supplier else "", orgnr=supplier.orgnr if supplier else "")


def check_invitations(session: Session, tender: Tender, deadline: date | None, reason: str, *,
                      today: date) -> tuple[str, ...]:
    """Whether the invitations can be sent with this deadline and reason (raises the reason
    why not); the warnings the reason answers. Sends and changes nothing: the confirmation
    page asks it before anything goes out."""
    _require_track(tender)
    _require_status(tender, "draft", "planned")
    if not invited(session, tender):
        raise CompetitionError(N_("Invite at least one supplier first."))
    if deadline is None or deadline <= today:
        raise CompetitionError(N_("The deadline for offers must be a day after today."))
    found = warnings(session, tender)
    if found and not reason.strip():
        raise CompetitionError(N_("Explain why you go ahead despite the warnings; the reason "
                                  "is recorded in the protocol."))
    return found


def invitation_letters(session: Session, tender: Tender,
                       deadline: date | None) -> list[tuple[Invited, letters.Letter]]:
    """The invitation each invited supplier would get with this deadline (for the
    confirmation page: nothing is sent)."""
    info = facts(session, tender)
    named = tuple((criterion_nb(name), weight) for name, weight in criteria_of(tender))
    return [(row, letters.invitation(info, row.supplier.name, deadline, named))
            for row in invited(session, tender)]


def send_invitations(
    session: Session, tender: Tender, deadline: date | None, reason: str, *,
    actor_id: int | None, mailer: Mailer, today: date, now: datetime | None = None,
) -> list[SupplierMessage]:
    """Set the deadline, send every invitation at once and open the tender for offers.
    Warnings (fewer than three, no local SME) need a reason, which goes into the protocol."""
    found = check_invitations(session, tender, deadline, reason, today=today)
    now = now or clock.now()
    rows = invited(session, tender)
    reason = reason.strip()
    for row in rows:
        if not row.invitation.email:  # erased at the contact's request before it was sent
            contact = suppliers.primary_contact(session, row.supplier, tender.organisation_id)
            if contact is None:
                raise CompetitionError(N_(
                    "The address of %(name)s was erased at the contact's request. Add a "
                    "contact in the supplier register, or remove %(name)s from the list."),
                    name=row.supplier.name)
            row.invitation.email, row.invitation.contact_name = contact.email, contact.name
            session.add(row.invitation)
    competition = competition_for(session, tender)
    tenders.update_tender(session, tender, {"tender_deadline": deadline}, actor_id=actor_id,
                          action="competition.deadline_set")
    tenders.transition(session, tender, "open", actor_id=actor_id, now=now)
    competition.invitations_sent_at = now
    competition.warning_reason = reason if found else ""
    session.add(competition)
    batch = []
    for row in rows:
        batch.extend(_invitation_batch(session, tender, row.invitation, row.supplier))
    messages = _send(session, tender, mailer, batch, now)
    for row in rows:
        row.invitation.sent_at = now
        session.add(row.invitation)
    session.flush()
    _record(session, tender, "competition.invitations_sent", actor_id,
            suppliers=[r.supplier.name for r in rows], warnings=list(found),
            reason=competition.warning_reason or None)
    return messages


# --- questions and answers ---------------------------------------------------------------------


def questions(session: Session, tender: Tender) -> list[CompetitionQuestion]:
    return list(session.exec(select(CompetitionQuestion)
                             .where(CompetitionQuestion.tender_id == tender.id)
                             .order_by(col(CompetitionQuestion.number))).all())


def answered_questions(session: Session, tender: Tender) -> list[CompetitionQuestion]:
    return [q for q in questions(session, tender) if q.answered_at is not None]


def get_question(session: Session, tender: Tender,
                 question_id: int) -> CompetitionQuestion | None:
    row = session.get(CompetitionQuestion, question_id)
    return row if row is not None and row.tender_id == tender.id else None


def add_question(session: Session, tender: Tender, text: str, asked_by_id: int | None, *,
                 actor_id: int | None, now: datetime | None = None) -> CompetitionQuestion:
    _require_track(tender)
    _require_status(tender, "open")
    text = text.strip()
    if not text:
        raise CompetitionError(N_("Write the question."))
    if asked_by_id is not None and asked_by_id not in {
            r.supplier.id for r in invited(session, tender)}:
        raise CompetitionError(N_("Only invited suppliers can ask questions."))
    number = session.exec(select(func.count()).select_from(CompetitionQuestion).where(
        CompetitionQuestion.tender_id == tender.id)).one() + 1
    row = CompetitionQuestion(tender_id=stored_id(tender), number=number, question=text,
                              asked_by_id=asked_by_id, received_at=now or clock.now())
    session.add(row)
    session.flush()
    _record(session, tender, "competition.question_received", actor_id, number=number)
    return row


def answer_question(
    session: Session, tender: Tender, question: CompetitionQuestion, reply: str, *,
    actor_id: int | None, mailer: Mailer, now: datetime | None = None,
) -> list[SupplierMessage]:
    """Answer a question and send question and answer to every invited supplier at once, the
    same text to each, without naming who asked."""
    _require_track(tender)
    _require_status(tender, "open")
    if question.answered_at is not None:
        raise CompetitionError(N_("This question has already been answered and sent."))
    reply = reply.strip()
    if not reply:
        raise CompetitionError(N_("Write the answer."))
    now = now or clock.now()
    # Claimed in one UPDATE, so two officers answering at once cannot both send.
    claimed = session.execute(
        update(CompetitionQuestion)
        .where(col(CompetitionQuestion.id) == question.id,
               col(CompetitionQuestion.answered_at).is_(None))
        .values(answer=reply, answered_at=now, answered_by_id=actor_id)
        .execution_options(synchronize_session=False))
    if affected_rows(claimed) != 1:
        raise CompetitionError(N_("This question has already been answered and sent."))
    question.answer, question.answered_at, question.answered_by_id = reply, now, actor_id
    info = facts(session, tender)
    rows = [r for r in invited(session, tender) if r.invitation.sent_at is not None]
    batch = [(r.invitation, "answer", letters.answer(info, r.supplier.name, question.number,
                                                     question.question, reply), question.id)
             for r in rows]
    messages = _send(session, tender, mailer, batch, now)
    _record(session, tender, "competition.answer_sent", actor_id, number=question.number,
            recipients=len(messages))
    return messages


def qa_gaps(session: Session, tender: Tender) -> list[tuple[CompetitionQuestion, list[str]]]:
    """Answered questions that some invited supplier did not receive: the equal-treatment
    check. Empty when every invited supplier got every answer."""
    sent = {(m.question_id, m.supplier_id) for m in messages(session, tender, "answer")}
    rows = [r for r in invited(session, tender) if r.invitation.sent_at is not None]
    gaps = []
    for question in answered_questions(session, tender):
        missing = [r.supplier.name for r in rows if (question.id, r.supplier.id) not in sent]
        if missing:
            gaps.append((question, missing))
    return gaps


def messages(session: Session, tender: Tender, kind: str | None = None) -> list[SupplierMessage]:
    """The competition's e-mails to suppliers, of one kind or all."""
    return supplier_messages.sent(session, tender,
                                  (kind,) if kind else supplier_messages.COMPETITION)


# --- offers and evaluation ---------------------------------------------------------------------


def close_for_offers(session: Session, tender: Tender, *, actor_id: int | None, today: date,
                     now: datetime | None = None) -> None:
    """The deadline has passed: open the offers and start the evaluation."""
    _require_track(tender)
    _require_status(tender, "open")
    if tender.tender_deadline is None or today <= tender.tender_deadline:
        raise CompetitionError(N_("Offers can be opened after the deadline, %(deadline)s."),
                               deadline=tender.tender_deadline.isoformat()
                               if tender.tender_deadline else "–")
    tenders.transition(session, tender, "evaluation", actor_id=actor_id, now=now)


def offers(session: Session, tender: Tender) -> list[tuple[CompetitionOffer, Supplier]]:
    return list(session.exec(
        select(CompetitionOffer, Supplier)
        .join(Supplier, col(Supplier.id) == CompetitionOffer.supplier_id)
        .where(CompetitionOffer.tender_id == tender.id)
        .order_by(Supplier.name)).all())


def get_offer(session: Session, tender: Tender, offer_id: int) -> CompetitionOffer | None:
    row = session.get(CompetitionOffer, offer_id)
    return row if row is not None and row.tender_id == tender.id else None


def _offer_values(tender: Tender, values: Mapping[str, object]) -> dict[str, Any]:
    try:
        price = Decimal(str(values.get("price")))
    except (InvalidOperation, ValueError):
        raise CompetitionError(N_("Give the price in NOK excluding VAT.")) from None
    if not price.is_finite() or price <= 0:
        raise CompetitionError(N_("The price must be more than 0 NOK."))
    scores = {}
    for name, _weight in criteria_of(tender):
        if name == "price":
            continue
        raw = values.get(f"score_{name}")
        if raw in (None, ""):
            continue
        try:
            score = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            score = Decimal(-1)
        if not (score.is_finite() and 0 <= score <= 10):
            raise CompetitionError(N_("A score is a number from 0 to 10."))
        scores[name] = str(score)
    received = values.get("received_on")
    if not isinstance(received, date):
        raise CompetitionError(N_("Give the day the offer was received."))
    rejected_reason = str(values.get("rejected_reason") or "").strip()
    if tender.tender_deadline and received > tender.tender_deadline and not rejected_reason:
        raise CompetitionError(N_("The offer came after the deadline. Record it with the "
                                  "reason for rejecting it, or not at all."))
    return {"price": price.quantize(Decimal("0.01")), "received_on": received,
            "scores": scores, "rejected_reason": rejected_reason,
            "note": str(values.get("note") or "").strip()}


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_offer(session: Session, tender: Tender, supplier_id: int,
                 values: Mapping[str, object], *, actor_id: int | None,
                 now: datetime | None = None) -> CompetitionOffer:
    _require_track(tender)
    _require_status(tender, "evaluation")
    invitees = {r.supplier.id: r.supplier for r in invited(session, tender)}
    supplier = invitees.get(supplier_id)
    if supplier is None:
        raise CompetitionError(N_("Offers can only be recorded from invited suppliers."))
    if session.exec(select(CompetitionOffer.id).where(
            CompetitionOffer.tender_id == tender.id,
            CompetitionOffer.supplier_id == supplier_id)).first() is not None:
        raise CompetitionError(N_("The offer from %(name)s is already recorded; change it "
                                  "instead."), name=supplier.name)
    data = _offer_values(tender, values)
    row = CompetitionOffer(tender_id=stored_id(tender), supplier_id=supplier_id,
                           recorded_at=now or clock.now(), recorded_by_id=actor_id, **data)
    session.add(row)
    session.flush()
    _record(session, tender, "competition.offer_recorded", actor_id, supplier=supplier.name,
            offer={k: _jsonable(v) for k, v in data.items()})
    return row


def update_offer(session: Session, tender: Tender, row: CompetitionOffer,
                 values: Mapping[str, object], *, actor_id: int | None) -> dict[str, list]:
    _require_track(tender)
    _require_status(tender, "evaluation")
    data = _offer_values(tender, values)
    changed = {name: [_jsonable(getattr(row, name)), _jsonable(value)]
               for name, value in data.items() if getattr(row, name) != value}
    if changed:
        for name, value in data.items():
            setattr(row, name, value)
        session.add(row)
        session.flush()
        supplier = session.get(Supplier, row.supplier_id)
        _record(session, tender, "competition.offer_changed", actor_id,
                supplier=supplier.name if supplier else "", changes=changed)
    return changed


def evaluation(session: Session, tender: Tender) -> Evaluation:
    return evaluate(
        [OfferInput(stored_id(offer), offer.price,
                    {k: Decimal(v) for k, v in (offer.scores or {}).items()},
                    bool(offer.rejected_reason))
         for offer, _supplier in offers(session, tender)],
        criteria_of(tender))


# --- award and letters -------------------------------------------------------------------------


def decide_award(session: Session, tender: Tender, supplier_id: int, justification: str, *,
                 actor_id: int | None, now: datetime | None = None) -> Competition:
    """Record the award decision with its justification, and mark the tender awarded."""
    _require_track(tender)
    _require_status(tender, "evaluation")
    result = evaluation(session, tender)
    if not result.complete:
        raise CompetitionError(N_("Score every offer that is not rejected before deciding."))
    by_supplier = {offer.supplier_id: offer for offer, _s in offers(session, tender)}
    offer = by_supplier.get(supplier_id)
    ranked = result.for_key(stored_id(offer)) if offer is not None else None
    if ranked is None:
        raise CompetitionError(N_("Choose one of the offers that were evaluated."))
    justification = justification.strip()
    if not justification:
        raise CompetitionError(N_("Give the justification for the award decision."))
    now = now or clock.now()
    competition = competition_for(session, tender)
    competition.winner_supplier_id = supplier_id
    competition.award_justification = justification
    competition.decided_at = now
    competition.decided_by_id = actor_id
    session.add(competition)
    supplier = session.get(Supplier, supplier_id)
    _record(session, tender, "competition.award_decided", actor_id,
            supplier=supplier.name if supplier else "", rank=ranked.rank,
            total=_jsonable(ranked.total), justification=justification)
    tenders.transition(session, tender, "awarded", actor_id=actor_id, now=now)
    return competition


def _standing(result: Evaluation, offer: CompetitionOffer, supplier: Supplier) -> letters.Standing:
    ranked = result.for_key(stored_id(offer))
    lines = tuple((criterion_nb(line.criterion), line.score, line.points)
                  for line in ranked.lines) \
        if ranked else ()
    return letters.Standing(supplier=supplier.name, price=offer.price,
                            total=ranked.total if ranked else None,
                            rank=ranked.rank if ranked else None, lines=lines,
                            rejected_reason=offer.rejected_reason)


@dataclass(frozen=True)
class Outgoing:
    supplier: Supplier
    invitation: CompetitionInvitation
    kind: str  # award | rejection
    letter: letters.Letter


def award_letters(session: Session, tender: Tender) -> list[Outgoing]:
    """The letter to the winner and to every other supplier that made an offer."""
    competition = existing_competition(session, tender)
    if competition is None or competition.winner_supplier_id is None:
        return []
    result = evaluation(session, tender)
    rows = offers(session, tender)
    by_supplier = {supplier.id: (offer, supplier) for offer, supplier in rows}
    invitations = {r.supplier.id: r.invitation for r in invited(session, tender)}
    info = facts(session, tender)
    winner_offer, winner_supplier = by_supplier[competition.winner_supplier_id]
    winner = _standing(result, winner_offer, winner_supplier)
    counted = sum(1 for offer, _s in rows if not offer.rejected_reason)
    outgoing = []
    for offer, supplier in rows:
        invitation = invitations.get(supplier.id)
        if invitation is None:
            continue
        if supplier.id == winner_supplier.id:
            letter = letters.award(info, winner, counted, competition.award_justification)
            kind = "award"
        else:
            letter = letters.rejection(info, _standing(result, offer, supplier), winner,
                                       counted, competition.award_justification)
            kind = "rejection"
        outgoing.append(Outgoing(supplier, invitation, kind, letter))
    return sorted(outgoing, key=lambda o: (o.kind != "award", o.supplier.name))


def send_award_letters(session: Session, tender: Tender, *, actor_id: int | None,
                       mailer: Mailer, now: datetime | None = None) -> list[SupplierMessage]:
    _require_track(tender)
    _require_status(tender, "awarded")
    competition = existing_competition(session, tender)
    if competition is None or competition.winner_supplier_id is None:
        raise CompetitionError(N_("Record the award decision first."))
    if competition.letters_sent_at is not None:
        raise CompetitionError(N_("The letters have already been sent."))
    now = now or clock.now()
    claimed = session.execute(
        update(Competition)
        .where(col(Competition.id) == competition.id, col(Competition.letters_sent_at).is_(None))
        .values(letters_sent_at=now).execution_options(synchronize_session=False))
    if affected_rows(claimed) != 1:
        raise CompetitionError(N_("The letters have already been sent."))
    outgoing = award_letters(session, tender)
    sent = _send(session, tender, mailer,
                 [(o.invitation, o.kind, o.letter, None) for o in outgoing], now)
    competition.letters_sent_at = now
    session.add(competition)
    session.flush()
    _record(session, tender, "competition.letters_sent", actor_id,
            recipients=[o.supplier.name for o in outgoing])
    return sent


def decided_by(session: Session, competition: Competition | None) -> str:
    if competition is None or competition.decided_by_id is None:
        return ""
    user = session.get(User, competition.decided_by_id)
    return (user.name or user.email) if user else ""


# --- the protocol's sections (Norwegian, as the record) ----------------------------------------

def _nb_number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _nb_day(value: date | datetime | None) -> str:
    return norwegian_date(value) if value else "–"


def protocol_data(session: Session, tender: Tender) -> dict | None:
    """The competition's part of the protocol: invited, Q&A, offers, evaluation, award.
    Labelled in bokmål, as the record."""
    with vocabulary.bokmal():
        return _protocol_data(session, tender)


def _protocol_data(session: Session, tender: Tender) -> dict | None:
    if not applies(tender):
        return None
    from procure.domain.estimate import format_nok

    comp = existing_competition(session, tender)
    rows = invited(session, tender)
    kommune = buyer_kommune(session, tender)
    result = evaluation(session, tender)
    offer_rows = offers(session, tender)
    names = {offer.id: supplier.name for offer, supplier in offer_rows}
    answers = messages(session, tender, "answer")
    gaps = {question.id: missing for question, missing in qa_gaps(session, tender)}
    winner = session.get(Supplier, comp.winner_supplier_id) if comp and \
        comp.winner_supplier_id else None
    return {
        "started": comp is not None,
        "invited": [{
            "name": r.supplier.name, "orgnr": r.supplier.orgnr,
            "kommune": suppliers.kommune_name(r.supplier.kommunenummer) or "–",
            "local": bool(kommune) and r.supplier.kommunenummer == kommune,
            "size": vocabulary.label(vocabulary.SIZE_CLASSES, r.supplier.size_class),
            "source": vocabulary.label(vocabulary.SUPPLIER_SOURCES, r.invitation.source),
            "sent": _nb_day(r.invitation.sent_at)} for r in rows],
        "local_sme": sum(1 for r in rows if r.local_sme),
        "warnings": [vocabulary.label(vocabulary.COMPETITION_WARNINGS, w)
                     for w in warnings(session, tender)],
        "warning_reason": comp.warning_reason if comp else "",
        "sent_at": _nb_day(comp.invitations_sent_at if comp else None),
        "deadline": _nb_day(tender.tender_deadline),
        "questions": [{
            "number": q.number, "question": q.question, "answer": q.answer,
            "received": _nb_day(q.received_at), "answered": _nb_day(q.answered_at),
            "recipients": sum(1 for m in answers if m.question_id == q.id),
            "missing": gaps.get(q.id, [])} for q in questions(session, tender)],
        "qa_equal": not gaps,
        "criteria": [(criterion_nb(name), _nb_number(weight))
                     for name, weight in result.criteria],
        "offers": [{"name": supplier.name, "price": format_nok(offer.price),
                    "received": _nb_day(offer.received_on),
                    "rejected_reason": offer.rejected_reason, "note": offer.note}
                   for offer, supplier in offer_rows],
        "ranking": [{"rank": r.rank or "–", "name": names.get(r.key, ""),
                     "price": format_nok(r.price), "tied": r.tied,
                     "lines": [(criterion_nb(line.criterion),
                                _nb_number(line.score), _nb_number(line.points))
                               for line in r.lines],
                     "total": _nb_number(r.total)} for r in result.ranked],
        "award": {"winner": winner.name, "orgnr": winner.orgnr,
                  "decided_at": _nb_day(comp.decided_at),
                  "by": decided_by(session, comp) or "–",
                  "justification": comp.award_justification} if winner and comp else None,
        "letters_sent": _nb_day(comp.letters_sent_at if comp else None),
        "letters": len(messages(session, tender, "award"))
        + len(messages(session, tender, "rejection")),
    }


def protocol_missing(data: dict | None, tender: Tender) -> list[str]:
    """What the competition still lacks, for the protocol's list of gaps. Only for a
    competition run in procure: a tender run elsewhere has no competition data to lack."""
    if data is None or not data["started"]:
        return []
    missing = []
    if not data["invited"]:
        missing.append("Ingen leverandører er invitert til konkurransen.")
    elif data["warnings"] and not data["warning_reason"] and data["sent_at"] != "–":
        missing.append("Avviket fra kravet om minst tre leverandører og en lokal SMB er ikke "
                       "begrunnet.")
    if not data["qa_equal"]:
        missing.append("Ikke alle inviterte leverandører har fått alle svar.")
    if tender.status in ("awarded", "closed") and data["award"] is None:
        missing.append("Tildelingsbeslutningen med begrunnelse er ikke registrert.")
    if data["award"] is not None and data["letters_sent"] == "–":
        missing.append("Brev om tildeling er ikke sendt til leverandørene.")
    return missing
