"""Reading uploaded files: type checks, CSV and XLSX as rows, JSON, and value parsers.

Row numbers are what a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import PurePath
from typing import IO, Any

from procure.domain.cpv import CpvList, load_cpv
from procure.errors import N_
from procure.services.imports import ImportFileError

CSV, XLSX, JSON = "csv", "xlsx", "json"
EXTENSIONS = {".csv": CSV, ".txt": CSV, ".xlsx": XLSX, ".json": JSON}
ZIP_MAGIC = b"PK\x03\x04"
csv.field_size_limit(1_000_000)


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
    return _read_xlsx(stream) if kind == XLSX else _read_csv(stream)


def _read_csv(stream: IO[bytes]) -> Table:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise ImportFileError(N_("The file is not UTF-8 text. Save it as CSV UTF-8.")) from None
    if not first.strip():
        raise ImportFileError(N_("The file is empty."))
    delimiter = max((";", ",", "\t"), key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    return Table(header, csv.reader(text, delimiter=delimiter), text.detach)


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
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(N_("The file is not an Excel workbook (.xlsx).")) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header_row = next(values, None)
    if header_row is None:
        workbook.close()
        raise ImportFileError(N_("The file is empty."))
    header = [cell_text(cell) for cell in header_row]

    def rows() -> Iterator[list[str]]:
        for row in values:
            texts = [cell_text(cell) for cell in row]
            yield texts if any(texts) else []

    return Table(header, rows(), workbook.close)


def load_json(stream: IO[bytes]) -> Any:
    try:
        return json.loads(stream.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFileError(N_("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise ImportFileError(N_("The file is not valid JSON: %(reason)s (line %(line)d)."),
                              reason=error.msg, line=error.lineno) from None


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


def parse_count(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(BAD_INTEGER)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if not (text.isascii() and text.isdigit()):
            raise ValueError(BAD_INTEGER)
        number = int(text)
    if number < 0:
        raise ValueError(BAD_INTEGER)
    return number


def amount_ore(text: str) -> int | None:
    """NOK as text -> øre, or None when it is not an amount. Accepts 1234.50, 1234,50,
    1 234,50 and 1.234,50 (dots as thousands separators only with a decimal comma), a sign,
    and at most two decimals. Written for speed: the spend import calls it once per line."""
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
