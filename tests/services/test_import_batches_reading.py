"""The batch reader gives exactly the rows the csv module gives, for any CSV text: quoted
fields, CRLF and CR line ends, blank lines, a missing final line break, rows of other widths,
and batches and blocks that end anywhere."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure.ingest import ImportFileError, batches
from procure.ingest.batches import Batch
from procure.ingest.reading import read_table, row_limit

FIELD = st.text(alphabet="ab ;,\"\r\næ1", max_size=6)
ROW = st.lists(FIELD, min_size=0, max_size=4)


def _csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    table = read_table(io.BytesIO(data), "csv")
    return table.header, list(table.rows)


def _record_lines(data: bytes) -> list[int]:
    """The line each data row starts on, as the csv module counts lines."""
    reader = csv.reader(io.StringIO(data.decode(), newline=""), delimiter=";")
    starts, start = [], reader.line_num
    for _row in reader:
        starts.append(start + 1)
        start = reader.line_num
    return starts[1:]


def _batched(data: bytes, size: int, block: int = batches.BLOCK
             ) -> tuple[list[str], list[Batch]]:
    table = read_table(io.BytesIO(data), "csv")
    return table.header, list(batches.batches(table, size, block))


def _check(data: bytes, size: int, block: int) -> None:
    header, expected = _csv_rows(data)
    batch_header, found = _batched(data, size, block)
    assert batch_header == header
    assert [row for batch in found for row in batch.rows()] == expected
    # Each row is numbered by the file's line it starts on (the header is line 1), also when
    # a quoted field holds a line break.
    assert [number for batch in found for number in batch.numbers()] == _record_lines(data)
    for batch in found:
        assert batch.first == batch.numbers()[0]
        assert 0 < batch.count <= size
        columns = batch.columns()
        rows = batch.rows()
        if columns is None:
            assert not rows or len({len(row) for row in rows}) > 1 or rows[0] == []
        else:
            transposed = zip(*rows, strict=True)
            assert [list(column) for column in columns] == [list(c) for c in transposed]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(ROW, min_size=0, max_size=30), line_end=st.sampled_from(["\n", "\r\n", "\r"]),
       final=st.booleans(), size=st.integers(1, 7), block=st.integers(1, 40))
def test_batches_read_what_the_csv_module_reads(rows, line_end, final, size, block):
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator=line_end).writerows([["h1", "h2"], *rows])
    text = out.getvalue()
    if not final:
        text = text.removesuffix(line_end)
    _check(text.encode(), size, block)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="aø;\"\r\n ", min_size=0, max_size=80), size=st.integers(1, 5),
       block=st.integers(1, 30))
def test_batches_read_any_text_as_the_csv_module_does(text, size, block):
    data = ("h1;h2\n" + text).encode()
    try:
        expected = _csv_rows(data)
    except csv.Error:
        with pytest.raises(csv.Error):
            _batched(data, size, block)
        return
    header, found = _batched(data, size, block)
    assert (header, [row for batch in found for row in batch.rows()]) == expected


def test_plain_lines_come_as_columns_without_the_csv_module():
    data = "a;b;c\r\n" + "".join(f"x{n};{n};æ\r\n" for n in range(10))
    header, found = _batched(data.encode(), 4)
    assert header == ["a", "b", "c"]
    assert [batch.count for batch in found] == [4, 4, 2]
    assert found[0].columns() == [["x0", "x1", "x2", "x3"], ["0", "1", "2", "3"], ["æ"] * 4]
    assert found[2].first == 10
    _header, small = _batched(data.encode(), 4, block=20)  # a batch ends where a block does
    assert sum(batch.count for batch in small) == 10
    assert max(batch.count for batch in small) <= 4
    for found_batches in (found, small):  # never through the csv module
        assert all(batch._text is not None for batch in found_batches)


def test_a_row_of_another_width_or_a_blank_line_means_no_columns():
    _header, found = _batched(b"a;b\n1;2\n3\n4;5\n\n6;7\n", 10)
    assert found[0].columns() is None
    assert found[0].rows() == [["1", "2"], ["3"], ["4", "5"], [], ["6", "7"]]


def test_the_row_limit_holds_for_batches():
    data = ("a;b\n" + "1;2\n" * 6).encode()
    with row_limit(5), pytest.raises(ImportFileError):
        _batched(data, 2)
    with row_limit(6):
        assert sum(batch.count for batch in _batched(data, 2)[1]) == 6
