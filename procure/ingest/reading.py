"""Reading uploaded files: type checks, CSV and XLSX as rows, JSON, and value parsers.

Row numbers are what a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from itertools import chain, islice
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any, TypeVar

import numpy as np

from procure.domain.cpv import CpvList, load_cpv
from procure.errors import N_
from procure.ingest import ImportFileError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

CSV, XLSX, JSON = "csv", "xlsx", "json"
EXTENSIONS = {".csv": CSV, ".txt": CSV, ".xlsx": XLSX, ".json": JSON}
ZIP_MAGIC = b"PK\x03\x04"
csv.field_size_limit(1_000_000)

# Rows in one file; callers set PROCURE_IMPORT_MAX_ROWS with `row_limit`. The default takes a
# million-line year.
DEFAULT_MAX_ROWS = 2_000_000
_row_limit: ContextVar[int] = ContextVar("import_row_limit", default=DEFAULT_MAX_ROWS)
# An .xlsx is a zip: its central directory is checked before openpyxl opens anything. Python's
# zipfile never inflates a member beyond its declared size (it stops, then fails the CRC), so
# the declared sizes bound what a lying archive can make us unpack.
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNPACKED = 1024**3
XLSX_MAX_SHARED_STRINGS = 100 * 1024**2
XLSX_MAX_RATIO = 200  # unpacked : packed, for members over XLSX_RATIO_FROM bytes
XLSX_RATIO_FROM = 1024**2
MB = 1024**2
NOT_XLSX = N_("The file is not an Excel workbook (.xlsx).")
# What openpyxl raises on a damaged archive or damaged XML (ParseError is a SyntaxError).
DAMAGE = (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
          TypeError, IndexError, AttributeError, RuntimeError)
T = TypeVar("T")


def file_type(stream: IO[bytes], filename: str, allowed: tuple[str, ...]) -> str:
    """The file's type from its name, checked against its first bytes."""
    kind = EXTENSIONS.get(PurePath(filename or "").suffix.lower())
    if kind not in allowed:
        raise ImportFileError(N_("Upload a file of type %(types)s."),
                              types=", ".join(f".{t}" for t in allowed))
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise ImportFileError(N_("The file is empty."))
    if (kind == XLSX) != head.startswith(ZIP_MAGIC):
        raise ImportFileError(N_("The file's content does not match its name (%(name)s)."),
                              name=PurePath(filename).name)
    if kind == JSON and head.lstrip(codecs.BOM_UTF8).lstrip()[:1] not in (b"{", b"["):
        raise ImportFileError(N_("The file is not JSON."))
    return kind


@dataclass
class Table:
    """A header and an iterator of rows as lists of strings. Rows are numbered from 2 in file
    order; a blank row comes as an empty list so that the numbering stays right. Iterate inside
    `reading_errors()` so that undecodable or malformed input becomes an ImportFileError."""

    header: list[str]
    rows: Iterator[list[str]]
    close: Any = None
    # A CSV file's text after the header, and its delimiter: `batches.batches` reads these
    # (and `binary`) instead of `rows`, which then must not be read.
    text: Any = None
    delimiter: str = ","
    binary: Any = None  # the same rows as bytes
    encoding: str = "utf-8"  # the codec of the text after the header
    # How a CSV file was read, for the import report: utf-8, utf-8-sig (with a byte order
    # mark) or windows-1252; None for a workbook.
    encoding_name: str | None = None


@contextmanager
def reading_errors(current_row: Callable[[], int]) -> Iterator[None]:
    try:
        yield
    except UnicodeDecodeError:
        raise ImportFileError(N_("The file is not UTF-8 text (near row %(row)d). Save it as CSV "
                                 "UTF-8."), row=current_row()) from None
    except csv.Error as error:
        raise ImportFileError(N_("Row %(row)d cannot be read as CSV: %(reason)s"),
                              row=current_row(), reason=str(error)) from None


def normalise_header(name: object) -> str:
    text = "" if name is None else str(name)
    return text.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def read_table(stream: IO[bytes], kind: str) -> Table:
    """The file as a table whose rows stop with an ImportFileError past the row limit."""
    table = _read_xlsx(stream) if kind == XLSX else _read_csv(stream)
    table.rows = limit_rows(table.rows)
    return table


@contextmanager
def row_limit(limit: int) -> Iterator[None]:
    """Imports inside this block refuse files with more than `limit` rows."""
    token = _row_limit.set(limit)
    try:
        yield
    finally:
        _row_limit.reset(token)


def max_rows() -> int:
    return _row_limit.get()


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(N_("The file has more than %(max)d rows. Split it into smaller "
                              "files."), max=limit)


def limit_rows(rows: Iterable[T], limit: int | None = None) -> Iterator[T]:
    """The rows, then an ImportFileError if there is one more than the limit (islice and
    chain run in C: no cost per row)."""
    limit = max_rows() if limit is None else limit
    rows = iter(rows)

    def overflow() -> Iterator[T]:
        for _extra in rows:
            raise too_many_rows(limit)
        yield from ()

    return chain(islice(rows, limit), overflow())


def check_row_count(count: int) -> None:
    """For JSON imports, whose items are all in memory: refuse more than the row limit."""
    limit = max_rows()
    if count > limit:
        raise too_many_rows(limit)


def check_xlsx_archive(stream: IO[bytes]) -> None:
    """Refuse a zip bomb before any XML is parsed: too many members, too much declared
    unpacked data, shared strings too large, or a member packed implausibly tightly."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - 65_536 - 22))
    tail = stream.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        stream.seek(0)
        raise ImportFileError(NOT_XLSX)
    declared = struct.unpack_from("<H", tail, end + 10)[0]  # 0xFFFF: counted in zip64
    if XLSX_MAX_MEMBERS < declared < 0xFFFF:
        stream.seek(0)
        raise ImportFileError(N_("The workbook has too many parts (%(count)d; at most "
                                 "%(max)d)."), count=declared, max=XLSX_MAX_MEMBERS)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except DAMAGE:
        raise ImportFileError(NOT_XLSX) from None
    finally:
        stream.seek(0)
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError(N_("The workbook has too many parts (%(count)d; at most "
                                 "%(max)d)."), count=len(members), max=XLSX_MAX_MEMBERS)
    for member in members:
        if (member.filename.lower().endswith("sharedstrings.xml")
                and member.file_size > XLSX_MAX_SHARED_STRINGS):
            raise ImportFileError(
                N_("The workbook's shared strings are too large (%(size)d MB unpacked; at "
                   "most %(max)d MB). Save it as CSV UTF-8 and import that."),
                size=member.file_size // MB, max=XLSX_MAX_SHARED_STRINGS // MB)
    total = sum(member.file_size for member in members)
    if total > XLSX_MAX_UNPACKED:
        raise ImportFileError(
            N_("The workbook is too large unpacked (%(size)d MB; at most %(max)d MB). Save "
               "it as CSV UTF-8 or split it."),
            size=total // MB, max=XLSX_MAX_UNPACKED // MB)
    for member in members:
        if (member.file_size > XLSX_RATIO_FROM
                and member.file_size > XLSX_MAX_RATIO * max(1, member.compress_size)):
            raise ImportFileError(
                N_("The workbook was refused: a part unpacks to %(ratio)d times its packed "
                   "size, which real spreadsheets never do (a zip bomb)."),
                ratio=member.file_size // max(1, member.compress_size))


# Control characters other than tab and line breaks: PostgreSQL cannot store NUL, and the
# Excel export and PDFs refuse the rest. No one types them; they are dropped on reading (in
# UTF-8 they are single bytes, never part of another character).
CONTROL_BYTES = bytes(code for code in range(32) if code not in (9, 10, 13)) + b"\x7f"
CONTROL_CHARACTERS = {code: None for code in CONTROL_BYTES}


class _WithoutControlBytes(io.RawIOBase):
    """A binary stream with the control bytes taken out, block by block (C speed)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        while True:
            block = self.raw.read(len(view))
            if not block:
                return 0
            block = block.translate(None, CONTROL_BYTES)
            if block:
                view[:len(block)] = block
                return len(block)


def _without_control_characters(value: Any) -> Any:
    """Strings in parsed JSON without control characters (tab and line breaks kept)."""
    if isinstance(value, str):
        return value.translate(CONTROL_CHARACTERS)
    if isinstance(value, list):
        return [_without_control_characters(item) for item in value]
    if isinstance(value, dict):
        return {_without_control_characters(key): _without_control_characters(item)
                for key, item in value.items()}
    return value


UTF8, UTF8_BOM, WINDOWS_1252 = "utf-8", "utf-8-sig", "windows-1252"
ENCODING_BLOCK = 1 << 20


def detect_encoding(stream: IO[bytes]) -> str:
    """UTF8 or UTF8_BOM when the whole file is UTF-8, else WINDOWS_1252 (what Norwegian ERPs
    and Excel's plain "CSV" write) when the whole file is that and no UTF-8 letter came before
    the first byte that is not UTF-8: a file that mixes both would have its æøå misread either
    way, so it is refused, naming the line. One pass over the bytes (in C and numpy), then back
    to where the stream was."""
    start = stream.tell()
    try:
        bom = stream.read(3) == codecs.BOM_UTF8
        stream.seek(start)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0  # bytes before the block
        letters = bom  # whether UTF-8 beyond ASCII was seen before
        while True:
            block = stream.read(ENCODING_BLOCK)
            pending = len(decoder.getstate()[0])  # bytes of a character the last block cut
            if not pending and _two_byte_utf8(block):
                letters = letters or not block.isascii()
                offset += len(block)
                continue
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                at = max(0, error.start - pending)
                if letters or not block[:at].isascii():
                    raise ImportFileError(
                        N_("Line %(line)d is not UTF-8 text, though the file is UTF-8 before "
                           "it: it mixes two encodings. Save it again as CSV UTF-8."),
                        line=_line_at(stream, start, offset + at)) from None
                break
            if not block:
                return UTF8_BOM if bom else UTF8
            letters = letters or not block.isascii()
            offset += len(block)
        stream.seek(start)
        offset = 0
        while block := stream.read(ENCODING_BLOCK):
            try:
                block.decode("cp1252")
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    N_("Line %(line)d holds a byte that is neither UTF-8 nor Windows-1252 "
                       "text. Save the file as CSV UTF-8."),
                    line=_line_at(stream, start, offset + error.start)) from None
            offset += len(block)
        return WINDOWS_1252
    finally:
        stream.seek(start)


def _line_at(stream: IO[bytes], start: int, position: int) -> int:
    """The line (from 1) of the byte `position` bytes after `start`: only for an error."""
    stream.seek(start)
    lines = 1
    while position > 0:
        block = stream.read(min(ENCODING_BLOCK, position))
        if not block:
            break
        lines += block.count(b"\n")
        position -= len(block)
    return lines


def _two_byte_utf8(block: bytes) -> bool:
    """Whether the block is valid UTF-8 whose letters beyond ASCII are all two bytes long (æøå
    and the rest of Latin-1 are), found with numpy at memory speed; False leaves it to the
    decoder (several times slower on such text)."""
    if not block:
        return False
    data = np.frombuffer(block, np.uint8)
    high = np.flatnonzero(data >= 0x80)
    if high.size % 2:
        return False
    leads, follows = high[0::2], high[1::2]
    return bool((follows == leads + 1).all() and (data[leads] >= 0xC2).all()
                and (data[leads] <= 0xDF).all() and (data[follows] <= 0xBF).all())


def _read_csv(stream: IO[bytes]) -> Table:
    if not _seekable(stream):
        stream = io.BytesIO(stream.read())
    encoding = detect_encoding(stream)
    body_codec = "cp1252" if encoding == WINDOWS_1252 else "utf-8"
    binary = io.BufferedReader(_WithoutControlBytes(stream), 1 << 16)
    line, rest = _first_line(binary)
    first = line.decode("utf-8-sig" if encoding == UTF8_BOM else body_codec)
    if not first.strip():
        raise ImportFileError(N_("The file is empty."))
    delimiter = max((";", ",", "\t"), key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    # The rows, as bytes for `batches` or as text for the csv module: one or the other is read.
    source = io.BufferedReader(_Prefixed(rest, binary), 1 << 16)
    text = io.TextIOWrapper(source, encoding=body_codec, newline="")
    return Table(header, csv.reader(text, delimiter=delimiter), text.detach, text, delimiter,
                 source, body_codec, encoding)


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _first_line(binary: IO[bytes]) -> tuple[bytes, bytes]:
    """The first line (without its line break: LF, CRLF or CR) and what was read after it."""
    head = b""
    while True:
        ends = [index for index in (head.find(b"\n"), head.find(b"\r")) if index >= 0]
        if not ends or min(ends) == len(head) - 1:  # no line break yet, or a CR that may be CRLF
            more = binary.read(1 << 16)
            if more:
                head += more
                continue
        if not ends:
            return head, b""
        end = min(ends)
        return head[:end], head[end + (2 if head[end:end + 2] == b"\r\n" else 1):]


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of a stream."""

    def __init__(self, prefix: bytes, raw: IO[bytes]) -> None:
        super().__init__()
        self.prefix = prefix
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        if self.prefix:
            size = min(len(view), len(self.prefix))
            view[:size] = self.prefix[:size]
            self.prefix = self.prefix[size:]
            return size
        block = self.raw.read(len(view))
        view[:len(block)] = block
        return len(block)


def cell_text(value: object) -> str:
    """An Excel cell as the text a CSV export would hold (dates ISO, amounts to the øre)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        if abs(value * 100 - round(value * 100)) < 1e-6:
            return f"{value:.2f}"
        return repr(value)
    return str(value)


def _read_xlsx(stream: IO[bytes]) -> Table:
    check_xlsx_archive(stream)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(stream, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
    except DAMAGE:
        raise ImportFileError(NOT_XLSX) from None
    try:
        rows_in_sheet(workbook, sheet, max_rows() + 1)
    except ImportFileError:
        workbook.close()
        raise
    except DAMAGE:
        workbook.close()
        raise ImportFileError(N_("The workbook is damaged and cannot be read.")) from None
    # openpyxl's read-only mode trusts the sheet's <dimension> tag: with a wrong one it drops
    # the rows and columns past it without a word, or pads a short sheet with empty rows.
    # Without it every row in the file is read as it is.
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True)
    number = 1

    def damaged() -> ImportFileError:
        workbook.close()
        return ImportFileError(N_("The workbook is damaged and cannot be read (near row "
                                  "%(row)d)."), row=number)

    try:
        header_row = next(values, None)
    except DAMAGE:
        raise damaged() from None
    if header_row is None:
        workbook.close()
        raise ImportFileError(N_("The file is empty."))
    header = [cell_text(cell) for cell in header_row]
    width = len(header)

    def rows() -> Iterator[list[str]]:
        nonlocal number
        try:
            for row in values:
                number += 1
                texts = [cell_text(cell) for cell in row]
                if len(texts) < width:  # as wide as the header, like rows before the reset
                    texts += [""] * (width - len(texts))
                yield texts if any(texts) else []
        except DAMAGE:  # XML or zip damage found while reading the sheet
            raise damaged() from None

    return Table(header, rows(), workbook.close)


# No column holds a whole number of more digits than this; longer ones are read as infinite.
MAX_JSON_DIGITS = 30


def _json_int(text: str) -> int | float:
    """A JSON integer; one with more digits than any field can hold becomes ±infinity, which
    every numeric field refuses with its own message. Python's int() would raise past 4300
    digits instead, and a 26-digit count would overflow the database."""
    return int(text) if len(text) <= MAX_JSON_DIGITS else float(text)


_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_ROW_NUMBER = re.compile(rb'[^>]*?\sr\s*=\s*["\'](\d{1,12})["\']')
XLSX_SCAN_BLOCK = 1 << 20


def rows_in_sheet(workbook: Any, sheet: Any, limit: int) -> int:
    """How many rows openpyxl would give for the sheet (its row elements, or the highest row
    number when that is higher: it fills gaps with empty rows), read from the decompressed
    XML in blocks at C speed before any cell is parsed. Raises too_many_rows as soon as the
    count passes `limit`, so a 3 M-row workbook is refused in the time it takes to unpack
    the first rows past the limit instead of after parsing them all."""
    path = sheet._worksheet_path  # openpyxl keeps the zip member's name here
    with workbook._archive.open(path) as member:
        count = highest = 0
        tag: bytes | None = None
        carry = b""
        while True:
            block = member.read(XLSX_SCAN_BLOCK)
            buffer = carry + block
            if not block:
                head, carry = buffer, b""
            else:
                # Cut before the last "<": every tag that starts in head also ends there.
                cut = buffer.rfind(b"<")
                cut = cut if cut > 0 and len(buffer) - cut < XLSX_SCAN_BLOCK else len(buffer)
                head, carry = buffer[:cut], buffer[cut:]
            if tag is None:
                found = _SHEET_DATA.search(head)
                if found is not None:
                    tag = b"<" + (found.group(1) or b"") + b"row"
            if tag is not None:
                count += sum(head.count(tag + end) for end in (b" ", b">", b"/", b"\t",
                                                              b"\n", b"\r"))
                last = head.rfind(tag + b" ")
                if last >= 0:
                    number = _ROW_NUMBER.match(head, last + len(tag))
                    if number is not None:
                        highest = max(highest, int(number.group(1)))
                if max(count, highest) > limit:
                    raise too_many_rows(limit - 1)
            if not block:
                return max(count, highest)


def load_json(stream: IO[bytes]) -> Any:
    try:
        text = stream.read().decode("utf-8-sig")
        data = json.loads(text, parse_int=_json_int)
        if "\\u00" in text or "\x7f" in text:  # JSON escapes control characters as \u00XX
            data = _without_control_characters(data)
        return data
    except UnicodeDecodeError:
        raise ImportFileError(N_("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise ImportFileError(N_("The file is not valid JSON: %(reason)s (line %(line)d)."),
                              reason=error.msg, line=error.lineno) from None
    except RecursionError:  # thousands of nested brackets: no real export looks like that
        raise ImportFileError(N_("The file's JSON is nested too deeply to be read.")) from None


def column_index(header: list[str], columns: dict[str, tuple[str, ...]],
                 required: tuple[str, ...]) -> dict[str, int]:
    """Canonical column -> position, by any of its accepted names; ImportFileError when a
    required column is missing."""
    positions = {normalise_header(name): index for index, name in enumerate(header)}
    found: dict[str, int] = {}
    for canonical, aliases in columns.items():
        for alias in (canonical, *aliases):
            key = normalise_header(alias)
            if key in positions:
                found[canonical] = positions[key]
                break
    missing = [name for name in required if name not in found]
    if missing:
        raise ImportFileError(N_("Missing columns: %(columns)s."), columns=", ".join(missing))
    return found


# --- value parsers: return the value or raise ValueError with a msgid --------------------------

BAD_DATE = N_("Not a date (use YYYY-MM-DD or DD.MM.YYYY).")
BAD_INTEGER = N_("Not a whole number of 0 or more.")
TOO_LARGE = N_("The number is larger than this field can hold.")
# Counts go into INTEGER columns (PostgreSQL: at most 2 147 483 647) unless a field says less.
MAX_COUNT = 2**31 - 1
BAD_AMOUNT = N_("Not an amount (use 1234.50 or 1 234,50; at most two decimals).")
MAX_ORE = 10**15


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            if len(text) == 10 or text[10] in "T ":
                return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        elif len(text) == 10 and text[2] == "." and text[5] == ".":
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        pass
    raise ValueError(BAD_DATE)


def parse_count(value: object, maximum: int = MAX_COUNT) -> int:
    """A whole number from 0 to `maximum`; ValueError(BAD_INTEGER or TOO_LARGE) otherwise."""
    if isinstance(value, bool):
        raise ValueError(BAD_INTEGER)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isinf(value) and value > 0:
        raise ValueError(TOO_LARGE)
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if not (text.isascii() and text.isdigit()):
            raise ValueError(BAD_INTEGER)
        if len(text.lstrip("0")) > len(str(maximum)):  # before int(): 5 000 digits cost nothing
            raise ValueError(TOO_LARGE)
        number = int(text)
    if number < 0:
        raise ValueError(BAD_INTEGER)
    if number > maximum:
        raise ValueError(TOO_LARGE)
    return number


def amount_ore(text: str) -> int | None:
    """NOK as text -> øre, or None when it is not an amount. Accepts 1234.50, 1234,50,
    1 234,50 and 1.234,50 (dots as thousands separators only with a decimal comma), a sign,
    and at most two decimals. Written for speed: the spend import calls it once per line."""
    if len(text) > 40:  # no amount below MAX_ORE is written this long
        return None
    if (text[-3:-2] in (",", ".") and text.isascii() and text[:-3].isdecimal()
            and text[-2:].isdecimal()):
        ore = int(text[:-3]) * 100 + int(text[-2:])  # the common case: 1234,50 or 1234.50
        return ore if ore < MAX_ORE else None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if " " in text or "\u00a0" in text:
        text = text.replace(" ", "").replace("\u00a0", "")
    whole, dot, fraction = text.partition(".")
    sign = 1
    if whole[:1] == "-":
        sign, whole = -1, whole[1:]
    elif whole[:1] == "+":
        whole = whole[1:]
    if not (whole.isdigit() and whole.isascii()):
        return None
    cents = 0
    if dot:
        if not (fraction.isdigit() and fraction.isascii()) or len(fraction) > 2:
            return None
        cents = int(fraction) * (10 if len(fraction) == 1 else 1)
    ore = sign * (int(whole) * 100 + cents)
    return ore if -MAX_ORE < ore < MAX_ORE else None


def parse_amount_ore(value: object) -> int:
    """Like amount_ore, for any value; raises ValueError(BAD_AMOUNT)."""
    if isinstance(value, bool):
        raise ValueError(BAD_AMOUNT)
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(BAD_AMOUNT)
        value = f"{value:.2f}"
    ore = amount_ore(str(value).strip())
    if ore is None:
        raise ValueError(BAD_AMOUNT)
    return ore


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "ja", "j", "yes", "1"):
        return True
    if text in ("false", "nei", "n", "no", "0"):
        return False
    return None


def text_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(part).strip() for part in value if str(part).strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_CPV_RE = re.compile(r"\d{8}(?:-\d)?")


@cache
def cpv_list() -> CpvList:
    return load_cpv()


def lookup_cpv(value: object) -> str | None:
    """The official 'XXXXXXXX-Y' code for a CPV 2008 code given with or without its check
    digit; None when it is not in the list."""
    text = text_value(value)
    if not _CPV_RE.fullmatch(text):
        return None
    found = cpv_list().lookup(text)
    return found.code if found else None
