"""Organisations: the buyers (a municipality, or an innkjøpssamarbeid of several), and which
one each user works for (issue 19).

Tenders, supplier contacts, interest registrations, imports and statistics belong to one
organisation; officers and controllers see their own organisation's only. The supplier
register's public facts (the Brønnøysund data) are shared by all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.orgnr import is_valid, normalise
from procure.domain.places import load_kommuner
from procure.errors import N_, UserError
from procure.models import Organisation, User
from procure.services import audit


class OrganisationError(UserError):
    """An organisation that cannot be created or found; `field` names the form field."""

    def __init__(self, msgid: str, field: str = "", **params: object) -> None:
        super().__init__(msgid, **params)
        self.field = field


def by_orgnr(session: Session, orgnr: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.orgnr == orgnr)).first()


def all_organisations(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(col(Organisation.name),
                                                          col(Organisation.id))).all())


@dataclass(frozen=True)
class Listed:
    organisation: Organisation
    users: int
    kommune: str  # the kommune's name


def with_user_counts(session: Session) -> list[Listed]:
    """Every organisation with the number of users who work for it, by name."""
    counts = dict(session.exec(select(User.organisation_id, func.count())
                               .where(col(User.organisation_id).is_not(None))
                               .group_by(col(User.organisation_id))).all())
    kommuner = load_kommuner()
    return [Listed(row, int(counts.get(row.id, 0)), kommuner.get(row.kommunenummer, ""))
            for row in all_organisations(session)]


def checked_orgnr(raw: str) -> str:
    """The organisation number as 9 digits with a right check digit (and not 000000000)."""
    number = normalise(raw)
    if not (len(number) == 9 and number.isascii() and number.isdigit()):
        raise OrganisationError(N_("An organisation number has 9 digits."), "orgnr")
    if not is_valid(number):
        if number == "000000000":
            raise OrganisationError(N_("%(orgnr)s is not an organisation number."), "orgnr",
                                    orgnr=number)
        raise OrganisationError(N_("The check digit of organisation number %(orgnr)s is wrong. "
                                   "Check for a typing error."), "orgnr", orgnr=number)
    return number


def checked_kommunenummer(raw: str) -> str:
    """A kommunenummer of the 2024 list (procure/data/kommuner_2024.csv)."""
    number = (raw or "").strip()
    if not (len(number) == 4 and number.isascii() and number.isdigit()):
        raise OrganisationError(N_("A kommune number has 4 digits."), "kommunenummer")
    if number not in load_kommuner():
        raise OrganisationError(N_("Kommune number %(number)s is not in the list of kommuner "
                                   "(2024)."), "kommunenummer", number=number)
    return number


def create_organisation(session: Session, name: str, orgnr: str, kommunenummer: str, *,
                        actor_id: int | None) -> Organisation:
    """A new organisation; raises OrganisationError on a missing name, a wrong organisation
    number, one already taken, or a kommunenummer not in the list."""
    name = (name or "").strip()
    if not name:
        raise OrganisationError(N_("Enter the organisation's name."), "name")
    if len(name) > 200:
        raise OrganisationError(N_("Longer than %(max)d characters."), "name", max=200)
    number = checked_orgnr(orgnr)
    kommune = checked_kommunenummer(kommunenummer)
    existing = by_orgnr(session, number)
    if existing is not None:
        raise OrganisationError(N_("%(name)s already has organisation number %(orgnr)s."),
                                "orgnr", name=existing.name, orgnr=number)
    organisation = Organisation(name=name, orgnr=number, kommunenummer=kommune)
    session.add(organisation)
    session.flush()
    audit.record(session, "organisation.created", actor_id=actor_id,
                 object_type="organisation", object_id=organisation.id, name=name,
                 orgnr=number, kommunenummer=kommune)
    return organisation


def assign_user(session: Session, user: User, organisation: Organisation | None, *,
                actor_id: int | None) -> bool:
    """Make the user work for the organisation (None: for none); False when they already
    did. The user sees the new organisation's tenders, contacts and statistics on their next
    page."""
    organisation_id = organisation.id if organisation is not None else None
    if user.organisation_id == organisation_id:
        return False
    user.organisation_id = organisation_id
    session.add(user)
    session.flush()
    audit.record(session, "user.organisation_changed", actor_id=actor_id, object_type="user",
                 object_id=user.id, email=user.email,
                 organisation=organisation.name if organisation is not None else None,
                 orgnr=organisation.orgnr if organisation is not None else None)
    return True


def resolve(session: Session, orgnr: str | None) -> Organisation:
    """The organisation a command works for: the one with this organisation number, or the
    only one there is when none is named."""
    if orgnr:
        found = by_orgnr(session, normalise(orgnr))
        if found is None:
            raise OrganisationError(N_("There is no organisation with organisation number "
                                       "%(orgnr)s."), "orgnr", orgnr=normalise(orgnr))
        return found
    rows = session.exec(select(Organisation).order_by(col(Organisation.id)).limit(2)).all()
    if not rows:
        raise OrganisationError(N_("There is no organisation yet: create one first."))
    if len(rows) > 1:
        raise OrganisationError(N_("There are several organisations: say which one (its "
                                   "organisation number)."), "orgnr")
    return rows[0]
