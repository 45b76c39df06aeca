"""A workbook writer: sheets of typed rows in, .xlsx bytes out (openpyxl, write-only, so memory
stays flat).

Every sheet has a few title lines (what it is, for whom, for which period), then an Excel table
(so an autofilter) whose header row is frozen and repeated on every printed page. Numbers are
numbers with a number format, dates are dates, and a value that is not known is an empty cell
with a comment saying why (`Unknown`), never 0. Column widths are fitted to the words in them,
so a header wraps at spaces and never inside a word. A chart goes on a chart sheet of its own,
right after its data, so it prints whole on one page. User text is always written as text: a
supplier called "=HYPERLINK(…)" or "#N/A" stays a string.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import textwrap
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice, repeat
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.spreadsheet_drawing import AbsoluteAnchor
from openpyxl.drawing.xdr import XDRPoint2D, XDRPositiveSize2D
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from procure.exports.workbook.printing import PageText, setup_chartsheet, setup_sheet

EXCEL_MAX_ROWS = 1_048_576
SHEET_NAME_MAX = 31
# Number formats are stored in Excel's en-US notation; Excel and LibreOffice show them with the
# reader's own separators (1 898 105,72 kr in Norway).
NOK = '#,##0.00 "kr"'
NOK_WHOLE = '#,##0 "kr"'
PERCENT = "0.0%"
CHANGE_PERCENT = "+0.0%;-0.0%;0.0%"
DAYS = "0.0"
COUNT = "#,##0"
DATE = "yyyy-mm-dd"
TEXT = None
COMMENT_AUTHOR = "procure"
FONT = "Calibri"  # the workbook's default font; a bold cell without a name gets a serif
EMU_PER_INCH = 914_400
# A landscape A4 page within the print margins (10.9 x 6.9 inches), a little less.
CHART_WIDTH, CHART_HEIGHT = int(10.4 * EMU_PER_INCH), int(6.5 * EMU_PER_INCH)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """A column: its title, a number format (None for text) and its width in characters.

    The width is a minimum: it grows to fit the longest word of the title and, unless the column
    wraps, the widest value (up to `max_width`). A wrapping column keeps its width and wraps its
    text at spaces."""

    title: str
    format: str | None = TEXT
    width: float = 14
    wrap: bool = False
    max_width: float = 60


@dataclass
class Sheet:
    """One table: a title for the sheet, columns, and rows of plain values."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    chart: Chart | None = None
    notes: Sequence[str] = ()  # lines written below the table
    title_lines: Sequence[str] = ()  # lines above the table; the first is the heading


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | column | line | pie
    title: str
    label_column: int  # 1-based column of the categories
    value_columns: tuple[int, ...]  # 1-based columns of the series
    value_format: str | None = None
    sheet: str = ""  # the name of its chart sheet (default: the title)


@dataclass
class WorkbookData:
    sheets: list[Sheet] = field(default_factory=list)
    title: str = ""
    page: PageText = field(default_factory=PageText)  # page header and footer, every sheet


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format (the Summary's value column mixes units)."""

    value: Any
    format: str | None


@dataclass(frozen=True)
class Unknown:
    """A value that is not known: written as an empty cell whose comment gives the reason."""

    reason: str


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name of at most 31 characters."""
    clean = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'") or "Sheet"
    candidate = clean[:SHEET_NAME_MAX].rstrip()
    number = 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate = clean[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def safe_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet, value: Any, number_format: str | None = None,
          alignment: Alignment | None = None):
    """A value for `append`: plain values pass as they are (fast); text that openpyxl would
    take for a formula or an error value becomes a cell forced to text; numbers and dates with
    a format become formatted cells; an `Unknown` becomes an empty cell with a comment."""
    if isinstance(value, Formatted):
        value, number_format = value.value, value.format
    if isinstance(value, Unknown):
        cell = WriteOnlyCell(sheet, value=None)
        comment = Comment(safe_text(value.reason), COMMENT_AUTHOR)
        comment.width, comment.height = 240, 90  # points; the default box cuts sentences off
        cell.comment = comment
        return cell
    if value == "":
        return None
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = safe_text(value)
        if alignment is None and value[:1] != "=" and value not in ERROR_CODES:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        if alignment is not None:
            cell.alignment = alignment
        return cell
    if number_format is None or value is None or not isinstance(
            value, int | float | date | datetime):
        return value
    # The stubs leave out date, which openpyxl writes as a date serial.
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
    cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
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


# --- column widths ------------------------------------------------------------------------------

_QUOTED = re.compile(r'"([^"]*)"')
_DECIMALS = re.compile(r"\.(0+)")
FILTER_BUTTON = 3  # characters the table's filter button covers at the right of a header


def shown_length(value: Any, number_format: str | None) -> int:
    """About how many characters a value takes on screen with its number format."""
    if isinstance(value, Formatted):
        value, number_format = value.value, value.format
    if value is None or isinstance(value, Unknown):
        return 0
    if isinstance(value, str):
        return max(map(len, value.splitlines() or [""]))
    if isinstance(value, date | datetime):
        return 10
    if isinstance(value, int | float) and number_format:
        section = number_format.split(";")[0]
        decimals = _DECIMALS.search(section)
        places = len(decimals.group(1)) if decimals else 0
        unquoted = _QUOTED.sub("", section)
        number = value * 100 if "%" in unquoted else value
        grouping = "," if "," in unquoted else ""
        literal = sum(len(text) for text in _QUOTED.findall(section))
        return len(f"{number:{grouping}.{places}f}") + literal + 2
    return len(str(value))


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


LINE_HEIGHT = 15.0  # points, one line of 11-point text
# Width units (a digit's width) per character: running text is a little narrower than digits,
# bold text a little wider. Estimates err towards a spare line rather than a clipped one.
NORMAL, BOLD = 0.9, 1.02
BOLD_WORD = 1.1  # a header's longest word is given this much room: it must never break


def lines_needed(text: str, width: float, factor: float = NORMAL) -> int:
    """How many lines `text` takes when wrapped at spaces in a column `width` wide."""
    per_line = max(1, int(width / factor))
    return sum(len(textwrap.wrap(part, per_line, break_long_words=False)) or 1
               for part in text.splitlines() or [""])


def row_height(values: Sequence[Any], widths: Sequence[float], wraps: Sequence[bool],
               factor: float = NORMAL) -> float | None:
    """The height a row with wrapped text needs (None: one line, the default height).
    Set explicitly: LibreOffice keeps a row's stored height when it opens a workbook."""
    lines = max((lines_needed(value, width, factor)
                 for value, width, wrap in zip(values, widths, wraps, strict=True)
                 if wrap and isinstance(value, str)), default=1)
    return lines * LINE_HEIGHT + 3 if lines > 1 else None


def _tenth_up(width: float) -> float:
    return math.ceil(round(width * 10, 6)) / 10


def fit_widths(columns: Sequence[Column], headers: Sequence[str],
               rows: Sequence[Sequence[Any]]) -> list[float]:
    """Widths that show every header without breaking a word (bold text, a filter button) and,
    for columns that do not wrap, the widest value."""
    widths = []
    for index, (column, header) in enumerate(zip(columns, headers, strict=True)):
        need = _longest_word(header) * BOLD_WORD + FILTER_BUTTON
        if column.wrap:
            longest = max((_longest_word(str(row[index])) for row in rows
                           if isinstance(row[index], str)), default=0)
            widths.append(_tenth_up(max(column.width, need, longest + 2)))
            continue
        widest = max((shown_length(row[index], column.format) for row in rows), default=0)
        widths.append(_tenth_up(max(column.width, need, min(widest + 1, column.max_width))))
    return widths


# --- sheets -------------------------------------------------------------------------------------


def _write_sheet(workbook: Workbook, spec: Sheet, name: str, table_names: set[str],
                 page: PageText, stream: IO[str] | None = None) -> tuple[int, int]:
    """Write one sheet; returns the number of data rows and the header's row. With `stream`,
    the data rows are written there as worksheet XML (see `_row_xml`) and spliced in after
    saving."""
    sheet = workbook.create_sheet(title=name)
    headers = _headers(spec.columns)
    rows: Sequence[Sequence[Any]] = []
    if stream is None:
        rows = spec.rows if isinstance(spec.rows, list) else list(spec.rows)
    widths = fit_widths(spec.columns, headers, rows)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    titles = _title_rows(spec.title_lines, sum(widths))
    header_row = len(titles) + 2 if titles else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    setup_sheet(sheet, page, sum(widths), header_row)
    for line, font in titles:
        cell = WriteOnlyCell(sheet, value=line)
        cell.data_type = "s"
        cell.font = font
        sheet.append([cell])
    if titles:
        sheet.append([])
    header_row_height = row_height(headers, widths, [True] * len(headers), BOLD)
    if header_row_height:
        sheet.row_dimensions[header_row].height = header_row_height
    header_font = Font(name=FONT, bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.data_type = "s"
        cell.font = header_font
        cell.alignment = _WRAP  # Excel and LibreOffice wrap at spaces; widths fit each word
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = [column.format for column in spec.columns]
    alignments = [_WRAP if column.wrap else _TOP for column in spec.columns]
    count = 0
    if stream is not None:
        count = _stream_rows(sheet, spec, stream, header_row + 1)
    else:
        # Top-aligned cells only where a row has wrapped text: rows of numbers stay fast.
        wraps = [column.wrap for column in spec.columns]
        wrapping = any(wraps)
        for row in rows:
            if wrapping:
                height = row_height(row, widths, wraps)
                if height:
                    sheet.row_dimensions[header_row + 1 + count].height = height
                sheet.append([_cell(sheet, value, number_format, alignment)
                              for value, number_format, alignment
                              in zip(row, formats, alignments, strict=True)])
            else:
                sheet.append([_cell(sheet, value, number_format)
                              for value, number_format in zip(row, formats, strict=True)])
            count += 1
    last_column = get_column_letter(len(spec.columns))
    if count == 0:
        sheet.append([None] * len(spec.columns))  # a table needs a data row
    reference = f"A{header_row}:{last_column}{header_row + max(count, 1)}"
    table = Table(displayName=_table_name(name, table_names), ref=reference)
    table.tableColumns = [TableColumn(id=index, name=title)
                          for index, title in enumerate(headers, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # openpyxl warns in write-only mode; columns are set
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        sheet.add_table(table)
    if spec.notes:
        sheet.append([])
        # Text running past the table's last column is cut off in print: a long note goes on
        # as many rows as it needs within the table's width.
        per_line = max(20, int(sum(widths) / NORMAL))
        for note in spec.notes:
            for line in textwrap.wrap(note, per_line, break_long_words=False) or [""]:
                sheet.append([_cell(sheet, line)])
    if spec.chart is not None and count > 0:
        chart_sheet = workbook.create_chartsheet(
            sheet_name(spec.chart.sheet or spec.chart.title, _taken(workbook)))
        chart = _chart(sheet, spec.chart, count, header_row)
        chart_sheet.add_chart(chart)
        # Excel stretches a chart sheet's chart to the page; LibreOffice uses the stored size.
        chart.anchor = AbsoluteAnchor(pos=XDRPoint2D(0, 0),
                                      ext=XDRPositiveSize2D(CHART_WIDTH, CHART_HEIGHT))
        setup_chartsheet(chart_sheet, page)
    return count, header_row


HEADING = 1.45  # a 14-point heading against 11-point text


def _title_rows(lines: Sequence[str], width: float) -> list[tuple[str, Font]]:
    """The title lines, the first as the heading, each on as many rows as it needs to stay
    within the table's width (text running past the last column is cut off in print)."""
    rows = []
    for number, line in enumerate(lines):
        scale = HEADING if number == 0 else BOLD
        font = Font(name=FONT, bold=True, size=14 if number == 0 else 11)
        per_line = max(20, int(width / (NORMAL * scale)))
        for part in textwrap.wrap(safe_text(line), per_line, break_long_words=False) or [""]:
            rows.append((part, font))
    return rows


def _taken(workbook: Workbook) -> set[str]:
    return {title.casefold() for title in workbook.sheetnames}  # chart sheets' too


def _chart(sheet, spec: Chart, rows: int, header_row: int = 1):
    chart: PieChart | LineChart | BarChart
    if spec.kind == "pie":
        chart = PieChart()
    elif spec.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
    chart.title = spec.title
    first, last = header_row + 1, header_row + rows
    categories = Reference(sheet, min_col=spec.label_column, min_row=first, max_row=last)
    for column in spec.value_columns:
        data = Reference(sheet, min_col=column, min_row=header_row, max_row=last)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    if not isinstance(chart, PieChart):  # spec.kind != "pie"
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
                   rows_per_sheet: int = EXCEL_MAX_ROWS - 10) -> bytes:
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
        _write_sheet(workbook, spec, sheet_name(spec.name, names), tables, data.page)
        names = _taken(workbook)
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
                count, header_row = _write_sheet(workbook, spec, sheet_name(spec.name, names),
                                                 tables, data.page, stream)
                names = _taken(workbook)
                if stream is not None:
                    streamed.append((len(workbook.worksheets), stream, header_row + count,
                                     get_column_letter(len(spec.columns))))
                number += 1
                if first is None:
                    break
        # openpyxl numbers sheet-local names (print titles) by worksheet, but Excel counts
        # every sheet, chart sheets too: map each worksheet's number to its place.
        positions = {index: workbook.sheetnames.index(sheet.title)
                     for index, sheet in enumerate(workbook.worksheets)}
        buffer = io.BytesIO()
        workbook.save(buffer)
        return _splice(buffer.getvalue(), streamed, positions)


_EPOCH = date(1899, 12, 30)


def _stream_rows(sheet, spec: Sheet, stream: IO[str], first_row: int) -> int:
    """Write spec.rows as <row> elements (from `first_row` on), one per line; returns the count.

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
        stream.write(_chunk_xml(first_row + count, chunk, letters, styles))
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
    values: Sequence[Any]  # a column's values, replaced by cleaned lists below
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


_LOCAL_SHEET = re.compile(r'(<definedName [^>]*localSheetId=")(\d+)(")')


def _splice(package: bytes, streamed: list[tuple[int, IO[str], int, str]],
            positions: dict[int, int]) -> bytes:
    """Put the streamed rows into their worksheets' <sheetData> and renumber sheet-local names
    by `positions`, copying the rest as is."""
    by_path = {f"xl/worksheets/sheet{index}.xml": (stream, last, column)
               for index, stream, last, column in streamed}
    output = io.BytesIO()
    # Level 1: the line sheets are large and repetitive; fast compression costs little size.
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(
            output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if item.filename == "xl/workbook.xml":
                xml = _LOCAL_SHEET.sub(
                    lambda match: f"{match[1]}{positions[int(match[2])]}{match[3]}",
                    source.read(item.filename).decode("utf-8"))
                target.writestr(item, xml.encode("utf-8"))
                continue
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
