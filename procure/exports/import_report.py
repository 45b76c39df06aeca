"""An import's row-level report as CSV (UTF-8 with BOM, so Excel reads the letters right)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from procure.exports import csv_safe


def report_csv(errors: Iterable[list], translate: Callable[..., str],
               headers: tuple[str, str, str]) -> bytes:
    """errors: [row, field, msgid, params]; the reasons are translated with `translate`."""
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row, field, msgid, params in errors:
        writer.writerow([row, field, translate(msgid, **(params or {}))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
