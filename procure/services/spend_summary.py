"""Spend summed per month, kept equal to the spend lines in the same transaction.

Three tables (see procure/models.py):

- `spend_month`: per month and supplier (the organisation number as given, valid or not, and
  the supplier id, 0 for none): lines and amount. The statistics join it to the register when
  they read it, so a supplier's new size, kommune or founding date counts at once.
- `spend_month_dims`: per month, department, category, CPV division and the supplier's size
  class: lines and amount. The size is the register's when the lines were summed; spend_month
  keeps that size per supplier and month, and `dims_current` compares it with the register
  (a supplier whose size has changed since makes the statistics read the lines instead).
- `spend_month_department`: as `spend_month`, per department as well (no size kept: it is
  always joined to the register), for the statistics of one department.

Who keeps them equal to spend_line:
- the spend import adds what it inserted (summed while reading), or rebuilds both tables when
  it changed lines that were there already;
- the supplier import's relink, and any ORM statement or flush that touches spend lines,
  rebuild them (the session hooks at the end of this module, registered by
  `procure.db.register_hooks`);
- the demo loader rebuilds them after writing its lines.
Nothing else writes spend lines. Every change is in the writer's transaction: a rejected
import leaves both tables as they were.

Every row is one organisation's (issue 19): the sums never mix two organisations' lines, and an
import adds to, or rebuilds, its own organisation's sums only.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from datetime import date
from itertools import chain

import numpy as np
from sqlalchemy import Date, cast, delete, func, insert, literal_column, select
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from procure.domain.size_class import UNKNOWN
from procure.models import SpendLine, SpendMonth, SpendMonthDepartment, SpendMonthDims, Supplier
from procure.services import bulk

MIXED = "mixed"  # spend_month.size_class when lines were summed under two different sizes


def month_start(dialect: str, column) -> ColumnElement:
    """The first day of the column's month, as a date (ISO text on SQLite)."""
    if dialect == "sqlite":
        return func.date(column, literal_column("'start of month'"))
    return cast(func.date_trunc(literal_column("'month'"), column), Date)


def rebuild(session: OrmSession, organisation_id: int | None = None) -> None:
    """The three tables again from the spend lines, in SQL (one GROUP BY each): the
    organisation's rows from its lines, or every organisation's when it is None."""
    connection = session.connection()
    dialect = connection.dialect.name
    org = col(SpendLine.organisation_id)
    lines = () if organisation_id is None else (org == organisation_id,)
    for table in (SpendMonth, SpendMonthDims, SpendMonthDepartment):
        connection.execute(delete(table).where(
            *(() if organisation_id is None else (col(table.organisation_id) == organisation_id,))))
    month = month_start(dialect, SpendLine.invoice_date)
    size = func.coalesce(Supplier.size_class, literal_column(f"'{UNKNOWN}'"))
    supplier_id = func.coalesce(SpendLine.supplier_id, literal_column("0"))
    connection.execute(insert(SpendMonth).from_select(
        ["organisation_id", "month", "supplier_orgnr", "orgnr_valid", "supplier_id",
         "size_class", "lines", "amount_ore"],
        select(org, month, col(SpendLine.supplier_orgnr), col(SpendLine.orgnr_valid),
               supplier_id, func.max(size), func.count(), func.sum(SpendLine.amount_ore))
        .select_from(SpendLine).outerjoin(Supplier, col(Supplier.id) == col(SpendLine.supplier_id))
        .where(*lines)
        .group_by(org, month, col(SpendLine.supplier_orgnr), col(SpendLine.orgnr_valid),
                  supplier_id)))
    division = func.substr(SpendLine.cpv_code, literal_column("1"), literal_column("2"))
    connection.execute(insert(SpendMonthDims).from_select(
        ["organisation_id", "month", "department", "category", "cpv_division", "size_class",
         "lines", "amount_ore"],
        select(org, month, col(SpendLine.department), col(SpendLine.category), division, size,
               func.count(), func.sum(SpendLine.amount_ore))
        .select_from(SpendLine).outerjoin(Supplier, col(Supplier.id) == col(SpendLine.supplier_id))
        .where(*lines)
        .group_by(org, month, SpendLine.department, SpendLine.category, division, size)))
    connection.execute(insert(SpendMonthDepartment).from_select(
        ["organisation_id", "department", "month", "supplier_orgnr", "orgnr_valid",
         "supplier_id", "lines", "amount_ore"],
        select(org, col(SpendLine.department), month, col(SpendLine.supplier_orgnr),
               col(SpendLine.orgnr_valid), supplier_id, func.count(),
               func.sum(SpendLine.amount_ore))
        .select_from(SpendLine)
        .where(*lines)
        .group_by(org, col(SpendLine.department), month, col(SpendLine.supplier_orgnr),
                  col(SpendLine.orgnr_valid), supplier_id)))


def dims_current(session: OrmSession, organisation_id: int, date_from: date,
                 date_to: date) -> bool:
    """Whether the organisation's spend_month_dims holds the register's sizes for every month
    in the period."""
    size = func.coalesce(Supplier.size_class, UNKNOWN)
    stale = session.execute(
        select(col(SpendMonth.id))
        .outerjoin(Supplier, col(Supplier.id) == col(SpendMonth.supplier_id))
        .where(col(SpendMonth.organisation_id) == organisation_id,
               col(SpendMonth.month) >= date_from, col(SpendMonth.month) <= date_to,
               col(SpendMonth.size_class) != size)
        .limit(1)).first()
    return stale is None


class _Numbering:
    """Distinct values numbered in the order first seen, up to 2**bits of them."""

    def __init__(self, bits: int) -> None:
        self.limit = 1 << bits
        self.numbers: dict[object, int] = {}
        self.values: list[object] = []

    def __call__(self, value: object) -> int:
        number = self.numbers.get(value)
        if number is None:
            number = len(self.values)
            if number >= self.limit:
                raise _TooMany
            self.numbers[value] = number
            self.values.append(value)
        return number


class _TooMany(Exception):
    """More distinct values than a key's bits hold: the import sums again in SQL."""


# Bits of the two int64 keys: month and organisation number; month, department, category, CPV
# division and size class.
_MONTH, _ORG, _TEXT, _DIVISION, _SIZE = 10, 20, 14, 8, 4
_MAX_TOTAL = 1 << 62  # the int64 sums cannot overflow while the amounts' sizes add up below


class Accumulator:
    """Sums of the lines an import inserts, per spend_month and spend_month_dims key.

    The import numbers each distinct value once (`number`, `org_number`: a date's month, an
    organisation number's spend_month columns, a department, ...) and hands over each batch as
    numpy arrays of those numbers; they become two int64 keys per line. `write` sorts all keys
    once and sums each run of equal keys."""

    def __init__(self, sqlite: bool, sizes: dict[int, str], organisation_id: int) -> None:
        self.sizes = sizes  # supplier id -> size class
        self.sqlite = sqlite
        self.organisation_id = organisation_id  # the import's: every sum is its
        self.month = _Numbering(_MONTH)  # the first day of the month, as stored
        self.org = _Numbering(_ORG)  # (organisation number, valid, supplier id or 0)
        self.department = _Numbering(_TEXT)
        self.category = _Numbering(_TEXT)
        self.division = _Numbering(_DIVISION)
        self.size = _Numbering(_SIZE)
        self.org_sizes: list[int] = []  # org number -> size number
        self._org_sizes = np.zeros(0, np.int64)
        self.complete = True  # False when a key ran out of bits, or the sums could overflow
        self.org_keys: list[np.ndarray] = []
        self.department_keys: list[np.ndarray] = []
        self.dim_keys: list[np.ndarray] = []
        self.amounts: list[np.ndarray] = []
        self.magnitude = 0  # a bound on the absolute sum of every amount added

    def number(self, numbering: _Numbering, value: object) -> int:
        """The value's number (-1 once the sums are given up)."""
        if not self.complete:
            return -1
        try:
            return numbering(value)
        except _TooMany:
            self._give_up()
            return -1

    def org_number(self, number: str, valid: bool, supplier_id: int | None) -> int:
        """The number of an organisation number's spend_month columns (normalised, so two
        numbers as read may share one)."""
        org = self.number(self.org, (number, valid, supplier_id or 0))
        if org == len(self.org_sizes):
            size = self.number(self.size, self.sizes.get(supplier_id, UNKNOWN)
                               if supplier_id else UNKNOWN)
            self.org_sizes.append(size)
        return org

    def add(self, months: np.ndarray, orgs: np.ndarray, departments: np.ndarray,
            categories: np.ndarray, divisions: np.ndarray,
            amounts: Sequence[int] | np.ndarray) -> None:
        """One batch: each line's numbers, and its amount in øre."""
        if not self.complete:
            return
        if len(self._org_sizes) != len(self.org_sizes):
            self._org_sizes = np.array(self.org_sizes, np.int64)
        try:
            values = (amounts if isinstance(amounts, np.ndarray)
                      else np.fromiter(amounts, np.int64, len(amounts)))
        except OverflowError:
            self._give_up()
            return
        self.magnitude += int(np.abs(values).max(initial=0)) * len(values)
        if self.magnitude >= _MAX_TOTAL:
            self._give_up()
            return
        self.org_keys.append(months | orgs << _MONTH)
        self.department_keys.append(months | departments << _MONTH
                                    | orgs << (_MONTH + _TEXT))
        self.dim_keys.append(months | departments << _MONTH
                             | categories << (_MONTH + _TEXT)
                             | divisions << (_MONTH + 2 * _TEXT)
                             | self._org_sizes[orgs] << (_MONTH + 2 * _TEXT + _DIVISION))
        self.amounts.append(values)

    def _give_up(self) -> None:
        self.complete = False
        self.org_keys, self.department_keys, self.dim_keys, self.amounts = [], [], [], []

    def write(self, session: OrmSession) -> None:
        """Add the sums to the organisation's rows of the three tables."""
        if not self.amounts:
            return
        connection = session.connection()
        add_month, add_department, add_dims = _adders(self.organisation_id)
        amounts = np.concatenate(self.amounts)
        months, month_mask = self.month.values, (1 << _MONTH) - 1
        sizes = self.size.values
        targets = [(number, int(valid) if self.sqlite else valid, supplier_id,
                    sizes[self.org_sizes[index]])
                   for index, (number, valid, supplier_id) in enumerate(
                       typing.cast("list[tuple[str, bool, int]]", self.org.values))]
        bulk.writer(connection, add_month).rows(sorted(  # in the unique index's order
            (months[key & month_mask], *targets[key >> _MONTH], lines, total)
            for key, lines, total in _grouped(np.concatenate(self.org_keys), amounts)))
        department, category, division = (
            self.department.values, self.category.values, self.division.values)
        text_mask, division_mask = (1 << _TEXT) - 1, (1 << _DIVISION) - 1
        bulk.writer(connection, add_department).rows(sorted(
            (department[key >> _MONTH & text_mask], months[key & month_mask],
             *targets[key >> (_MONTH + _TEXT)][:3], lines, total)
            for key, lines, total in _grouped(np.concatenate(self.department_keys), amounts)))
        bulk.writer(connection, add_dims).rows(sorted([
            (months[key & month_mask], department[key >> _MONTH & text_mask],
             category[key >> (_MONTH + _TEXT) & text_mask],
             division[key >> (_MONTH + 2 * _TEXT) & division_mask],
             sizes[key >> (_MONTH + 2 * _TEXT + _DIVISION)], lines, total)
            for key, lines, total in _grouped(np.concatenate(self.dim_keys), amounts)]))


def _grouped(keys: np.ndarray, amounts: np.ndarray) -> zip:
    """(key, lines, sum of amounts) for each distinct key, as Python ints."""
    order = np.argsort(keys, kind="stable")  # faster than the default here
    keys, amounts = keys[order], amounts[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    lines = np.diff(np.append(starts, len(keys)))
    return zip(keys[starts].tolist(), lines.tolist(),
               np.add.reduceat(amounts, starts).tolist(), strict=True)


def _adders(organisation_id: int) -> tuple[bulk.Upsert, bulk.Upsert, bulk.Upsert]:
    """The upserts adding sums to spend_month, spend_month_department and spend_month_dims,
    for one organisation (a constant: the rows written do not carry it)."""
    org = {"organisation_id": str(int(organisation_id))}
    month = bulk.Upsert(
        "spend_month", ("month", "supplier_orgnr", "orgnr_valid", "supplier_id", "size_class",
                        "lines", "amount_ore"),
        "ON CONFLICT (organisation_id, month, supplier_orgnr, orgnr_valid, supplier_id) "
        "DO UPDATE SET lines = spend_month.lines + excluded.lines, "
        "amount_ore = spend_month.amount_ore + excluded.amount_ore, "
        "size_class = CASE WHEN spend_month.size_class = excluded.size_class "
        f"THEN excluded.size_class ELSE '{MIXED}' END",
        ("month", "supplier_orgnr", "orgnr_valid", "supplier_id"), org)
    department = bulk.Upsert(
        "spend_month_department", ("department", "month", "supplier_orgnr", "orgnr_valid",
                                   "supplier_id", "lines", "amount_ore"),
        "ON CONFLICT (organisation_id, department, month, supplier_orgnr, orgnr_valid, "
        "supplier_id) DO UPDATE SET "
        "lines = spend_month_department.lines + excluded.lines, "
        "amount_ore = spend_month_department.amount_ore + excluded.amount_ore",
        ("department", "month", "supplier_orgnr", "orgnr_valid", "supplier_id"), org)
    dims = bulk.Upsert(
        "spend_month_dims", ("month", "department", "category", "cpv_division", "size_class",
                             "lines", "amount_ore"),
        "ON CONFLICT (organisation_id, month, department, category, cpv_division, size_class) "
        "DO UPDATE SET lines = spend_month_dims.lines + excluded.lines, "
        "amount_ore = spend_month_dims.amount_ore + excluded.amount_ore",
        ("month", "department", "category", "cpv_division", "size_class"), org)
    return month, department, dims


# --- keeping ORM writes in step --------------------------------------------------------------


def _after_flush(session: OrmSession, _context) -> None:
    if any(isinstance(item, SpendLine)
           for item in chain(session.new, session.dirty, session.deleted)):
        rebuild(session)


def _after_statement(state: ORMExecuteState):
    if state.is_select or not (state.is_update or state.is_delete or state.is_insert):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not SpendLine:
        return None
    result = state.invoke_statement()
    rebuild(state.session)
    return result


# Registered by procure.db.register_hooks (create_app calls it), not on import.
ORM_HOOKS = (("after_flush", _after_flush), ("do_orm_execute", _after_statement))
