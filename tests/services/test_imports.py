"""Supplier and spend imports: all or nothing, every bad row reported, re-import changes nothing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from procure.ingest import (
    ImportFileError,
    ImportRejected,
    relink_suppliers,
)
from procure.ingest.reading import amount_ore, parse_amount_ore
from procure.ingest.spend import ChangesNeedConfirmation
from procure.models import ImportRun, SpendLine, Supplier
from tests.support.owned import import_spend, import_suppliers, old_values, record_rejection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "statistics"
HEADER = "invoice_id;line;date;supplier_orgnr;amount_nok;account;category;cpv;department\n"
GOOD = (HEADER
        + "F1;1;2025-01-10;934567897;1 000,50;6700;Renhold;90911200;Oppvekst\n"
        + "F1;2;2025-01-10;934567897;200;6700;Renhold;;Oppvekst\n"
        + "F2;;15.03.2025;NO 975 312 461 MVA;3000.00;6500;Bygg;45000000-7;Eiendom\n"
        + "F3;1;2025-03-20;123456789;-250,00;6700;Annet;;Kultur\n"
        + "F4;1;2025-04-01;;99;6700;Annet;;Kultur\n"
        + "F5;1;2025-04-02;998877660;10;6700;Annet;;Kultur\n")


def spend(db, text: str, name: str = "spend.csv"):
    return import_spend(db, io.BytesIO(text.encode("utf-8")), name)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def suppliers_from(db, name: str):
    with (FIXTURES / name).open("rb") as handle:
        return import_suppliers(db, handle, name)


def test_suppliers_from_the_enheter_api_json(db):
    run = suppliers_from(db, "enheter_page.json")
    db.commit()
    assert (run.inserted, run.updated, run.unchanged, run.status) == (5, 0, 0, "imported")
    rows = {s.orgnr: s for s in db.scalars(select(Supplier))}
    renhold = rows["934567897"]
    assert (renhold.name, renhold.organisasjonsform, renhold.employees, renhold.nace_code) == (
        "Strømmen Renhold AS", "AS", 12, "81.210")
    assert (renhold.size_class, renhold.size_basis) == ("small", "headcount")
    assert renhold.founded == date(2022, 3, 1)
    assert (renhold.postal_code, renhold.kommunenummer) == ("2010", "3205")
    bygg = rows["975312461"]
    assert bygg.size_class == "large" and bygg.address == "Karl Johans gate 1, 2. etasje"
    assert bygg.kommunenummer == "0301"  # from the postal code: none was given
    holding = rows["928374653"]
    # No registered employees: unknown, never SME. 3030 (old Lillestrøm) -> 3205 via 1900.
    assert (holding.size_class, holding.employees, holding.kommunenummer) == (
        "unknown", None, "3205")
    assert rows["923456783"].size_class == "large"
    assert rows["923456783"].size_basis == "public-body"
    abroad = rows["987654325"]
    assert (abroad.postal_code, abroad.kommunenummer, abroad.size_class) == ("", "", "micro")


def test_suppliers_from_the_bulk_csv_and_reimport_changes_nothing(db):
    first = suppliers_from(db, "enheter.csv")
    db.commit()
    assert first.inserted == 3
    skjetten = db.scalar(select(Supplier).where(Supplier.orgnr == "964201358"))
    assert (skjetten.size_class, skjetten.kommunenummer) == ("small", "3205")
    second = suppliers_from(db, "enheter.csv")
    db.commit()
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    # The JSON has two of the same units, one changed, and three new.
    third = suppliers_from(db, "enheter_page.json")
    db.commit()
    assert (third.inserted, third.updated, third.unchanged) == (3, 1, 1)


def test_bad_supplier_rows_change_nothing_and_are_all_reported(db):
    suppliers_from(db, "enheter.csv")
    db.commit()
    text = ("organisasjonsnummer;navn;antallAnsatte;stiftelsesdato;forretningsadresse.postnummer\n"
            "934567897;Strømmen Renhold AS;13;2022-03-01;2010\n"  # would change: 12 -> 13
            "123456789;Feil AS;1;2020-01-01;2000\n"
            "964201358;;x;2020-13-01;20000\n"
            "964201358;Dobbel AS;1;;2000\n")
    with pytest.raises(ImportRejected) as caught:
        import_suppliers(db, io.BytesIO(text.encode()), "bad.csv")
    db.rollback()
    errors = [(row, field) for row, field, _msgid, _params in caught.value.errors.items]
    assert errors == [(3, "organisasjonsnummer"), (4, "navn"), (4, "antallAnsatte"),
                      (4, "stiftelsesdato"), (4, "forretningsadresse.postnummer"),
                      (5, "organisasjonsnummer")]
    assert db.scalar(select(Supplier.employees).where(Supplier.orgnr == "934567897")) == 12
    run = record_rejection(db, caught.value)
    db.commit()
    assert (run.status, run.error_count, run.rows_read) == ("rejected", 6, 4)
    assert count(db, Supplier) == 3


def test_spend_csv_import_and_reimport(db):
    suppliers_from(db, "enheter.csv")
    run = spend(db, GOOD)
    db.commit()
    assert (run.inserted, run.updated, run.unchanged) == (6, 0, 0)
    assert run.notes == {"invalid_orgnr": 2, "unmatched_orgnr": 1, "encoding": "utf-8",
                         "key": "invoice", "columns": {
                             "invoice_id": "invoice_id", "line": "line", "date": "date",
                             "supplier_orgnr": "supplier_orgnr", "amount_nok": "amount_nok",
                             "account": "account", "category": "category", "cpv": "cpv",
                             "department": "department"}}
    lines = {(line.invoice_id, line.line_no): line for line in db.scalars(select(SpendLine))}
    first = lines[("F1", 1)]
    assert (first.amount_ore, first.invoice_date, first.cpv_code) == (
        100050, date(2025, 1, 10), "90911200-8")
    assert first.supplier_id is not None and first.orgnr_valid
    bygg = lines[("F2", 1)]  # empty line number means 1; orgnr with NO/MVA normalised
    assert (bygg.supplier_orgnr, bygg.invoice_date) == ("975312461", date(2025, 3, 15))
    assert lines[("F3", 1)].amount_ore == -25000
    assert not lines[("F3", 1)].orgnr_valid and lines[("F3", 1)].supplier_id is None
    assert lines[("F5", 1)].orgnr_valid and lines[("F5", 1)].supplier_id is None
    again = spend(db, GOOD)
    db.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)
    new_file = GOOD.replace("3000.00", "3100.00") + "F6;1;2025-05-01;;1;;;;\n"
    with pytest.raises(ChangesNeedConfirmation) as caught:  # a change is never silent
        spend(db, new_file)
    db.rollback()
    assert caught.value.count == 1
    assert [{name: value for name, value in change.items() if name != "values"}
            for change in caught.value.changes] == [{
                "key_scope": "org:975312461", "invoice_id": "F2", "line_no": 1,
                "date": "2025-03-15", "amount_ore": 310000}]
    assert old_values(db, caught.value.changes)[0] == caught.value.changes[0] | {
        "old_date": "2025-03-15", "old_amount_ore": 300000,
        "differences": {"amount_ore": [300000, 310000]}}
    assert count(db, SpendLine) == 6
    changed = import_spend(db, io.BytesIO(new_file.encode()), "spend.csv", replace=True)
    db.commit()
    assert (changed.inserted, changed.updated, changed.unchanged) == (1, 1, 5)
    assert db.scalar(select(SpendLine.amount_ore).where(SpendLine.invoice_id == "F2")) == 310000


def test_spend_lines_are_linked_when_the_supplier_arrives_later(db):
    spend(db, GOOD)
    db.commit()
    assert db.scalar(select(func.count()).where(SpendLine.supplier_id.is_not(None))) == 0
    suppliers_from(db, "enheter.csv")  # links in SQL after the upsert
    db.commit()
    assert db.scalar(select(func.count()).where(SpendLine.supplier_id.is_not(None))) == 3
    assert relink_suppliers(db) == 0


def test_bad_spend_rows_change_nothing_and_every_one_is_reported(db):
    spend(db, GOOD)
    db.commit()
    bad = (HEADER
           + "F1;1;2025-01-10;934567897;5;6700;;;\n"  # fine, but would change F1
           + "F7;1;2025-13-01;934567897;12,345;;;;\n"
           + ";1;;934567897;;;;12345678;\n"
           + "F8;0;2025-01-01;934567897;1,2,3;;;;\n"
           + "F9;1;2025-01-01\n"
           + "F1;1;2025-01-10;934567897;5;6700;;;\n"  # the same line twice
           + "F10;1;2025-01-01;934567897;1e5;;" + "x" * 101 + ";;\n")
    with pytest.raises(ImportRejected) as caught:
        spend(db, bad)
    db.rollback()
    errors = [(row, field) for row, field, _msgid, _params in caught.value.errors.items]
    assert errors == [(3, "date"), (3, "amount_nok"), (4, "invoice_id"), (4, "date"),
                      (4, "amount_nok"), (4, "cpv"), (5, "amount_nok"), (5, "line"),
                      (6, ""), (7, "invoice_id"), (8, "amount_nok"), (8, "category")]
    assert caught.value.rows_read == 7
    assert count(db, SpendLine) == 6
    assert db.scalar(select(SpendLine.amount_ore).where(SpendLine.invoice_id == "F1",
                                                        SpendLine.line_no == 1)) == 100050


def test_spend_from_xlsx_with_typed_cells(db):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fakturanr", "Dato", "Orgnr", "Beløp", "Avdeling", "Kategori"])
    sheet.append(["X1", date(2025, 2, 3), 934567897, 1234.5, "Kultur", "Lyd"])
    sheet.append(["X2", "2025-02-04", "934567897", "99,90", "Kultur", None])
    sheet.append([None, None, None, None, None, None])  # blank rows are skipped
    sheet.append([1003, date(2025, 2, 5), None, 7, "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    run = import_spend(db, buffer, "ledger.xlsx")
    db.commit()
    assert run.inserted == 3
    rows = {line.invoice_id: line for line in db.scalars(select(SpendLine))}
    assert rows["X1"].amount_ore == 123450 and rows["X1"].invoice_date == date(2025, 2, 3)
    assert rows["X2"].amount_ore == 9990 and rows["X1"].category == "Lyd"
    assert rows["1003"].amount_ore == 700


@pytest.mark.parametrize(("name", "content", "message"), [
    ("spend.pdf", b"%PDF-1.7", "Upload a file of type"),
    ("spend.xlsx", b"invoice_id;date\n", "does not match"),
    ("spend.csv", b"PK\x03\x04rest", "does not match"),
    ("spend.csv", b"", "empty"),
    ("spend.csv", b"invoice_id;dato\nF1;2025-01-01\n", "Missing columns"),
    ("spend.csv", "invoice_id;date;supplier_orgnr;amount_nok\nF1;2025-01-01;1;2,00\nBø;"
     "2025-01-01;1;2\n".encode() + b"F\xf8;2025-01-01;1;2\n", "Line 4 is not UTF-8"),
    ("spend.xlsx", b"PK\x03\x04not really a zip", "not an Excel workbook"),
])
def test_whole_file_problems_are_user_errors(db, name, content, message):
    with pytest.raises(ImportFileError) as caught:
        import_spend(db, io.BytesIO(content), name)
    assert message in str(caught.value)


def test_delimiters_and_number_formats():
    assert [amount_ore(text) for text in ("1234,50", "1234.50", "1 234,50", "1.234,50",
                                          "-5", "+7,1", "0,05")] == [
        123450, 123450, 123450, 123450, -500, 710, 5]
    assert [amount_ore(text) for text in ("", "abc", "1e5", "12.345", "1,234.50", "nan",
                                          "--1", "1.234")] == [None] * 8
    assert parse_amount_ore(12.5) == 1250 and parse_amount_ore(3) == 300
    with pytest.raises(ValueError):
        parse_amount_ore(float("nan"))


def test_comma_and_tab_separated_files(db):
    comma = GOOD.replace(";", ",").replace("1 000,50", "1000.50").replace("-250,00", "-250")
    assert spend(db, comma).inserted == 6
    db.rollback()
    tab = GOOD.replace(";", "\t")
    assert spend(db, tab).inserted == 6
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_fast_and_row_by_row_paths_store_the_same_lines(db, monkeypatch):
    """Clean batches go column by column; a batch with any unusual value goes row by row.
    Both must store exactly the same lines and counts."""
    suppliers_from(db, "enheter.csv")
    db.commit()
    numbers = ["934567897", "975312461", "", "123456789", "998877660", "964201358"]

    def body(sign: str) -> str:
        return "".join(
            f"G{n // 3};{n % 3 + 1};2025-{n % 12 + 1:02d}-{n % 28 + 1:02d};{numbers[n % 6]};"
            f"{sign}{(n * 7919) % 100000},{n % 100:02d};67{n % 10};Kat {n % 4};"
            f"{'90911200-8' if n % 5 == 0 else ''};Avd {n % 3}\n"
            for n in range(60))

    header = "invoice_id;line;date;supplier_orgnr;amount_nok;account;category;cpv;department\n"

    def stored():
        return sorted(db.execute(select(
            SpendLine.invoice_id, SpendLine.line_no, SpendLine.invoice_date,
            SpendLine.supplier_orgnr, SpendLine.orgnr_valid, SpendLine.supplier_id,
            SpendLine.amount_ore, SpendLine.account, SpendLine.category, SpendLine.cpv_code,
            SpendLine.department)).all())

    from procure.ingest import spend as spend_module

    row_by_row = []
    original = spend_module._SpendImporter._slow
    monkeypatch.setattr(spend_module._SpendImporter, "_slow",
                        lambda self, chunk, numbers: (row_by_row.append(numbers[0]),
                                                      original(self, chunk, numbers)))
    fast = import_spend(db, io.BytesIO((header + body("")).encode()), "fast.csv",
                        batch_size=8)
    assert row_by_row == []
    fast_rows, fast_notes = stored(), dict(fast.notes)
    db.rollback()
    # "+" in front of an amount is accepted, but only by the row-by-row path.
    slow = import_spend(db, io.BytesIO((header + body("+")).encode()), "slow.csv",
                        batch_size=8)
    assert row_by_row == [2, 10, 18, 26, 34, 42, 50, 58]  # every batch, by first row
    assert stored() == fast_rows and len(fast_rows) == 60
    assert dict(slow.notes) == fast_notes
    assert (fast_notes["invalid_orgnr"], fast_notes["unmatched_orgnr"]) == (20, 10)
