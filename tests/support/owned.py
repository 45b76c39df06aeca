"""Imports and statistics as most tests make them: for the test database's organisation.

Since issue 19 every import, spend line, award and statistic is one organisation's, and the
ingest functions take the organisation as a required argument. Tests about something else (a
file format, a column, a sum) call these wrappers, which pass the test database's
organisation: the first there is (the demo's, when the demo is loaded), else a new one. The
tests of the scoping itself call the real functions with two organisations.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.statistics import Filters
from procure.ingest import record_file_error as _record_file_error
from procure.ingest import record_rejection as _record_rejection
from procure.ingest import start_run as _start_run
from procure.ingest.eforms import import_eforms as _import_eforms
from procure.ingest.ocds import import_ocds as _import_ocds
from procure.ingest.rates import import_rates as _import_rates
from procure.ingest.spend import import_spend as _import_spend
from procure.ingest.spend import old_values as _old_values
from procure.ingest.spend import remember_mapping as _remember_mapping
from procure.ingest.spend import remembered_mapping as _remembered_mapping
from procure.ingest.suppliers import import_suppliers as _import_suppliers
from procure.ingest.tenders import sync_tender_awards as _sync_tender_awards
from procure.models import ImportRun, Organisation, stored_id

TEST_ORGANISATION = {"name": "Testkommune", "orgnr": "964338531", "kommunenummer": "3205"}


def owner(session: Session) -> int:
    """The id of the test database's organisation, made when there is none yet."""
    found = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
    if found is None:
        found = Organisation(**TEST_ORGANISATION)
        session.add(found)
        session.flush()
    return stored_id(found)


def owned(filters: Filters, session: Session) -> Filters:
    """The filters for the test database's organisation."""
    return replace(filters, organisation_id=owner(session))


def import_spend(session: Session, *args: Any, **kwargs: Any) -> ImportRun:
    return _import_spend(session, *args, organisation_id=owner(session), **kwargs)


def import_suppliers(session: Session, *args: Any, **kwargs: Any) -> ImportRun:
    return _import_suppliers(session, *args, organisation_id=owner(session), **kwargs)


def import_ocds(session: Session, *args: Any, **kwargs: Any) -> ImportRun:
    return _import_ocds(session, *args, organisation_id=owner(session), **kwargs)


def import_eforms(session: Session, *args: Any, **kwargs: Any) -> ImportRun:
    return _import_eforms(session, *args, organisation_id=owner(session), **kwargs)


def import_rates(session: Session, *args: Any, **kwargs: Any) -> ImportRun:
    return _import_rates(session, *args, organisation_id=owner(session), **kwargs)


def sync_tender_awards(session: Session, **kwargs: Any) -> ImportRun:
    return _sync_tender_awards(session, organisation_id=owner(session), **kwargs)


def start_run(session: Session, *args: Any) -> ImportRun:
    return _start_run(session, *args, organisation_id=owner(session))


def record_rejection(session: Session, *args: Any) -> ImportRun:
    return _record_rejection(session, *args, organisation_id=owner(session))


def record_file_error(session: Session, *args: Any) -> ImportRun:
    return _record_file_error(session, *args, organisation_id=owner(session))


def old_values(session: Session, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return _old_values(session, changes, owner(session))


def remembered_mapping(session: Session, header: Any) -> dict[str, str]:
    return _remembered_mapping(session, header, owner(session))


def remember_mapping(session: Session, *args: Any) -> Any:
    return _remember_mapping(session, *args, organisation_id=owner(session))
