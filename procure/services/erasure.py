"""Erasing an e-mail address at its owner's request (/privacy; issue 19, finding 10).

The link e-mailed from /privacy (or the unsubscribe page) erases the address from every table,
except where a tender's record must keep it. The municipality must keep a procurement
protocol (FOA §§ 7-1 and 25-5) and may not delete archive material without authority
(arkivlova §§ 6 and 9); GDPR article 17(3)(b) lets that duty override a request to erase. What
a tender has already sent to a supplier is that record. Per table:

- interest_registration, interest_token, alert_delivery: deleted (interest.erase_email).
  Consent is their only basis.
- supplier_contact: every contact with the address is deleted. The audit trail records that a
  contact of the supplier was deleted at the person's request, without the address, and the
  trail's earlier entries about that contact (added, deleted) lose the address too.
- competition_invitation: an invitation not yet sent loses the address and the contact's
  name; when the invitations go out, the supplier's next register contact is used, or the
  officer is asked for one. A sent invitation is KEPT with its address: it is the tender's
  record of who was invited, and equal treatment means the answers and the award letters of
  that competition must still reach every invited supplier.
- supplier_message: a message whose e-mail had not left when the erasure came is deleted with
  the mail (it was never sent, and the record must not say it was). A sent message is KEPT
  with its recipient: it is the record of what the tender sent to whom and when.
- dialogue_participant: a participant nothing has been sent to yet is removed from the
  dialogue. One that was offered a meeting or sent anything is KEPT with its address, for the
  same reasons as a sent invitation.
- partnership_candidate: holds no address (its letters go to the register's contacts).
- outbox_message: mail to the address that is not delivered yet is deleted; delivered mail
  keeps its subject and text with the address replaced (and is deleted after
  outbox.KEEP_SENT_DAYS anyway).

Each tender whose record changed gets one entry in its trail saying so, without the address.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default
from email.utils import getaddresses

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.models import (
    AuditEvent,
    CompetitionInvitation,
    DialogueParticipant,
    OutboxMessage,
    Supplier,
    SupplierContact,
    SupplierMessage,
)
from procure.services import audit

# Put where a delivered e-mail named the address: reserved, so it can never be delivered.
ERASED_ADDRESS = "slettet@slettet.invalid"
UNSENT = ("pending", "sending", "failed")
# Trail entries about one supplier contact, which name its address.
CONTACT_EVENTS = ("supplier.contact_added", "supplier.contact_deleted")


@dataclass
class Erased:
    """What the erasure did, for the tests and the trail (never shown to the requester)."""

    contacts: int = 0
    invitations_redacted: int = 0
    participants_removed: int = 0
    messages_deleted: int = 0
    outbox_deleted: int = 0
    outbox_redacted: int = 0
    trail_redacted: int = 0


def lower(column: object):
    """The column in lower case: addresses typed into the register keep their case."""
    return func.lower(col(column))


def _addressed_to(row: OutboxMessage, email: str) -> bool:
    return any(address.lower() == email for _name, address in getaddresses([row.recipients]))


def _redact_message(raw: bytes, email: str) -> bytes:
    """The message with the address replaced in its headers and its text."""
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    message = message_from_bytes(raw, policy=default)
    for name in ("To", "Cc", "Bcc", "Reply-To"):
        values = message.get_all(name)
        if values:
            del message[name]
            for value in values:
                message[name] = pattern.sub(ERASED_ADDRESS, str(value))
    for part in message.walk():
        if part.get_content_maintype() == "text":
            text = part.get_content()
            if pattern.search(text):
                part.set_content(pattern.sub(ERASED_ADDRESS, text),
                                 subtype=part.get_content_subtype(), cte="quoted-printable")
    return message.as_bytes(policy=default)


def _outbox(session: Session, email: str, erased: Erased) -> set[str]:
    """Delete the undelivered mail to the address, redact the delivered; returns the
    deleted rows as supplier messages name them ("outbox:<id>")."""
    rows = session.exec(select(OutboxMessage).where(
        lower(OutboxMessage.recipients).contains(email, autoescape=True))).all()
    gone: set[str] = set()
    for row in rows:
        if not _addressed_to(row, email):
            continue
        if row.status in UNSENT:
            gone.add(f"outbox:{row.id}")
            session.delete(row)
            erased.outbox_deleted += 1
        else:
            row.recipients = ", ".join(
                ERASED_ADDRESS if address.lower() == email else address
                for _name, address in getaddresses([row.recipients]))[:1000]
            row.message = _redact_message(row.message, email)
            session.add(row)
            erased.outbox_redacted += 1
    session.flush()
    return gone


def erase_address(session: Session, email: str) -> Erased:
    """Erase the (normalised) address from the supplier register, the tracks and the outbox,
    keeping what a tender's record must keep (see the module's docstring)."""
    erased = Erased()
    touched: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    # Mail not delivered yet, and the supplier messages that said it was sent.
    gone = _outbox(session, email, erased)
    unsent_invitations: set[tuple[int, int | None]] = set()
    if gone:
        for message in session.exec(select(SupplierMessage).where(
                col(SupplierMessage.delivered_to).in_(sorted(gone)))).all():
            if message.kind == "invitation":
                unsent_invitations.add((message.tender_id, message.supplier_id))
            session.delete(message)
            erased.messages_deleted += 1
        session.flush()

    # Invitations not sent (or whose invitation never left): the address goes.
    names = {s.id: s.name for s in session.exec(select(Supplier).where(
        col(Supplier.id).in_(select(CompetitionInvitation.supplier_id).where(
            lower(CompetitionInvitation.email) == email)))).all()}
    for invitation in session.exec(select(CompetitionInvitation).where(
            lower(CompetitionInvitation.email) == email)).all():
        if invitation.sent_at is None or (
                (invitation.tender_id, invitation.supplier_id) in unsent_invitations):
            invitation.email, invitation.contact_name, invitation.sent_at = "", "", None
            session.add(invitation)
            erased.invitations_redacted += 1
            touched[invitation.tender_id]["suppliers"].add(names.get(invitation.supplier_id, ""))
    # Dialogue participants nothing has reached: out of the dialogue.
    for person in session.exec(select(DialogueParticipant).where(
            lower(DialogueParticipant.email) == email)).all():
        reached = session.exec(select(SupplierMessage.id).where(
            SupplierMessage.participant_id == person.id)).first()
        if reached is None:
            touched[person.tender_id]["participants"].add(person.name)
            session.delete(person)
            erased.participants_removed += 1
    session.flush()

    # Register contacts: deleted, recorded without the address.
    contacts = session.exec(select(SupplierContact).where(
        lower(SupplierContact.email) == email)).all()
    for contact in contacts:
        audit.record(session, "supplier.contact_erased", object_type="supplier",
                     object_id=contact.supplier_id)
        session.delete(contact)
        erased.contacts += 1
    session.flush()
    erased.trail_redacted = _redact_trail(session, email)

    for tender_id, what in touched.items():
        audit.record(session, "tender.address_erased", object_type="tender",
                     object_id=tender_id, suppliers=sorted(n for n in what["suppliers"] if n),
                     participants=sorted(what["participants"]))
    return erased


def _redact_trail(session: Session, email: str) -> int:
    """The supplier contacts' trail entries lose the address; how many changed."""
    changed = 0
    for event in session.exec(select(AuditEvent).where(
            col(AuditEvent.action).in_(CONTACT_EVENTS),
            AuditEvent.object_type == "supplier")).all():
        contact = dict((event.details or {}).get("contact") or {})
        if str(contact.get("email") or "").lower() == email:
            contact["email"] = ""
            event.details = {**event.details, "contact": contact}
            session.add(event)
            changed += 1
    session.flush()
    return changed

