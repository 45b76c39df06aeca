"""Suppliers from Brønnøysund Enhetsregisteret: the `enheter` API JSON or the bulk CSV.

Accepted fields (CSV headers as in the bulk file, JSON as in the API):

| field | CSV header | required |
|---|---|---|
| organisation number (mod-11 checked) | organisasjonsnummer | yes |
| name | navn | yes |
| organisation form | organisasjonsform.kode | |
| employees | antallAnsatte (+ harRegistrertAntallAnsatte) | |
| founding date | stiftelsesdato | |
| NACE code | naeringskode1.kode | |
| business address | forretningsadresse.adresse, .postnummer, .kommunenummer, .landkode | |
| turnover, NOK (not in the register; optional) | omsetning | |

The size class follows `procure.domain.size_class`; the kommunenummer comes from the postal
code where it is missing or not a current (2024) number.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from procure import clock
from procure.domain import orgnr as orgnr_rules
from procure.domain.places import kommunenummer_for, load_kommuner
from procure.domain.size_class import DEFAULT_EUR_NOK, classify
from procure.errors import N_
from procure.ingest import (
    ImportFileError,
    ImportRejected,
    RowErrors,
    count_rows,
    finish_run,
    relink_suppliers,
    start_run,
)
from procure.ingest.reading import (
    JSON,
    check_row_count,
    column_index,
    file_type,
    load_json,
    parse_bool,
    parse_count,
    parse_date,
    read_table,
    reading_errors,
    text_value,
)
from procure.models import ImportRun, Supplier, table_of

FIELDS: dict[str, tuple[str, ...]] = {
    "organisasjonsnummer": ("orgnr", "organisation_number"),
    "navn": ("name",),
    "organisasjonsform.kode": ("organisasjonsform",),
    "antallAnsatte": ("ansatte", "employees"),
    "harRegistrertAntallAnsatte": (),
    "stiftelsesdato": ("founded",),
    "naeringskode1.kode": ("naeringskode1", "naeringskode", "nace"),
    "forretningsadresse.adresse": ("adresse", "address"),
    "forretningsadresse.postnummer": ("postnummer", "postal_code"),
    "forretningsadresse.kommunenummer": ("kommunenummer",),
    "forretningsadresse.landkode": ("landkode",),
    "omsetning": ("turnover", "driftsinntekter"),
}
REQUIRED = ("organisasjonsnummer", "navn")
BATCH = 5_000
# Turnover in NOK goes into a BIGINT; no company's is near this.
MAX_TURNOVER_NOK = 10**15


def parse_turnover(value: object) -> int:
    return parse_count(value, maximum=MAX_TURNOVER_NOK)


INVALID_ORGNR = N_("Not a valid organisation number (mod-11 check failed).")
MISSING = N_("Required value is missing.")
TOO_LONG = N_("Longer than %(max)d characters.")
BAD_POSTAL_CODE = N_("A Norwegian postal code has four digits.")
DUPLICATE = N_("This organisation number appears more than once in the file.")
BATCH_COLUMNS = ("orgnr", "name", "address", "postal_code", "kommunenummer", "size_class",
                 "organisasjonsform", "employees", "turnover_nok", "founded", "nace_code",
                 "size_basis", "import_id", "created_at")
COMPARED = BATCH_COLUMNS[1:-2]


def import_suppliers(
    session: Session, stream: IO[bytes], filename: str, *, organisation_id: int,
    actor_id: int | None = None, eur_nok: float = DEFAULT_EUR_NOK,
) -> ImportRun:
    """Upsert suppliers by organisation number; raise ImportRejected if any row is bad. The
    register is shared; the run, and the count of lines linked, are the organisation's."""
    kind = file_type(stream, filename, ("json", "csv", "xlsx"))
    run = start_run(session, "suppliers", filename, actor_id, organisation_id=organisation_id)
    before = count_rows(session, Supplier)
    errors = RowErrors()
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    rows_read = 0
    for number, record in _records(stream, kind):
        rows_read += 1
        row = _supplier_row(number, record, errors, seen, eur_nok)
        if row is not None and not errors:
            row["import_id"] = run.id
            batch.append(row)
            if len(batch) >= BATCH:
                _upsert(session, batch)
                batch = []
    if errors:
        raise ImportRejected("suppliers", filename, errors, rows_read)
    if batch:
        _upsert(session, batch)
    session.flush()
    touched = count_rows(session, Supplier, col(Supplier.import_id) == run.id)
    inserted = count_rows(session, Supplier) - before
    linked = relink_suppliers(session, organisation_id)
    return finish_run(session, run, rows_read=rows_read, inserted=inserted,
                      updated=touched - inserted, notes={"linked": linked})


def _records(stream: IO[bytes], kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field: value}) from the JSON units or the table rows."""
    if kind == JSON:
        units = _units(load_json(stream))
        check_row_count(len(units))
        for index, unit in enumerate(units, start=1):
            yield index, ({name: _path(unit, name) for name in FIELDS}
                         if isinstance(unit, dict) else {})
        return
    table = read_table(stream, kind)
    try:
        positions = column_index(table.header, FIELDS, REQUIRED)
        number = 1
        with reading_errors(lambda: number + 1):
            for values in table.rows:
                number += 1
                if any(value.strip() for value in values):
                    yield number, {name: values[position] if position < len(values) else ""
                                   for name, position in positions.items()}
    finally:
        table.close()


def _units(data: Any) -> list[Any]:
    """The list of units in an API page (`_embedded.enheter`), a bulk array, or one unit."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        embedded = data.get("_embedded")
        if isinstance(embedded, dict) and isinstance(embedded.get("enheter"), list):
            units: list[Any] = embedded["enheter"]
            return units
        if "organisasjonsnummer" in data:
            return [data]
        if "_embedded" not in data and data.get("page", {}).get("totalElements") == 0:
            return []
    raise ImportFileError(N_("Not a Brønnøysund enheter file: no list of units found."))


def _path(unit: dict[str, Any], dotted: str) -> Any:
    value: Any = unit
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _supplier_row(number: int, record: dict[str, Any], errors: RowErrors, seen: set[str],
                  eur_nok: float) -> dict[str, Any] | None:
    ok = True

    def bad(column: str, msgid: str, **params: object) -> None:
        nonlocal ok
        ok = False
        errors.add(number, column, msgid, **params)

    raw_orgnr = text_value(record.get("organisasjonsnummer"))
    orgnr = orgnr_rules.normalise(raw_orgnr)
    if not orgnr:
        bad("organisasjonsnummer", MISSING)
    elif not orgnr_rules.is_valid(orgnr):
        bad("organisasjonsnummer", INVALID_ORGNR)
    elif orgnr in seen:
        bad("organisasjonsnummer", DUPLICATE)
    else:
        seen.add(orgnr)
    name = text_value(record.get("navn"))
    if not name:
        bad("navn", MISSING)
    elif len(name) > 300:
        bad("navn", TOO_LONG, max=300)
    parsed: dict[str, Any] = {}
    for column, parser in (("antallAnsatte", parse_count), ("stiftelsesdato", parse_date),
                           ("omsetning", parse_turnover)):
        value = record.get(column)
        if value is None or text_value(value) == "":
            parsed[column] = None
            continue
        try:
            parsed[column] = parser(value)
        except ValueError as error:
            bad(column, str(error))
    form = text_value(record.get("organisasjonsform.kode"))
    nace = text_value(record.get("naeringskode1.kode"))
    address = text_value(record.get("forretningsadresse.adresse"))
    postal_code = text_value(record.get("forretningsadresse.postnummer"))
    country = text_value(record.get("forretningsadresse.landkode")).upper()
    for column, value, limit in (("organisasjonsform.kode", form, 10),
                                 ("naeringskode1.kode", nace, 10),
                                 ("forretningsadresse.adresse", address, 300)):
        if len(value) > limit:
            bad(column, TOO_LONG, max=limit)
    if postal_code and not (len(postal_code) == 4 and postal_code.isdigit()):
        if country in ("", "NO"):
            bad("forretningsadresse.postnummer", BAD_POSTAL_CODE)
        postal_code = ""
    if not ok:
        return None
    registered = parse_bool(record.get("harRegistrertAntallAnsatte") or "")
    employees = None if registered is False else parsed["antallAnsatte"]
    size = classify(employees, parsed["omsetning"], form, eur_nok=eur_nok)
    kommune = text_value(record.get("forretningsadresse.kommunenummer"))
    if kommune not in load_kommuner():
        kommune = (kommunenummer_for(postal_code) or "") if postal_code else ""
    return {
        "orgnr": orgnr, "name": name, "address": address, "postal_code": postal_code,
        "kommunenummer": kommune, "size_class": size.size_class, "organisasjonsform": form,
        "employees": employees, "turnover_nok": parsed["omsetning"],
        "founded": parsed["stiftelsesdato"], "nace_code": nace, "size_basis": size.basis,
    }


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT (orgnr) DO UPDATE, only where a value differs."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    now = clock.now()
    for row in rows:
        row["created_at"] = now
    statement = insert(table_of(Supplier))
    excluded = statement.excluded
    table = table_of(Supplier).c
    statement = statement.on_conflict_do_update(
        index_elements=[table.orgnr],
        set_={name: excluded[name] for name in (*COMPARED, "import_id")},
        where=or_(*(table[name].is_distinct_from(excluded[name]) for name in COMPARED)),
    )
    session.execute(statement, rows)
