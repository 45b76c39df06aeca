"""A table's rows in batches, each also as columns when its rows are all equally wide.

An import that checks whole columns at a time (the spend import) would otherwise spend more
time building a million small row lists and transposing them than reading the file. For CSV
text without quotes, a batch comes straight from the text: its lines are split once, and its
columns are slices of all its fields (`str.split` and slicing run in C). That is exactly what
the `csv` module makes of such lines. From the first block that holds a quote or a lone
carriage return on, the `csv` module reads the rest, so quoted fields (with delimiters or
line breaks inside) read as before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from itertools import chain, islice, repeat

from procure.services.imports.reading import Table, max_rows, too_many_rows

BLOCK = 1 << 18  # characters read from the text at a time


class Batch:
    """Rows `first` .. `first + count - 1` (the header is row 1), given as the quote-free lines
    of a CSV file or as rows already split."""

    def __init__(self, first: int, *, lines: list[str] | None = None,
                 rows: list[list[str]] | None = None, delimiter: str = ";") -> None:
        self.first = first
        self._lines = lines
        self._rows = rows
        self.delimiter = delimiter
        self.count = len(lines if lines is not None else rows or ())

    def rows(self) -> list[list[str]]:
        """Each row as its fields; a blank line as an empty list, as the `csv` module has it."""
        if self._rows is None:
            delimiter = self.delimiter
            self._rows = [line.split(delimiter) if line else [] for line in self._lines or ()]
        return self._rows

    def columns(self) -> list[Sequence[str]] | None:
        """The fields column by column when every row has as many; else None."""
        if self._lines is None:
            rows = self.rows()
            width = len(rows[0]) if rows else 0
            if not width or any(len(row) != width for row in rows):
                return None
            return list(zip(*rows, strict=True))
        lines, delimiter = self._lines, self.delimiter
        counts = list(map(str.count, lines, repeat(delimiter)))
        if not counts:
            return None
        width = counts[0] + 1
        if counts.count(width - 1) != len(counts):
            return None  # a blank line (no delimiter) also makes the counts differ
        if width == 1 and not all(lines):
            return None  # a blank line among single fields
        fields = delimiter.join(lines).split(delimiter)
        return [fields[index::width] for index in range(width)]


def batches(table: Table, size: int, block: int = BLOCK) -> Iterator[Batch]:
    """The table's rows in batches of `size` (the last may be shorter). Stops with
    ImportFileError past the row limit; decoding and CSV errors come from the iteration, as
    with `table.rows` (iterate inside `reading_errors()`)."""
    if table.text is None:
        yield from _row_batches(table.rows, size, 2)
    else:
        yield from _text_batches(table.text, table.delimiter, size, block)


def _row_batches(rows, size: int, first: int) -> Iterator[Batch]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield Batch(first, rows=chunk)
        first += len(chunk)


def _text_batches(text: io.TextIOBase, delimiter: str, size: int,
                  block_size: int) -> Iterator[Batch]:
    limit = max_rows()
    first = 2
    pending: list[str] = []  # whole lines not yet handed out
    rest = ""  # the start of a line whose end is not read yet
    while True:
        block = text.read(block_size)
        if block:
            block = rest + block
            cut = block.rfind("\n")
            if cut < 0:
                rest = block
                continue
            raw, rest = block[:cut], block[cut + 1:]
        else:  # the end: what is left is the last line, which has no line break
            raw, rest = rest, ""
        body = raw
        if "\r" in raw and block:  # a CRLF file (the cut above leaves the last line's CR)
            body = raw.replace("\r\n", "\n").removesuffix("\r")
        if '"' in body or "\r" in body:
            # Quoted fields, or old Mac line ends: the csv module reads on from the first line
            # not handed out yet. readline() ends the partial line, so the csv module sees it
            # whole.
            restart = "".join(line + "\n" for line in pending) + raw
            if block:
                restart += "\n" + rest + text.readline()
            reader = csv.reader(chain(io.StringIO(restart, newline=""), text),
                                delimiter=delimiter)
            yield from _counted(_row_batches(reader, size, first), limit)
            return
        if block or body:
            pending += body.split("\n")
        start = 0
        while len(pending) - start >= size or (not block and start < len(pending)):
            lines = pending[start:start + size]
            if first - 2 + len(lines) > limit:
                raise too_many_rows(limit)
            yield Batch(first, lines=lines, delimiter=delimiter)
            first += len(lines)
            start += len(lines)
        if not block:
            return
        del pending[:start]


def _counted(batches_: Iterator[Batch], limit: int) -> Iterator[Batch]:
    for batch in batches_:
        if batch.first - 2 + batch.count > limit:
            raise too_many_rows(limit)
        yield batch
