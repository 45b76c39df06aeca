"""Issue 19: XLSX row limits are enforced from the stream before any cell is parsed, and a
wrong <dimension> tag no longer makes openpyxl drop rows and columns without a word."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from procure.ingest import ImportFileError
from procure.ingest.reading import XLSX, read_table, row_limit
from procure.models import SpendLine
from tests.support.owned import import_spend

HEADER = ["invoice_id", "line", "date", "supplier_orgnr", "amount_nok", "account", "category",
          "cpv", "department"]


def workbook(rows: int, *, dimension: str | None = None, last_row: int | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append([f"F{number}", 1, "2025-03-01", "934567897", "10,00", "", "", "", "Kultur"])
    if last_row is not None:
        sheet.cell(row=last_row, column=1, value="far down")
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w",
                                                            zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' %
                              dimension.encode(), data)
                assert dimension.encode() in data
            target.writestr(item, data)
    return out.getvalue()


def test_rows_past_a_wrong_dimension_are_read():
    """openpyxl's read-only mode stops at the dimension's last row and column."""
    table = read_table(io.BytesIO(workbook(10, dimension="A1:B3")), XLSX)
    rows = list(table.rows)
    table.close()
    assert len(rows) == 10
    assert all(len(row) == len(HEADER) and row[8] == "Kultur" for row in rows)


def test_a_dimension_larger_than_the_sheet_adds_no_empty_rows():
    table = read_table(io.BytesIO(workbook(3, dimension="A1:I2000000")), XLSX)
    with row_limit(10):
        rows = list(table.rows)
    table.close()
    assert len(rows) == 3


def test_spend_import_reads_every_row_whatever_the_dimension(db):
    run = import_spend(db, io.BytesIO(workbook(12, dimension="A1:C2")), "spend.xlsx")
    assert run.inserted == 12
    lines = db.scalars(select(SpendLine)).all()
    assert {line.department for line in lines} == {"Kultur"}


def test_row_limit_is_enforced_before_any_row_is_parsed():
    content = workbook(50)
    with row_limit(20), pytest.raises(ImportFileError) as refused:
        read_table(io.BytesIO(content), XLSX)  # before: a Table, refused only while iterating
    assert refused.value.params == {"max": 20}
    with row_limit(50):
        table = read_table(io.BytesIO(content), XLSX)
        assert len(list(table.rows)) == 50
        table.close()


def test_a_single_row_far_down_is_refused_at_once():
    """A tiny file with one cell in row 1 000 000: openpyxl would give a million empty rows."""
    content = workbook(2, last_row=1_000_000)
    assert len(content) < 10_000
    start = time.process_time()
    with row_limit(1000), pytest.raises(ImportFileError):
        read_table(io.BytesIO(content), XLSX)
    assert time.process_time() - start < 2
