"""Round trip of the statistics workbook: sheets, types, formats, tables, charts, print setup,
injection."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime

import pytest
from openpyxl import load_workbook

from procure.domain.statistics import Figure
from procure.exports import workbook as xlsx
from procure.exports.csv_safe import safe_cell
from procure.exports.import_report import report_csv
from procure.services import statistics
from tests.services.test_statistics import YEAR, build_statistics_fixture

PERIOD = "Period January 1, 2025 to December 31, 2025"
DATA_SHEETS = ["Summary", "By size class", "By kommune", "By category", "By department",
               "By CPV division", "Over time", "By procedure", "Green by basis",
               "Innovation by track", "Definitions", "Data quality", "Data quality details",
               "Lines 1", "Lines 2", "Lines 3"]
CHART_SHEETS = {"By size class", "By kommune", "By category", "By department",
                "By CPV division", "Over time", "By procedure", "Green by basis",
                "Innovation by track"}


def labels() -> xlsx.Labels:
    def text(msgid: str, **params) -> str:
        return msgid % params if params else msgid

    return xlsx.Labels(text=text, key=lambda breakdown, key: f"{breakdown}:{key}",
                       language="en")


@pytest.fixture
def report(db):
    build_statistics_fixture(db)
    return statistics.report(db, YEAR)


@pytest.fixture
def workbook_bytes(db, report):
    return xlsx.statistics_workbook(report, labels(), statistics.iter_lines(db, YEAR),
                                    organisation="Testkommune & co", rows_per_sheet=3)


def header_row(sheet) -> int:
    table = next(iter(sheet.tables.values()))
    return int(re.match(r"A(\d+):", table.ref).group(1))


def data_rows(sheet):
    """The table's rows (not the title lines above it or the notes below it)."""
    table = next(iter(sheet.tables.values()))
    last = int(re.search(r"(\d+)$", table.ref).group(1))
    return list(sheet.iter_rows(min_row=header_row(sheet) + 1, max_row=last))


def by_id(sheet) -> dict:
    return {row[0].value: row for row in data_rows(sheet) if row[0].value}


def test_sheets_and_names(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    expected = []
    for name in DATA_SHEETS:
        expected.append(name)
        if name in CHART_SHEETS:
            expected.append(f"{name}, chart")
    assert book.sheetnames == expected
    assert all(len(name) <= 31 for name in book.sheetnames)
    for sheet in book.worksheets:
        top = header_row(sheet)
        assert top > 1, sheet.title  # title lines above the table
        assert sheet.freeze_panes == f"A{top + 1}", sheet.title
        assert len(sheet.tables) == 1, sheet.title
        table = next(iter(sheet.tables.values()))
        headers = [cell.value for cell in sheet[top]][:len(table.tableColumns)]
        assert [column.name for column in table.tableColumns] == headers


def test_every_sheet_names_the_period_and_the_organisation(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        assert sheet["A1"].value == f"{sheet.title} – Testkommune & co", sheet.title
        assert sheet["A2"].value == PERIOD, sheet.title
    assert book["Summary"]["A3"].value == (
        "Previous period: January 1, 2024 to December 31, 2024")


def test_print_setup_on_every_sheet(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert setup.paperSize == 9, sheet.title  # A4
        top = header_row(sheet)
        assert sheet.print_title_rows == f"${top}:${top}", sheet.title  # repeated on each page
        header = sheet.oddHeader
        assert header.left.text == "Procurement statistics – Testkommune && co"  # & escaped
        assert header.center.text == "&A"  # the sheet's name
        assert header.right.text == PERIOD
        assert sheet.oddFooter.center.text == "Page &P of &N"
    orientation = {sheet.title: sheet.page_setup.orientation for sheet in book.worksheets}
    for wide in ("Summary", "Definitions", "By procedure", "Lines 1"):
        assert orientation[wide] == "landscape"
    for narrow in ("Green by basis", "Innovation by track", "Data quality"):
        assert orientation[narrow] == "portrait"


def test_charts_are_alone_on_chart_sheets_after_their_data(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    assert all(not sheet._charts for sheet in book.worksheets)  # none split across pages
    assert [sheet.title for sheet in book.chartsheets] == [
        f"{name}, chart" for name in DATA_SHEETS if name in CHART_SHEETS]
    for chart_sheet in book.chartsheets:
        index = book.sheetnames.index(chart_sheet.title)
        assert chart_sheet.title == f"{book.sheetnames[index - 1]}, chart"
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
        # A chart sheet's chart with no size is invisible in LibreOffice.
        assert re.search(r'<ext cx="[1-9]\d*" cy="[1-9]\d*"', drawing)
        sheet = archive.read("xl/chartsheets/sheet1.xml").decode()
        assert 'orientation="landscape"' in sheet and "Page &amp;P of &amp;N" in sheet


def test_summary_has_value_previous_change_and_coverage(workbook_bytes):
    sheet = load_workbook(io.BytesIO(workbook_bytes))["Summary"]
    assert [cell.value for cell in sheet[header_row(sheet)]] == [
        "Indicator id", "Indicator", "Value", "Previous period",
        "Change from the previous period", "Coverage", "Note"]
    rows = by_id(sheet)
    sme = rows["sme_share_value"]
    assert sme[1].value == "SME share of spend"
    # S2's June credit note counts 0 (the credit-note rule): 1500 of 4500 known, 5200 in all.
    assert sme[2].value == pytest.approx(1500 / 4500) and sme[2].number_format == "0.0%"
    assert sme[3].value == pytest.approx(1.0) and sme[3].number_format == "0.0%"
    # Shares change in percentage points: 33.3 % - 100 % = -66.7 pp.
    assert sme[4].value == pytest.approx((1500 / 4500 - 1) * 100)
    assert sme[4].number_format == '+0.0" pp";-0.0" pp";0.0" pp"'
    assert sme[5].value == pytest.approx(4500 / 5200) and sme[5].number_format == "0.0%"
    days = rows["decision_days_avg"]
    assert days[2].value == pytest.approx(37.5) and days[2].number_format == "0.0"
    assert days[3].value == pytest.approx(10)
    # Other figures change in percent: 37.5 days against 10 is +275 %.
    assert days[4].value == pytest.approx(2.75) and days[4].number_format == xlsx.CHANGE_PERCENT
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
            for cell in row[2:6]:
                assert cell.value is None or isinstance(cell.value, int | float), key


def test_change_is_empty_with_a_reason_when_either_period_is_unknown(workbook_bytes):
    rows = by_id(load_workbook(io.BytesIO(workbook_bytes))["Summary"])
    unknown_before = [row for row in rows.values() if row[3].value is None]
    assert unknown_before  # the fixture has figures with nothing in 2024
    for row in unknown_before:
        assert row[4].value is None, row[0].value
        assert row[3].comment.text == "Not known for the previous period."
        assert row[4].comment.text.startswith("No change can be given")
        assert "Not known for the previous period." in row[6].value


def test_unknown_values_are_empty_with_a_reason_never_zero(db, report):
    figures = dict(report.figures)
    # Innovative tenders, none with an estimated value: the sum is not known, not 0 kr.
    figures["innovation_value"] = Figure(0.0, 0.0, 2)
    figures["sme_bids_share"] = Figure(None, None, 0)
    breakdowns = dict(report.breakdowns)
    procedure = breakdowns["procedure"]
    breakdowns["procedure"] = replace(procedure, rows=[
        {**procedure.rows[0], "amount": None, "single_bidder_share": None}, *procedure.rows[1:]])
    category = breakdowns["category"]
    breakdowns["category"] = replace(category, rows=[
        {**category.rows[0], "sme_share": None}, *category.rows[1:]])
    changed = replace(report, figures=figures, breakdowns=breakdowns)
    book = load_workbook(io.BytesIO(xlsx.statistics_workbook(changed, labels())))
    rows = by_id(book["Summary"])
    value = rows["innovation_value"]
    assert value[2].value is None and value[4].value is None
    assert "coverage 0 percent" in value[2].comment.text and "coverage 0" in value[6].value
    bids = rows["sme_bids_share"]
    assert bids[2].value is None and "nothing to measure" in bids[6].value
    first = data_rows(book["By procedure"])[0]
    assert first[5].value is None and "states a value" in first[5].comment.text
    assert first[2].value is None and "number of tenders" in first[2].comment.text
    first = data_rows(book["By category"])[0]
    assert first[4].value is None and "known size" in first[4].comment.text
    # Comments do not print: the page says what an empty cell means.
    sheet = book["By category"]
    below = [row[0].value for row in sheet.iter_rows(min_row=sheet.max_row)]
    assert below == ["An empty cell is a figure that is not known; its comment says why."]
    assert book["By size class"].max_row == header_row(book["By size class"]) + len(
        data_rows(book["By size class"]))  # nothing unknown there, no note


def test_breakdowns_are_typed_numbers_and_months_are_dates(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    size = book["By size class"]
    amounts = {row[0].value: row[3] for row in data_rows(size)}
    assert amounts["size:small"].value == pytest.approx(1000)
    assert amounts["size:small"].number_format == xlsx.NOK
    assert isinstance(amounts["size:unknown"].value, int | float)  # a number, not text
    months = data_rows(book["Over time"])
    assert [row[0].value for row in months[:2]] == [datetime(2025, 1, 1), datetime(2025, 2, 1)]
    assert all(row[0].is_date and row[0].number_format == "[$-809]mmm yyyy" for row in months)


def test_data_quality_totals_are_numbers_formatted_by_excel(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    totals = {row[0].value: row for row in data_rows(book["Data quality"])}
    invalid = totals["quality:invalid"]
    assert invalid[1].value == 1 and invalid[1].number_format == xlsx.COUNT
    assert invalid[2].value == pytest.approx(100) and invalid[2].number_format == xlsx.NOK
    assert invalid[3].value == 1
    # No sheet holds a number written as text ("1 898 105.72 kr").
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not re.search(r"\d[ ,]\d{3}|\d kr|NOK$", cell.value), cell.value


def test_notes_below_a_table_stay_within_its_printed_width():
    note = "A note that runs on for much longer than the two narrow columns of this table. " * 3
    data = xlsx.WorkbookData([xlsx.Sheet("T", [xlsx.Column("Name", width=10),
                                               xlsx.Column("Amount", xlsx.NOK, 10)],
                                         [("a", 1.0)], notes=[note])])
    sheet = load_workbook(io.BytesIO(xlsx.build_workbook(data)))["T"]
    width = sum(sheet.column_dimensions[letter].width for letter in "AB")
    lines = [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value]
    assert " ".join(lines) == note.strip()
    assert len(lines) > 1 and all(len(line) <= width / 0.9 for line in lines)


def test_filters_are_named_under_the_period_within_the_printed_width(report):
    filters = replace(report.filters, department="Teknisk drift og eiendomsforvaltning",
                      category="Bygg og vedlikehold", procedure="open")
    data = xlsx.statistics_workbook(replace(report, filters=filters), labels())
    sheet = load_workbook(io.BytesIO(data))["Green by basis"]
    width = sum(sheet.column_dimensions[letter].width for letter in "ABC")
    titles = [row[0].value for row in sheet.iter_rows(max_row=header_row(sheet) - 2)]
    assert titles[1] == PERIOD
    assert " ".join(titles[2:]) == ("Department: Teknisk drift og eiendomsforvaltning; "
                                    "Category: Bygg og vedlikehold; Procedure: open")
    assert len(titles) > 3 and all(len(title) * 1.02 * 0.9 <= width for title in titles[1:])


def test_definitions_and_labels_wrap_and_fit(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    sheet = book["Definitions"]
    top = header_row(sheet)
    headers = [cell.value for cell in sheet[top]]
    assert headers[:6] == ["Indicator id", "Indicator", "Definition", "Formula", "Source",
                           "Coverage means"]
    definition = headers.index("Definition")
    for row in data_rows(sheet):
        cell = row[definition]
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        width = sheet.column_dimensions[cell.column_letter].width
        assert 30 <= width <= 50
        if len(cell.value) > width:  # wrapped onto more lines: the row is tall enough
            assert sheet.row_dimensions[cell.row].height >= 30
    labels_column = by_id(book["Summary"])["green_by_basis.combination"][1]
    assert labels_column.alignment.wrap_text


def test_headers_wrap_at_spaces_and_never_inside_a_word(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        for cell in sheet[header_row(sheet)]:
            assert cell.alignment.wrap_text, (sheet.title, cell.value)
            width = sheet.column_dimensions[cell.column_letter].width
            longest = max(len(word) for word in cell.value.split())
            # Room for the longest word in bold, and for the filter button beside it.
            assert width >= round(longest * 1.1 + 3, 6), (sheet.title, cell.value, width)


def test_norwegian_workbook(app, db, report):
    from flask_babel import force_locale

    from procure.web.controller.labels import export_labels

    with app.test_request_context(), force_locale("nb"):
        data = xlsx.statistics_workbook(report, export_labels(), organisation="Testkommune")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:3] == ["Sammendrag", "Etter størrelse", "Etter størrelse, diagram"]
    summary = book["Sammendrag"]
    assert summary["A2"].value == "Perioden 1. januar 2025 til 31. desember 2025"
    assert summary.oddFooter.center.text == "Side &P av &N"
    assert summary.oddHeader.right.text == "Perioden 1. januar 2025 til 31. desember 2025"
    assert by_id(summary)["sme_share_value"][4].number_format == (
        '+0.0" %-poeng";-0.0" %-poeng";0.0" %-poeng"')
    month = data_rows(book["Over tid"])[0][0]
    assert month.is_date and month.number_format == "[$-414]mmm yyyy"  # Norwegian month names
    for sheet in book.worksheets:
        for cell in sheet[header_row(sheet)]:
            longest = max(len(word) for word in cell.value.split())
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= round(longest * 1.1 + 3, 6), (sheet.title, cell.value, width)


def test_lines_are_split_with_dates_as_dates_and_text_as_text(workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    lines = [row for name in ("Lines 1", "Lines 2", "Lines 3") for row in data_rows(book[name])]
    assert [len(data_rows(book[name])) for name in ("Lines 1", "Lines 2", "Lines 3")] == [
        3, 3, 1]
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
        assert len([name for name in archive.namelist()
                    if name.startswith("xl/chartsheets/sheet")]) == 9


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
    assert text.splitlines() == ['"row";"field";"reason"', '"2";"navn";"Missing value"',
                                 '"3";"\'=cmd";"\'=HYPERLINK(1)"']
    assert safe_cell("-1") == "'-1" and safe_cell(5) == 5
