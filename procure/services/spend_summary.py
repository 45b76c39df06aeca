"""Spend summed per month, kept equal to the spend lines in the same transaction.

Two tables (see procure/models.py):

- `spend_month`: per month and supplier (the organisation number as given, valid or not, and
  the supplier id, 0 for none): lines and amount. The statistics join it to the register when
  they read it, so a supplier's new size, kommune or founding date counts at once.
- `spend_month_dims`: per month, department, category, CPV division and the supplier's size
  class: lines and amount. The size is the register's when the lines were summed; spend_month
  keeps that size per supplier and month, and `dims_current` compares it with the register
  (a supplier whose size has changed since makes the statistics read the lines instead).

Who keeps them equal to spend_line:
- the spend import adds what it inserted (summed while reading), or rebuilds both tables when
  it changed lines that were there already;
- the supplier import's relink, and any ORM statement or flush that touches spend lines,
  rebuild them (the event hooks at the end of this module);
- the demo loader rebuilds them after writing its lines.
Nothing else writes spend lines. Every change is in the writer's transaction: a rejected
import leaves both tables as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import chain

import numpy as np
from sqlalchemy import Date, cast, delete, event, func, insert, literal_column, select
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import ColumnElement

from procure.domain.size_class import UNKNOWN
from procure.models import SpendLine, SpendMonth, SpendMonthDims, Supplier

MIXED = "mixed"  # spend_month.size_class when lines were summed under two different sizes


def month_start(dialect: str, column) -> ColumnElement:
    """The first day of the column's month, as a date (ISO text on SQLite)."""
    if dialect == "sqlite":
        return func.date(column, literal_column("'start of month'"))
    return cast(func.date_trunc(literal_column("'month'"), column), Date)


def rebuild(session: OrmSession) -> None:
    """Both tables again from every spend line, in SQL (one GROUP BY each)."""
    connection = session.connection()
    dialect = connection.dialect.name
    connection.execute(delete(SpendMonth))
    connection.execute(delete(SpendMonthDims))
    month = month_start(dialect, SpendLine.invoice_date)
    size = func.coalesce(Supplier.size_class, literal_column(f"'{UNKNOWN}'"))
    supplier_id = func.coalesce(SpendLine.supplier_id, literal_column("0"))
    connection.execute(insert(SpendMonth).from_select(
        ["month", "supplier_orgnr", "orgnr_valid", "supplier_id", "size_class", "lines",
         "amount_ore"],
        select(month, SpendLine.supplier_orgnr, SpendLine.orgnr_valid, supplier_id,
               func.max(size), func.count(), func.sum(SpendLine.amount_ore))
        .select_from(SpendLine).outerjoin(Supplier, Supplier.id == SpendLine.supplier_id)
        .group_by(month, SpendLine.supplier_orgnr, SpendLine.orgnr_valid, supplier_id)))
    division = func.substr(SpendLine.cpv_code, literal_column("1"), literal_column("2"))
    connection.execute(insert(SpendMonthDims).from_select(
        ["month", "department", "category", "cpv_division", "size_class", "lines",
         "amount_ore"],
        select(month, SpendLine.department, SpendLine.category, division, size, func.count(),
               func.sum(SpendLine.amount_ore))
        .select_from(SpendLine).outerjoin(Supplier, Supplier.id == SpendLine.supplier_id)
        .group_by(month, SpendLine.department, SpendLine.category, division, size)))


def dims_current(session: OrmSession, date_from: date, date_to: date) -> bool:
    """Whether spend_month_dims holds the register's sizes for every month in the period."""
    size = func.coalesce(Supplier.size_class, UNKNOWN)
    stale = session.execute(
        select(SpendMonth.id).outerjoin(Supplier, Supplier.id == SpendMonth.supplier_id)
        .where(SpendMonth.month >= date_from, SpendMonth.month <= date_to,
               SpendMonth.size_class != size)
        .limit(1)).first()
    return stale is None


class _Codes:
    """Distinct values of one column, numbered in the order first seen; `derive` maps a raw
    value to the value kept (a date to its month, a CPV code to its division)."""

    def __init__(self, bits: int, derive=None) -> None:
        self.limit = 1 << bits
        self.derive = derive
        self.codes: dict[object, int] = {}  # raw value -> number
        self.numbers: dict[object, int] = {}  # kept value -> number
        self.values: list[object] = []  # number -> kept value

    def __call__(self, column: Sequence) -> np.ndarray:
        """The column's numbers (one C-level map; only values not seen before cost more)."""
        try:
            return np.fromiter(map(self.codes.__getitem__, column), np.int64, len(column))
        except KeyError:
            for raw in set(column).difference(self.codes):
                self.codes[raw] = self.number(self.derive(raw) if self.derive else raw)
            return np.fromiter(map(self.codes.__getitem__, column), np.int64, len(column))

    def number(self, value: object) -> int:
        number = self.numbers.get(value)
        if number is None:
            number = self.numbers[value] = len(self.values)
            if number >= self.limit:
                raise _TooMany
            self.values.append(value)
        return number


class _TooMany(Exception):
    """More distinct values than a key's bits hold: the import sums again in SQL."""


# Bits of the two int64 keys: month and organisation number as read; month, department,
# category, CPV division and size class.
_MONTH, _ORG, _TEXT, _DIVISION, _SIZE = 10, 20, 14, 8, 4
_MAX_TOTAL = 1 << 62  # the int64 sums cannot overflow while the amounts' sizes add up below


class Accumulator:
    """Sums of the lines an import inserts, per spend_month and spend_month_dims key. While
    the import reads, each batch's columns become two int64 keys per line (one C-level map
    per column, then numpy); `write` sorts all keys once and sums each run of equal keys."""

    def __init__(self, iso_dates: bool, sizes: dict[int, str],
                 orgs: dict[str, tuple[str, bool, int | None]]) -> None:
        """orgs: organisation number as read -> (normalised, valid, supplier id), filled by
        the import before it adds a batch."""
        self.sizes = sizes  # supplier id -> size class
        self.sqlite = iso_dates
        month = (lambda day: day[:8] + "01") if iso_dates else (lambda day: day.replace(day=1))
        self.month = _Codes(_MONTH, month)
        # Numbered by spend_month's columns: two numbers as read may normalise to the same one.
        self.org = _Codes(_ORG, lambda raw: (*orgs[raw][:2], orgs[raw][2] or 0))
        self.department = _Codes(_TEXT)
        self.category = _Codes(_TEXT)
        self.division = _Codes(_DIVISION, lambda cpv: cpv[:2])
        self.size = _Codes(_SIZE)
        self.org_sizes = np.zeros(0, np.int64)  # org number -> size number
        self.complete = True  # False when a key ran out of bits, or the sums could overflow
        self.org_keys: list[np.ndarray] = []
        self.dim_keys: list[np.ndarray] = []
        self.amounts: list[np.ndarray] = []
        self.magnitude = 0  # a bound on the absolute sum of every amount added

    def add(self, days, raw_orgs, departments, categories, cpvs, amounts) -> None:
        """One batch, as columns; raw_orgs are the organisation numbers as read."""
        if not self.complete:
            return
        try:
            months = self.month(days)
            orgs = self.org(raw_orgs)
            if len(self.org.values) > len(self.org_sizes):  # organisation numbers not seen before
                new = [self.size.number(self.sizes.get(supplier_id, UNKNOWN))
                       for _number, _valid, supplier_id in self.org.values[len(self.org_sizes):]]
                self.org_sizes = np.append(self.org_sizes, new)
            dims = (months | self.department(departments) << _MONTH
                    | self.category(categories) << (_MONTH + _TEXT)
                    | self.division(cpvs) << (_MONTH + 2 * _TEXT)
                    | self.org_sizes[orgs] << (_MONTH + 2 * _TEXT + _DIVISION))
            values = np.fromiter(amounts, np.int64, len(amounts))
        except (_TooMany, OverflowError):
            self._give_up()
            return
        self.magnitude += int(np.abs(values).max(initial=0)) * len(values)
        if self.magnitude >= _MAX_TOTAL:
            self._give_up()
            return
        self.org_keys.append(months | orgs << _MONTH)
        self.dim_keys.append(dims)
        self.amounts.append(values)

    def _give_up(self) -> None:
        self.complete = False
        self.org_keys, self.dim_keys, self.amounts = [], [], []

    def write(self, session: OrmSession) -> None:
        """Add the sums to both tables."""
        if not self.amounts:
            return
        connection = session.connection()
        amounts = np.concatenate(self.amounts)
        months, month_mask = self.month.values, (1 << _MONTH) - 1
        targets = [(number, int(valid) if self.sqlite else valid, supplier_id,
                    self.sizes.get(supplier_id, UNKNOWN) if supplier_id else UNKNOWN)
                   for number, valid, supplier_id in self.org.values]
        mark = "?" if self.sqlite else "%s"
        connection.exec_driver_sql(_ADD_MONTH.replace("?", mark), [
            (months[key & month_mask], *targets[key >> _MONTH], lines, total)
            for key, lines, total in _grouped(np.concatenate(self.org_keys), amounts)])
        department, category, division, size = (
            self.department.values, self.category.values, self.division.values,
            self.size.values)
        text_mask, division_mask = (1 << _TEXT) - 1, (1 << _DIVISION) - 1
        connection.exec_driver_sql(_ADD_DIMS.replace("?", mark), [
            (months[key & month_mask], department[key >> _MONTH & text_mask],
             category[key >> (_MONTH + _TEXT) & text_mask],
             division[key >> (_MONTH + 2 * _TEXT) & division_mask],
             size[key >> (_MONTH + 2 * _TEXT + _DIVISION)], lines, total)
            for key, lines, total in _grouped(np.concatenate(self.dim_keys), amounts)])


def _grouped(keys: np.ndarray, amounts: np.ndarray) -> zip:
    """(key, lines, sum of amounts) for each distinct key, as Python ints."""
    order = np.argsort(keys, kind="stable")
    keys, amounts = keys[order], amounts[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    lines = np.diff(np.append(starts, len(keys)))
    return zip(keys[starts].tolist(), lines.tolist(),
               np.add.reduceat(amounts, starts).tolist(), strict=True)


_ADD_MONTH = (
    "INSERT INTO spend_month (month, supplier_orgnr, orgnr_valid, supplier_id, size_class, "
    "lines, amount_ore) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (month, supplier_orgnr, orgnr_valid, supplier_id) DO UPDATE SET "
    "lines = spend_month.lines + excluded.lines, "
    "amount_ore = spend_month.amount_ore + excluded.amount_ore, "
    "size_class = CASE WHEN spend_month.size_class = excluded.size_class "
    "THEN excluded.size_class ELSE 'MIXED' END").replace("MIXED", MIXED)
_ADD_DIMS = (
    "INSERT INTO spend_month_dims (month, department, category, cpv_division, size_class, "
    "lines, amount_ore) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (month, department, category, cpv_division, size_class) DO UPDATE SET "
    "lines = spend_month_dims.lines + excluded.lines, "
    "amount_ore = spend_month_dims.amount_ore + excluded.amount_ore")


def supplier_sizes(session: OrmSession) -> dict[int, str]:
    return {supplier_id: UNKNOWN if size is None else size for supplier_id, size in session.execute(
        select(Supplier.id, Supplier.size_class))}


# --- keeping ORM writes in step --------------------------------------------------------------


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context) -> None:
    if any(isinstance(item, SpendLine)
           for item in chain(session.new, session.dirty, session.deleted)):
        rebuild(session)


@event.listens_for(OrmSession, "do_orm_execute")
def _after_statement(state: ORMExecuteState):
    if state.is_select or not (state.is_update or state.is_delete or state.is_insert):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not SpendLine:
        return None
    result = state.invoke_statement()
    rebuild(state.session)
    return result
