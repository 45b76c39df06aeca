"""Spend: ledger or invoice lines as CSV (UTF-8, `;` `,` or tab) or XLSX (first sheet).

Columns (header names are case-insensitive; Norwegian names in brackets are accepted too):

| column | meaning | required |
|---|---|---|
| invoice_id (fakturanr, bilagsnr) | invoice or voucher id | yes |
| line (linje) | line within the invoice; 1 when left out | |
| date (fakturadato, dato) | YYYY-MM-DD or DD.MM.YYYY | yes |
| supplier_orgnr (orgnr) | the supplier's organisation number | column yes, value may be empty |
| amount_nok (belop) | NOK excluding VAT; 1234.50, 1 234,50; credit notes negative | yes |
| account (konto) | ledger account | |
| category (kategori) | purchase category | |
| cpv | CPV 2008 code, with or without check digit | |
| department (avdeling, ansvar) | buying unit | |

(invoice_id, line) is the natural key: importing the file again changes nothing, and a line
whose values changed is updated. A line with a missing or invalid organisation number is kept
and reported under data quality; its supplier size is unknown.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import IO

from sqlalchemy import func, select
from sqlmodel import Session

from procure.domain import orgnr as orgnr_rules
from procure.errors import N_
from procure.models import ImportRun, SpendLine, Supplier
from procure.services import spend_summary
from procure.services.imports import (
    ImportRejected,
    RowErrors,
    bulk,
    count_rows,
    finish_run,
    start_run,
)
from procure.services.imports.batches import Batch, batches
from procure.services.imports.reading import (
    BAD_AMOUNT,
    BAD_DATE,
    amount_ore,
    column_index,
    file_type,
    lookup_cpv,
    parse_count,
    parse_date,
    read_table,
    reading_errors,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "invoice_id": ("invoice", "fakturanr", "fakturanummer", "bilagsnr", "bilag", "voucher"),
    "line": ("line_no", "linje", "linjenr"),
    "date": ("invoice_date", "dato", "fakturadato", "bilagsdato"),
    "supplier_orgnr": ("orgnr", "organisasjonsnummer", "leverandor_orgnr", "leverandør_orgnr"),
    "amount_nok": ("amount", "belop", "beløp", "belop_eks_mva", "beløp_eks_mva"),
    "account": ("konto", "artskonto"),
    "category": ("kategori", "varegruppe"),
    "cpv": ("cpv_code", "cpv_kode"),
    "department": ("avdeling", "ansvar"),
}
REQUIRED = ("invoice_id", "date", "supplier_orgnr", "amount_nok")
LIMITS = {"invoice_id": 60, "account": 40, "category": 100, "department": 100}
INSERT_COLUMNS = ("invoice_id", "line_no", "invoice_date", "supplier_orgnr", "orgnr_valid",
                  "supplier_id", "amount_ore", "account", "category", "cpv_code", "department",
                  "import_id")
# A change in these means the line changed; supplier_id follows the register (relinked).
COMPARED = ("invoice_date", "supplier_orgnr", "amount_ore", "account", "category", "cpv_code",
            "department")
MISSING = N_("Required value is missing.")
TOO_LONG = N_("Longer than %(max)d characters.")
SHORT_ROW = N_("The row has fewer columns than the header.")
DUPLICATE = N_("This invoice line (invoice id and line) appears more than once in the file.")
BAD_CPV = N_("Not a CPV 2008 code.")
BAD_LINE = N_("The line must be a whole number of 1 or more.")


def upsert_sql(dialect: str) -> str:
    """One row's upsert, every column a parameter (the demo loader's)."""
    upsert = _upsert()
    marks = ", ".join([bulk.mark(dialect)] * len(INSERT_COLUMNS))
    return f"{upsert.head()} VALUES ({marks}) {upsert.conflict}"


def _upsert(import_id: int | None = None) -> bulk.Upsert:
    """The spend line upsert; with `import_id` that column is a constant, not a parameter."""
    updates = ", ".join(f"{name} = excluded.{name}" for name in INSERT_COLUMNS[2:])
    changed = " OR ".join(f"spend_line.{name} IS DISTINCT FROM excluded.{name}"
                          for name in COMPARED)
    constants = {} if import_id is None else {"import_id": str(int(import_id))}
    return bulk.Upsert(
        "spend_line", INSERT_COLUMNS[:-1] if constants else INSERT_COLUMNS,
        f"ON CONFLICT (invoice_id, line_no) DO UPDATE SET {updates} WHERE {changed}",
        ("invoice_id", "line_no"), constants)


def import_spend(
    session: Session, stream: IO[bytes], filename: str, *, actor_id: int | None = None,
    batch_size: int = 2_000,
) -> ImportRun:
    """Upsert spend lines; raise ImportRejected (after reading every row) if any is bad.

    A batch of 2,000 lines (about 1 MB of strings) stays in the CPU's cache while each of its
    columns is checked in turn: 10,000 were 10-15 % slower overall (bench/)."""
    kind = file_type(stream, filename, ("csv", "xlsx"))
    table = read_table(stream, kind)
    try:
        index = column_index(table.header, COLUMNS, REQUIRED)
        run = start_run(session, "spend", filename, actor_id)
        return _import_rows(session, run, table, index, batch_size)
    finally:
        table.close()


_BAD = object()  # a cached "this value is invalid"
_FIELDS = ("invoice_id", "date", "supplier_orgnr", "amount_nok", "line", "account", "category",
           "cpv", "department")


class _Caches:
    """Distinct raw values seen so far, parsed once: dates, line numbers, orgnr, CPV.

    `canonical_*` hold the raw values that are already in the form stored (ISO dates and plain
    line numbers on SQLite, organisation numbers as normalised): a batch made only of those goes
    to the database as read."""

    def __init__(self, suppliers: dict[str, int], iso_dates: bool) -> None:
        self.suppliers = suppliers
        self.iso_dates = iso_dates
        self.dates: dict[str, object] = {}
        self.lines: dict[str, object] = {"": 1, "1": 1}
        self.line_keys: dict[str, str] = {"": "1", "1": "1"}  # raw -> str(line), for duplicates
        self.orgs: dict[str, tuple[str, bool, int | None]] = {}
        self.org_numbers: dict[str, str] = {}
        self.org_valid: dict[str, bool | int] = {}
        self.org_ids: dict[str, int | None] = {}
        self.cpvs: dict[str, object] = {"": ""}
        self.canonical_dates: set[str] = set()
        self.canonical_lines: set[str] = {"1"} if iso_dates else set()
        self.canonical_orgs: set[str] = set()

    def date(self, raw: str) -> object:
        try:
            parsed = parse_date(raw)
        except ValueError:
            parsed = None
        value = _BAD if parsed is None else parsed.isoformat() if self.iso_dates else parsed
        self.dates[raw] = value
        if self.iso_dates and value == raw:
            self.canonical_dates.add(raw)
        return value

    def line(self, raw: str) -> object:
        value = self.lines[raw] = _line_number(raw) or _BAD
        if value is not _BAD:
            self.line_keys[raw] = str(value)
            if self.iso_dates and str(value) == raw:
                self.canonical_lines.add(raw)
        return value

    def org(self, raw: str) -> tuple[str, bool, int | None]:
        normalised = orgnr_rules.normalise(raw)[:20]
        valid = orgnr_rules.is_valid(normalised)
        value = self.orgs[raw] = (normalised, valid,
                                  self.suppliers.get(normalised) if valid else None)
        # SQLite stores booleans as 0 and 1, and binds an int faster than a bool.
        self.org_numbers[raw], self.org_ids[raw] = normalised, value[2]
        self.org_valid[raw] = int(valid) if self.iso_dates else valid
        if normalised == raw:
            self.canonical_orgs.add(raw)
        return value

    def cpv(self, raw: str) -> object:
        value = self.cpvs[raw] = lookup_cpv(raw) or _BAD
        return value


def _import_rows(session: Session, run: ImportRun, table, index: dict[str, int],
                 batch_size: int) -> ImportRun:
    importer = _SpendImporter(session, run, index, batch_size)
    last = session.scalar(select(func.max(SpendLine.id))) or 0
    importer.read(batches(table, batch_size))
    if importer.errors:
        raise ImportRejected("spend", run.filename, importer.errors, importer.rows_read)
    # New lines get ids past the last one (a range of the primary key, not a scan of the
    # table); the driver's row counts add the lines updated.
    inserted = count_rows(session, SpendLine, SpendLine.id > last,
                          SpendLine.import_id == run.id)
    if inserted == importer.rows_read and importer.summary.complete:
        importer.summary.write(session)  # only new lines: add them
    else:
        spend_summary.rebuild(session)  # lines that were there changed: sum again
    return finish_run(session, run, rows_read=importer.rows_read, inserted=inserted,
                      updated=importer.writer.changed - inserted,
                      notes={"invalid_orgnr": importer.invalid_orgnr,
                             "unmatched_orgnr": importer.unmatched})


_TWO_DECIMALS = re.compile(r"(?:-?\d{1,13}[.,]\d\d\n)*-?\d{1,13}[.,]\d\d", re.ASCII)
_WHOLE_KRONER = re.compile(r"(?:-?\d{1,13}\n)*-?\d{1,13}", re.ASCII)
_NO_SEPARATORS = str.maketrans("", "", ".,")


class _SpendImporter:
    """Reads rows in batches. A clean batch goes through the fast path: column by column with
    C-level map/zip and one regex for all its amounts. A batch with anything unusual goes
    through the row-by-row path, which gives every bad row its exact report."""

    def __init__(self, session: Session, run: ImportRun, index: dict[str, int],
                 batch_size: int) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect.name
        self.writer = bulk.writer(self.connection, _upsert(run.id))
        self.caches = _Caches(dict(session.execute(select(Supplier.orgnr, Supplier.id)).all()),
                              iso_dates=dialect == "sqlite")
        self.batch_size = batch_size
        self.positions = [index.get(name) for name in _FIELDS]
        self.width = max(index.values()) + 1
        # Absent optional columns read the "" appended to every row (index -1).
        self.get = itemgetter(*(-1 if position is None else position
                                for position in self.positions))
        self.errors = RowErrors()
        self.seen: set[int] = set()
        self.pending: list[tuple] = []
        self.pending_orgs: list[str] = []  # the organisation numbers as read, for the summary
        self.summary = spend_summary.Accumulator(
            dialect == "sqlite", spend_summary.supplier_sizes(session), self.caches.orgs)
        self.rows_read = self.invalid_orgnr = self.unmatched = 0
        self.writing = True

    def read(self, batches_: Iterator[Batch]) -> None:
        # A million rows make a million small lists: the cyclic garbage collector would walk
        # them again and again for nothing (they hold no cycles). Paused for the loop only.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._read(iter(batches_))
        finally:
            if collecting:
                gc.enable()
        if self.writing and self.pending:
            self._write_pending()

    def _write_pending(self) -> None:
        self.writer.rows(self.pending)
        (_invoices, _lines, days, _numbers, _valid, _ids, amounts, _accounts, categories, cpvs,
         departments) = zip(*self.pending, strict=True)
        self.summary.add(days, self.pending_orgs, departments, categories, cpvs, amounts)
        self.pending, self.pending_orgs = [], []

    def _read(self, batches_: Iterator[Batch]) -> None:
        first = 2  # the header is row 1
        while True:
            with reading_errors(lambda start=first: start):  # near: text is decoded in blocks
                batch = next(batches_, None)
            if batch is None:
                return
            self._batch(batch)
            first = batch.first + batch.count

    def _batch(self, batch: Batch) -> None:
        columns = batch.columns()
        if columns is not None and len(columns) >= self.width:
            columns = self._fast(columns, batch.count)
        else:
            columns = None
        if columns is None:
            self._slow(batch.rows(), batch.first)
            return
        self.rows_read += batch.count
        if self.writing:
            self.writer.columns(columns)

    @staticmethod
    def _lookup(cache: dict, raw: Sequence[str], fill) -> list:
        values = list(map(cache.get, raw))
        if None in values:
            for key in set(raw).difference(cache):
                fill(key)
            values = list(map(cache.get, raw))
        return values

    @staticmethod
    def _stored(cache: dict, canonical: set[str], raw: Sequence[str], fill) -> Sequence | None:
        """The column as stored: the raw values themselves when every distinct one is already
        in stored form (one set() in C instead of a lookup per row), else the parsed values;
        None when any is invalid."""
        distinct = set(raw)
        if distinct <= canonical:
            return raw
        for key in distinct.difference(cache):
            fill(key)
        if distinct <= canonical:
            return raw
        values = list(map(cache.__getitem__, raw))
        return None if _BAD in values else values

    def _fast(self, columns: list[Sequence[str]], count: int) -> list[Sequence] | None:
        """The batch (its fields column by column) as the columns written (INSERT_COLUMNS but
        import_id), or None."""
        (invoices, raw_dates, raw_orgs, raw_amounts, raw_lines, accounts, categories,
         raw_cpvs, departments) = (columns[p] if p is not None else ("",) * count
                                   for p in self.positions)
        invoices = _clean(invoices, LIMITS["invoice_id"])
        if invoices is None or "" in invoices:
            return None
        accounts, categories, departments = texts = [
            _clean_few(column, LIMITS[name]) for name, column in
            (("account", accounts), ("category", categories), ("department", departments))]
        if None in texts:
            return None
        caches = self.caches
        days = self._stored(caches.dates, caches.canonical_dates, raw_dates, caches.date)
        lines = self._stored(caches.lines, caches.canonical_lines, raw_lines, caches.line)
        if days is None or lines is None:
            return None
        cpvs = self._lookup(caches.cpvs, raw_cpvs, caches.cpv)
        if _BAD in cpvs:
            return None
        amounts = _amounts(raw_amounts)
        if amounts is None:
            return None
        keys = raw_lines if lines is raw_lines else map(caches.line_keys.__getitem__, raw_lines)
        hashes = list(map(hash, zip(invoices, keys, strict=True)))
        seen = self.seen
        if not seen.isdisjoint(hashes):
            return None
        size = len(seen)
        seen.update(hashes)
        if len(seen) - size != count:  # a line twice in the batch: the slow path names it
            seen.difference_update(hashes)  # none of them was there before (isdisjoint)
            return None
        orgs = set(raw_orgs)
        if not caches.orgs.keys() >= orgs:
            for key in orgs.difference(caches.orgs):
                caches.org(key)
        numbers = (raw_orgs if orgs <= caches.canonical_orgs
                   else list(map(caches.org_numbers.__getitem__, raw_orgs)))
        valid = list(map(caches.org_valid.__getitem__, raw_orgs))
        supplier_ids = list(map(caches.org_ids.__getitem__, raw_orgs))
        invalid = valid.count(False)
        self.invalid_orgnr += invalid
        self.unmatched += supplier_ids.count(None) - invalid
        self.summary.add(days, raw_orgs, departments, categories, cpvs, amounts)
        return [invoices, lines, days, numbers, valid, supplier_ids, amounts, accounts,
                categories, cpvs, departments]

    def _slow(self, chunk: list[list[str]], first: int) -> None:
        caches = self.caches
        dates, lines, orgs, cpvs = caches.dates, caches.lines, caches.orgs, caches.cpvs
        errors, get = self.errors, self.get
        for number, values in enumerate(chunk, start=first):
            if len(values) < self.width:
                if any(value.strip() for value in values):
                    self.rows_read += 1
                    errors.add(number, "", SHORT_ROW)
                    self.writing = False
                continue
            self.rows_read += 1
            (invoice, raw_date, raw_org, raw_amount, raw_line, account, category, raw_cpv,
             department) = get([*values, ""])
            invoice = invoice.strip()
            account = account.strip()
            category = category.strip()
            department = department.strip()
            day = dates.get(raw_date) or caches.date(raw_date)
            line = lines.get(raw_line) or caches.line(raw_line)
            org = orgs.get(raw_org) or caches.org(raw_org)
            cpv = cpvs.get(raw_cpv)
            if cpv is None:
                cpv = caches.cpv(raw_cpv)
            amount = amount_ore(raw_amount)
            if (day is _BAD or line is _BAD or cpv is _BAD or amount is None or not invoice
                    or len(invoice) > LIMITS["invoice_id"] or len(account) > LIMITS["account"]
                    or len(category) > LIMITS["category"]
                    or len(department) > LIMITS["department"]):
                _report(errors, number, invoice, account, category, department, day, raw_date,
                        line, cpv, amount, raw_amount)
                self.writing = False
                continue
            size = len(self.seen)
            self.seen.add(hash((invoice, str(line))))  # as in _fast
            if len(self.seen) == size:
                errors.add(number, "invoice_id", DUPLICATE)
                self.writing = False
                continue
            if not self.writing:
                continue  # keep checking the rest, but write nothing more
            if not org[1]:
                self.invalid_orgnr += 1
            elif org[2] is None:
                self.unmatched += 1
            self.pending.append((invoice, line, day, org[0], org[1], org[2], amount, account,
                                 category, cpv, department))
            self.pending_orgs.append(raw_org)
            if len(self.pending) >= self.batch_size:
                self._write_pending()


def _clean(column: Sequence[str], limit: int) -> list[str] | None:
    """The column stripped, or None when a value is longer than the limit."""
    column = list(map(str.strip, column))
    return None if max(map(len, column)) > limit else column


def _clean_few(column: Sequence[str], limit: int) -> Sequence[str] | None:
    """As `_clean`, for a column of few distinct values (accounts, categories, departments):
    those are checked once each, and a column already clean is kept as it is."""
    distinct = list(set(column))
    stripped = list(map(str.strip, distinct))
    if max(map(len, stripped)) > limit:
        return None
    return column if stripped == distinct else list(map(str.strip, column))


def _amounts(raw: Sequence[str]) -> list[int] | None:
    """All amounts of a batch in øre when they share one plain format (two decimals, or whole
    kroner), checked with one regex; None sends the batch down the row-by-row path."""
    joined = "\n".join(raw)
    if _TWO_DECIMALS.fullmatch(joined):
        return list(map(int, joined.translate(_NO_SEPARATORS).split("\n")))
    if _WHOLE_KRONER.fullmatch(joined):
        return [kroner * 100 for kroner in map(int, raw)]
    return None


def _report(errors: RowErrors, number: int, invoice: str, account: str, category: str,
            department: str, day: object, raw_date: str, line: object, cpv: object,
            amount: int | None, raw_amount: str) -> None:
    """Every reason a row is bad (the slow path: only bad rows come here)."""
    if not invoice:
        errors.add(number, "invoice_id", MISSING)
    elif len(invoice) > LIMITS["invoice_id"]:
        errors.add(number, "invoice_id", TOO_LONG, max=LIMITS["invoice_id"])
    if day is _BAD:
        errors.add(number, "date", MISSING if not raw_date.strip() else BAD_DATE)
    if amount is None:
        errors.add(number, "amount_nok", MISSING if not raw_amount.strip() else BAD_AMOUNT)
    if line is _BAD:
        errors.add(number, "line", BAD_LINE)
    if cpv is _BAD:
        errors.add(number, "cpv", BAD_CPV)
    for name, value in (("account", account), ("category", category),
                        ("department", department)):
        if len(value) > LIMITS[name]:
            errors.add(number, name, TOO_LONG, max=LIMITS[name])


def _line_number(value: str) -> int | None:
    try:
        number = parse_count(value)
    except ValueError:
        return None
    return number if number >= 1 else None
