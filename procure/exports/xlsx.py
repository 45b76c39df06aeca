"""The statistics workbook: data in, bytes out (openpyxl, write-only, so memory stays flat).

Sheets: Summary (A id, B label, C value, D coverage), one per breakdown as an Excel table with
a native chart, Definitions, Data quality, and optionally the raw lines split across sheets
before Excel's row limit. Every sheet has a frozen header row and a table (so an autofilter);
numbers are numbers with NOK or percent formats, dates are dates. User text is always written
as text: a supplier called "=HYPERLINK(…)" or "#N/A" stays a string.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice, repeat
from operator import itemgetter
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from procure.errors import N_

EXCEL_MAX_ROWS = 1_048_576
SHEET_NAME_MAX = 31
NOK = '#,##0.00 "kr"'
NOK_WHOLE = '#,##0 "kr"'
PERCENT = "0.0%"
DAYS = "0.0"
COUNT = "#,##0"
DATE = "yyyy-mm-dd"
TEXT = None
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    title: str
    format: str | None = TEXT  # a number format, or None for text
    width: float = 14


@dataclass
class Sheet:
    """One table: a title for the sheet, columns, and rows of plain values."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    chart: Chart | None = None
    notes: Sequence[str] = ()  # lines written below the table


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | column | line | pie
    title: str
    label_column: int  # 1-based column of the categories
    value_columns: tuple[int, ...]  # 1-based columns of the series
    value_format: str | None = None


@dataclass
class WorkbookData:
    sheets: list[Sheet] = field(default_factory=list)
    title: str = ""


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name of at most 31 characters."""
    clean = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'") or "Sheet"
    candidate = clean[:SHEET_NAME_MAX]
    number = 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate = clean[:SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def safe_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format (the Summary's value column mixes units)."""

    value: Any
    format: str | None


def _cell(sheet, value: Any, number_format: str | None = None):
    """A value for `append`: plain values pass as they are (fast); text that openpyxl would
    take for a formula or an error value becomes a cell forced to text; numbers and dates with
    a format become formatted cells."""
    if isinstance(value, Formatted):
        value, number_format = value.value, value.format
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = safe_text(value)
        if value[:1] != "=" and value not in ERROR_CODES:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if number_format is None or value is None or not isinstance(
            value, int | float | date | datetime):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _table_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "Table"
    if not base[0].isalpha():
        base = "T_" + base
    candidate, number = base[:200], 2
    while candidate.lower() in taken:
        candidate, number = f"{base[:190]}_{number}", number + 1
    taken.add(candidate.lower())
    return candidate


def _headers(columns: Sequence[Column]) -> list[str]:
    """Table column names must be unique, non-empty strings."""
    seen: set[str] = set()
    names = []
    for index, column in enumerate(columns, start=1):
        name = safe_text(column.title).replace("\n", " ").strip() or f"Column {index}"
        while name.casefold() in seen:
            name += " "
        seen.add(name.casefold())
        names.append(name)
    return names


def _write_sheet(workbook: Workbook, spec: Sheet, name: str, table_names: set[str],
                 stream: IO[str] | None = None) -> int:
    """Write one sheet; returns the number of data rows. With `stream`, the data rows are
    written there as worksheet XML (see `_row_xml`) and spliced in after saving."""
    sheet = workbook.create_sheet(title=name)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True)
    headers = _headers(spec.columns)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.data_type = "s"
        cell.font = header_font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = [column.format for column in spec.columns]
    count = 0
    if stream is not None:
        count = _stream_rows(sheet, spec, stream)
    else:
        for row in spec.rows:
            sheet.append([_cell(sheet, value, number_format)
                          for value, number_format in zip(row, formats, strict=True)])
            count += 1
    last_column = get_column_letter(len(spec.columns))
    if count == 0:
        sheet.append([None] * len(spec.columns))  # a table needs a data row
    reference = f"A1:{last_column}{max(count, 1) + 1}"
    table = Table(displayName=_table_name(name, table_names), ref=reference)
    table.tableColumns = [TableColumn(id=index, name=title)
                          for index, title in enumerate(headers, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # openpyxl warns in write-only mode; columns are set
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        sheet.add_table(table)
    if spec.notes:
        sheet.append([])
        for note in spec.notes:
            sheet.append([_cell(sheet, note)])
    if spec.chart is not None and count > 0:
        anchor = f"{get_column_letter(len(spec.columns) + 2)}2"
        sheet.add_chart(_chart(sheet, spec.chart, count), anchor)
    return count


def _chart(sheet, spec: Chart, rows: int):
    if spec.kind == "pie":
        chart = PieChart()
    elif spec.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
    chart.title = spec.title
    chart.height, chart.width = 9, 16
    categories = Reference(sheet, min_col=spec.label_column, min_row=2, max_row=rows + 1)
    for column in spec.value_columns:
        data = Reference(sheet, min_col=column, min_row=1, max_row=rows + 1)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    if spec.kind != "pie":
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if spec.value_format:
            chart.y_axis.number_format = spec.value_format
            chart.y_axis.majorGridlines = None
        if spec.kind == "bar":
            chart.x_axis.scaling.orientation = "maxMin"  # largest first, as in the table
        if len(spec.value_columns) == 1:
            chart.legend = None
    return chart


def build_workbook(data: WorkbookData, lines: Iterable[Sequence[Any]] | None = None,
                   line_sheet: Callable[[int], Sheet] | None = None, *,
                   rows_per_sheet: int = EXCEL_MAX_ROWS - 1) -> bytes:
    """Write the sheets, then the raw lines (if given) across as many sheets as needed.

    openpyxl spends a few microseconds on every cell; for the raw lines (a million cells per
    100,000 lines) the rows are written as worksheet XML to a temporary file instead, with the
    number formats openpyxl registered, and spliced into the saved package. Memory stays flat.
    """
    workbook = Workbook(write_only=True)
    if data.title:
        workbook.properties.title = data.title
    names: set[str] = set()
    tables: set[str] = set()
    for spec in data.sheets:
        _write_sheet(workbook, spec, sheet_name(spec.name, names), tables)
    streamed: list[tuple[int, IO[str], int, str]] = []
    with ExitStack() as files:
        if lines is not None and line_sheet is not None:
            iterator = iter(lines)
            number = 1
            while True:
                chunk = _take(iterator, rows_per_sheet)
                first = next(chunk, None)
                if first is None and number > 1:
                    break
                spec = line_sheet(number)
                spec.rows = _prepend(first, chunk)
                stream = (files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
                          if first is not None else None)
                count = _write_sheet(workbook, spec, sheet_name(spec.name, names), tables,
                                     stream)
                if stream is not None:
                    streamed.append((len(workbook.worksheets), stream, count + 1,
                                     get_column_letter(len(spec.columns))))
                number += 1
                if first is None:
                    break
        buffer = io.BytesIO()
        workbook.save(buffer)
        return _splice(buffer.getvalue(), streamed) if streamed else buffer.getvalue()


_EPOCH = date(1899, 12, 30)


def _stream_rows(sheet, spec: Sheet, stream: IO[str]) -> int:
    """Write spec.rows as <row> elements (row 2 on), one per line; returns the count.

    Rows go in chunks, column by column: a column whose values in the chunk are all of one
    plain type (text, number or date, with empty cells) is written with one comprehension;
    anything else sends the chunk through `_row_xml`, one row at a time."""
    letters = [get_column_letter(index) for index in range(1, len(spec.columns) + 1)]
    styles = []
    for column in spec.columns:
        if column.format is None:
            styles.append("")
            continue
        sample = WriteOnlyCell(sheet, value=0)
        sample.number_format = column.format
        styles.append(f' s="{sample.style_id}"')  # registers the format in the workbook
    count = 0
    rows = iter(spec.rows)
    while chunk := list(islice(rows, _CHUNK)):
        stream.write(_chunk_xml(count + 2, chunk, letters, styles))
        count += len(chunk)
    return count


_CHUNK = 2_000
_EMPTY = {type(None)}
_TEXT, _NUMBERS, _DATES = {str}, ({int}, {float}, {int, float}), {date}
_ESCAPES = re.compile(r"[&<>]")


def _chunk_xml(first: int, chunk: list[Sequence[Any]], letters: list[str],
               styles: list[str]) -> str:
    numbers = range(first, first + len(chunk))
    columns = []
    for values, letter, style in zip(zip(*chunk, strict=True), letters, styles, strict=True):
        kinds = set(map(type, values)) - _EMPTY
        if not kinds:
            continue
        if kinds == _TEXT:
            if None in values:
                values = ["" if value is None else value for value in values]
            joined = "\n".join(values)  # a newline is legal, and in no escape
            if ILLEGAL_CHARACTERS_RE.search(joined):
                values = [safe_text(value) for value in values]
            if _ESCAPES.search(joined):
                values = [xml_escape(value) for value in values]
            columns.append([f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                            f"{value}</t></is></c>" if value else ""
                            for number, value in zip(numbers, values, strict=True)])
        elif kinds in _NUMBERS:
            columns.append([f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>'
                            if value is not None else ""
                            for number, value in zip(numbers, values, strict=True)])
        elif kinds == _DATES:
            columns.append([f'<c r="{letter}{number}"{style}><v>{(value - _EPOCH).days}</v></c>'
                            if value is not None else ""
                            for number, value in zip(numbers, values, strict=True)])
        else:  # booleans, datetimes, a mix: the general path
            return "".join(_row_xml(number, row, letters, styles)
                           for number, row in zip(numbers, chunk, strict=True))
    starts = [f'<row r="{number}">' for number in numbers]
    return "".join(map("".join, zip(starts, *columns, repeat("</row>\n"))))


def _row_xml(number: int, row: Sequence[Any], letters: list[str], styles: list[str]) -> str:
    parts = [f'<row r="{number}">']
    for value, letter, style in zip(row, letters, styles, strict=True):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = safe_text(value)
            if "&" in value or "<" in value or ">" in value:
                value = xml_escape(value)
            parts.append(f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                         f"{value}</t></is></c>")
        elif isinstance(value, bool):
            parts.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, datetime):
            serial = (value - datetime(1899, 12, 30, tzinfo=value.tzinfo)).total_seconds() / 86400
            parts.append(f'<c r="{letter}{number}"{style}><v>{serial!r}</v></c>')
        elif isinstance(value, date):
            parts.append(f'<c r="{letter}{number}"{style}><v>{(value - _EPOCH).days}</v></c>')
        else:
            parts.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
    parts.append("</row>\n")
    return "".join(parts)


def _splice(package: bytes, streamed: list[tuple[int, IO[str], int, str]]) -> bytes:
    """Put the streamed rows into their worksheets' <sheetData>, copying the rest as is."""
    by_path = {f"xl/worksheets/sheet{index}.xml": (stream, last, column)
               for index, stream, last, column in streamed}
    output = io.BytesIO()
    # Level 1: the line sheets are large and repetitive; fast compression costs little size.
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(
            output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if item.filename not in by_path:
                target.writestr(item, source.read(item.filename))
                continue
            stream, last, column = by_path[item.filename]
            xml = source.read(item.filename).decode("utf-8")
            head, tail = xml.split("</sheetData>", 1)
            head = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{column}{last}"/>',
                          head, count=1)
            with target.open(item.filename, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                stream.seek(0)
                while block := stream.read(1 << 20):
                    out.write(block.encode("utf-8"))
                out.write(("</sheetData>" + tail).encode("utf-8"))
    return output.getvalue()


def _take(iterator, count: int):
    for _index in range(count):
        try:
            yield next(iterator)
        except StopIteration:
            return


def _prepend(first, rest):
    if first is not None:
        yield first
        yield from rest


# --- the statistics workbook ------------------------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """Translated text, supplied by the caller (the export itself knows no language)."""

    text: Callable[..., str]  # msgid, **params -> text
    key: Callable[[str, str], str]  # (breakdown id, key) -> label


UNIT_FORMATS = {"share": PERCENT, "count": COUNT, "days": DAYS, "nok": NOK_WHOLE}


def statistics_workbook(report, labels: Labels, lines: Iterable[dict] | None = None, *,
                        rows_per_sheet: int = EXCEL_MAX_ROWS - 1) -> bytes:
    """The controller's workbook for a `procure.services.statistics.Report`."""
    from procure.domain.statistics import CLIMATE_BASES, INDICATORS

    _ = labels.text
    f = report.filters
    period = _("Period %(start)s to %(end)s", start=f.date_from.isoformat(),
               end=f.date_to.isoformat())
    summary_rows = []
    for indicator in INDICATORS:
        figure = report.figures[indicator.id]
        previous = report.previous[indicator.id]
        coverage = Formatted(figure.coverage, PERCENT)
        if indicator.unit == "split":
            for basis in CLIMATE_BASES:
                value = figure.value.get(basis) if isinstance(figure.value, dict) else None
                before = previous.value.get(basis) if isinstance(previous.value, dict) else None
                summary_rows.append((f"{indicator.id}.{basis}",
                                     f"{_(indicator.label)}: {labels.key('green_basis', basis)}",
                                     Formatted(value, PERCENT), coverage,
                                     Formatted(before, PERCENT)))
            continue
        number_format = UNIT_FORMATS[indicator.unit]
        summary_rows.append((indicator.id, _(indicator.label),
                             Formatted(figure.value, number_format), coverage,
                             Formatted(previous.value, number_format)))
    previous_filters = f.previous()
    sheets = [Sheet(
        _("Summary"),
        [Column(_("Indicator id"), width=28), Column(_("Indicator"), width=40),
         Column(_("Value"), width=16), Column(_("Coverage"), PERCENT, 12),
         Column(_("Previous period"), width=16)],
        summary_rows,
        notes=[period,
               _("Previous period: %(start)s to %(end)s",
                 start=previous_filters.date_from.isoformat(),
                 end=previous_filters.date_to.isoformat()),
               *_filter_notes(f, _),
               _("Shares are fractions of what is known; the coverage says how much is known. "
                 "Definitions are on the sheet Definitions."),
               _("Generated %(moment)s",
                 moment=report.generated_at.strftime("%Y-%m-%d %H:%M UTC"))],
    )]
    sheets.extend(_breakdown_sheets(report, labels))
    sheets.append(Sheet(
        _("Definitions"),
        [Column(_("Indicator id"), width=26), Column(_("Indicator"), width=30),
         Column(_("Definition"), width=60), Column(_("Formula"), width=50),
         Column(_("Source"), width=40), Column(_("Coverage means"), width=40),
         Column(_("Coverage"), PERCENT, 12), Column(_("Filters that apply"), width=30),
         Column(_("EU reference"), width=30)],
        [(i.id, _(i.label), _(i.description), _(i.formula), _(i.source), _(i.coverage),
          report.figures[i.id].coverage, ", ".join(_(FILTER_NAMES[name]) for name in i.filters),
          _(i.reference) if i.reference else "") for i in INDICATORS],
    ))
    quality = report.quality
    sheets.append(Sheet(
        _("Data quality"),
        [Column(_("Issue"), width=34), Column(_("Organisation number"), width=20),
         Column(_("Supplier"), width=36), Column(_("Size rule"), width=18),
         Column(_("Lines"), COUNT, 10), Column(_("Amount (NOK)"), NOK, 18)],
        [(labels.key("quality", row["issue"]), row["orgnr"], row["name"],
          labels.key("size_basis", row["basis"]) if row["basis"] else "", row["lines"],
          row["amount"]) for row in quality.rows],
        notes=[_("%(issue)s: %(lines)d lines, %(amount)s NOK, %(suppliers)d organisation numbers",
                 issue=labels.key("quality", issue), lines=int(totals["lines"]),
                 amount=f"{totals['amount']:,.2f}".replace(",", " "),
                 suppliers=int(totals["suppliers"]))
               for issue, totals in quality.totals.items()],
    ))
    data = WorkbookData(sheets, _("Procurement statistics"))
    if lines is None:
        return build_workbook(data)
    return build_workbook(data, _line_rows(lines, labels),
                          lambda number: _line_sheet(number, _), rows_per_sheet=rows_per_sheet)


FILTER_NAMES = {"period": N_("Period"), "department": N_("Department"),
                "cpv": N_("CPV division"), "category": N_("Category"),
                "procedure": N_("Procedure")}


def _filter_notes(f, _) -> list[str]:
    notes = []
    for name, value in (("department", f.department), ("cpv", f.cpv_division),
                        ("category", f.category), ("procedure", f.procedure)):
        if value:
            notes.append(f"{_(FILTER_NAMES[name])}: {value}")
    notes.append(_("Home kommune %(kommune)s; region %(region)s; start-ups: founded within "
                   "%(years)d years", kommune=f.home_kommune, region=", ".join(f.region),
                   years=f.startup_years))
    return notes


def _breakdown_sheets(report, labels: Labels) -> list[Sheet]:
    _ = labels.text
    b = report.breakdowns
    amount = Column(_("Amount (NOK)"), NOK, 18)
    share = Column(_("Share of spend"), PERCENT, 14)
    sme_share = Column(_("SME share (known size)"), PERCENT, 16)
    lines = Column(_("Lines"), COUNT, 10)

    def key(breakdown: str, value: str) -> str:
        return labels.key(breakdown, value)

    return [
        Sheet(_("By size class"),
              [Column(_("Size class"), width=22), Column(_("Suppliers"), COUNT, 12), lines,
               amount, share],
              [(key("size", r["key"]), r["suppliers"], r["lines"], r["amount"], r["share"])
               for r in b["size"].rows],
              Chart("bar", _("Spend by size class"), 1, (4,), NOK_WHOLE)),
        Sheet(_("By kommune"),
              [Column(_("Kommunenummer"), width=16), Column(_("Kommune"), width=24),
               Column(_("Suppliers"), COUNT, 12), lines, amount, share],
              [(r["key"] if r["key"] not in ("", "__other__") else "",
                key("kommune", r["key"]), r["suppliers"], r["lines"], r["amount"], r["share"])
               for r in b["kommune"].rows],
              Chart("bar", _("Spend by kommune"), 2, (5,), NOK_WHOLE)),
        Sheet(_("By category"),
              [Column(_("Category"), width=30), lines, amount, share, sme_share],
              [(key("category", r["key"]), r["lines"], r["amount"], r["share"], r["sme_share"])
               for r in b["category"].rows],
              Chart("bar", _("Spend by category"), 1, (3,), NOK_WHOLE)),
        Sheet(_("By department"),
              [Column(_("Department"), width=30), lines, amount, share, sme_share],
              [(key("department", r["key"]), r["lines"], r["amount"], r["share"],
                r["sme_share"]) for r in b["department"].rows],
              Chart("bar", _("Spend by department"), 1, (3,), NOK_WHOLE)),
        Sheet(_("By CPV division"),
              [Column(_("CPV division"), width=14), Column(_("Description"), width=40), lines,
               amount, share, sme_share],
              [(r["key"] if r["key"] not in ("", "__other__") else "", key("cpv", r["key"]),
                r["lines"], r["amount"], r["share"], r["sme_share"]) for r in b["cpv"].rows],
              Chart("bar", _("Spend by CPV division"), 2, (4,), NOK_WHOLE)),
        Sheet(_("Over time"),
              [Column(_("Month"), width=12), lines, amount,
               Column(_("SME amount (NOK)"), NOK, 18), sme_share],
              [(r["key"], r["lines"], r["amount"], r["sme_amount"], r["sme_share"])
               for r in b["month"].rows],
              Chart("column", _("Spend by month"), 1, (3, 4), NOK_WHOLE)),
        Sheet(_("By procedure"),
              [Column(_("Procedure"), width=34), Column(_("Awards"), COUNT, 10),
               Column(_("Single-bidder share"), PERCENT, 14),
               Column(_("Price-only share"), PERCENT, 14),
               Column(_("Average decision time (days)"), DAYS, 16),
               Column(_("Awarded value (NOK)"), NOK, 18),
               Column(_("Awards won by an SME"), COUNT, 14)],
              [(key("procedure", r["key"]), r["awards"], r["single_bidder_share"],
                r["price_only_share"], r["decision_days_avg"], r["amount"], r["sme_awards"])
               for r in b["procedure"].rows],
              Chart("bar", _("Awards by procedure"), 1, (2,), COUNT)),
        Sheet(_("Green by basis"),
              [Column(_("Basis"), width=40), Column(_("Tenders"), COUNT, 10),
               Column(_("Share of green tenders"), PERCENT, 16)],
              [(key("green_basis", r["key"]), r["tenders"], r["share"])
               for r in b["green_basis"].rows],
              Chart("pie", _("How § 7-9 was met"), 1, (2,))),
        Sheet(_("Innovation by track"),
              [Column(_("Track"), width=34), Column(_("Tenders"), COUNT, 10),
               Column(_("Estimated value (NOK)"), NOK, 20)],
              [(key("track", r["key"]), r["tenders"], r["amount"])
               for r in b["innovation_track"].rows],
              Chart("bar", _("Innovative procurements by track"), 1, (3,), NOK_WHOLE)),
    ]


LINE_KEYS = ("invoice_id", "line_no", "invoice_date", "supplier_orgnr", "supplier_name",
             "size_class", "kommunenummer", "amount", "account", "category", "cpv_code",
             "department")


def _line_rows(lines: Iterable[dict], labels: Labels):
    size_labels: dict[str, str] = {}  # one translation per size class, not one per line
    values = itemgetter(*LINE_KEYS)
    for line in lines:
        size = line["size_class"]
        if size not in size_labels:
            size_labels[size] = labels.key("size", size)
        line["size_class"] = size_labels[size]
        yield values(line)


def _line_sheet(number: int, _) -> Sheet:
    return Sheet(_("Lines %(number)d", number=number), [
        Column(_("Invoice"), width=18), Column(_("Line"), COUNT, 7),
        Column(_("Date"), DATE, 12), Column(_("Organisation number"), width=14),
        Column(_("Supplier"), width=32), Column(_("Size class"), width=10),
        Column(_("Kommunenummer"), width=10), Column(_("Amount (NOK)"), NOK, 16),
        Column(_("Account"), width=10), Column(_("Category"), width=22),
        Column(_("CPV"), width=12), Column(_("Department"), width=22)], [])
