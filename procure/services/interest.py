"""Interest registrations from businesses: double opt-in, unsubscribe, erasure on request.

Personal data kept to the minimum: organisation number, business name, one e-mail address,
categories and what the business registered for. Unconfirmed registrations are deleted after
the confirmation period; an address's data is deleted on request, all of it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from procure import clock
from procure.domain.mailbox import mailbox_key, one_line
from procure.domain.orgnr import is_valid, normalise
from procure.domain.purchases import oslo_today
from procure.errors import N_, UserError
from procure.models import (
    AlertDelivery,
    DialogueEvent,
    InterestRegistration,
    InterestToken,
    Supplier,
    Tender,
)
from procure.services import audit, erasure
from procure.services import public as public_service
from procure.services.tenders import default_organisation

CONFIRM = "confirm"
ERASE = "erase"
ERASE_HOURS = 24
MAX_PENDING_PER_DAY = 3


class InterestError(UserError):
    """A registration that cannot be accepted."""


class TokenError(InterestError):
    """An e-mailed link that is unknown, used or expired."""

    def __init__(self) -> None:
        super().__init__(N_("This link is not valid any more. It may have been used already, "
                            "or it has expired."))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def supplier_name(session: Session, orgnr: str) -> str | None:
    """The name in the supplier register for this organisation number, if we know it."""
    row = session.exec(select(Supplier.name).where(Supplier.orgnr == orgnr)).first()
    return row or None


@dataclass(frozen=True)
class Registered:
    registration: InterestRegistration
    token: str  # the confirmation token, to be e-mailed; only its hash is stored


def _new_token(session: Session, purpose: str, email: str, expires_at: datetime, *,
               registration_id: int | None = None, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(InterestToken(purpose=purpose, token_hash=hash_token(token), email=email,
                              email_key=mailbox_key(email),
                              registration_id=registration_id, created_at=now,
                              expires_at=expires_at))
    return token


def register(
    session: Session, *, orgnr: str, email: str, business_name: str = "",
    divisions: Sequence[str] = (), known_divisions: Iterable[str], alerts: bool = True,
    tender_id: int | None = None, event_id: int | None = None, locale: str = "nb",
    now: datetime | None = None, confirm_days: int = 7,
) -> Registered:
    """A pending registration and its confirmation token. Nothing is visible to officers, and
    no alert is sent, until the address's owner follows the e-mailed link."""
    now = now or clock.now()
    orgnr = normalise(orgnr)
    if not is_valid(orgnr):
        raise InterestError(N_("The organisation number is not valid: it has 9 digits, and "
                               "the last is a check digit."))
    email = normalise_email(email)
    known = set(known_divisions)
    unknown = [d for d in divisions if d not in known]
    if unknown:
        raise InterestError(N_("Unknown category: %(division)s."), division=unknown[0])
    if event_id is not None:
        event = public_service.get_event(session, event_id)
        if event is None:
            raise InterestError(N_("That dialogue conference is not open for registration."))
        if not event.registration_open(oslo_today(now), now):
            raise InterestError(N_("Registration for this dialogue conference has closed."))
        tender_id = event.tender_id
    if tender_id is not None and not public_service.is_public_tender(session, tender_id):
        raise InterestError(N_("That purchase is not open for registrations of interest."))
    if not divisions and tender_id is None:
        raise InterestError(N_("Choose at least one category, or register for a specific "
                               "purchase."))
    organisation_id = _owner(session, tender_id)
    # What the registrant typed, on one line: officers see it beside the register's name,
    # which the registration does not make theirs (services/supplier_identity.py).
    name = one_line(business_name) or supplier_name(session, orgnr) or ""
    if not name:
        raise InterestError(N_("Enter the name of the business. We fill it in when the "
                               "organisation number is in our supplier register."))
    key = mailbox_key(email)
    recent = session.exec(select(func.count()).select_from(InterestRegistration).where(
        InterestRegistration.email_key == key,
        InterestRegistration.created_at >= now - timedelta(days=1))).one()
    if recent >= MAX_PENDING_PER_DAY:
        raise InterestError(N_("We have already sent several e-mails to this address today. "
                               "Check the inbox, or try again tomorrow."))
    registration = InterestRegistration(
        orgnr=orgnr, business_name=name[:300], email=email, email_key=key,
        organisation_id=organisation_id,
        divisions=sorted(set(divisions)), alerts=alerts, tender_id=tender_id,
        dialogue_event_id=event_id, locale=locale if locale in ("nb", "en") else "nb",
        unsubscribe_token=secrets.token_urlsafe(32), created_at=now,
    )
    session.add(registration)
    session.flush()
    token = _new_token(session, CONFIRM, email, now + timedelta(days=confirm_days),
                       registration_id=registration.id, now=now)
    session.flush()
    audit.record(session, "interest.registered", object_type="interest_registration",
                 object_id=registration.id)
    return Registered(registration, token)


def _owner(session: Session, tender_id: int | None) -> int:
    """The organisation a registration belongs to: the tender's, or for categories only the
    public site's (issue 19)."""
    if tender_id is not None:
        tender = session.get(Tender, tender_id)
        if tender is not None:
            return tender.organisation_id
    organisation = default_organisation(session)
    if organisation is None or organisation.id is None:
        raise InterestError(N_("Registrations of interest are not open yet."))
    return organisation.id


def _token(session: Session, token: str, purpose: str, now: datetime) -> InterestToken:
    row = session.exec(select(InterestToken).where(
        InterestToken.token_hash == hash_token(token), InterestToken.purpose == purpose)).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise TokenError()
    return row


def pending_for_token(session: Session, token: str,
                      now: datetime | None = None) -> InterestRegistration:
    """The registration a confirmation link is for, without using the link up."""
    row = _token(session, token, CONFIRM, now or clock.now())
    registration = session.get(InterestRegistration, row.registration_id)
    if registration is None:
        raise TokenError()
    return registration


def confirm(session: Session, token: str, now: datetime | None = None) -> InterestRegistration:
    """Confirm a registration. A confirmed registration for the same business, address and
    purpose is updated instead of duplicated, so nobody gets two alerts."""
    now = now or clock.now()
    row = _token(session, token, CONFIRM, now)
    registration = session.get(InterestRegistration, row.registration_id)
    if registration is None:
        raise TokenError()
    row.used_at = now
    session.add(row)
    existing = session.exec(select(InterestRegistration).where(
        InterestRegistration.id != registration.id,
        InterestRegistration.organisation_id == registration.organisation_id,
        InterestRegistration.email == registration.email,
        InterestRegistration.orgnr == registration.orgnr,
        col(InterestRegistration.confirmed_at).is_not(None),
        _same(InterestRegistration.tender_id, registration.tender_id),
        _same(InterestRegistration.dialogue_event_id, registration.dialogue_event_id),
    )).first()
    if existing is not None:
        existing.divisions = registration.divisions
        existing.alerts = registration.alerts
        existing.locale = registration.locale
        existing.business_name = registration.business_name
        session.add(existing)
        session.flush()
        session.delete(registration)
        session.flush()
        audit.record(session, "interest.confirmed", object_type="interest_registration",
                     object_id=existing.id, merged=True)
        return existing
    registration.confirmed_at = now
    session.add(registration)
    session.flush()
    audit.record(session, "interest.confirmed", object_type="interest_registration",
                 object_id=registration.id)
    return registration


def _same(column, value):
    return column.is_(None) if value is None else column == value


def by_unsubscribe_token(session: Session, token: str) -> InterestRegistration | None:
    if not token or len(token) > 64:
        return None
    return session.exec(select(InterestRegistration).where(
        InterestRegistration.unsubscribe_token == token)).first()


def stop_alerts(session: Session, token: str) -> int:
    """Stop every alert to the address the unsubscribe link belongs to; returns how many
    registrations were changed. Registrations for specific purchases stay for the officers."""
    registration = by_unsubscribe_token(session, token)
    if registration is None:
        raise TokenError()
    rows = session.exec(select(InterestRegistration).where(
        InterestRegistration.email == registration.email,
        col(InterestRegistration.alerts).is_(True))).all()
    for row in rows:
        row.alerts = False
        session.add(row)
    session.flush()
    audit.record(session, "interest.alerts_stopped", object_type="interest_registration",
                 object_id=registration.id, count=len(rows))
    return len(rows)


def erase_email(session: Session, email: str) -> int:
    """Delete everything kept about an address: registrations, links and alert history, and
    (services/erasure.py) its supplier contacts, unsent invitations and mail, keeping only
    what a tender's record must keep. Returns how many registrations were deleted."""
    email = normalise_email(email)
    ids = list(session.exec(select(InterestRegistration.id).where(
        InterestRegistration.email == email)).all())
    erasure.erase_address(session, email)
    session.execute(delete(InterestToken).where(col(InterestToken.email) == email))
    session.execute(delete(AlertDelivery).where(col(AlertDelivery.email) == email))
    session.execute(delete(InterestRegistration).where(col(InterestRegistration.email) == email))
    session.expire_all()
    audit.record(session, "interest.erased", object_type="interest_registration",
                 count=len(ids))
    return len(ids)


def erase_by_unsubscribe_token(session: Session, token: str) -> int:
    registration = by_unsubscribe_token(session, token)
    if registration is None:
        raise TokenError()
    return erase_email(session, registration.email)


def request_erasure(session: Session, email: str, now: datetime | None = None) -> str | None:
    """An erasure link for the address, whether or not anything is kept about it, or None
    past the day's cap for its mailbox.

    The same work either way (one count, one insert; the caller queues the same e-mail), so
    neither the answer nor its timing tells who is registered (issue 19, finding 7). A link for
    an address we know nothing about deletes nothing; its e-mail says so in the same words."""
    now = now or clock.now()
    email = normalise_email(email)
    recent = session.exec(select(func.count()).select_from(InterestToken).where(
        InterestToken.email_key == mailbox_key(email), InterestToken.purpose == ERASE,
        InterestToken.created_at >= now - timedelta(days=1))).one()
    if recent >= MAX_PENDING_PER_DAY:
        return None
    token = _new_token(session, ERASE, email, now + timedelta(hours=ERASE_HOURS), now=now)
    session.flush()
    return token


def erase_email_for_token(session: Session, token: str, now: datetime | None = None) -> str:
    """The address an erasure link is for (without using it up)."""
    return _token(session, token, ERASE, now or clock.now()).email


def erase_with_token(session: Session, token: str, now: datetime | None = None) -> int:
    row = _token(session, token, ERASE, now or clock.now())
    return erase_email(session, row.email)


def purge_expired(session: Session, now: datetime | None = None, *,
                  confirm_days: int = 7) -> int:
    """Delete unconfirmed registrations past the confirmation period, and dead links."""
    now = now or clock.now()
    stale = session.exec(select(InterestRegistration.id).where(
        col(InterestRegistration.confirmed_at).is_(None),
        InterestRegistration.created_at < now - timedelta(days=confirm_days))).all()
    if stale:
        session.execute(delete(InterestToken).where(col(InterestToken.registration_id).in_(stale)))
        session.execute(delete(InterestRegistration).where(
            col(InterestRegistration.id).in_(stale)))
    session.execute(delete(InterestToken).where(
        or_(col(InterestToken.expires_at) < now, col(InterestToken.used_at).is_not(None))))
    session.expire_all()
    return len(stale)


# --- for officers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Interested:
    registration: InterestRegistration
    reason: str  # purchase | event | category
    event_title: str = ""


def interested_in(session: Session, tender: Tender) -> list[Interested]:
    """Confirmed businesses interested in a tender: registered for it or one of its dialogue
    conferences, or following its CPV division. Each business and address once; only the
    tender's organisation's registrations (issue 19)."""
    division = (tender.cpv_code or "")[:2]
    rows = session.exec(select(InterestRegistration).where(
        InterestRegistration.organisation_id == tender.organisation_id,
        col(InterestRegistration.confirmed_at).is_not(None)).order_by(
        col(InterestRegistration.business_name), col(InterestRegistration.id))).all()
    events = {e.id: e.title for e in session.exec(
        select(DialogueEvent).where(DialogueEvent.tender_id == tender.id)).all()}
    found: dict[tuple[str, str], Interested] = {}
    rank = {"event": 0, "purchase": 1, "category": 2}
    for row in rows:
        if row.dialogue_event_id in events:
            item = Interested(row, "event", events[row.dialogue_event_id])
        elif row.tender_id == tender.id:
            item = Interested(row, "purchase")
        elif division and division in (row.divisions or []):
            item = Interested(row, "category")
        else:
            continue
        key = (row.orgnr, row.email)
        if key not in found or rank[item.reason] < rank[found[key].reason]:
            found[key] = item
    return sorted(found.values(), key=lambda i: (rank[i.reason], i.registration.business_name))
