"""E-mails to suppliers about a tender, on every track: composed, sent, then recorded as
SupplierMessage rows, one per supplier, with a kind saying what each is (see the model).

The messages of one action are composed first and sent together, then recorded. A failure
half-way raises the track's error and the caller rolls back, so nothing is recorded as sent
that was not (the messages that did go out before the failure are not recorded either, and a
retry sends them again).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import Session, col, select

from procure.errors import N_, UserError
from procure.mail import MailError, compose
from procure.models import SupplierMessage, Tender, stored_id

# The kinds each track writes; a track reads only its own.
COMPETITION = ("invitation", "answer", "award", "rejection")
PARTNERSHIP = ("ip-invited", "ip-not-invited", "ip-rejected", "ip-partner", "ip-not-partner")
DIALOGUE = ("slot", "shared")
AMENDMENT = ("amendment",)  # every track: the notice of a change after publication


class Mailer(Protocol):
    # Read-only: procure.mail.Mailer (a frozen dataclass) and Outbox expose it as such.
    @property
    def sender(self) -> str: ...

    def send(self, message) -> str: ...


@dataclass(frozen=True)
class Outgoing:
    """One e-mail to send: to whom, what, and the rows it is about."""

    kind: str
    recipient: str
    subject: str
    body: str
    supplier_id: int | None = None
    participant_id: int | None = None
    question_id: int | None = None
    shared_id: int | None = None
    meeting_id: int | None = None
    amendment_id: int | None = None


def send(session: Session, tender: Tender, mailer: Mailer, batch: Sequence[Outgoing], *,
         now: datetime, error: type[UserError]) -> list[SupplierMessage]:
    """Send every message of the batch, then record them; a failure raises `error`."""
    composed = [compose(mailer.sender, item.recipient, item.subject, item.body, now=now)
                for item in batch]
    delivered = []
    try:
        for message in composed:
            delivered.append(mailer.send(message))
    except (MailError, ValueError) as failure:
        raise error(N_("The e-mail could not be sent: %(error)s"), error=str(failure)) from None
    rows = [SupplierMessage(
        tender_id=stored_id(tender), kind=item.kind, supplier_id=item.supplier_id,
        participant_id=item.participant_id, question_id=item.question_id,
        shared_id=item.shared_id, meeting_id=item.meeting_id,
        amendment_id=item.amendment_id, recipient=item.recipient,
        subject=item.subject[:300], body=item.body, sent_at=now,
        delivered_to=str(where)[:500]) for item, where in zip(batch, delivered, strict=True)]
    session.add_all(rows)
    session.flush()
    return rows


def sent(session: Session, tender: Tender, kinds: Iterable[str]) -> list[SupplierMessage]:
    """The messages of these kinds sent about the tender, oldest first."""
    return list(session.exec(
        select(SupplierMessage).where(SupplierMessage.tender_id == tender.id,
                                      col(SupplierMessage.kind).in_(tuple(kinds)))
        .order_by(col(SupplierMessage.id))).all())
