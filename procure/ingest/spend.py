"""Spend: ledger or invoice lines as CSV (UTF-8 or Windows-1252; `;` `,` or tab) or XLSX (first
sheet).

Columns (header names are compared without case, dots, brackets; the names Visma, Unit4 and
other ERPs use are accepted, see COLUMNS):

| field (--map name) | meaning | required |
|---|---|---|
| invoice_id (invoice: fakturanr) | invoice number | this or voucher_id |
| voucher_id (voucher: bilagsnr) | voucher number: makes the file a ledger | this or invoice_id |
| line (linje) | line within the invoice or voucher; 1 when left out | |
| date (fakturadato, bilagsdato, dato) | the date the spend counts on | yes |
| voucher_date (bilagsdato) | a ledger's voucher date: the year of its voucher series | |
| supplier_orgnr (supplier: orgnr, org.nr.) | the supplier's organisation number | column yes |
| amount_nok (amount: beløp eks. mva, nettobeløp, beløp) | NOK excluding VAT | yes |
| account (konto, art, artskonto) | ledger account | |
| category (kategori, varegruppe) | purchase category | |
| cpv | CPV 2008 code, with or without check digit | |
| department (avdeling, ansvar, koststed) | buying unit | |

A line is identified as its source identifies it (SpendLine.key_scope): in an invoice file by
supplier, invoice number and line; in a ledger (a file with a voucher column) by the voucher
date's year, voucher number and line, since voucher series restart every year. Importing the
file again changes nothing; a file that would change lines already there is refused, naming
them, unless `replace` is given. When more than one column could be a field, or the only amount
includes VAT, the import stops naming the candidates (ColumnsUnclear) and the caller chooses
(`mapping`, remembered per set of headers in ImportMapping). A line with a missing or invalid
organisation number is kept and reported under data quality; its supplier size is unknown.

A large CSV file is read in a forked child while this process writes (forked.py): the same
importer, its writes sent down a pipe (`_SpendImporter.sink`) and made here (`receive`).

The lines, the remembered column choices and the monthly sums are the importing organisation's
(issue 19): a line's key is unique within its organisation, and nothing here reads or changes
another organisation's lines.
"""

from __future__ import annotations

import gc
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select, tuple_
from sqlmodel import Session, col

from procure import clock
from procure.domain import orgnr as orgnr_rules
from procure.domain.size_class import UNKNOWN
from procure.errors import N_, UserError
from procure.ingest import (
    ImportFileError,
    ImportRejected,
    RowErrors,
    count_rows,
    finish_run,
    forked,
    start_run,
)
from procure.ingest.batches import Batch, batches
from procure.ingest.coded import BAD, CodedColumn, Facts
from procure.ingest.reading import (
    BAD_AMOUNT,
    BAD_DATE,
    Table,
    amount_ore,
    file_type,
    lookup_cpv,
    normalise_header,
    parse_count,
    parse_date,
    read_table,
    reading_errors,
)
from procure.models import (
    ImportMapping,
    ImportRun,
    SpendLine,
    Supplier,
    stored_id,
    table_of,
)
from procure.services import bulk, spend_summary

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# Header names are compared as `header_key` makes them: lower case, dots and brackets dropped,
# spaces, hyphens and slashes as "_" ("Beløp eks. mva" -> "beløp_eks_mva", "Org.nr." -> "orgnr").
COLUMNS: dict[str, tuple[str, ...]] = {
    "invoice_id": ("invoice", "invoice_no", "invoice_number", "fakturanr", "fakturanummer",
                   "faktura_nr", "fakturano", "faktura"),
    "voucher_id": ("voucher", "voucher_no", "voucher_number", "bilagsnr", "bilagsnummer",
                   "bilag", "bilag_nr", "bilagnr"),
    "line": ("line_no", "line_number", "linje", "linjenr", "linjenummer"),
    "date": ("invoice_date", "dato", "fakturadato", "bilagsdato", "voucher_date",
             "posting_date", "bokføringsdato", "bokforingsdato", "transaksjonsdato"),
    "voucher_date": ("bilagsdato", "posting_date", "bokføringsdato", "bokforingsdato"),
    "supplier_orgnr": ("orgnr", "org_nr", "organisasjonsnummer", "org_nummer",
                       "leverandør_orgnr", "leverandor_orgnr", "leverandørens_orgnr",
                       "supplier_org_no", "organisation_number", "organization_number"),
    "amount_nok": ("amount", "amount_excl_vat", "net_amount", "belop", "beløp",
                   "belop_eks_mva", "beløp_eks_mva", "beløp_ekskl_mva", "belop_ekskl_mva",
                   "beløp_uten_mva", "nettobeløp", "nettobelop", "netto", "beløp_nok",
                   "belop_nok", "sum_eks_mva"),
    "account": ("konto", "kontonr", "artskonto", "art", "account_no"),
    "category": ("kategori", "varegruppe", "innkjøpskategori", "innkjopskategori"),
    "cpv": ("cpv_code", "cpv_kode"),
    "department": ("avdeling", "ansvar", "ansvarssted", "ansvarsnr", "koststed",
                   "kostnadssted"),
}
# Amounts that include VAT: never taken as amount_nok (which excludes VAT) unless the controller
# chooses one by name.
GROSS = ("beløp_inkl_mva", "belop_inkl_mva", "beløp_ink_mva", "belop_ink_mva", "brutto",
         "bruttobeløp", "bruttobelop", "amount_incl_vat", "gross_amount", "sum_inkl_mva",
         "totalbeløp_inkl_mva")
REQUIRED = ("date", "supplier_orgnr", "amount_nok")
# Dates that are an invoice's: a ledger keyed by voucher year does not take their year unasked.
INVOICE_DATES = ("fakturadato", "invoice_date")
# What the controller calls a field (--map NAME=..., messages); amount_nok is "amount", etc.
FIELD_NAMES = {"invoice_id": "invoice", "voucher_id": "voucher", "line": "line",
               "date": "date", "voucher_date": "voucher_date", "supplier_orgnr": "supplier",
               "amount_nok": "amount", "account": "account", "category": "category",
               "cpv": "cpv", "department": "department"}
FIELDS_BY_NAME = {name: field for field, name in FIELD_NAMES.items()} | {
    field: field for field in FIELD_NAMES} | {"orgnr": "supplier_orgnr"}
LIMITS = {"invoice_id": 60, "account": 40, "category": 100, "department": 100}
INSERT_COLUMNS = ("key_scope", "invoice_id", "line_no", "invoice_date", "supplier_orgnr",
                  "orgnr_valid", "supplier_id", "amount_ore", "account", "category", "cpv_code",
                  "department", "import_id", "organisation_id")
# The unique index's order (see SpendLine), but the organisation: the order staged lines are
# written in (one import's lines share the organisation).
KEY = ("invoice_id", "line_no", "key_scope")
CONFLICT = (*KEY, "organisation_id")
# A change in these means the line changed; supplier_id follows the register (relinked).
COMPARED = ("invoice_date", "supplier_orgnr", "amount_ore", "account", "category", "cpv_code",
            "department")
INVOICE, LEDGER = "invoice", "ledger"
SHOWN_CHANGES = 200  # changed lines named when an import asks before replacing them
MISSING = N_("Required value is missing.")
TOO_LONG = N_("Longer than %(max)d characters.")
SHORT_ROW = N_("The row has fewer columns than the header.")
DUPLICATE = N_("This line (its invoice or voucher, line and supplier or year) appears more than "
               "once in the file.")
BAD_CPV = N_("Not a CPV 2008 code.")
BAD_LINE = N_("The line must be a whole number of 1 or more.")


def upsert_sql(dialect: str) -> str:
    """One row's upsert, every column a parameter (the demo loader's)."""
    upsert = _upsert()
    marks = ", ".join([bulk.mark(dialect)] * len(INSERT_COLUMNS))
    return f"{upsert.head()} VALUES ({marks}) {upsert.conflict}"


def _upsert(run: ImportRun | None = None) -> bulk.Upsert:
    """The spend line upsert; for a run, its id and organisation are constants, not
    parameters."""
    updates = ", ".join(f"{name} = excluded.{name}" for name in INSERT_COLUMNS[3:-1])
    changed = " OR ".join(f"spend_line.{name} IS DISTINCT FROM excluded.{name}"
                          for name in COMPARED)
    constants = {} if run is None else {"import_id": str(stored_id(run)),
                                        "organisation_id": str(int(run.organisation_id))}
    return bulk.Upsert(
        "spend_line", INSERT_COLUMNS[:-2] if constants else INSERT_COLUMNS,
        f"ON CONFLICT ({', '.join(CONFLICT)}) DO UPDATE SET {updates} WHERE {changed}",
        KEY, constants)


def header_key(name: object) -> str:
    """A header name as compared with the accepted names."""
    text = normalise_header(name).replace(".", "").replace("(", "").replace(")", "")
    text = text.replace("/", "_").replace(":", "")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


def layout_key(header: Sequence[str]) -> str:
    """The key a mapping is remembered by: the file's set of header names."""
    names = sorted({header_key(name) for name in header if header_key(name)})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


class ColumnsUnclear(ImportFileError):
    """More than one column could be a field, or the only amount includes VAT: the controller
    chooses (`mapping`). `choices` is field -> the candidate headers; `guess` the columns found
    for every field that is clear."""

    def __init__(self, header: list[str], choices: dict[str, list[str]],
                 guess: dict[str, str], gross: list[str]) -> None:
        text = "; ".join(
            f"{FIELD_NAMES[field]}: {' | '.join(f'«{name}»' for name in names)}"
            for field, names in choices.items())
        if list(choices) == ["voucher_id"]:
            super().__init__(N_("The file has both an invoice number column (%(invoice)s) and "
                                "a voucher column (%(voucher)s): say which identifies its "
                                "lines (--map voucher=\"\" for an invoice file, --map "
                                "invoice=\"\" for a ledger)."),
                             invoice=f"«{guess.get('invoice_id', '')}»",
                             voucher=f"«{choices['voucher_id'][0]}»")
        elif list(choices) == ["voucher_date"]:
            super().__init__(N_("The file is a ledger (it has a voucher column) but its only "
                                "date is %(date)s: say which column's year is the year of the "
                                "voucher series (--map voucher_date=\"...\")."),
                             date=f"«{choices['voucher_date'][0]}»")
        elif list(choices) == ["amount_nok"] and set(choices["amount_nok"]) <= set(gross):
            super().__init__(N_("The only amount column, %(columns)s, includes VAT; amounts "
                                "must exclude it. Add a column without VAT, or choose that "
                                "one deliberately (--map amount=\"...\")."),
                             columns=", ".join(f"«{name}»" for name in gross))
        else:
            super().__init__(N_("More than one column could be used; choose one for each "
                                "(--map field=\"column\" on the command line): %(choices)s."),
                             choices=text)
        self.header = header
        self.choices = choices
        self.guess = guess
        self.gross = gross


@dataclass
class Layout:
    """Where each field is in the file and how its lines are keyed."""

    index: dict[str, int]  # field -> column position
    kind: str  # INVOICE or LEDGER
    columns: dict[str, str]  # field -> the header used, as written (for the report)


def resolve_columns(header: list[str], mapping: dict[str, str] | None = None) -> Layout:
    """Each field's column: the one named in `mapping` (field -> header as written; "" leaves
    an optional field out), else the one column whose name is accepted for it. Raises
    ColumnsUnclear when more than one could be a field (or the only amount includes VAT), and
    ImportFileError when a mapped column is not there or a required one is missing.

    A file with a voucher column (bilagsnr, voucher) is a ledger: its lines are identified by
    voucher, year and line. Any other is an invoice file: supplier, invoice and line."""
    mapping = dict(mapping or {})
    keys = [header_key(name) for name in header]
    index: dict[str, int] = {}
    choices: dict[str, list[str]] = {}
    gross = [name for name, key in zip(header, keys, strict=True) if key in GROSS]
    # Columns are chosen by heading: a heading that could be a field and appears twice
    # (Beløp;Beløp) could only ever give its first column.
    wanted_keys = {header_key(alias) for field, aliases in COLUMNS.items()
                   for alias in (field, *aliases)} | set(GROSS) | {
        header_key(value) for value in mapping.values() if value}
    seen: set[str] = set()
    repeated: list[str] = []
    for name, key in zip(header, keys, strict=True):
        if key in seen and key in wanted_keys and key not in map(header_key, repeated):
            repeated.append(name)
        seen.add(key)
    if repeated:
        raise ImportFileError(N_("The heading %(columns)s appears more than once; give each "
                                 "column its own heading."),
                              columns=", ".join(f"«{name}»" for name in repeated))
    for field, value in mapping.items():
        if field not in COLUMNS:
            raise ImportFileError(N_("There is no field called %(field)s (use one of "
                                     "%(fields)s)."), field=field,
                                  fields=", ".join(FIELD_NAMES.values()))
        if value == "":
            continue
        wanted = header_key(value)
        positions = [position for position, key in enumerate(keys) if key == wanted]
        if not positions:
            raise ImportFileError(N_("The file has no column %(column)s (chosen for "
                                     "%(field)s)."), column=f"«{value}»",
                                  field=FIELD_NAMES[field])
        index[field] = positions[0]
    for field, aliases in COLUMNS.items():
        if field in mapping:
            continue
        accepted = {header_key(alias) for alias in (field, *aliases)}
        if field == "amount_nok":
            accepted |= set(GROSS)
        found = [position for position, key in enumerate(keys) if key in accepted]
        if len(found) == 1 and not (field == "amount_nok" and keys[found[0]] in GROSS):
            index[field] = found[0]
        elif found:
            choices[field] = [header[position] for position in found]
    if "invoice_id" in index and "voucher_id" in index and not (
            {"invoice_id", "voucher_id"} & set(mapping)):
        # A supplier-invoice file may carry the ledger's voucher (or attachment) number: which
        # one identifies the lines is the controller's to say, not a guess.
        choices["voucher_id"] = [header[index["voucher_id"]]]
    if "voucher_id" not in index or "voucher_id" in choices:
        choices.pop("voucher_date", None)  # only a ledger's key needs it
    elif ("voucher_date" not in index and "voucher_date" not in mapping and "date" in index
          and keys[index["date"]] in INVOICE_DATES):
        # Vouchers are numbered by year of the voucher date; an invoice's date may fall in the
        # year before. Only the controller can say the invoice date's year will do.
        choices["voucher_date"] = [header[index["date"]]]
    if choices:
        raise ColumnsUnclear(header, choices,
                             {field: header[position] for field, position in index.items()},
                             gross)
    missing = [FIELD_NAMES[field] for field in REQUIRED if field not in index]
    if "voucher_id" not in index and "invoice_id" not in index:
        missing.insert(0, "invoice / voucher")
    if missing:
        raise ImportFileError(N_("Missing columns: %(columns)s."), columns=", ".join(missing))
    kind = LEDGER if "voucher_id" in index else INVOICE
    columns = {field: header[position] for field, position in index.items()}
    if kind == LEDGER:
        index.pop("invoice_id", None)  # chosen away from the key: the voucher identifies lines
        columns.pop("invoice_id", None)
        index["invoice_id"] = index.pop("voucher_id")  # the voucher number is stored as the id
        # No voucher date: the date's year (a generic date, or one the controller chose).
        index.setdefault("voucher_date", index["date"])
    else:
        index.pop("voucher_date", None)
        index.pop("voucher_id", None)
        columns.pop("voucher_date", None)
        columns.pop("voucher_id", None)
    return Layout(index, kind, columns)


class ChangesNeedConfirmation(UserError):
    """The file would change lines already imported; nothing is kept unless the import is run
    again with `replace`. `changes` names the first SHOWN_CHANGES of them: key, new values."""

    def __init__(self, filename: str, count: int, changes: list[dict[str, Any]], rows_read: int,
                 layout: dict[str, str], duplicates: list[dict[str, Any]] | None = None,
                 duplicate_count: int = 0) -> None:
        if count:
            super().__init__(N_("The file would change %(count)d lines already imported; "
                                "nothing was imported. Confirm to replace them."), count=count)
        else:
            super().__init__(N_("%(count)d lines in the file have the invoice or voucher, line, "
                                "date and amount of lines already imported under another "
                                "supplier or year; nothing was imported. Confirm to replace "
                                "those lines, or keep both."), count=duplicate_count)
        self.filename = filename
        self.count = count
        self.changes = changes
        self.rows_read = rows_read
        self.layout = layout
        # Possible duplicates: new lines (their key and values) that equal a line already there
        # under another key scope (`old_scope`): the same line under a corrected key, or not.
        self.duplicates = duplicates or []
        self.duplicate_count = duplicate_count


def import_spend(
    session: Session, stream: IO[bytes], filename: str, *, organisation_id: int,
    actor_id: int | None = None, batch_size: int = 2_000, mapping: dict[str, str] | None = None,
    replace: bool = False, keep_both: bool = False,
) -> ImportRun:
    """Upsert spend lines; raise ImportRejected (after reading every row) if any is bad, and
    ChangesNeedConfirmation when lines already imported would change and `replace` is not
    given. A new line with the invoice or voucher, line, date and amount of a line already
    there under another supplier or year (a corrected organisation number, a file that became
    a ledger) is a possible duplicate: asked about the same way; `replace` removes the line
    that was there, `keep_both` keeps it. `mapping` (field -> header) decides columns the file
    leaves unclear; without it the mapping remembered for the file's headers (ImportMapping)
    is used.

    A batch of 2,000 lines (about 1 MB of strings) stays in the CPU's cache while each of its
    columns is checked in turn: 10,000 were 10-15 % slower overall (bench/)."""
    kind = file_type(stream, filename, ("csv", "xlsx"))
    size = _remaining_bytes(stream)
    table = read_table(stream, kind)
    try:
        chosen = remembered_mapping(session, table.header, organisation_id)
        chosen.update(mapping or {})
        layout = resolve_columns(table.header, chosen)
        run = start_run(session, "spend", filename, actor_id, organisation_id=organisation_id)
        in_child = (kind == "csv" and size is not None and size >= FORK_MIN_BYTES
                    and forked.available())
        return _import_rows(session, run, table, layout, batch_size, in_child, replace,
                            keep_both)
    finally:
        table.close()


def remembered_mapping(session: Session, header: Sequence[str],
                       organisation_id: int) -> dict[str, str]:
    """The columns the organisation chose before for files with these headers."""
    found = session.scalar(select(col(ImportMapping.columns)).where(
        col(ImportMapping.organisation_id) == organisation_id,
        col(ImportMapping.kind) == "spend",
        col(ImportMapping.header_key) == layout_key(header)))
    return dict(found or {})


def file_header(stream: IO[bytes], filename: str) -> list[str]:
    """The header of a spend file (read as `import_spend` reads it; UserError when it cannot
    be)."""
    table = read_table(stream, file_type(stream, filename, ("csv", "xlsx")))
    try:
        return list(table.header)
    finally:
        table.close()


def remember_mapping(session: Session, header: Sequence[str], mapping: dict[str, str],
                     actor_id: int | None = None, *, organisation_id: int) -> ImportMapping:
    """Keep the columns the organisation chose for files with these headers (replacing any it
    chose before)."""
    key = layout_key(header)
    row = session.scalar(select(ImportMapping).where(
        col(ImportMapping.organisation_id) == organisation_id,
        col(ImportMapping.kind) == "spend", col(ImportMapping.header_key) == key))
    if row is None:
        row = ImportMapping(organisation_id=organisation_id, kind="spend", header_key=key)
    row.header = list(header)
    row.columns = {field: value for field, value in mapping.items() if field in COLUMNS}
    row.updated_at = clock.now()
    row.actor_id = actor_id
    session.add(row)
    session.flush()
    return row


def old_values(session: Session, changes: list[dict[str, Any]],
               organisation_id: int) -> list[dict[str, Any]]:
    """The changed lines (from ChangesNeedConfirmation) with their values before the import,
    read after the caller rolled the import back: `old_date`, `old_amount_ore`, and
    `differences` (each compared column that differs: name -> [old, new], as text). The
    organisation's lines only."""
    if not changes:
        return changes
    table = table_of(SpendLine)
    compared = [table.c[name] for name in COMPARED]
    keys = [(change["key_scope"], change["invoice_id"], change["line_no"])
            for change in changes]
    scope_, invoice_, line_ = (col(SpendLine.key_scope), col(SpendLine.invoice_id),
                               col(SpendLine.line_no))
    owned = col(SpendLine.organisation_id) == organisation_id
    rows = session.execute(select(scope_, invoice_, line_, *compared)
                           .where(owned, tuple_(scope_, invoice_, line_).in_(keys))).all()
    before = {(scope, invoice, line): values for scope, invoice, line, *values in rows}
    missing = [key[1:] for key in keys if key not in before]
    if missing:  # a line imported before migration 0013 that the import adopted
        for invoice, line, *values in session.execute(
                select(invoice_, line_, *compared)
                .where(owned, scope_ == LEGACY, tuple_(invoice_, line_).in_(missing))):
            before[(LEGACY, invoice, line)] = values
    result = []
    for change, key in zip(changes, keys, strict=True):
        found = before.get(key, before.get((LEGACY, *key[1:])))
        if found is None:
            result.append(change | {"old_date": None, "old_amount_ore": None,
                                    "differences": {}})
            continue
        old = {name: _text(value) for name, value in zip(COMPARED, found, strict=True)}
        new = change.get("values", {})
        result.append(change | {
            "old_date": parse_date(old["invoice_date"]).isoformat(),
            "old_amount_ore": old["amount_ore"],
            "differences": {name: [old[name], new[name]] for name in COMPARED
                            if name in new and old[name] != new[name]}})
    return result


# From about 50,000 lines on, the file is read in a forked child while this process writes
# (forked.py): below that, starting the child costs more than it saves.
FORK_MIN_BYTES = 4 << 20


def _remaining_bytes(stream: IO[bytes]) -> int | None:
    try:
        position = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return end - position


_FIELDS = ("invoice_id", "date", "supplier_orgnr", "amount_nok", "line", "account", "category",
           "cpv", "department", "voucher_date")
_ABSENT = ("", "", "", "", "1", "", "", "", "", "")  # what a column left out reads as (line 1)


class _Columns:
    """The columns of few distinct values, each value checked once (see coded.py). Values are
    stored as the database takes them fastest: on SQLite ISO dates, line numbers and validity
    as 0 or 1 (a raw value already in that form is written as read); elsewhere dates and
    booleans."""

    def __init__(self, suppliers: dict[str, int], sqlite: bool,
                 summary: spend_summary.Accumulator) -> None:
        self.suppliers = suppliers
        self.sqlite = sqlite
        self.summary = summary
        self.date = CodedColumn(self._date)  # (stored, month number, ledger key scope)
        self.year = CodedColumn(self._year)  # (ledger key scope) of a voucher date
        self.line = CodedColumn(self._line)  # (stored, the line as text: canonical)
        # (normalised, valid as stored, supplier id or None, valid, matched, spend_month number,
        # invoice key scope)
        self.org = CodedColumn(self._org)
        self.account = CodedColumn(self._text(LIMITS["account"]))  # (stripped, 0)
        self.category = CodedColumn(self._text(LIMITS["category"], summary.category))
        self.department = CodedColumn(self._text(LIMITS["department"], summary.department))
        self.cpv = CodedColumn(self._cpv)  # (official code, division number)

    def _date(self, raw: str) -> Facts:
        try:
            parsed = parse_date(raw)
        except ValueError:
            return BAD, -1, ""
        month = parsed.replace(day=1)
        scope = f"year:{parsed.year}"
        if self.sqlite:
            return parsed.isoformat(), self.summary.number(self.summary.month,
                                                           month.isoformat()), scope
        return parsed, self.summary.number(self.summary.month, month), scope

    @staticmethod
    def _year(raw: str) -> Facts:
        try:
            return (f"year:{parse_date(raw).year}",)
        except ValueError:
            return (BAD,)

    def _line(self, raw: str) -> Facts:
        number = 1 if raw == "" else _line_number(raw)
        if number is None:
            return BAD, ""
        return (raw if self.sqlite and str(number) == raw else number), str(number)

    def _org(self, raw: str) -> Facts:
        normalised = orgnr_rules.normalise(raw)[:20]
        valid = orgnr_rules.is_valid(normalised)
        supplier_id = self.suppliers.get(normalised) if valid else None
        return (normalised, int(valid) if self.sqlite else valid, supplier_id, int(valid),
                int(supplier_id is not None),
                self.summary.org_number(normalised, valid, supplier_id), f"org:{normalised}")

    def _text(self, limit: int,
              numbering: spend_summary._Numbering | None = None) -> Callable[[str], Facts]:
        def parse(raw: str) -> Facts:
            value = raw.strip()
            if len(value) > limit:
                return BAD, -1
            return value, (self.summary.number(numbering, value) if numbering else 0)
        return parse

    def _cpv(self, raw: str) -> Facts:
        code = lookup_cpv(raw) if raw else ""
        if code is None:
            return BAD, -1
        return code, self.summary.number(self.summary.division, code[:2])


def _import_rows(session: Session, run: ImportRun, table: Table, layout: Layout,
                 batch_size: int, in_child: bool, replace: bool,
                 keep_both: bool = False) -> ImportRun:
    importer = _SpendImporter(session, run, layout, batch_size)
    run_id = stored_id(run)
    last = session.scalar(select(func.max(col(SpendLine.id)))) or 0
    if in_child:
        def read() -> dict[str, object]:
            importer.read(batches(table, batch_size))
            return importer.result()

        vars(importer).update(forked.run(importer, read, importer.receive))
    else:
        importer.read(batches(table, batch_size))
    if importer.errors:
        raise ImportRejected("spend", run.filename, importer.errors, importer.rows_read)
    # New lines get ids past the last one; the driver's row counts add the lines updated.
    inserted = _inserted(session, last, run_id)
    updated = importer.writer.changed - inserted
    adopted, adopted_changes = _adopt_legacy(session, last, run_id)
    inserted -= adopted
    updated += len(adopted_changes)
    duplicates = [] if keep_both or not inserted else _possible_duplicates(session, last,
                                                                            run_id)
    if (updated or duplicates) and not replace:
        changes = sorted(_changed(session, last, run_id) + adopted_changes,
                         key=itemgetter("key_scope", "invoice_id", "line_no"))
        raise ChangesNeedConfirmation(run.filename, updated, changes[:SHOWN_CHANGES],
                                      importer.rows_read, layout.columns,
                                      [duplicate for _, duplicate in duplicates[:SHOWN_CHANGES]],
                                      len(duplicates))
    if duplicates:  # replace: they were the same lines under a corrected key
        _delete_lines(session, [old_id for old_id, _ in duplicates])
    if inserted == importer.rows_read and importer.summary.complete and not duplicates:
        importer.summary.write(session)  # only new lines: add them
    else:
        spend_summary.rebuild(session, run.organisation_id)  # lines changed: sum again
    return finish_run(session, run, rows_read=importer.rows_read, inserted=inserted,
                      updated=updated,
                      notes={"invalid_orgnr": importer.invalid_orgnr,
                             "unmatched_orgnr": importer.unmatched,
                             "encoding": table.encoding_name, "key": layout.kind,
                             "columns": layout.columns})


def _changed(session: Session, last: int, run_id: int) -> list[dict[str, Any]]:
    """The first lines this import changed (they were there: ids up to `last`) in key order,
    with their new values."""
    table = table_of(SpendLine)
    key = (col(SpendLine.key_scope), col(SpendLine.invoice_id), col(SpendLine.line_no))
    rows = session.execute(
        select(*key, *(table.c[name] for name in COMPARED))
        .where(col(SpendLine.id) <= last, col(SpendLine.import_id) == run_id)
        .order_by(*key)
        .limit(SHOWN_CHANGES)).all()
    return [_change(scope, invoice, line, values) for scope, invoice, line, *values in rows]


def _change(scope: str, invoice: str, line: int, values: Sequence[Any]) -> dict[str, Any]:
    """A changed line as ChangesNeedConfirmation names it: key, new date and amount, and
    every compared column's new value (`values`, as text) for `old_values` to compare."""
    named = dict(zip(COMPARED, values, strict=True))
    return {"key_scope": scope, "invoice_id": invoice, "line_no": int(line),
            "date": parse_date(named["invoice_date"]).isoformat(),
            "amount_ore": int(named["amount_ore"]),
            "values": {name: _text(value) for name, value in named.items()}}


LEGACY = ""  # the key scope of lines imported before lines had one (migration 0013)


def _adopt_legacy(session: Session, last: int,
                  run_id: int) -> tuple[int, list[dict[str, Any]]]:
    """Lines imported before migration 0013 (key scope LEGACY) that this import brought again:
    the old key (invoice id, line) was unique, so a new line with a legacy line's invoice id and
    line is that line. The legacy line goes, the new one stays (its key is the source's).
    Returns how many were adopted and, of those whose values differ, the changes (as
    `_changed`). One EXISTS query when there are no legacy lines (the usual case)."""
    if not session.scalar(select(select(col(SpendLine.id))
                                 .where(col(SpendLine.key_scope) == LEGACY).exists())):
        return 0, []
    old, new = table_of(SpendLine).alias("old"), table_of(SpendLine).alias("new")
    rows = session.execute(
        select(old.c.id, new.c.key_scope, new.c.invoice_id, new.c.line_no,
               *(old.c[name] for name in COMPARED), *(new.c[name] for name in COMPARED))
        .join(new, (new.c.invoice_id == old.c.invoice_id) & (new.c.line_no == old.c.line_no)
              & (new.c.organisation_id == old.c.organisation_id))
        .where(old.c.key_scope == LEGACY, new.c.id > last, new.c.import_id == run_id)).all()
    if not rows:
        return 0, []
    changes: list[dict[str, Any]] = []
    for _old_id, scope, invoice, line, *values in rows:
        before, after = values[:len(COMPARED)], values[len(COMPARED):]
        if before != after:
            changes.append(_change(scope, invoice, line, after))
    _delete_lines(session, [row[0] for row in rows])
    return len(rows), changes


def _delete_lines(session: Session, ids: list[int]) -> None:
    for start in range(0, len(ids), 10_000):
        session.execute(table_of(SpendLine).delete().where(
            col(SpendLine.id).in_(ids[start:start + 10_000])))


def _possible_duplicates(session: Session, last: int,
                         run_id: int) -> list[tuple[int, dict[str, Any]]]:
    """The lines this import inserted that equal, in invoice or voucher, line, date and amount,
    a line that was there (ids up to `last`) under another key scope: the old line's id and the
    new line. None when nothing was there before (a first import asks nothing more)."""
    if not last:
        return []
    old, new = table_of(SpendLine).alias("old"), table_of(SpendLine).alias("new")
    rows = session.execute(
        select(old.c.id, old.c.key_scope, new.c.key_scope, new.c.invoice_id, new.c.line_no,
               new.c.invoice_date, new.c.amount_ore,
               *(old.c[name] for name in COMPARED), *(new.c[name] for name in COMPARED))
        .join(new, (new.c.invoice_id == old.c.invoice_id) & (new.c.line_no == old.c.line_no)
              & (new.c.invoice_date == old.c.invoice_date)
              & (new.c.amount_ore == old.c.amount_ore)
              & (new.c.organisation_id == old.c.organisation_id))
        .where(old.c.id <= last, new.c.id > last, new.c.import_id == run_id,
               old.c.key_scope != new.c.key_scope)
        .order_by(new.c.key_scope, new.c.invoice_id, new.c.line_no, old.c.id)).all()
    return [(old_id, {"key_scope": scope, "invoice_id": invoice, "line_no": int(line),
                      "date": parse_date(day).isoformat(), "amount_ore": int(amount),
                      "old_scope": old_scope,
                      "differences": _differences(values[:len(COMPARED)],
                                                  values[len(COMPARED):])})
            for old_id, old_scope, scope, invoice, line, day, amount, *values in rows]


def _differences(before: Sequence[object], after: Sequence[object]) -> dict[str, list[object]]:
    """The compared columns whose values differ: name -> [old, new], as text."""
    return {name: [_text(old), _text(new)]
            for name, old, new in zip(COMPARED, before, after, strict=True) if old != new}


def _text(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _inserted(session: Session, last: int, run_id: int) -> int:
    """Lines inserted since the largest id was `last`. SQLite gives a new row the largest id
    plus one, and this transaction has held the write lock since start_run (no other writer
    comes between): the ids are consecutive. Elsewhere ids may skip (a sequence also moves
    for a row that conflicted), so they are counted, over a range of the primary key."""
    if session.connection().dialect.name == "sqlite":
        return (session.scalar(select(func.max(col(SpendLine.id)))) or 0) - last
    return count_rows(session, SpendLine, col(SpendLine.id) > last,
                      col(SpendLine.import_id) == run_id)


_CODED = ("date", "org", "account", "category", "cpv", "department", "line", "year")
# Where each line's key scope comes from (see SpendLine): the coded column and its fact.
_SCOPES = {"org": ("org", 6), "date": ("date", 2), "year": ("year", 0)}


class _Encoded:
    """A clean batch: its invoice ids and line numbers, the number of each coded value, and
    the amounts. `columns()` gives the columns written (INSERT_COLUMNS but the run's two). Sent to
    another process (`to_send`), the raw columns stay behind and a text column travels as one
    string, which pickles far faster than a list of short strings."""

    def __init__(self, scope: tuple[str, np.ndarray], invoices: Sequence[str] | str,
                 lines: Sequence[Any] | str, plain: bool, numbers: tuple[np.ndarray, ...],
                 amounts: np.ndarray, raw: tuple[Sequence[str], ...] | None = None) -> None:
        self.scope = scope  # (the source in _SCOPES, its column's numbers)
        self.invoices = invoices
        self.lines = lines  # as read when plain (1, 2, 3), else as stored
        self.plain = plain
        self.numbers = numbers  # days, orgs, accounts, categories, cpvs, departments
        self.amounts = amounts
        self.raw = raw  # the coded columns as read: stored as they are when they may be

    def to_send(self) -> _Encoded:
        numbers = tuple(number.astype(np.int32) for number in self.numbers)  # < 2**20
        source, scope_numbers = self.scope
        return _Encoded((source, scope_numbers.astype(np.int32)), _joined(self.invoices),
                        _joined(self.lines) if self.plain else self.lines,
                        self.plain, numbers, self.amounts)

    def columns(self, coded: _Columns) -> list[Sequence[Any]]:
        days, orgs, accounts, categories, cpvs, departments = self.numbers
        raw_days, raw_orgs, raw_accounts, raw_categories, raw_cpvs, raw_departments = (
            self.raw or (None,) * 6)
        invoices = self.invoices.split("\n") if isinstance(self.invoices, str) else self.invoices
        lines = self.lines.split("\n") if isinstance(self.lines, str) else self.lines
        if self.plain and not coded.sqlite:
            lines = list(map(int, lines))
        source, scope_numbers = self.scope
        column, fact = _SCOPES[source]
        if fact:
            scopes = getattr(coded, column).fact(fact, scope_numbers).tolist()
        else:
            scopes = getattr(coded, column).stored(None, scope_numbers)
        return [scopes, invoices, lines,
                coded.date.stored(raw_days, days), coded.org.stored(raw_orgs, orgs),
                coded.org.fact(1, orgs).tolist(), coded.org.fact(2, orgs).tolist(),
                self.amounts.tolist(),
                coded.account.stored(raw_accounts, accounts),
                coded.category.stored(raw_categories, categories),
                coded.cpv.stored(raw_cpvs, cpvs),
                coded.department.stored(raw_departments, departments)]


def _joined(values: Sequence[str]) -> Sequence[str] | str:
    """The values as one text, split again by `_Encoded.columns`; as they are when one holds a
    line break (a quoted field read by the csv module may)."""
    text = "\n".join(values)
    return text if text.count("\n") == len(values) - 1 else values


_PLAIN_LINES = re.compile(r"(?:[1-9]\d{0,8}\n)*[1-9]\d{0,8}", re.ASCII)


class _SpendImporter:
    """Reads rows in batches. A clean batch goes through the fast path: column by column with
    C-level maps, and numpy for all its amounts at once. A batch with anything unusual goes
    through the row-by-row path, which gives every bad row its exact report."""

    def __init__(self, session: Session, run: ImportRun, layout: Layout,
                 batch_size: int) -> None:
        index = layout.index
        self.connection = session.connection()
        dialect = self.connection.dialect.name
        self.writer = bulk.writer(self.connection, _upsert(run))
        register = session.execute(
            select(col(Supplier.orgnr), col(Supplier.id), col(Supplier.size_class))
        ).all()  # one read of it
        sizes = {supplier_id: size or UNKNOWN for _, supplier_id, size in register}
        self.summary = spend_summary.Accumulator(dialect == "sqlite", sizes,
                                                 run.organisation_id)
        self.coded = _Columns({orgnr: supplier_id for orgnr, supplier_id, _ in register},
                              dialect == "sqlite", self.summary)
        self.batch_size = batch_size
        if layout.kind == INVOICE:
            self.scope = "org"
        else:
            self.scope = "date" if index["voucher_date"] == index["date"] else "year"
        self.positions = [index.get(name) for name in _FIELDS]
        self.width = max(index.values()) + 1
        # Absent optional columns read the "" appended to every row (index -1).
        self.get = itemgetter(*(-1 if position is None else position
                                for position in self.positions))
        self.errors = RowErrors()
        # Each good line's hash((key scope, invoice id, line)) and row, batch by batch in file
        # order; duplicates across batches are found at the end, all at once (a sort), rather than
        # by looking each line up in a set of a million.
        self.keys: list[np.ndarray] = []
        self.key_rows: list[np.ndarray] = []
        self.pending_keys: set[int] = set()  # written together: PostgreSQL needs them distinct
        self.pending: list[tuple[Any, ...]] = []  # the values written, as INSERT_COLUMNS
        self.pending_raw: list[tuple[str, ...]] = []  # date, org, department, category, cpv
        self.rows_read = self.invalid_orgnr = self.unmatched = 0
        self.writing = True
        # A forked reader sends what it would write here (forked.py); the values each coded
        # column has numbered are sent along once.
        self.sink: Connection[forked.Message, forked.Message] | None = None
        self.synced = dict.fromkeys(_CODED, 0)

    def receive(self, kind: str, payload: Any) -> None:
        """Write what a forked reader sent (its copy of this importer)."""
        if kind == "rows":
            self.writer.rows(payload)
            return
        grown, encoded = payload
        for name, (raws, facts) in grown.items():
            getattr(self.coded, name).extend(raws, facts)
        self.writer.columns(encoded.columns(self.coded))

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
        self._report_duplicates()

    def result(self) -> dict[str, object]:
        """What the import needs from the reading once it is done (sent by a forked reader)."""
        return {"errors": self.errors, "rows_read": self.rows_read,
                "invalid_orgnr": self.invalid_orgnr, "unmatched": self.unmatched,
                "summary": self.summary}

    def _report_duplicates(self) -> None:
        """Name each line whose invoice id and line an earlier line has."""
        if not self.keys:
            return
        keys = np.concatenate(self.keys)
        order = np.argsort(keys, kind="stable")  # equal keys stay in file order
        keys = keys[order]
        again = np.concatenate(self.key_rows)[order][1:][keys[1:] == keys[:-1]]
        if not again.size:
            return
        for row in np.sort(again).tolist():
            self.errors.add(row, "invoice_id", DUPLICATE)
        self.errors.items.sort(key=itemgetter(0))  # stable: a row's reasons keep their order

    def _write_pending(self) -> None:
        if self.sink is None:
            self.writer.rows(self.pending)
        else:
            self.sink.send(("rows", self.pending))
        days, orgs, departments, categories, cpvs = map(list, zip(*self.pending_raw,
                                                                  strict=True))
        amounts = [row[7] for row in self.pending]
        coded = self.coded
        self._summarise(coded.date(days), coded.org(orgs), coded.department(departments),
                        coded.category(categories), coded.cpv(cpvs), amounts)
        self.pending, self.pending_raw = [], []
        self.pending_keys = set()

    def _summarise(self, days: np.ndarray, orgs: np.ndarray, departments: np.ndarray,
                   categories: np.ndarray, cpvs: np.ndarray,
                   amounts: Sequence[int] | np.ndarray) -> None:
        """Add a batch of good lines (their coded columns) to the monthly sums."""
        coded = self.coded
        self.summary.add(coded.date.fact(1, days), coded.org.fact(5, orgs),
                         coded.department.fact(1, departments),
                         coded.category.fact(1, categories), coded.cpv.fact(1, cpvs), amounts)

    def _read(self, batches_: Iterator[Batch]) -> None:
        after = 2  # the line after the last batch (the header is line 1)
        while True:
            with reading_errors(_row_number(after)):
                batch = next(batches_, None)
            if batch is None:
                return
            self._batch(batch)
            after = batch.after

    def _batch(self, batch: Batch) -> None:
        columns = batch.columns()
        encoded = (self._fast(columns, batch.count, batch.numbers())
                   if columns is not None and len(columns) >= self.width else None)
        if encoded is None:
            self._slow(batch.rows(), batch.numbers())
            return
        self.rows_read += batch.count
        if not self.writing:
            return
        if self.sink is None:
            self.writer.columns(encoded.columns(self.coded))
        else:  # a forked reader: numbers, with the values numbered since the last batch
            grown: dict[str, tuple[list[str], list[Facts]]] = {}
            for name in _CODED:
                column = getattr(self.coded, name)
                if len(column.facts) > self.synced[name]:
                    grown[name] = column.new_since(self.synced[name])
                    self.synced[name] = len(column.facts)
            self.sink.send(("batch", (grown, encoded.to_send())))

    def _fast(self, columns: list[Sequence[str]], count: int,
              numbered: Sequence[int]) -> _Encoded | None:
        """The batch (its fields column by column) checked and summed, or None when anything
        in it needs the row-by-row path."""
        (raw_invoices, raw_dates, raw_orgs, raw_amounts, raw_lines, accounts, categories,
         raw_cpvs, departments, voucher_dates) = (columns[p] if p is not None else (absent,) * count
                                   for p, absent in zip(self.positions, _ABSENT, strict=True))
        invoices = _clean(raw_invoices, LIMITS["invoice_id"])
        if invoices is None or "" in invoices:
            return None
        coded = self.coded
        fields = [coded.date, coded.org, coded.account, coded.category, coded.cpv,
                  coded.department]
        raw = [raw_dates, raw_orgs, accounts, categories, raw_cpvs, departments]
        # Line numbers as plain as 1, 2, 3 (the usual case) are stored and compared as read.
        plain_lines = _PLAIN_LINES.fullmatch("\n".join(raw_lines)) is not None
        if not plain_lines:
            fields.append(coded.line)
            raw.append(raw_lines)
        numbers = [field(column) for field, column in zip(fields, raw, strict=True)]
        if any(field.any_bad(number) for field, number in zip(fields, numbers, strict=True)):
            return None
        amounts = _amounts(raw_amounts)
        if amounts is None:
            return None
        days, orgs, account_numbers, category_numbers, cpv_numbers, department_numbers = (
            numbers[:6])
        if self.scope == "org":
            scope_numbers = orgs
        elif self.scope == "date":
            scope_numbers = days
        else:
            scope_numbers = coded.year(voucher_dates)
            if coded.year.any_bad(scope_numbers):
                return None
        column, fact = _SCOPES[self.scope]
        scopes = (getattr(coded, column).fact(fact, scope_numbers).tolist() if fact
                  else coded.year.stored(None, scope_numbers))
        if plain_lines:  # stored as read on SQLite, as numbers elsewhere (`_Encoded.columns`)
            line_keys: Sequence[str] = raw_lines
            lines: Sequence[Any] = raw_lines
        else:
            line_keys = coded.line.fact(1, numbers[6]).tolist()
            lines = coded.line.stored(raw_lines, numbers[6])
        keys = np.fromiter(map(hash, zip(scopes, invoices, line_keys, strict=True)), np.int64,
                           count)
        ordered = np.sort(keys)
        if (ordered[1:] == ordered[:-1]).any():  # a line twice in the batch: the slow path
            return None  # names it
        self.keys.append(keys)
        self.key_rows.append(np.asarray(numbered, np.int64))
        valid = coded.org.fact(3, orgs)
        matched = coded.org.fact(4, orgs)
        invalid = count - int(valid.sum())
        self.invalid_orgnr += invalid
        self.unmatched += count - int(matched.sum()) - invalid
        self._summarise(days, orgs, department_numbers, category_numbers, cpv_numbers, amounts)
        return _Encoded((self.scope, scope_numbers), invoices, lines, plain_lines,
                        (days, orgs, account_numbers, category_numbers, cpv_numbers,
                         department_numbers), amounts,
                        (raw_dates, raw_orgs, accounts, categories, raw_cpvs, departments))

    def _slow(self, chunk: list[list[str]], numbered: Sequence[int]) -> None:
        coded = self.coded
        errors, get = self.errors, self.get
        keys: list[int] = []  # of the good lines, for _report_duplicates
        rows: list[int] = []
        for number, values in zip(numbered, chunk, strict=True):
            if len(values) < self.width:
                if any(value.strip() for value in values):
                    self.rows_read += 1
                    errors.add(number, "", SHORT_ROW)
                    self.writing = False
                continue
            self.rows_read += 1
            (invoice, raw_date, raw_org, raw_amount, raw_line, raw_account, raw_category,
             raw_cpv, raw_department, raw_voucher_date) = get([*values, ""])
            invoice = invoice.strip()
            day = coded.date.get(raw_date)[0]
            line, line_key = coded.line.get(raw_line)
            account = coded.account.get(raw_account)[0]
            category = coded.category.get(raw_category)[0]
            department = coded.department.get(raw_department)[0]
            cpv = coded.cpv.get(raw_cpv)[0]
            amount = amount_ore(raw_amount)
            if self.scope == "org":
                scope = coded.org.get(raw_org)[6]
            elif self.scope == "date":
                scope = coded.date.get(raw_date)[2]
            else:
                scope = coded.year.get(raw_voucher_date)[0]
            if (BAD in (day, line, cpv, account, category, department, scope) or amount is None
                    or not invoice or len(invoice) > LIMITS["invoice_id"]):
                _report(errors, number, invoice, raw_account, raw_category, raw_department,
                        day, raw_date, line, cpv, amount, raw_amount)
                if scope is BAD and self.scope == "year":
                    errors.add(number, "voucher_date", MISSING if not raw_voucher_date.strip()
                               else BAD_DATE)
                self.writing = False
                continue
            key = hash((scope, invoice, line_key))  # as in _fast
            if key in self.pending_keys:
                errors.add(number, "invoice_id", DUPLICATE)
                self.writing = False
                continue
            self.pending_keys.add(key)
            keys.append(key)
            rows.append(number)
            if not self.writing:
                continue  # keep checking the rest, but write nothing more
            org_number, valid, supplier_id, is_valid, matched, *_ = coded.org.get(raw_org)
            self.invalid_orgnr += 1 - is_valid
            self.unmatched += is_valid - matched
            self.pending.append((scope, invoice, line, day, org_number, valid, supplier_id, amount,
                                 account, category, cpv, department))
            self.pending_raw.append((raw_date, raw_org, raw_department, raw_category, raw_cpv))
            if len(self.pending) >= self.batch_size:
                self._write_pending()
        self.keys.append(np.array(keys, np.int64))
        self.key_rows.append(np.array(rows, np.int64))


def _row_number(number: int) -> Callable[[], int]:
    """The row `reading_errors` names: fixed when the reading starts."""
    return lambda: number


def _clean(column: Sequence[str], limit: int) -> list[str] | None:
    """The column stripped, or None when a value is longer than the limit."""
    column = list(map(str.strip, column))
    return None if max(map(len, column)) > limit else column


def _amounts(raw: Sequence[str]) -> np.ndarray | None:
    """All amounts of a batch in øre when each has the form -1234,50 (or -1234.50), or each
    the form -1234 (whole kroner), with at most 13 digits before the decimals: parsed all at
    once with numpy. None sends the batch down the row-by-row path, which takes every form
    `amount_ore` does."""
    joined = "\n".join(raw)
    if not joined.isascii():
        return None
    data = np.frombuffer(joined.encode(), np.uint8)
    count = len(raw)
    breaks = np.flatnonzero(data == ord("\n"))
    ends = np.append(breaks, len(data))
    starts = np.concatenate(([0], breaks + 1))
    lengths = ends - starts
    if len(ends) != count or lengths.min() == 0:
        return None
    negative = data[starts] == ord("-")
    digits = lengths - negative  # with the separator, for two decimals
    digit = (data >= ord("0")) & (data <= ord("9"))
    others = len(data) - int(np.count_nonzero(digit))  # line breaks, signs, separators
    signs = int(np.count_nonzero(negative))
    position = np.arange(len(data))
    exponent = ends[np.repeat(np.arange(count), lengths + 1)[:len(data)]] - 1 - position
    if (digits >= 4).all() and digits.max() <= 16 and others == count - 1 + signs + count \
            and np.isin(data[ends - 3], (ord(","), ord("."))).all():
        exponent -= exponent > 2  # the separator takes no place
    elif digits.min() >= 1 and digits.max() <= 13 and others == count - 1 + signs:
        exponent += 2  # whole kroner
    else:
        return None
    weights = _POWERS[np.clip(exponent, 0, len(_POWERS) - 1)]
    values = np.where(digit, (data.astype(np.int64) - ord("0")) * weights, 0)
    sums = np.add.reduceat(values, starts)
    return np.where(negative, -sums, sums)


_POWERS = 10 ** np.arange(16, dtype=np.int64)


def _report(errors: RowErrors, number: int, invoice: str, account: str, category: str,
            department: str, day: object, raw_date: str, line: object, cpv: object,
            amount: int | None, raw_amount: str) -> None:
    """Every reason a row is bad (the slow path: only bad rows come here)."""
    if not invoice:
        errors.add(number, "invoice_id", MISSING)
    elif len(invoice) > LIMITS["invoice_id"]:
        errors.add(number, "invoice_id", TOO_LONG, max=LIMITS["invoice_id"])
    if day is BAD:
        errors.add(number, "date", MISSING if not raw_date.strip() else BAD_DATE)
    if amount is None:
        errors.add(number, "amount_nok", MISSING if not raw_amount.strip() else BAD_AMOUNT)
    if line is BAD:
        errors.add(number, "line", BAD_LINE)
    if cpv is BAD:
        errors.add(number, "cpv", BAD_CPV)
    for name, value in (("account", account), ("category", category),
                        ("department", department)):
        if len(value.strip()) > LIMITS[name]:
            errors.add(number, name, TOO_LONG, max=LIMITS[name])


def _line_number(value: str) -> int | None:
    try:
        number = parse_count(value)
    except ValueError:
        return None
    return number if number >= 1 else None
