"""One CSV writer for every export: no cell a spreadsheet could run as a formula (OWASP).

- Every field is quoted, so the file's own delimiter inside a field never splits it.
- A field starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe.
- A spreadsheet set to another locale may split on another character than the file's
  delimiter (Excel in Norwegian splits a comma file on ";"), and a reader that ignores quotes
  splits on every delimiter and line break; the text after one starts a cell of its own. So
  inside a field, a formula character right after ",", ";", a tab or a line break gets the
  apostrophe too: "x;=cmd" is written as "x;'=cmd".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula character right after a delimiter or a line break inside a field.
_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n])(?=[=+\-@])")


def safe_text(text: str) -> str:
    """The text with an apostrophe before anything a spreadsheet would run as a formula."""
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: object) -> object:
    """A value for a CSV row: text made safe, numbers left as they are."""
    if isinstance(value, str):
        return safe_text(value)
    return value


class SafeWriter:
    """csv.writer with every field quoted and every text field made safe."""

    def __init__(self, out: IO[str], *, delimiter: str = ",", lineterminator: str = "\r\n"):
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator,
                                  quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell("" if value is None else value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: IO[str], *, delimiter: str = ",", lineterminator: str = "\r\n") -> SafeWriter:
    return SafeWriter(out, delimiter=delimiter, lineterminator=lineterminator)
