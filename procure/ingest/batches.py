"""A table's rows in batches, each also as columns when its rows are all equally wide.

An import that checks whole columns at a time (the spend import) would otherwise spend more
time building a million small row lists and transposing them than reading the file. For CSV
without quotes, a batch comes straight from the bytes: numpy finds the line breaks and counts
each line's delimiters, and the batch's text is split once, its columns being slices of all its
fields. That is exactly what the `csv` module makes of such lines. From the first block that
holds a quote or a lone carriage return on, the `csv` module reads the rest, so quoted fields
(with delimiters or line breaks inside) read as before. Delimiters and line breaks are ASCII,
never part of a multi-byte UTF-8 character, so finding them in the bytes is safe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import TYPE_CHECKING

import numpy as np

from procure.ingest.reading import Table, max_rows, too_many_rows

if TYPE_CHECKING:
    from _csv import Reader as CsvReader  # what csv.reader() returns

BLOCK = 1 << 18  # bytes read at a time


class Batch:
    """Rows `first` .. `first + count - 1` (the header is row 1): CSV lines without quotes as
    one text joined by LF (`width` fields each, or None when they differ), or rows already
    split. Batches follow the blocks read, so a batch holds at most `size` rows, and may hold
    fewer. A row's number is the file's line it starts on: `lines` gives each row's when a
    quoted field holds a line break (then rows and lines differ)."""

    def __init__(self, first: int, count: int, *, text: str | None = None,
                 width: int | None = None, rows: list[list[str]] | None = None,
                 delimiter: str = ";", lines: list[int] | None = None,
                 after: int | None = None) -> None:
        self.first = first
        self.count = count
        self.lines = lines
        self.after = first + count if after is None else after  # the line after the batch
        self._text = text
        self._width = width
        self._rows = rows
        self.delimiter = delimiter

    def numbers(self) -> Sequence[int]:
        """Each row's number: the line it starts on."""
        return self.lines if self.lines is not None else range(self.first,
                                                               self.first + self.count)

    def rows(self) -> list[list[str]]:
        """Each row as its fields; a blank line as an empty list, as the `csv` module has it."""
        if self._rows is None:
            delimiter = self.delimiter
            self._rows = [line.split(delimiter) if line else []
                          for line in (self._text or "").split("\n")]
        return self._rows

    def columns(self) -> list[Sequence[str]] | None:
        """The fields column by column when every row has as many; else None."""
        if self._text is None:
            rows = self.rows()
            first = len(rows[0]) if rows else 0
            if not first or any(len(row) != first for row in rows):
                return None
            return list(zip(*rows, strict=True))
        width, delimiter = self._width, self.delimiter
        if width is None:
            return None
        fields = self._text.replace("\n", delimiter).split(delimiter)
        return [fields[index::width] for index in range(width)]


def batches(table: Table, size: int, block: int = BLOCK) -> Iterator[Batch]:
    """The table's rows in batches of `size` (the last may be shorter). Stops with
    ImportFileError past the row limit; decoding and CSV errors come from the iteration, as
    with `table.rows` (iterate inside `reading_errors()`)."""
    if table.binary is None:
        rows = _row_batches(table.rows, size, 2)
    else:
        rows = _byte_batches(table, size, block)
    limit = max_rows()
    read = 0
    for batch in rows:
        read += batch.count
        if read > limit:
            raise too_many_rows(limit)
        yield batch


def _row_batches(table_rows: Iterable[list[str]], size: int, first: int) -> Iterator[Batch]:
    rows = iter(table_rows)
    while chunk := list(islice(rows, size)):
        yield Batch(first, len(chunk), rows=chunk)
        first += len(chunk)


def _record_batches(reader: CsvReader, size: int, first: int) -> Iterator[Batch]:
    """Batches of what a csv reader reads from line `first` on, each row numbered by the line
    it starts on (the reader counts lines: a quoted line break makes a row two lines)."""
    base = first - 1
    rows = iter(reader)
    while True:
        chunk: list[list[str]] = []
        lines: list[int] = []
        start = reader.line_num
        for row in rows:
            chunk.append(row)
            lines.append(base + start + 1)
            start = reader.line_num
            if len(chunk) == size:
                break
        if not chunk:
            return
        plain = lines[-1] - lines[0] == len(lines) - 1  # one line each: numbered as a range
        yield Batch(lines[0], len(chunk), rows=chunk, lines=None if plain else lines,
                    after=base + start + 1)


def _byte_batches(table: Table, size: int, block_size: int) -> Iterator[Batch]:
    delimiter = table.delimiter
    first = 2
    carry = b""  # the start of a line whose end is not read yet
    while True:
        block = table.binary.read(block_size)
        data = carry + block
        if block:
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            body, carry = data[:cut], data[cut + 1:]
        elif not data:
            return
        else:  # the end: the last line has no line break
            body, carry = data, b""
        separator = _separator(body, bool(block))
        if separator is None or b'"' in body:
            # Quoted fields, or line ends other than LF or CRLF throughout: the csv module
            # reads on from here. readline() ends the partial line, so it sees it whole.
            tail = b"\n" + carry + table.binary.readline() if block else b""
            reader = csv.reader(chain(io.StringIO((body + tail).decode(table.encoding),
                                                  newline=""), table.text),
                                delimiter=delimiter)
            yield from _record_batches(reader, size, first)
            return
        if separator == b"\r\n":
            body = body.translate(None, b"\r")  # each CR is one of a CRLF (in C, at once)
        lines, cuts, widths = _lines(body, delimiter.encode())
        for start in range(0, lines, size):
            count = min(size, lines - start)
            part = widths[start:start + count]
            width = (int(part[0]) or None) if (part == part[0]).all() else None
            text = body[cuts[start]:cuts[start + count] - 1].decode(table.encoding)
            yield Batch(first, count, text=text, width=width, delimiter=delimiter)
            first += count


def _separator(body: bytes, cut: bool) -> bytes | None:
    """How the lines in `body` end: LF, CRLF (each LF after a CR, and after the cut, which
    took an LF, a CR left at the end), or None when there is any other CR."""
    returns = body.count(b"\r")
    if not returns:
        return b"\n"
    pairs = body.count(b"\r\n")
    if pairs != body.count(b"\n"):
        return None
    if returns == pairs or (returns == pairs + 1 and body.endswith(b"\r") and cut):
        return b"\r\n"
    return None


def _lines(body: bytes, delimiter: bytes) -> tuple[int, list[int], np.ndarray]:
    """The number of lines in `body` (joined by LF, none at the end), where each starts (and
    where one more would), and each one's number of fields; a blank line has none, so that it
    never matches a width."""
    data = np.frombuffer(body, np.uint8)
    breaks = np.flatnonzero(data == ord("\n"))
    starts = np.concatenate(([0], breaks + 1))
    ends = np.append(breaks, len(body))
    delimiters = np.flatnonzero(data == ord(delimiter))
    before = np.searchsorted(delimiters, ends)
    fields = np.diff(before, prepend=0) + 1
    fields[ends == starts] = 0
    return len(ends), [*starts.tolist(), len(body) + 1], fields
