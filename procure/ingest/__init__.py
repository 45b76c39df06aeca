"""Imports for the controller's statistics: suppliers, spend, OCDS awards, procure's tenders,
eForms notices.

Every import is all-or-nothing. A service writes through the caller's session as it reads and
raises `ImportRejected` (with every bad row: row, field, reason) when any row is bad; the caller
then rolls back and stores the report with `record_rejection`, so a rejected file changes no
data. Re-importing a file changes nothing: rows are matched on natural keys and only rows whose
values differ are updated.

Every import is made for one organisation (issue 19): its run, and the spend lines, awards and
column choices it writes, are that organisation's. The supplier register and the exchange
rates it may fill are shared facts; only the run that brought them is the organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlmodel import Session, SQLModel, col

from procure.db import affected_rows
from procure.errors import N_, UserError
from procure.models import Award, AwardSupplier, ImportRun, SpendLine, Supplier

KINDS = ("suppliers", "spend", "ocds", "tenders", "rates", "eforms")
MAX_STORED_ERRORS = 100_000


class ImportFileError(UserError):
    """The file as a whole cannot be read (type, encoding, columns)."""


@dataclass
class RowErrors:
    """Bad rows as [row, field, msgid, params]; all are counted, the first MAX are kept."""

    items: list[list[Any]] = field(default_factory=list)  # lists, as stored in JSON
    count: int = 0
    limit: int = MAX_STORED_ERRORS

    def add(self, row: int, column: str, msgid: str, **params: object) -> None:
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append([row, column, msgid, params])

    def __bool__(self) -> bool:
        return self.count > 0


class ImportRejected(UserError):
    """Some rows are bad; nothing may be kept. Carries the full report."""

    def __init__(self, kind: str, filename: str, errors: RowErrors, rows_read: int) -> None:
        super().__init__(N_("The file has %(count)d bad rows; nothing was imported."),
                         count=errors.count)
        self.kind = kind
        self.filename = filename
        self.errors = errors
        self.rows_read = rows_read


def start_run(session: Session, kind: str, filename: str, actor_id: int | None, *,
              organisation_id: int) -> ImportRun:
    run = ImportRun(kind=kind, filename=filename[:255], status="imported", actor_id=actor_id,
                    organisation_id=organisation_id)
    session.add(run)
    session.flush()
    return run


def record_rejection(session: Session, rejected: ImportRejected,
                     actor_id: int | None = None, *, organisation_id: int) -> ImportRun:
    """Store a rejected import's report (call after rolling back what the import wrote)."""
    run = ImportRun(kind=rejected.kind, filename=rejected.filename[:255], status="rejected",
                    actor_id=actor_id, organisation_id=organisation_id,
                    rows_read=rejected.rows_read,
                    error_count=rejected.errors.count, errors=rejected.errors.items)
    session.add(run)
    session.flush()
    return run


def record_file_error(session: Session, kind: str, filename: str, error: UserError,
                      actor_id: int | None = None, *, organisation_id: int) -> ImportRun:
    """Store an import refused as a whole (wrong type, missing columns) as a one-line report."""
    run = ImportRun(kind=kind, filename=filename[:255], status="rejected", actor_id=actor_id,
                    organisation_id=organisation_id, error_count=1,
                    errors=[[0, "", error.msgid, error.params]])
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run: ImportRun, *, rows_read: int, inserted: int,
               updated: int, notes: dict[str, Any] | None = None) -> ImportRun:
    run.rows_read = rows_read
    run.inserted = inserted
    run.updated = updated
    run.unchanged = max(0, rows_read - inserted - updated)
    run.notes = notes or {}
    session.add(run)
    session.flush()
    return run


def recent_runs(session: Session, organisation_id: int, limit: int = 20) -> list[ImportRun]:
    """The organisation's latest imports."""
    statement = (select(ImportRun).where(col(ImportRun.organisation_id) == organisation_id)
                 .order_by(col(ImportRun.created_at).desc(), col(ImportRun.id).desc()))
    return list(session.scalars(statement.limit(limit)))


def get_run(session: Session, run_id: int, organisation_id: int) -> ImportRun | None:
    """The import with this id, if it is the organisation's."""
    run = session.get(ImportRun, run_id)
    return run if run is not None and run.organisation_id == organisation_id else None


def relink_suppliers(session: Session, organisation_id: int | None = None) -> int:
    """Point every organisation's spend lines and award winners without a supplier at the
    (shared) register, in SQL; returns how many of `organisation_id`'s were linked (of all
    when it is None), so an import's report counts its own organisation's only."""
    linked = 0
    for table in (SpendLine, AwardSupplier):
        match = select(col(Supplier.id)).where(col(Supplier.orgnr) == col(table.supplier_orgnr))
        unlinked = (col(table.supplier_id).is_(None), col(table.supplier_orgnr) != "",
                    col(table.supplier_orgnr).in_(select(col(Supplier.orgnr))))
        if organisation_id is not None:
            owned = (col(SpendLine.organisation_id) == organisation_id if table is SpendLine
                     else col(AwardSupplier.award_id).in_(
                         select(col(Award.id)).where(col(Award.organisation_id)
                                                     == organisation_id)))
            linked += count_rows(session, table, *unlinked, owned)
        statement = (update(table).where(*unlinked)
                     .values(supplier_id=match.scalar_subquery())
                     .execution_options(synchronize_session=False))
        changed = affected_rows(session.execute(statement)) or 0
        linked += changed if organisation_id is None else 0
    session.flush()
    return linked


def count_rows(session: Session, model: type[SQLModel], *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
