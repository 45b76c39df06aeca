"""The price form (prisskjema): an Excel workbook the suppliers fill in when prices are given
per unit. One line per item of the tender's price form (lot, item, unit, estimated quantity);
the supplier types a unit price, and the sums are formulas. Only the price cells can be
edited: the sheet is protected without a password, so nothing else is changed by mistake.

Built with openpyxl like the other workbooks (procure/exports/workbook): text stays text (an
item called "=SUM(…)" is not a formula), numbers have number formats, the header row is
repeated on every printed page, and the file is the same bytes for the same data.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from procure.exports.workbook.printing import PageText, setup_sheet
from procure.exports.workbook.writer import COUNT, FONT, NOK, safe_text

FIXED_TIME = datetime(2000, 1, 1)  # the workbook's own timestamps: same data, same bytes
INPUT_FILL = PatternFill("solid", fgColor="FFF4D6")
HEAD_FILL = PatternFill("solid", fgColor="E6F0FA")
THIN = Side(style="thin", color="C2CBD5")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class PriceFormLine:
    lot: str
    item: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True)
class PriceForm:
    title: str
    reference: str
    buyer: str
    lines: Sequence[PriceFormLine]


class Text(str):
    """User text: written as a text cell, so "=SUM(…)" or "#N/A" stays what was typed."""


def _put(sheet, row: int, column: int, value: object):
    if isinstance(value, Text):
        cell = sheet.cell(row=row, column=column, value=safe_text(str(value)))
        cell.data_type = "s"
        return cell
    return sheet.cell(row=row, column=column, value=value)


def price_form_workbook(form: PriceForm) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Prisskjema"
    with_lots = any(line.lot for line in form.lines)
    bold = Font(name=FONT, bold=True)
    sheet["A1"] = "Prisskjema"
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    _put(sheet, 2, 1, Text(f"{form.title} ({form.reference})"))
    _put(sheet, 3, 1, Text(form.buyer))
    sheet["A4"] = ("Fyll inn enhetspris i de gule cellene, i kroner ekskl. mva. Summene regnes "
                   "ut. Mengdene er anslag og ikke bindende.")
    sheet["A4"].alignment = Alignment(wrap_text=False)
    headers = (["Delkontrakt"] if with_lots else []) + [
        "Nr.", "Hva", "Enhet", "Anslått mengde", "Enhetspris (kr ekskl. mva.)",
        "Sum (kr ekskl. mva.)"]
    widths = ([22] if with_lots else []) + [6, 44, 12, 16, 22, 22]
    header_row = 6
    for column, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=header_row, column=column, value=title)
        cell.font, cell.fill, cell.alignment = bold, HEAD_FILL, WRAP
        cell.border = Border(bottom=Side(style="medium", color="1E2B3C"))
        sheet.column_dimensions[get_column_letter(column)].width = width
    offset = 1 if with_lots else 0
    first = header_row + 1
    for number, line in enumerate(form.lines, start=1):
        row = header_row + number
        values = ([Text(line.lot)] if with_lots else []) + [
            number, Text(line.item), Text(line.unit), line.quantity]
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row, column, value)
            cell.alignment, cell.border = WRAP, Border(bottom=THIN)
        quantity = sheet.cell(row=row, column=offset + 4)
        quantity.number_format = COUNT if line.quantity == line.quantity.to_integral() \
            else "#,##0.###"
        price = sheet.cell(row=row, column=offset + 5)
        price.number_format, price.fill = NOK, INPUT_FILL
        price.protection = Protection(locked=False)
        price.border = Border(bottom=THIN, left=THIN, right=THIN, top=THIN)
        total = sheet.cell(row=row, column=offset + 6,
                           value=f"=IF({price.coordinate}=\"\",\"\","
                                 f"{quantity.coordinate}*{price.coordinate})")
        total.number_format, total.border = NOK, Border(bottom=THIN)
    last = header_row + len(form.lines)
    sum_row = last + 1
    label = sheet.cell(row=sum_row, column=offset + 5, value="Sum alle linjer")
    label.font = bold
    total_column = get_column_letter(offset + 6)
    grand = sheet.cell(row=sum_row, column=offset + 6,
                       value=f"=SUM({total_column}{first}:{total_column}{last})")
    grand.font, grand.number_format = bold, NOK
    price_column = get_column_letter(offset + 5)
    positive = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, showErrorMessage=True,
                              errorTitle="Enhetspris",
                              error="Skriv enhetsprisen som et tall i kroner, 0 eller mer.")
    sheet.add_data_validation(positive)
    positive.add(f"{price_column}{first}:{price_column}{last}")
    sheet.freeze_panes = f"A{first}"
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    sheet.protection.formatColumns = False
    setup_sheet(sheet, PageText(left=form.buyer, center="Prisskjema", right=form.reference,
                                footer="Side &P av &N"), sum(widths), header_row)
    book.properties.creator = form.buyer or "procure"
    book.properties.title = f"Prisskjema – {form.title}"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue())


# openpyxl stamps the save time into docProps/core.xml whatever `modified` was set to.
SAVED_AT = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_times(data: bytes) -> bytes:
    """The zip entries' own dates, and the save time openpyxl writes, as one fixed time, so
    the same form is the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = SAVED_AT.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(fixed, content)
    return target_buffer.getvalue()
