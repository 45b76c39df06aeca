"""A large spend file is read in a forked child while this process writes (forked.py): the
same lines as in one process, and every way the child can fail reaches the caller as a clear
error, with nothing written and no process left behind."""

from __future__ import annotations

import io
import multiprocessing
import os
import time

import pytest
from sqlalchemy import func, select

from procure.errors import N_
from procure.ingest import ImportFileError, ImportRejected, forked, spend
from procure.models import SpendLine
from procure.services import bulk
from tests.services.test_imports import HEADER
from tests.services.test_spend_import_batches import _row
from tests.support.owned import import_spend


class _Importer:
    sink = None


def test_a_large_file_is_read_in_another_process_and_written_in_this_one(db, monkeypatch):
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", 0)
    readers: list[int] = []
    run = forked.run

    def spy(importer, read, receive):
        def read_and_tell():
            state = read()
            return {**state, "reader_pid": os.getpid()}

        state = run(importer, read_and_tell, receive)
        readers.append(state.pop("reader_pid"))
        return state

    monkeypatch.setattr(forked, "run", spy)
    content = (HEADER + "".join(_row(n) for n in range(500))).encode()
    result = import_spend(db, io.BytesIO(content), "large.csv", batch_size=50)
    assert readers and readers[0] != os.getpid()
    assert result.inserted == 500 and result.rows_read == 500
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 500


def test_a_file_too_small_to_gain_is_read_in_this_process(db, monkeypatch):
    def refuse(*_args):
        raise AssertionError("forked for a small file")

    monkeypatch.setattr(forked, "run", refuse)
    content = (HEADER + "".join(_row(n) for n in range(20))).encode()
    assert import_spend(db, io.BytesIO(content), "small.csv").inserted == 20


def test_what_the_reader_sends_arrives_in_order_and_its_result_comes_back():
    received = []

    def read():
        for number in range(300):  # more than the pipe holds at once
            _Importer.sink.send(("batch", (number, "x" * 5000)))
        return {"rows_read": 300}

    assert forked.run(_Importer, read, lambda kind, payload: received.append(
        (kind, payload[0]))) == {"rows_read": 300}
    assert received == [("batch", number) for number in range(300)]


def test_an_error_raised_in_the_reader_is_raised_here_with_its_message():
    def read():
        raise ImportFileError(N_("The file is not UTF-8 text (near row %(row)d). Save it as "
                                 "CSV UTF-8."), row=4711)

    with pytest.raises(ImportFileError) as caught:
        forked.run(_Importer, read, lambda *_: None)
    assert caught.value.params == {"row": 4711}
    assert "near row 4711" in str(caught.value)


def test_an_error_that_cannot_be_sent_still_arrives_as_text():
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("no")

    def read():
        raise Unpicklable("the reason")

    with pytest.raises(RuntimeError, match="Unpicklable: the reason"):
        forked.run(_Importer, read, lambda *_: None)


def test_a_reader_that_dies_is_reported_as_a_user_error():
    def read():
        os._exit(3)

    with pytest.raises(forked.ChildFailed) as caught:
        forked.run(_Importer, read, lambda *_: None)
    assert caught.value.params == {"code": 3}


def test_a_failed_write_stops_the_reader():
    processes = []

    def read():
        while True:  # would never end by itself
            _Importer.sink.send(("batch", b"x" * 10_000))

    def receive(_kind, _payload):
        processes.extend(multiprocessing.active_children())
        raise RuntimeError("the database refused the batch")

    with pytest.raises(RuntimeError, match="refused"):
        forked.run(_Importer, read, receive)
    # It ended by itself (its next send failed), not by the kill that would follow.
    assert [process.exitcode for process in processes] == [0]


def test_a_reader_that_stops_answering_is_given_up(monkeypatch):
    monkeypatch.setattr(forked, "SILENT_SECONDS", 0.5)

    def read():
        time.sleep(60)

    def receive(*_args):
        raise AssertionError("nothing was sent")

    with pytest.raises(forked.ChildFailed, match="stopped answering"):
        forked.run(_Importer, read, receive)
    assert not any(child.name == "procure-import-reader"
                   for child in multiprocessing.active_children())


def test_where_no_process_can_be_started_the_file_is_read_here(db, monkeypatch):
    def refuse(_self):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", refuse)
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", 0)
    content = (HEADER + "".join(_row(n) for n in range(200))).encode()
    assert import_spend(db, io.BytesIO(content), "no-fork.csv", batch_size=50).inserted == 200


def _written(db, monkeypatch, content: bytes, threshold: int) -> list[list]:
    """Every spend line handed to the writer, each value with its type."""
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", threshold)
    written: list[list] = []
    make = bulk.writer

    class Recorder:
        def __init__(self, inner):
            self.inner = inner

        def columns(self, columns):
            written.extend(zip(*columns, strict=True))
            self.inner.columns(columns)

        def rows(self, rows):
            written.extend(map(tuple, rows))
            self.inner.rows(rows)

        @property
        def changed(self):
            return self.inner.changed

    monkeypatch.setattr(bulk, "writer", lambda connection, upsert: (
        Recorder(make(connection, upsert)) if upsert.table == "spend_line"
        else make(connection, upsert)))
    import_spend(db, io.BytesIO(content), "mixed.csv", batch_size=40)
    db.rollback()
    return [[(type(value).__name__, value) for value in row] for row in written]


def test_both_ways_hand_the_writer_the_same_values_of_the_same_types(db, monkeypatch):
    rows = [_row(n) for n in range(400)]
    for n in (5, 100, 101, 250):
        rows[n] = _row(n, amount=f"1 {n % 997:03d},{n % 100:02d}")  # row by row
    rows[130] = _row(130, day="07.11.2025")
    rows[200] = _row(200, org="NO 934 567 897 MVA")
    rows[300] = _row(300, department=" Kultur ")
    rows[310] = rows[310].replace(";1;", ";01;", 1)  # a line number not as plain as 1
    invoice, rest = rows[350].split(";", 1)
    rows[350] = f'"{invoice}";{rest}'  # the csv module reads on from here
    content = (HEADER + "".join(rows)).encode()
    in_process = _written(db, monkeypatch, content, 1 << 40)
    assert len(in_process) == 400
    assert _written(db, monkeypatch, content, 0) == in_process


def test_a_bad_row_deep_in_a_forked_import_names_its_line_and_writes_nothing(db, monkeypatch):
    # A byte that is not UTF-8 is refused before any reading (detect_encoding reads the whole
    # file), so the forked reader's own refusal is a bad value: a date that does not exist.
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", 0)
    forks = []
    run = forked.run
    monkeypatch.setattr(forked, "run", lambda *args: forks.append(1) or run(*args))
    rows = [_row(n, department="Bøker") for n in range(400)]
    rows[350] = _row(350, day="31.02.2025", department="Bøker")
    content = (HEADER + "".join(rows)).encode()
    with pytest.raises(ImportRejected) as caught:
        import_spend(db, io.BytesIO(content), "broken.csv", batch_size=50)
    assert forks == [1]  # read in the forked reader
    assert [(row, field) for row, field, *_ in caught.value.errors.items] == [(352, "date")]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 0


def test_a_windows_1252_file_is_read_as_such_in_a_forked_reader(db, monkeypatch):
    rows = [_row(n, department=("Bøker", "Særskilt", "Åpen")[n % 3]) for n in range(400)]
    content = (HEADER + "".join(rows)).encode("cp1252")
    for threshold in (0, 1 << 40):
        monkeypatch.setattr(spend, "FORK_MIN_BYTES", threshold)
        run = import_spend(db, io.BytesIO(content), "ansi.csv", batch_size=50)
        assert (run.inserted, run.notes["encoding"]) == (400, "windows-1252")
        assert set(db.scalars(select(SpendLine.department))) == {"Bøker", "Særskilt", "Åpen"}
        db.rollback()


def test_a_quoted_line_break_in_an_invoice_id_arrives_whole(db, monkeypatch):
    rows = [_row(n) for n in range(120)]
    invoice, rest = rows[60].split(";", 1)
    rows[60] = f'"{invoice}\nwith a break";{rest}'  # the csv module reads on from here
    content = (HEADER + "".join(rows)).encode()
    stored = {}
    for mode, threshold in (("forked", 0), ("in-process", 1 << 40)):
        monkeypatch.setattr(spend, "FORK_MIN_BYTES", threshold)
        assert import_spend(db, io.BytesIO(content), "quoted.csv",
                            batch_size=50).inserted == 120
        stored[mode] = sorted(db.scalars(select(SpendLine.invoice_id)).all())
        db.rollback()
    assert stored["forked"] == stored["in-process"]
    assert f"{invoice}\nwith a break" in stored["forked"]
