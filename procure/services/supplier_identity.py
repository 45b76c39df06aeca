"""Who a registration of interest speaks for (issue 19, finding 1).

Anyone can register interest with any organisation number and their own e-mail address, and
confirm it: the e-mailed link proves only that they read that address, not that the address
belongs to the business. So a registration is *unconfirmed* until its address is a contact of
that business in the supplier register: either it already was, or an officer has checked it
(by calling the business, say) and confirmed it with a note saying how (`confirm_contact`).

Until then the registration never becomes a supplier contact and is never written to: the
three tracks (simplified competition, market dialogue, innovation partnership) take the
supplier and the address they write to from `contact_for`, which gives only a register
contact and refuses an unconfirmed registration with the track's own error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.errors import N_, UserError
from procure.models import InterestRegistration, Supplier, SupplierContact, Tender
from procure.services import audit, interest, suppliers

# The role a confirmed address gets in the register (data, in bokmål like the rest of it).
CONFIRMED_ROLE = "Registrert interesse, bekreftet av saksbehandler"


@dataclass(frozen=True)
class Standing:
    """A registration of interest as the register sees it."""

    registration: InterestRegistration
    supplier: Supplier | None  # the register's supplier with the registration's org. number
    contact: SupplierContact | None  # its contact with the registration's address

    @property
    def confirmed(self) -> bool:
        return self.contact is not None

    @property
    def name(self) -> str:
        """The business's name: the register's when it knows the organisation number."""
        return self.supplier.name if self.supplier else self.registration.business_name

    @property
    def typed_name(self) -> str:
        """The name given in the registration, when it is not the register's."""
        typed = self.registration.business_name.strip()
        return typed if self.supplier and typed != self.supplier.name else ""

    @property
    def reason_msgid(self) -> str:
        """Why the registration is unconfirmed ("" when it is confirmed)."""
        if self.confirmed:
            return ""
        if self.supplier is None:
            return N_("Unconfirmed: organisation number %(orgnr)s is not in the supplier "
                      "register, so nothing shows that %(email)s belongs to the business. "
                      "Confirm that the address belongs to the supplier, for example by "
                      "calling them, before you invite.")
        return N_("Unconfirmed: the address %(email)s is not registered as a contact of "
                  "%(name)s (org. no. %(orgnr)s). Confirm that the address belongs to the "
                  "supplier, for example by calling them, before you invite.")

    @property
    def reason_params(self) -> dict[str, str]:
        return {"email": self.registration.email, "name": self.name,
                "orgnr": self.registration.orgnr}


def _contacts_with(session: Session, organisation_id: int, supplier_ids: Sequence[int],
                   emails: Sequence[str]) -> list[SupplierContact]:
    if not supplier_ids or not emails:
        return []
    return list(session.exec(select(SupplierContact).where(
        SupplierContact.organisation_id == organisation_id,
        col(SupplierContact.supplier_id).in_(supplier_ids),
        func.lower(col(SupplierContact.email)).in_(emails))
        .order_by(col(SupplierContact.id))).all())


def standings(session: Session, tender: Tender,
              registrations: Sequence[InterestRegistration]) -> list[Standing]:
    """Each registration with the register's supplier and the matching contact, if any, in
    the order given. Contacts are the tender's organisation's own."""
    orgnrs = sorted({r.orgnr for r in registrations})
    by_orgnr = {s.orgnr: s for s in session.exec(
        select(Supplier).where(col(Supplier.orgnr).in_(orgnrs))).all()} if orgnrs else {}
    contacts: dict[tuple[int, str], SupplierContact] = {}
    for contact in _contacts_with(session, tender.organisation_id,
                                  [s.id for s in by_orgnr.values() if s.id],
                                  sorted({r.email for r in registrations})):
        contacts.setdefault((contact.supplier_id, contact.email.lower()), contact)
    result = []
    for registration in registrations:
        supplier = by_orgnr.get(registration.orgnr)
        match = contacts.get((supplier.id, registration.email)) if supplier and supplier.id \
            else None
        result.append(Standing(registration, supplier, match))
    return result


def standing(session: Session, tender: Tender, registration: InterestRegistration) -> Standing:
    return standings(session, tender, [registration])[0]


def by_registration(session: Session, tender: Tender,
                    registrations: Sequence[InterestRegistration]) -> dict[int, Standing]:
    return {s.registration.id: s for s in standings(session, tender, registrations)
            if s.registration.id is not None}


def interested_registration(session: Session, tender: Tender,
                            registration_id: int) -> InterestRegistration | None:
    """A confirmed registration of interest in the tender (the row a confirm step names)."""
    return next((item.registration for item in interest.interested_in(session, tender)
                 if item.registration.id == registration_id), None)


def contact_for(session: Session, tender: Tender, registration: InterestRegistration, *,
                error: type[UserError]) -> tuple[Supplier, SupplierContact]:
    """The register's supplier and contact that a registration of interest may be written to.
    The one way the tracks turn a registration into a supplier to invite: an unconfirmed one
    is refused with the track's `error`, so nothing is ever sent to an address someone typed."""
    found = standing(session, tender, registration)
    if found.supplier is None or found.contact is None:
        raise error(N_("%(email)s is not confirmed as a contact of %(name)s. Confirm it first, "
                       "for example by calling the supplier: invitations go only to contacts "
                       "in the supplier register."), email=registration.email, name=found.name)
    return found.supplier, found.contact


def confirm_contact(session: Session, tender: Tender, registration: InterestRegistration,
                    note: str, *, actor_id: int | None,
                    error: type[UserError]) -> SupplierContact:
    """An officer confirms that the registration's address belongs to the business: the
    address becomes its contact in the register (the supplier is added, size unknown, when the
    register lacks it), and the tender's trail records who confirmed it and how."""
    note = (note or "").strip()
    if not note:
        raise error(N_("Write how you verified that the address belongs to the supplier."))
    found = standing(session, tender, registration)
    if found.contact is not None:
        raise error(N_("%(email)s is already a contact of %(name)s in the supplier register."),
                    email=registration.email, name=found.name)
    try:
        supplier = found.supplier or suppliers.create_supplier(
            session, {"orgnr": registration.orgnr, "name": registration.business_name,
                      "size_class": "unknown"}, actor_id=actor_id, require_postal_code=False)
        contact = suppliers.add_contact(session, supplier, {
            "name": registration.business_name, "email": registration.email,
            "role": CONFIRMED_ROLE}, organisation_id=tender.organisation_id, actor_id=actor_id)
    except suppliers.SupplierError as refused:
        raise error(refused.msgid, **refused.params) from None
    audit.record(session, "supplier.contact_confirmed", actor_id=actor_id,
                 object_type="tender", object_id=tender.id, supplier=supplier.name,
                 orgnr=supplier.orgnr, registered_name=registration.business_name,
                 verified_how=note[:1000])
    return contact
