"""An import's row-level report as CSV (UTF-8 with BOM, so Excel reads the letters right)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def report_csv(errors: Iterable[list], translate: Callable[..., str],
               headers: tuple[str, str, str]) -> bytes:
    """errors: [row, field, msgid, params]; the reasons are translated with `translate`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row, field, msgid, params in errors:
        writer.writerow([row, csv_safe(field), csv_safe(translate(msgid, **(params or {})))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
