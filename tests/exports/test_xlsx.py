"""Round trip of the statistics workbook: sheets, types, formats, tables, charts, injection."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from procure.exports import xlsx
from procure.exports.import_report import csv_safe, report_csv
from procure.services import statistics
from tests.services.test_statistics import YEAR, build_statistics_fixture


def labels() -> xlsx.Labels:
    def text(msgid: str, **params) -> str:
        return msgid % params if params else msgid

    return xlsx.Labels(text=text, key=lambda breakdown, key: f"{breakdown}:{key}")


@pytest.fixture
def workbook_bytes(db):
    build_statistics_fixture(db)
    report = statistics.report(db, YEAR)
    return xlsx.statistics_workbook(report, labels(), statistics.iter_lines(db, YEAR),
                                    rows_per_sheet=3)


def test_sheets_and_names(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    assert book.sheetnames == [
        "Summary", "By size class", "By kommune", "By category", "By department",
        "By CPV division", "Over time", "By procedure", "Green by basis",
        "Innovation by track", "Definitions", "Data quality", "Lines 1", "Lines 2", "Lines 3"]
    assert all(len(name) <= 31 for name in book.sheetnames)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert len(sheet.tables) == 1, sheet.title
        table = next(iter(sheet.tables.values()))
        assert table.ref.startswith("A1:")
        headers = [cell.value for cell in sheet[1]][:len(table.tableColumns)]
        assert [column.name for column in table.tableColumns] == headers


def test_summary_has_id_label_number_and_coverage(workbook_bytes):
    sheet = load_workbook(io.BytesIO(workbook_bytes))["Summary"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}
    sme = rows["sme_share_value"]
    assert sme[1].value == "SME share of spend"
    # S2's June credit note counts 0 (the credit-note rule): 1500 of 4500 known, 5200 in all.
    assert sme[2].value == pytest.approx(1500 / 4500) and sme[2].number_format == "0.0%"
    assert sme[3].value == pytest.approx(4500 / 5200) and sme[3].number_format == "0.0%"
    assert sme[4].value == pytest.approx(1.0)  # previous period
    days = rows["decision_days_avg"]
    assert days[2].value == pytest.approx(37.5) and days[2].number_format == "0.0"
    value = rows["innovation_value"]
    assert value[2].value == pytest.approx(2_000_000) and "kr" in value[2].number_format
    assert rows["innovation_count"][2].value == 2
    assert rows["green_by_basis.criteria"][2].value == pytest.approx(1 / 3)
    assert {key for key in rows if str(key).startswith("green_by_basis.")} == {
        "green_by_basis.criteria", "green_by_basis.spec", "green_by_basis.combination",
        "green_by_basis.exemption"}
    from procure.domain.statistics import INDICATOR_IDS

    for key, row in rows.items():
        if key.split(".")[0] in INDICATOR_IDS:
            assert row[2].value is None or isinstance(row[2].value, int | float), key


def test_breakdowns_are_typed_numbers(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    size = book["By size class"]
    amounts = {row[0].value: row[3] for row in size.iter_rows(min_row=2) if row[0].value}
    assert amounts["size:small"].value == pytest.approx(1000)
    assert amounts["size:small"].number_format == xlsx.NOK
    assert isinstance(amounts["size:unknown"].value, int | float)  # a number, not text
    months = book["Over time"]
    assert [row[0].value for row in months.iter_rows(min_row=2, max_row=3)] == [
        "2025-01", "2025-02"]


def test_lines_are_split_with_dates_as_dates_and_text_as_text(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    lines = [row for name in ("Lines 1", "Lines 2", "Lines 3")
             for row in book[name].iter_rows(min_row=2, values_only=False)]
    assert [len(list(book[name].iter_rows(min_row=2))) for name in
            ("Lines 1", "Lines 2", "Lines 3")] == [3, 3, 1]
    first = lines[0]
    assert isinstance(first[2].value, datetime) and first[2].number_format == "yyyy-mm-dd"
    assert first[7].value == pytest.approx(1000.0) and first[7].number_format == xlsx.NOK
    hyperlink = next(row for row in lines if row[0].value == "L2")
    assert hyperlink[4].value == '=HYPERLINK("http://evil","Bygg")'
    assert hyperlink[4].data_type == "s"


def test_no_cell_is_a_formula(workbook_bytes):
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")
                  and name.endswith(".xml")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        # One native chart per breakdown sheet with data (all nine have data here).
        assert len(charts) == 9


def test_user_text_that_looks_like_a_formula_or_error_stays_text():
    data = xlsx.WorkbookData([xlsx.Sheet("T", [xlsx.Column("Name"), xlsx.Column("Amount",
                                                                                 xlsx.NOK)],
                                         [("=1+1", 1.5), ("#N/A", 2), ("a\x00b\x1fc", None),
                                          ("@SUM(A1)", -3)])])
    sheet = load_workbook(io.BytesIO(xlsx.build_workbook(data)))["T"]
    values = [(row[0].value, row[0].data_type) for row in sheet.iter_rows(min_row=2)]
    assert values == [("=1+1", "s"), ("#N/A", "s"), ("abc", "s"), ("@SUM(A1)", "s")]


def test_sheet_names_are_valid_unique_and_short():
    taken: set[str] = set()
    long = "A very long name for a sheet that Excel would refuse"
    first = xlsx.sheet_name(long, taken)
    second = xlsx.sheet_name(long, taken)
    assert len(first) == 31 and len(second) <= 31 and first != second
    assert xlsx.sheet_name("Q1/Q2: [draft]?*", taken) == "Q1 Q2   draft"
    assert xlsx.sheet_name("summary", {"summary"}) == "summary (2)"


def test_empty_breakdowns_still_make_valid_tables():
    data = xlsx.WorkbookData([xlsx.Sheet("Empty", [xlsx.Column("A"), xlsx.Column("A")], [],
                                         chart=xlsx.Chart("bar", "x", 1, (2,)))])
    sheet = load_workbook(io.BytesIO(xlsx.build_workbook(data)))["Empty"]
    table = next(iter(sheet.tables.values()))
    assert table.ref == "A1:B2"
    assert [c.name for c in table.tableColumns] == ["A", "A "]  # names made unique


def test_import_report_csv_is_guarded_and_translated():
    data = report_csv([[2, "navn", "Missing %(x)s", {"x": "value"}],
                       [3, "=cmd", "=HYPERLINK(1)", {}]],
                      lambda msgid, **p: msgid % p if p else msgid, ("row", "field", "reason"))
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["row;field;reason", "2;navn;Missing value",
                                 "3;'=cmd;'=HYPERLINK(1)"]
    assert csv_safe("-1") == "'-1" and csv_safe(5) == 5
