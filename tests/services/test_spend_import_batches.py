"""The spend import across many batches: small batch sizes stand in for the million-line files
(batches of 37 lines, written 16 to a statement on SQLite, leave remainders everywhere), so that
a late bad row, a duplicate, a changed line or a batch that needs the row-by-row path is met
after lines were already written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from procure.ingest import ImportRejected, forked, spend
from procure.ingest.reading import amount_ore
from procure.ingest.spend import _amounts, _upsert, upsert_sql
from procure.models import SpendLine, SpendMonth, SpendMonthDims
from procure.services import bulk, spend_summary
from tests.services.test_imports import FIXTURES, HEADER
from tests.services.test_spend_summary import _kept_equal_to_a_rebuild, _summaries
from tests.support.owned import import_spend, import_suppliers, owner

ORGS = ("934567897", "975312461", "123456789", "", "998877660")
BATCH = 37


def _row(n: int, amount: str | None = None, day: str | None = None, org: str | None = None,
         department: str | None = None) -> str:
    return (f"B{n // 3};{1 + n % 3};{day or f'2025-{1 + n % 12:02d}-{1 + n % 28:02d}'};"
            f"{ORGS[n % 5] if org is None else org};{amount or f'{n % 997},{n % 100:02d}'};6700;"
            f"{('Renhold', 'Bygg', '')[n % 3]};{('90911200', '', '45000000-7')[n % 3]};"
            f"{department or ('Oppvekst', 'Kultur')[n % 2]}\n")


def _file(rows: list[str]) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(rows)).encode())


def _import(db, rows: list[str]):
    return import_spend(db, _file(rows), "batches.csv", batch_size=BATCH)


@pytest.fixture(params=["in-process", "forked"])
def registered(db, request, monkeypatch):
    """The register loaded; each test runs with the file read in this process and in a forked
    reader (forked.py), which must import exactly the same."""
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", 0 if request.param == "forked" else 1 << 40)
    forks = []
    run = forked.run
    monkeypatch.setattr(forked, "run", lambda *args: forks.append(1) or run(*args))
    with (FIXTURES / "enheter_page.json").open("rb") as handle:
        import_suppliers(db, handle, "enheter_page.json")
    db.commit()
    yield db
    assert bool(forks) == (request.param == "forked")  # each import went the way it says


def _lines(db) -> list[tuple]:
    return sorted(db.execute(select(
        SpendLine.invoice_id, SpendLine.line_no, SpendLine.invoice_date,
        SpendLine.supplier_orgnr, SpendLine.orgnr_valid, SpendLine.supplier_id,
        SpendLine.amount_ore, SpendLine.account, SpendLine.category, SpendLine.cpv_code,
        SpendLine.department)).all())


def _state(db) -> tuple:
    return _lines(db), _summaries(db)


def test_a_bad_row_late_in_the_file_changes_nothing(registered):
    db = registered
    _import(db, [_row(n) for n in range(0, 300)])
    db.commit()
    before = _state(db)
    rows = [_row(n, amount=f"{n},00") for n in range(1000)]  # changes lines that are there
    rows[900] = _row(900, day="2025-02-30")
    with pytest.raises(ImportRejected) as caught:
        _import(db, rows)
    db.rollback()
    assert [(row, field) for row, field, *_ in caught.value.errors.items] == [(902, "date")]
    assert caught.value.rows_read == 1000
    assert _state(db) == before


def test_reimport_inserts_updates_and_leaves_lines_as_counted(registered):
    db = registered
    rows = [_row(n) for n in range(1000)]
    run = _import(db, rows)
    db.commit()
    assert (run.inserted, run.updated, run.unchanged) == (1000, 0, 0)
    assert (run.notes["invalid_orgnr"], run.notes["unmatched_orgnr"]) == (400, 200)
    _kept_equal_to_a_rebuild(db)
    first = _state(db)
    again = _import(db, rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1000)
    assert _state(db) == first
    changed = list(rows)
    for n in (0, 15, 16, 36, 37, 500, 999):
        changed[n] = _row(n, amount="1,00")
    changed += [_row(n) for n in range(1000, 1003)]
    with pytest.raises(spend.ChangesNeedConfirmation) as caught:
        _import(db, changed)
    db.rollback()
    assert caught.value.count == 7
    assert sorted((change["invoice_id"], change["line_no"]) for change in caught.value.changes
                  ) == [("B0", 1), ("B12", 1), ("B12", 2), ("B166", 3), ("B333", 1), ("B5", 1),
                        ("B5", 2)]
    assert _state(db) == first
    run = import_spend(db, _file(changed), "batches.csv", batch_size=BATCH, replace=True)
    assert (run.inserted, run.updated, run.unchanged) == (3, 7, 993)
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 1003
    assert db.scalar(select(func.count()).where(SpendLine.amount_ore == 100)) == 7
    _kept_equal_to_a_rebuild(db)


def test_duplicates_in_and_across_batches_are_named(registered):
    db = registered
    rows = [_row(n) for n in range(300)]
    rows[48] = rows[44]  # the same batch (rows 39 to 75 of the file)
    rows[200] = rows[10]  # an earlier batch, already written
    with pytest.raises(ImportRejected) as caught:
        _import(db, rows)
    db.rollback()
    assert [(row, field) for row, field, *_ in caught.value.errors.items] == [
        (50, "invoice_id"), (202, "invoice_id")]
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 0


def test_batches_through_either_path_give_the_same_lines_and_sums(registered):
    db = registered
    plain = [_row(n) for n in range(400)]
    unusual = list(plain)  # amounts with spaces and a date in Norwegian form: row by row
    for n in (5, 100, 101, 250, 399):
        unusual[n] = _row(n, amount=f"1 {n % 997:03d},{n % 100:02d}")
    unusual[130] = _row(130, day="07.11.2025")
    unusual[200] = _row(200, org="NO 934 567 897 MVA")  # still the column path: normalised
    unusual[300] = _row(300, department=" Kultur ")
    run = _import(db, unusual)
    assert run.inserted == 400
    _kept_equal_to_a_rebuild(db)
    mixed = _state(db)
    db.rollback()
    for n in (5, 100, 101, 250, 399):
        plain[n] = _row(n, amount=f"1{n % 997:03d},{n % 100:02d}")
    plain[130] = _row(130, day="2025-11-07")
    plain[200] = _row(200, org="934567897")
    plain[300] = _row(300, department="Kultur")
    import_spend(db, _file(plain), "plain.csv", batch_size=10_000)
    assert _state(db) == mixed


def test_an_import_with_more_values_than_the_sums_hold_sums_again_in_sql(registered,
                                                                         monkeypatch):
    db = registered
    monkeypatch.setattr(spend_summary, "_ORG", 2)  # room for 4; five organisation numbers
    run = _import(db, [_row(n) for n in range(200)])
    assert run.inserted == 200
    assert db.scalar(select(func.sum(SpendMonth.lines))) == 200
    assert db.scalar(select(func.sum(SpendMonthDims.lines))) == 200
    _kept_equal_to_a_rebuild(db)


def test_the_row_writer_writes_remainders_and_counts_changes(db):
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        writer = bulk.RowWriter(connection, _upsert(), per_statement=4)
    else:
        writer = bulk.writer(connection, _upsert())
    day = "2025-01-01" if connection.dialect.name == "sqlite" else date(2025, 1, 1)
    organisation = owner(db)
    rows = [("org:", f"W{n}", 1, day, "", False, None, n, "", "", "", "", None, organisation)
            for n in range(10)]
    writer.columns(list(zip(*rows[:7], strict=True)))
    writer.rows(rows[7:])
    assert writer.changed == 10
    writer.rows([(*rows[0][:7], 99, *rows[0][8:]), *rows[1:3]])  # one changed, two the same
    assert writer.changed == 11
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == sum(range(1, 10)) + 99
    with pytest.raises(ValueError, match="width"):
        writer.rows([rows[0][:-1]])


def test_the_one_row_upsert_for_the_demo_loader_still_writes_and_updates(db):
    connection = db.connection()
    day = "2025-01-01" if connection.dialect.name == "sqlite" else date(2025, 1, 1)
    row = ("org:", "D1", 1, day, "", False, None, 5, "", "", "", "", None, owner(db))
    sql = upsert_sql(connection.dialect.name)
    connection.exec_driver_sql(sql, [row, (*row[:7], 7, *row[8:])])
    assert db.scalar(select(SpendLine.amount_ore)) == 7


def test_line_ends_quotes_and_line_numbers_do_not_change_what_is_imported(registered):
    db = registered
    rows = [_row(n) for n in range(200)]
    _import(db, rows)
    expected = _state(db)
    db.rollback()
    text = HEADER + "".join(rows)
    crlf = text.replace("\n", "\r\n")
    invoice, line, rest = rows[150].split(";", 2)
    quoted = (HEADER + "".join(rows[:150]) + f'"{invoice}";"{line}";{rest}'
              + "".join(rows[151:]))  # the csv module reads on from the first quote
    padded = HEADER + "".join(row.replace(";1;", ";01;", 1) for row in rows)  # not plain
    for variant in (crlf, quoted, padded):
        import_spend(db, io.BytesIO(variant.encode()), "variant.csv", batch_size=BATCH)
        assert _state(db) == expected
        db.rollback()


def test_a_line_number_written_two_ways_is_still_a_duplicate(registered):
    db = registered
    rows = [_row(n) for n in range(120)]
    assert rows[3].startswith("B1;1;")
    rows[100] = rows[3].replace("B1;1;", "B1;01;", 1)  # a later batch, through the coded path
    with pytest.raises(ImportRejected) as caught:
        _import(db, rows)
    db.rollback()
    assert [(row, field) for row, field, *_ in caught.value.errors.items] == [
        (102, "invoice_id")]


AMOUNT = st.one_of(
    st.from_regex(r"-?[0-9]{1,14}[.,][0-9]{2}", fullmatch=True),
    st.from_regex(r"-?[0-9]{1,14}", fullmatch=True),
    st.text(alphabet="0123456789-+.,  e_", min_size=0, max_size=8))


@settings(max_examples=400, deadline=None)
@given(st.lists(AMOUNT, min_size=1, max_size=6))
def test_a_batch_of_amounts_parses_as_each_amount_does(raw):
    parsed = _amounts(raw)
    if parsed is None:  # the row-by-row path takes it
        return
    assert parsed.tolist() == [amount_ore(value) for value in raw]


def test_the_common_amount_forms_take_the_batch_path():
    assert _amounts(["1234,50", "-0.05", "9999999999999,99"]).tolist() == [
        123450, -5, 999999999999999]
    assert _amounts(["12", "-7", "0"]).tolist() == [1200, -700, 0]
    for mixed in (["12", "12,50"], ["1 234,50"], ["-"], [""], ["12,5"], ["+12,50"]):
        assert _amounts(mixed) is None
