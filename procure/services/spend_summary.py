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

from datetime import date
from itertools import chain, repeat
from operator import add, mul

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
    """Distinct values of one column, numbered; each value's code is its number shifted into
    its own bits of an int key (ints hash at once, tuples of strings hash anew every time)."""

    def __init__(self, shift: int, bits: int, derive=None) -> None:
        self.shift, self.mask = shift, (1 << bits) - 1
        self.derive = derive  # raw value -> the value kept (e.g. a date -> its month)
        self.codes: dict[object, int] = {}  # raw value -> shifted code
        self.numbers: dict[object, int] = {}  # kept value -> number
        self.values: list[object] = []  # number -> kept value

    def __call__(self, column) -> list[int]:
        try:
            return list(map(self.codes.__getitem__, column))
        except KeyError:
            for raw in set(column).difference(self.codes):
                value = self.derive(raw) if self.derive else raw
                number = self.numbers.get(value)
                if number is None:
                    number = self.numbers[value] = len(self.values)
                    if number > self.mask:
                        raise _TooMany from None
                    self.values.append(value)
                self.codes[raw] = number << self.shift
            return list(map(self.codes.__getitem__, column))

    def value(self, key: int) -> object:
        return self.values[(key >> self.shift) & self.mask]


_ONE_LINE = 1 << 32  # a sum of amount * _ONE_LINE + 1 per line: lines in the low 32 bits


def _split(total: int) -> tuple[int, int]:
    """(lines, amount) from such a sum (>> floors, so negative amounts come out right)."""
    return total & (_ONE_LINE - 1), total >> 32


class _TooMany(Exception):
    """More distinct values than a column's bits hold: the import sums again in SQL."""


# Keys: month and organisation number in 30 bits (an int of one digit for CPython); month,
# department, category, CPV division and size in 50.
_MONTH, _ORG, _TEXT, _DIVISION = 10, 20, 14, 8


class Accumulator:
    """Sums of the lines an import inserts, per spend_month and spend_month_dims key, built
    column by column while the import reads: C-level maps turn each column into int codes, and
    one loop adds each line as amount * 2**32 + 1, so one sum holds both the amount and the
    number of lines (the low 32 bits)."""

    def __init__(self, iso_dates: bool, sizes: dict[int, str]) -> None:
        self.sizes = sizes  # supplier id -> size class
        month = (lambda day: day[:8] + "01") if iso_dates else (lambda day: day.replace(day=1))
        self.month = _Codes(0, _MONTH, month)
        self.org = _Codes(_MONTH, _ORG)  # the organisation number as read
        self.department = _Codes(_MONTH, _TEXT)
        self.category = _Codes(_MONTH + _TEXT, _TEXT)
        self.division = _Codes(_MONTH + 2 * _TEXT, _DIVISION, lambda cpv: cpv[:2])
        self.size = _Codes(_MONTH + 2 * _TEXT + _DIVISION, 4)
        self.org_sizes: dict[int, int] = {}  # org code -> size code
        self.complete = True  # False when a column had too many values to code
        self.org_sums: dict[int, int] = {}
        self.dim_sums: dict[int, int] = {}

    def add(self, days, raw_orgs, org_ids, departments, categories, cpvs, amounts) -> None:
        """One batch, as columns; raw_orgs are the organisation numbers as read (org_ids maps
        each to its supplier id or None)."""
        if not self.complete:
            return
        try:
            months = self.month(days)
            orgs = self.org(raw_orgs)
            org_keys = list(map(add, months, orgs))
            if len(self.org.values) > len(self.org_sizes):  # numbers not seen before
                sizes, size = self.sizes, self.size
                for raw in self.org.values[len(self.org_sizes):]:
                    code = size([sizes.get(org_ids[raw], UNKNOWN)])[0]
                    self.org_sizes[self.org.codes[raw]] = code
            dim_keys = list(map(sum, zip(months, self.department(departments),
                                         self.category(categories), self.division(cpvs),
                                         map(self.org_sizes.__getitem__, orgs), strict=True)))
        except _TooMany:
            self.complete = False
            return
        org_sums, dim_sums = self.org_sums, self.dim_sums
        org_get, dim_get = org_sums.get, dim_sums.get
        values = map(add, map(mul, amounts, repeat(_ONE_LINE)), repeat(1))
        for org_key, dim_key, value in zip(org_keys, dim_keys, values, strict=True):
            org_sums[org_key] = org_get(org_key, 0) + value
            dim_sums[dim_key] = dim_get(dim_key, 0) + value

    def write(self, session: OrmSession, orgs: dict[str, tuple[str, bool, int | None]]) -> None:
        """Add the sums to both tables (orgs: organisation number as read -> normalised,
        valid, supplier id)."""
        connection = session.connection()
        sqlite = connection.dialect.name == "sqlite"
        months, month_mask = self.month.values, self.month.mask
        # Per organisation number as read (thousands, where the sums are tens of thousands):
        # its spend_month columns and size.
        targets = []
        for raw in self.org.values:
            number, valid, supplier_id = orgs[raw]  # type: ignore[index]
            targets.append((number, int(valid) if sqlite else valid, supplier_id or 0,
                            self.sizes.get(supplier_id, UNKNOWN) if supplier_id else UNKNOWN))
        rows: dict[tuple, int] = {}  # two numbers as read may normalise to the same one
        get = rows.get
        for key, total in self.org_sums.items():
            row = (months[key & month_mask], *targets[key >> _MONTH])
            rows[row] = get(row, 0) + total
        mark = "?" if sqlite else "%s"
        if rows:
            connection.exec_driver_sql(_ADD_MONTH.replace("?", mark),
                                       [(*row, *_split(total)) for row, total in rows.items()])
        if self.dim_sums:
            department, category, division, size = (
                self.department.value, self.category.value, self.division.value, self.size.value)
            connection.exec_driver_sql(
                _ADD_DIMS.replace("?", mark),
                [(months[key & month_mask], department(key), category(key), division(key),
                  size(key), *_split(total)) for key, total in self.dim_sums.items()])


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
