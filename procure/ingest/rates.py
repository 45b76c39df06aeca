"""Exchange rates to NOK: Norges Bank's CSV export, or a simple file of currency;date;rate.

Norges Bank (data.norges-bank.no, dataflow EXR, "CSV" download) writes one observation a row,
semicolon separated, with coded columns and their Norwegian labels side by side:
FREQ;Frekvens;BASE_CUR;Basisvaluta;QUOTE_CUR;Kvoteringsvaluta;TENOR;Løpetid;DECIMALS;
CALCULATED;UNIT_MULT;Multiplikator;COLLECTION;Innsamlingstidspunkt;TIME_PERIOD;OBS_VALUE.
OBS_VALUE is NOK for 10^UNIT_MULT units of BASE_CUR (UNIT_MULT 2 for SEK, DKK, JPY...: per
100), with a decimal comma in the Norwegian export and a point in the English one. Only daily
rates (FREQ B) into NOK are taken.

The simple file has the columns currency, date and rate (NOK for one unit).

Importing stores the rates (a rate for a day already stored is replaced) and then recomputes
the NOK value of every award in those currencies: imported awards in another currency are
valued from the rate of their award date or the nearest earlier day (procure.services.rates).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO

from sqlalchemy import select
from sqlmodel import Session, col

from procure.errors import N_
from procure.ingest import (
    ImportFileError,
    ImportRejected,
    RowErrors,
    finish_run,
    start_run,
)
from procure.ingest.reading import (
    BAD_DATE,
    column_index,
    file_type,
    parse_date,
    read_table,
    reading_errors,
)
from procure.models import ExchangeRate, ImportRun
from procure.services.rates import HOME_CURRENCY, revalue_awards

CURRENCY_RE = re.compile(r"[A-Z]{3}")
NORGES_BANK: dict[str, tuple[str, ...]] = {
    "base_cur": (), "quote_cur": (), "time_period": (), "obs_value": (), "unit_mult": (),
    "freq": ()}
SIMPLE: dict[str, tuple[str, ...]] = {
    "currency": ("valuta",), "date": ("dato",), "rate": ("kurs",)}


def import_rates(session: Session, stream: IO[bytes], filename: str, *, organisation_id: int,
                 actor_id: int | None = None) -> ImportRun:
    """Exchange rates (shared by every organisation); every organisation's awards in those
    currencies are valued again, and the run's report counts its own organisation's."""
    kind = file_type(stream, filename, ("csv",))
    table = read_table(stream, kind)
    header = [name.strip().lstrip("\ufeff").strip() for name in table.header]
    errors = RowErrors()
    rates: dict[tuple[str, date], tuple[int, Decimal]] = {}
    norges_bank = {"BASE_CUR", "OBS_VALUE", "TIME_PERIOD"} <= {h.upper() for h in header}
    columns = column_index(header, NORGES_BANK if norges_bank else SIMPLE,
                           ("base_cur", "quote_cur", "time_period", "obs_value")
                           if norges_bank else ("currency", "date", "rate"))
    row_number = 1
    with reading_errors(lambda: row_number):
        for row_number, row in enumerate(table.rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            parsed = (_norges_bank_row if norges_bank else _simple_row)(
                row, columns, row_number, errors)
            if parsed is not None:
                currency, day, rate = parsed
                rates[(currency, day)] = (row_number, rate)
    if table.close is not None:
        table.close()
    rows_read = max(row_number - 1, 0)
    if errors:
        raise ImportRejected("rates", filename, errors, rows_read)
    if not rates:
        raise ImportFileError(N_("Nothing to import: the file has no exchange rates."))
    run = start_run(session, "rates", filename, actor_id, organisation_id=organisation_id)
    inserted, updated = _store(session, rates, run)
    currencies = sorted({currency for currency, _day in rates})
    used = {currency: {"from": min(d for c, d in rates if c == currency).isoformat(),
                       "to": max(d for c, d in rates if c == currency).isoformat(),
                       "days": sum(1 for c, _d in rates if c == currency)}
            for currency in currencies}
    awards = revalue_awards(session, set(currencies), counted=organisation_id)
    for currency, counts in awards.items():
        used[currency].update(awards=counts["awards"], valued=counts["valued"])
    return finish_run(session, run, rows_read=len(rates), inserted=inserted, updated=updated,
                      notes={"currencies": used,
                             "awards_without_rate": sum(c["awards"] - c["valued"]
                                                        for c in awards.values())})


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _currency(text: str, row: int, field: str, errors: RowErrors) -> str | None:
    code = text.upper()
    if not CURRENCY_RE.fullmatch(code):
        errors.add(row, field, N_("Not an ISO 4217 currency code (found %(currency)s)."),
                   currency=text[:20])
        return None
    if code == HOME_CURRENCY:
        errors.add(row, field, N_("A rate for NOK itself cannot be imported."))
        return None
    return code


def _day(text: str, row: int, field: str, errors: RowErrors) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        errors.add(row, field, BAD_DATE)
        return None


def _rate(value: Decimal | None, row: int, field: str, errors: RowErrors) -> Decimal | None:
    if value is None or value <= 0 or value >= Decimal(10) ** 12:
        errors.add(row, field, N_("Not a positive number."))
        return None
    return value


def _norges_bank_row(row: list[str], columns: dict[str, int], number: int,
                     errors: RowErrors) -> tuple[str, date, Decimal] | None:
    frequency = _cell(row, columns, "freq").upper()
    if frequency not in ("", "B", "D"):
        errors.add(number, "FREQ", N_("Only daily rates (FREQ B) can be imported (found "
                                      "%(found)s)."), found=frequency[:10])
        return None
    quote = _cell(row, columns, "quote_cur").upper()
    if quote != HOME_CURRENCY:
        errors.add(number, "QUOTE_CUR", N_("Only rates quoted in NOK can be imported (found "
                                           "%(found)s)."), found=quote[:10])
        return None
    observed = _cell(row, columns, "obs_value")
    if observed.lower() in ("", "nan", "na"):  # no rate that day: nothing to keep
        return None
    currency = _currency(_cell(row, columns, "base_cur"), number, "BASE_CUR", errors)
    day = _day(_cell(row, columns, "time_period"), number, "TIME_PERIOD", errors)
    multiplier_text = _cell(row, columns, "unit_mult") or "0"
    if not multiplier_text.isdigit() or int(multiplier_text) > 6:
        errors.add(number, "UNIT_MULT", N_("Not a number."))
        return None
    rate = _rate(_decimal(observed), number, "OBS_VALUE", errors)
    if currency is None or day is None or rate is None:
        return None
    return currency, day, rate / (Decimal(10) ** int(multiplier_text))


def _simple_row(row: list[str], columns: dict[str, int], number: int,
                errors: RowErrors) -> tuple[str, date, Decimal] | None:
    currency = _currency(_cell(row, columns, "currency"), number, "currency", errors)
    day = _day(_cell(row, columns, "date"), number, "date", errors)
    rate = _rate(_decimal(_cell(row, columns, "rate")), number, "rate", errors)
    if currency is None or day is None or rate is None:
        return None
    return currency, day, rate


def _store(session: Session, rates: dict[tuple[str, date], tuple[int, Decimal]],
           run: ImportRun) -> tuple[int, int]:
    currencies = sorted({currency for currency, _day in rates})
    existing = {(r.currency, r.day): r for r in session.scalars(
        select(ExchangeRate).where(col(ExchangeRate.currency).in_(currencies)))}
    inserted = updated = 0
    for (currency, day), (_row, rate) in sorted(rates.items()):
        rate = rate.quantize(Decimal("1e-10"))
        row = existing.get((currency, day))
        if row is None:
            session.add(ExchangeRate(currency=currency, day=day, nok_per_unit=rate,
                                     import_id=run.id))
            inserted += 1
        elif Decimal(row.nok_per_unit) != rate:
            row.nok_per_unit = rate
            row.import_id = run.id
            session.add(row)
            updated += 1
    session.flush()
    return inserted, updated
