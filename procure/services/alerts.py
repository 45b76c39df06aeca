"""Alert digests: each confirmed address gets new and changed purchases that match its
interests, once. A purchase is sent again only when its public content changed (a new public
version); the (address, purchase, version) row in alert_delivery is the proof it was sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlmodel import Session, col, select

from procure import clock
from procure.models import AlertDelivery, InterestRegistration, Tender
from procure.services import public as public_service
from procure.services.public import PublicPurchase


@dataclass(frozen=True)
class DigestItem:
    purchase: PublicPurchase
    new: bool  # never sent to this address before (else: changed since last sent)


@dataclass
class Subscriber:
    email: str
    locale: str
    unsubscribe_token: str
    since: datetime
    divisions: set[str] = field(default_factory=set)
    tender_ids: set[int] = field(default_factory=set)

    def wants(self, purchase: PublicPurchase) -> bool:
        return purchase.id in self.tender_ids or (
            purchase.division is not None and purchase.division in self.divisions)


@dataclass(frozen=True)
class Digest:
    email: str
    locale: str
    unsubscribe_token: str
    items: tuple[DigestItem, ...]


def subscribers(session: Session) -> list[Subscriber]:
    """Confirmed addresses that want alerts, with their interests merged; the oldest
    registration's unsubscribe link and the newest one's language."""
    rows = session.exec(select(InterestRegistration).where(
        col(InterestRegistration.confirmed_at).is_not(None),
        col(InterestRegistration.alerts).is_(True))
        .order_by(col(InterestRegistration.confirmed_at), col(InterestRegistration.id))).all()
    by_email: dict[str, Subscriber] = {}
    for row in rows:
        subscriber = by_email.get(row.email)
        if subscriber is None:
            subscriber = by_email[row.email] = Subscriber(
                row.email, row.locale, row.unsubscribe_token,
                cast(datetime, row.confirmed_at))  # only confirmed rows are read
        subscriber.locale = row.locale
        subscriber.divisions.update(row.divisions or [])
        if row.tender_id is not None:
            subscriber.tender_ids.add(row.tender_id)
    return list(by_email.values())


def pending_digests(session: Session, now: datetime | None = None) -> list[Digest]:
    """What each subscriber has not been sent yet: public purchases that match, changed
    after the subscriber confirmed, in a version not yet sent to that address."""
    now = now or clock.now()
    people = subscribers(session)
    if not people:
        return []
    since = min(p.since for p in people)
    rows = session.exec(select(Tender).where(public_service.is_public(),
                                             col(Tender.public_updated_at) > since)
                        .order_by(col(Tender.public_updated_at), col(Tender.id))).all()
    purchases = public_service.project(session, rows)
    if not purchases:
        return []
    emails = [p.email for p in people]
    ids = [p.id for p in purchases]
    sent_versions: set[tuple[str, int, int]] = set()
    sent_before: set[tuple[str, int]] = set()
    for email, tender_id, version in session.exec(
            select(AlertDelivery.email, AlertDelivery.tender_id, AlertDelivery.public_version)
            .where(col(AlertDelivery.email).in_(emails),
                   col(AlertDelivery.tender_id).in_(ids))).all():
        sent_versions.add((email, tender_id, version))
        sent_before.add((email, tender_id))
    digests = []
    for person in people:
        items = tuple(
            DigestItem(purchase, (person.email, purchase.id) not in sent_before)
            for purchase in purchases
            if person.wants(purchase) and purchase.updated_at is not None
            and purchase.updated_at > person.since
            and (person.email, purchase.id, purchase.public_version) not in sent_versions
        )
        if items:
            digests.append(Digest(person.email, person.locale, person.unsubscribe_token, items))
    return digests


def record(session: Session, digest: Digest, now: datetime | None = None) -> None:
    """Mark the digest's purchases as sent; a concurrent run that sent them first makes the
    flush fail on the unique key, so the caller rolls back and does not send."""
    now = now or clock.now()
    for item in digest.items:
        session.add(AlertDelivery(email=digest.email, tender_id=item.purchase.id,
                                  public_version=item.purchase.public_version, sent_at=now))
    session.flush()


def item_ids(digests: Iterable[Digest]) -> set[int]:
    return {item.purchase.id for digest in digests for item in digest.items}
