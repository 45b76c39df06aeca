"""Supplier register: queries, and creating, editing and searching suppliers and contacts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict, cast

from sqlalchemy import func, or_
from sqlmodel import Session, col, select
from stdnum import exceptions as stdnum_errors
from stdnum.no import orgnr as stdnum_orgnr

from procure.domain.orgnr import normalise
from procure.domain.places import kommunenummer_for, load_kommuner, load_postal_codes
from procure.errors import N_, UserError
from procure.models import Supplier, SupplierContact
from procure.services import audit

REGISTER_SIZE_CLASSES = ("micro", "small", "medium", "large", "unknown")
SUPPLIER_FIELDS = ("orgnr", "name", "address", "postal_code", "size_class")
CONTACT_FIELDS = ("name", "role", "email", "phone")
PAGE_SIZE = 25


def size_class_counts(session: Session) -> dict[str, int]:
    statement = select(Supplier.size_class, func.count()).group_by(Supplier.size_class)
    return {size: count for size, count in session.exec(statement).all()}


def local_count(session: Session, kommunenummer: str) -> int:
    statement = select(func.count()).select_from(Supplier).where(
        Supplier.kommunenummer == kommunenummer
    )
    return session.exec(statement).one()


def all_suppliers(session: Session) -> list[Supplier]:
    return list(session.exec(select(Supplier).order_by(Supplier.name)).all())


# --- the register for officers (issue 5) -------------------------------------------------------


class SupplierError(UserError):
    """A supplier or contact that cannot be saved; `field` names the form field at fault."""

    def __init__(self, msgid: str, field: str = "", **params: object) -> None:
        super().__init__(msgid, **params)
        self.field = field


def checked_orgnr(raw: str) -> str:
    """The organisation number as 9 digits, checked with python-stdnum (mod 11)."""
    number = normalise(raw)
    try:
        return stdnum_orgnr.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise SupplierError(N_("The check digit of organisation number %(orgnr)s is wrong. "
                               "Check for a typing error."), "orgnr", orgnr=number) from None
    except stdnum_errors.ValidationError:
        raise SupplierError(N_("An organisation number has 9 digits."), "orgnr") from None


def place_for(postal_code: str) -> tuple[str, str, str] | None:
    """(place, kommunenummer, kommune) for a postal code in Bring's register."""
    entry = load_postal_codes().get(postal_code)
    if entry is None:
        return None
    kommune = load_kommuner().get(entry.kommunenummer, entry.kommune)
    return entry.place.title(), entry.kommunenummer, kommune


def kommune_name(kommunenummer: str) -> str:
    return load_kommuner().get(kommunenummer, "") if kommunenummer else ""


class _Fields(TypedDict):
    """A supplier's fields as the register form gives them, checked."""

    orgnr: str
    name: str
    address: str
    postal_code: str
    kommunenummer: str
    size_class: str


def _clean(values: Mapping[str, object], *, require_postal_code: bool) -> _Fields:
    name = str(values.get("name") or "").strip()
    if not name:
        raise SupplierError(N_("Enter the supplier's name."), "name")
    postal_code = str(values.get("postal_code") or "").strip()
    kommunenummer = ""
    if postal_code or require_postal_code:
        if not (len(postal_code) == 4 and postal_code.isdigit()):
            raise SupplierError(N_("A postal code has 4 digits."), "postal_code")
        kommunenummer = kommunenummer_for(postal_code) or ""
        if not kommunenummer:
            raise SupplierError(N_("Postal code %(code)s is not in the postal register."),
                                "postal_code", code=postal_code)
    size_class = str(values.get("size_class") or "unknown")
    if size_class not in REGISTER_SIZE_CLASSES:
        raise SupplierError(N_("Choose a size class."), "size_class")
    return {"orgnr": checked_orgnr(str(values.get("orgnr") or "")), "name": name[:300],
            "address": str(values.get("address") or "").strip()[:300],
            "postal_code": postal_code, "kommunenummer": kommunenummer,
            "size_class": size_class}


def by_orgnr(session: Session, orgnr: str) -> Supplier | None:
    return session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).first()


def _unique(session: Session, orgnr: str, supplier_id: int | None) -> None:
    existing = by_orgnr(session, orgnr)
    if existing is not None and existing.id != supplier_id:
        raise SupplierError(N_("%(name)s already has organisation number %(orgnr)s in the "
                               "register."), "orgnr", name=existing.name, orgnr=orgnr)


def create_supplier(session: Session, values: Mapping[str, object], *, actor_id: int | None,
                    require_postal_code: bool = True) -> Supplier:
    data = _clean(values, require_postal_code=require_postal_code)
    _unique(session, data["orgnr"], None)
    supplier = Supplier(**data)
    session.add(supplier)
    session.flush()
    audit.record(session, "supplier.created", actor_id=actor_id, object_type="supplier",
                 object_id=supplier.id, orgnr=supplier.orgnr, name=supplier.name)
    return supplier


def update_supplier(session: Session, supplier: Supplier, values: Mapping[str, object], *,
                    actor_id: int | None) -> dict[str, tuple[object, object]]:
    """Save the changes and record each changed field with its old and new value."""
    data = _clean(values, require_postal_code=True)
    _unique(session, data["orgnr"], supplier.id)
    changed = {name: (getattr(supplier, name), value) for name, value in data.items()
               if getattr(supplier, name) != value}
    if not changed:
        return changed
    for name, (_old, new) in changed.items():
        setattr(supplier, name, new)
    session.add(supplier)
    session.flush()
    audit.record(session, "supplier.updated", actor_id=actor_id, object_type="supplier",
                 object_id=supplier.id,
                 changes={name: [old, new] for name, (old, new) in changed.items()})
    return changed


@dataclass(frozen=True)
class SupplierSearch:
    text: str = ""
    size_class: str = ""
    kommunenummer: str = ""  # only suppliers in this kommune


@dataclass(frozen=True)
class SearchPage:
    rows: list[Supplier]
    total: int
    page: int
    pages: int


def _conditions(search: SupplierSearch) -> list:
    conditions = []
    text = search.text.strip()
    if text:
        digits = normalise(text)
        options = [func.lower(Supplier.name).contains(text.lower(), autoescape=True),
                   func.lower(Supplier.address).contains(text.lower(), autoescape=True)]
        if digits.isdigit():
            options.append(col(Supplier.orgnr).startswith(digits))
            options.append(col(Supplier.postal_code) == digits)
        conditions.append(or_(*options))
    if search.size_class in REGISTER_SIZE_CLASSES:
        conditions.append(col(Supplier.size_class) == search.size_class)
    if search.kommunenummer:
        conditions.append(col(Supplier.kommunenummer) == search.kommunenummer)
    return conditions


def search_suppliers(session: Session, search: SupplierSearch, *, page: int = 1,
                     page_size: int = PAGE_SIZE) -> SearchPage:
    conditions = _conditions(search)
    total = session.exec(select(func.count()).select_from(Supplier).where(*conditions)).one()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = session.exec(select(Supplier).where(*conditions)
                        .order_by(col(Supplier.name), col(Supplier.id))
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return SearchPage(list(rows), total, page, pages)


# --- contacts ---------------------------------------------------------------------------------
#
# A contact belongs to one organisation (issue 19): every function here takes the organisation
# whose contacts it reads or writes, and sees no other's.


def contacts(session: Session, supplier: Supplier,
             organisation_id: int) -> list[SupplierContact]:
    return list(session.exec(select(SupplierContact)
                             .where(SupplierContact.supplier_id == supplier.id,
                                    SupplierContact.organisation_id == organisation_id)
                             .order_by(col(SupplierContact.id))).all())


def get_contact(session: Session, supplier: Supplier, contact_id: int,
                organisation_id: int) -> SupplierContact | None:
    """The supplier's contact with this id, if it is the organisation's."""
    contact = session.get(SupplierContact, contact_id)
    if contact is None or contact.supplier_id != supplier.id \
            or contact.organisation_id != organisation_id:
        return None
    return contact


def primary_contact(session: Session, supplier: Supplier,
                    organisation_id: int) -> SupplierContact | None:
    """The organisation's first contact with an e-mail address: invitations and letters go
    there."""
    return next((c for c in contacts(session, supplier, organisation_id) if c.email), None)


def has_contact(session: Session, supplier: Supplier, email: str, organisation_id: int) -> bool:
    """Whether the organisation has a contact at the supplier with this address."""
    return session.exec(select(SupplierContact.id).where(
        SupplierContact.supplier_id == supplier.id,
        SupplierContact.organisation_id == organisation_id,
        SupplierContact.email == email.lower())).first() is not None


def with_email_contact(session: Session, supplier_ids: list[int],
                       organisation_id: int) -> set[int]:
    """Those of the suppliers for which the organisation has a contact with an e-mail
    address."""
    if not supplier_ids:
        return set()
    return set(session.exec(select(SupplierContact.supplier_id).where(
        col(SupplierContact.supplier_id).in_(supplier_ids),
        SupplierContact.organisation_id == organisation_id,
        col(SupplierContact.email) != "")).all())


def add_contact(session: Session, supplier: Supplier, values: Mapping[str, object], *,
                organisation_id: int, actor_id: int | None) -> SupplierContact:
    data = {name: str(values.get(name) or "").strip() for name in CONTACT_FIELDS}
    if not data["name"]:
        raise SupplierError(N_("Enter the contact's name."), "name")
    data["email"] = data["email"].lower()
    contact = SupplierContact(supplier_id=cast(int, supplier.id),  # a stored supplier
                              organisation_id=organisation_id,
                              name=data["name"], role=data["role"], email=data["email"],
                              phone=data["phone"])
    session.add(contact)
    session.flush()
    audit.record(session, "supplier.contact_added", actor_id=actor_id, object_type="supplier",
                 object_id=supplier.id, contact=data, organisation_id=organisation_id)
    return contact


def delete_contact(session: Session, contact: SupplierContact, *,
                   actor_id: int | None) -> None:
    """Delete a contact the caller found with `get_contact` (so the organisation's own)."""
    audit.record(session, "supplier.contact_deleted", actor_id=actor_id,
                 object_type="supplier", object_id=contact.supplier_id,
                 contact={name: getattr(contact, name) for name in CONTACT_FIELDS},
                 organisation_id=contact.organisation_id)
    session.delete(contact)
    session.flush()
