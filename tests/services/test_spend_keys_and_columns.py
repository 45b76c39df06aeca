"""Spend lines keyed as their source keys them, columns never guessed, encodings detected, and
row numbers that are the file's own line numbers (issue 16)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlmodel import Session

from procure.ingest import ImportFileError, ImportRejected, forked, spend
from procure.ingest.spend import (
    ChangesNeedConfirmation,
    ColumnsUnclear,
    resolve_columns,
)
from procure.migrate import alembic_config
from procure.models import ImportMapping, SpendLine, SpendMonth
from procure.services import spend_summary
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase
from tests.services.test_spend_summary import _kept_equal_to_a_rebuild
from tests.support.owned import import_spend, old_values, owner, remember_mapping

LEDGER_HEADER = "Bilagsnr;Linje;Bilagsdato;Org.nr.;Beløp eks. mva;Ansvar;Art\n"
ORGS = ("934567897", "975312461", "998877660")


@pytest.fixture(params=["in-process", "forked"])
def way(request, monkeypatch):
    """Each import read in this process, and in a forked reader (forked.py)."""
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", 0 if request.param == "forked" else 1 << 40)
    forks = []
    run = forked.run
    monkeypatch.setattr(forked, "run", lambda *args: forks.append(1) or run(*args))
    yield request.param
    assert bool(forks) == (request.param == "forked")


def _ledger(year: int, vouchers: int = 20, lines: int = 3) -> tuple[str, int]:
    """A year's ledger whose voucher numbers start at 1 (as every year's do), and its sum."""
    rows, total = [], 0
    for voucher in range(1, vouchers + 1):
        for line in range(1, lines + 1):
            ore = (voucher * 7919 + line * 104729 + year) % 10_000_000 - 1_000_000
            total += ore
            amount = f"{'-' if ore < 0 else ''}{abs(ore) // 100},{abs(ore) % 100:02d}"
            rows.append(f"{voucher};{line};{(voucher % 28) + 1:02d}.{(voucher % 12) + 1:02d}."
                        f"{year};{ORGS[voucher % 3]};{amount};Ansvar {voucher % 4};67{line}\n")
    return LEDGER_HEADER + "".join(rows), total


def _import(db, content: str | bytes, name: str = "spend.csv", **options):
    data = content.encode() if isinstance(content, str) else content
    return import_spend(db, io.BytesIO(data), name, batch_size=16, **options)


def _year_sum(db, year: int) -> int:
    return db.scalar(select(func.sum(SpendLine.amount_ore)).where(
        SpendLine.invoice_date >= date(year, 1, 1), SpendLine.invoice_date <= date(year, 12, 31)))


# --- keys ------------------------------------------------------------------------------------


def test_two_years_of_a_ledger_with_restarting_vouchers_both_stay_to_the_ore(db, way):
    ledger_2025, total_2025 = _ledger(2025)
    ledger_2026, total_2026 = _ledger(2026)
    first = _import(db, ledger_2025, "hovedbok-2025.csv")
    db.commit()
    assert (first.inserted, first.updated, first.notes["key"]) == (60, 0, "ledger")
    second = _import(db, ledger_2026, "hovedbok-2026.csv")  # vouchers 1, 2, ... again
    db.commit()
    assert (second.inserted, second.updated, second.unchanged) == (60, 0, 0)
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 120
    assert (_year_sum(db, 2025), _year_sum(db, 2026)) == (total_2025, total_2026)
    assert db.scalar(select(func.sum(SpendMonth.amount_ore))) == total_2025 + total_2026
    _kept_equal_to_a_rebuild(db)
    again = _import(db, ledger_2025, "hovedbok-2025.csv")  # the same file changes nothing
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 60)
    assert (_year_sum(db, 2025), _year_sum(db, 2026)) == (total_2025, total_2026)


def test_two_suppliers_with_the_same_invoice_number_are_two_invoices(db, way):
    content = ("Fakturanr;Fakturadato;Leverandør orgnr;Beløp eks mva\n"
               "1001;2025-03-01;934567897;100,00\n"
               "1001;2025-03-02;975312461;250,50\n")
    run = _import(db, content)
    assert (run.inserted, run.notes["key"]) == (2, "invoice")
    assert sorted(db.execute(select(SpendLine.key_scope, SpendLine.amount_ore)).all()) == [
        ("org:934567897", 10000), ("org:975312461", 25050)]
    db.commit()
    later = _import(db, "Fakturanr;Fakturadato;Leverandør orgnr;Beløp eks mva\n"
                        "1001;2025-04-01;998877660;7,00\n")
    assert (later.inserted, later.updated) == (1, 0)
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 10000 + 25050 + 700


def test_a_file_that_changes_lines_is_refused_until_replace_naming_them(db, way):
    ledger, _total = _ledger(2025, vouchers=4)
    _import(db, ledger)
    db.commit()
    changed = ledger.splitlines(keepends=True)
    assert changed[8].startswith("3;2;")
    original = int(changed[8].split(";")[4].replace(",", ""))
    changed[8] = changed[8].rsplit(";", 3)[0] + ";1,00;Ansvar 9;670\n"  # voucher 3, line 2
    with pytest.raises(ChangesNeedConfirmation) as caught:
        _import(db, "".join(changed))
    db.rollback()
    assert caught.value.count == 1
    assert [(c["key_scope"], c["invoice_id"], c["line_no"], c["amount_ore"])
            for c in caught.value.changes] == [("year:2025", "3", 2, 100)]
    assert db.scalar(select(SpendLine.amount_ore).where(SpendLine.invoice_id == "3",
                                                        SpendLine.line_no == 2)) == original
    run = _import(db, "".join(changed), replace=True)
    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 11)
    _kept_equal_to_a_rebuild(db)


def test_a_line_whose_key_changed_is_asked_about_and_replace_removes_the_old_one(db, way):
    header = "Fakturanr;Fakturadato;Orgnr;Beløp eks mva;Avdeling\n"
    _import(db, header + "A-2;20.02.2025;97152496;2500,00;Skole\n"
                         "A-3;21.02.2025;934567897;10,00;Skole\n")
    db.commit()
    corrected = header + ("A-2;20.02.2025;971524960;2500,00;Kultur\n"
                          "A-3;21.02.2025;934567897;10,00;Skole\n")
    with pytest.raises(ChangesNeedConfirmation) as caught:
        _import(db, corrected)
    db.rollback()
    assert (caught.value.count, caught.value.duplicate_count) == (0, 1)
    assert caught.value.duplicates == [{
        "key_scope": "org:971524960", "invoice_id": "A-2", "line_no": 1, "date": "2025-02-20",
        "amount_ore": 250000, "old_scope": "org:97152496",
        "differences": {"supplier_orgnr": ["97152496", "971524960"],
                        "department": ["Skole", "Kultur"]}}]
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 251000
    run = _import(db, corrected, replace=True)
    assert (run.inserted, run.updated, run.unchanged) == (1, 0, 1)
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 251000
    assert db.scalar(select(func.sum(SpendMonth.amount_ore))) == 251000
    _kept_equal_to_a_rebuild(db)


def test_another_organisations_lines_are_never_taken_for_duplicates_or_replaced(db):
    """Issue 19: a line that another organisation has under another key (the same invoice,
    line, date and amount) is not a possible duplicate: the import neither asks about it nor,
    with replace, deletes it."""
    from procure.ingest.spend import import_spend as import_for
    from procure.models import Organisation

    header = "Fakturanr;Fakturadato;Orgnr;Beløp eks mva;Avdeling\n"
    _import(db, header + "A-2;20.02.2025;97152496;2500,00;Skole\n")
    other = Organisation(name="Nabokommune", orgnr="974760673", kommunenummer="0301")
    db.add(other)
    db.flush()
    assert other.id is not None
    theirs = header + "A-2;20.02.2025;971524960;2500,00;Kultur\n"
    run = import_for(db, io.BytesIO(theirs.encode()), "spend.csv", organisation_id=other.id,
                     replace=True)
    assert (run.inserted, run.updated) == (1, 0)
    assert sorted(db.execute(select(SpendLine.organisation_id, SpendLine.key_scope))
                  .all()) == sorted([(owner(db), "org:97152496"), (other.id, "org:971524960")])
    _kept_equal_to_a_rebuild(db)


def test_a_ledger_keys_by_the_voucher_date_when_it_has_an_invoice_date_too(db):
    header = "Bilagsnr;Bilagsdato;Fakturadato;Orgnr;Nettobeløp\n"
    december = header + "1;05.01.2026;20.12.2025;934567897;10,00\n"
    with pytest.raises(ColumnsUnclear) as caught:  # two dates: the controller chooses
        _import(db, december)
    assert caught.value.choices == {"date": ["Bilagsdato", "Fakturadato"]}
    run = _import(db, december, mapping={"date": "Fakturadato"})
    line = db.scalars(select(SpendLine)).one()
    # Counted in December 2025 (its invoice date), keyed in 2026's voucher series.
    assert (line.invoice_date, line.key_scope) == (date(2025, 12, 20), "year:2026")
    assert run.notes["columns"]["voucher_date"] == "Bilagsdato"


# --- columns ---------------------------------------------------------------------------------


def test_gross_and_net_amounts_stop_the_import_naming_both(db):
    content = ("Fakturanr;Dato;Orgnr;Beløp;Beløp eks mva\n"
               "F1;2025-01-10;934567897;1250,00;1000,00\n")
    with pytest.raises(ColumnsUnclear) as caught:
        _import(db, content)
    assert caught.value.choices == {"amount_nok": ["Beløp", "Beløp eks mva"]}
    assert "«Beløp» | «Beløp eks mva»" in str(caught.value)
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 0
    _import(db, content, mapping={"amount_nok": "beløp eks mva"})
    assert db.scalar(select(SpendLine.amount_ore)) == 100000


@pytest.mark.parametrize("gross", ["Beløp inkl. mva", "Brutto", "Bruttobeløp"])
def test_an_amount_that_includes_vat_is_never_taken_silently(db, gross):
    content = f"Fakturanr;Dato;Orgnr;{gross}\nF1;2025-01-10;934567897;1250,00\n"
    with pytest.raises(ColumnsUnclear, match="includes VAT"):
        _import(db, content)
    with pytest.raises(ColumnsUnclear) as caught:  # beside a net one: both are named
        _import(db, content.replace(gross, f"{gross};Nettobeløp").replace(
            "1250,00", "1250,00;1000,00"))
    assert caught.value.choices == {"amount_nok": [gross, "Nettobeløp"]}
    run = _import(db, content, mapping={"amount_nok": gross})  # chosen by name: taken
    assert run.notes["columns"]["amount_nok"] == gross


def test_dato_and_fakturadato_stop_the_import(db):
    content = ("Fakturanr;Dato;Fakturadato;Orgnr;Beløp\n"
               "F1;2026-01-05;2025-12-20;934567897;10\n")
    with pytest.raises(ColumnsUnclear) as caught:
        _import(db, content)
    assert caught.value.choices == {"date": ["Dato", "Fakturadato"]}
    assert "date: «Dato» | «Fakturadato»" in str(caught.value)
    _import(db, content, mapping={"date": "Fakturadato"})
    assert db.scalar(select(SpendLine.invoice_date)) == date(2025, 12, 20)


@pytest.mark.parametrize(("header", "field"), [
    ("Fakturanr;Dato;Orgnr;Leverandør orgnr;Beløp", "supplier_orgnr"),
    ("Fakturanr;Dato;Orgnr;Beløp;Ansvar;Avdeling", "department"),
])
def test_two_suppliers_or_departments_stop_the_import(header, field):
    with pytest.raises(ColumnsUnclear) as caught:
        resolve_columns(header.split(";"))
    assert list(caught.value.choices) == [field]


def test_an_invoice_file_with_a_voucher_column_asks_which_identifies_its_lines(db):
    content = ("Fakturanr;Bilag;Fakturadato;Orgnr;Nettobeløp\n"
               "1001;7;20.12.2025;934567897;10,00\n")
    with pytest.raises(ColumnsUnclear) as caught:
        _import(db, content)
    assert caught.value.choices == {"voucher_id": ["Bilag"]}
    assert "«Fakturanr»" in str(caught.value.params) and "«Bilag»" in str(caught.value.params)
    run = _import(db, content, mapping={"voucher_id": ""})
    assert (run.notes["key"], db.scalars(select(SpendLine.key_scope)).one()) == (
        "invoice", "org:934567897")


def test_a_ledger_whose_only_date_is_the_invoice_date_asks_for_the_voucher_year(db):
    header = "Bilagsnr;Fakturadato;Orgnr;Nettobeløp\n"
    with pytest.raises(ColumnsUnclear) as caught:
        _import(db, header + "1;20.12.2025;934567897;10,00\n")
    assert caught.value.choices == {"voucher_date": ["Fakturadato"]}
    for header, scope in (("Bilagsnr;Dato;Orgnr;Nettobeløp\n", "year:2025"),
                          ("Bilagsnr;Bilagsdato;Orgnr;Nettobeløp\n", "year:2025")):
        run = _import(db, header + "1;20.12.2025;934567897;10,00\n", replace=True)
        assert (run.notes["key"], run.notes["columns"]["voucher_id"]) == ("ledger", "Bilagsnr")
        assert db.scalars(select(SpendLine.key_scope)).one() == scope


def test_a_repeated_heading_is_refused_naming_it(db):
    content = "Fakturanr;Dato;Orgnr;Beløp;Beløp\nF1;20.12.2025;934567897;10,00;12,50\n"
    with pytest.raises(ImportFileError) as caught:
        _import(db, content)
    assert caught.value.params == {"columns": "«Beløp»"}
    assert "more than once" in caught.value.msgid
    run = _import(db, "Fakturanr;Dato;Orgnr;Beløp;Prosjekt;Prosjekt\n"
                      "F1;20.12.2025;934567897;10,00;a;b\n")  # repeated, but no field's
    assert run.inserted == 1


def test_erp_headers_are_recognised():
    visma = resolve_columns(["Bilagsnr", "Bilagsdato", "Leverandør orgnr", "Beløp eks. mva",
                             "Ansvar", "Artskonto", "Prosjekt"])
    assert visma.kind == "ledger"
    assert visma.columns == {"voucher_id": "Bilagsnr", "date": "Bilagsdato",
                             "voucher_date": "Bilagsdato", "supplier_orgnr": "Leverandør orgnr",
                             "amount_nok": "Beløp eks. mva", "account": "Artskonto",
                             "department": "Ansvar"}
    unit4 = resolve_columns(["Fakturanr", "Fakturadato", "Org.nr.", "Nettobeløp", "Art",
                             "Koststed"])
    assert unit4.kind == "invoice"
    assert unit4.columns == {"invoice_id": "Fakturanr", "date": "Fakturadato",
                             "supplier_orgnr": "Org.nr.", "amount_nok": "Nettobeløp",
                             "account": "Art", "department": "Koststed"}
    with pytest.raises(ImportFileError, match="Missing columns: invoice / voucher"):
        resolve_columns(["Dato", "Orgnr", "Beløp"])


def test_a_chosen_mapping_is_remembered_for_files_with_the_same_headers(db):
    content = ("Fakturanr;Dato;Orgnr;Beløp;Beløp eks mva\n"
               "F1;2025-01-10;934567897;1250,00;1000,00\n")
    remember_mapping(db, content.splitlines()[0].split(";"), {"amount_nok": "Beløp eks mva"})
    db.commit()
    run = _import(db, content)
    assert run.notes["columns"]["amount_nok"] == "Beløp eks mva"
    assert db.scalar(select(SpendLine.amount_ore)) == 100000
    assert db.scalar(select(func.count()).select_from(ImportMapping)) == 1


# --- encodings and line numbers -------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "reported"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "windows-1252")])
def test_encodings_are_detected_and_reported(db, encoding, reported):
    content = ("Fakturanr;Dato;Orgnr;Beløp;Avdeling\n"
               "F1;2025-01-10;934567897;10;Særskilt skyss\n"
               "F2;2025-01-11;934567897;20;Bøker og Åpen hall\n")
    run = _import(db, content.encode(encoding))
    assert run.notes["encoding"] == reported
    assert sorted(db.scalars(select(SpendLine.department))) == [
        "Bøker og Åpen hall", "Særskilt skyss"]


@pytest.mark.parametrize(("text", "encoding", "reported"), [
    ("Bøker 5 €", "utf-8", "utf-8"),  # three bytes in UTF-8: read by the decoder, not numpy
    ("Bøker 5 €", "cp1252", "windows-1252"),  # one byte in Windows-1252
    ("Åpen \U0001f4da", "utf-8", "utf-8")])
def test_letters_beyond_latin_1_are_read_right(db, text, encoding, reported):
    content = f"Fakturanr;Dato;Orgnr;Beløp;Avdeling\nF1;2025-01-10;934567897;10;{text}\n"
    run = _import(db, content.encode(encoding))
    assert (run.notes["encoding"], db.scalar(select(SpendLine.department))) == (reported, text)


def test_a_byte_windows_1252_leaves_undefined_is_named_by_its_line(db):
    content = "Fakturanr;Dato;Orgnr;Beløp\nF1;2025-01-10;934567897;10\n".encode("cp1252")
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252") as caught:
        _import(db, content + b"F2\x81;2025-01-10;934567897;10\n")
    assert caught.value.params == {"line": 3}


def test_a_bad_byte_in_a_large_utf8_file_is_named_by_its_line(db):
    rows = [f"F{n};2025-01-10;934567897;{n},00;Bø\n" for n in range(2, 100_001)]
    rows[70_000 - 2] = "F70000;2025-01-10;934567897;1,00;B\xf8\n"  # line 70 000: Latin-1
    content = ("Fakturanr;Dato;Orgnr;Beløp;Avdeling\n".encode()
               + "".join(rows[:70_000 - 2]).encode()
               + rows[70_000 - 2].encode("cp1252") + "".join(rows[70_000 - 1:]).encode())
    with pytest.raises(ImportFileError) as caught:
        _import(db, content)
    assert caught.value.params == {"line": 70_000}


def test_row_numbers_are_line_numbers_after_a_quoted_line_break(db, way):
    rows = [f"F{n};2025-01-10;934567897;{n},00;Kultur\n" for n in range(200)]
    rows[10] = 'F10;2025-01-10;934567897;10,00;"Kultur\nog idrett"\n'  # lines 12 and 13
    rows[150] = "F150;2025-02-30;934567897;1,00;Kultur\n"  # record 152, line 153
    with pytest.raises(ImportRejected) as caught:
        _import(db, "Fakturanr;Dato;Orgnr;Beløp;Avdeling\n" + "".join(rows))
    assert [(row, field) for row, field, *_ in caught.value.errors.items] == [(153, "date")]
    rows[150] = 'F10;2025-01-10;934567897;10,00;"Kultur\nog idrett"\n'  # F10 again: line 153
    with pytest.raises(ImportRejected) as caught:
        _import(db, "Fakturanr;Dato;Orgnr;Beløp;Avdeling\n" + "".join(rows))
    assert [(row, field) for row, field, *_ in caught.value.errors.items] == [
        (153, "invoice_id")]


# --- the migration ---------------------------------------------------------------------------


def test_the_migration_keeps_existing_lines_under_a_legacy_scope(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0010")
            connection.execute(text(
                "INSERT INTO spend_line (invoice_id, line_no, invoice_date, supplier_orgnr, "
                "orgnr_valid, amount_ore, account, category, cpv_code, department) VALUES "
                "('F1', 1, '2025-01-10', '934567897', true, 12345, '', '', '', ''), "
                "('F2', 1, '2025-01-11', '', false, 100, '', '', '', '')"))
            command.upgrade(config, "0013")
            assert sorted(connection.execute(text(
                "SELECT key_scope, invoice_id, amount_ore FROM spend_line")).all()) == [
                ("", "F1", 12345), ("", "F2", 100)]
            command.downgrade(config, "0010")
            assert connection.execute(text("SELECT count(*) FROM spend_line")).scalar() == 2
    finally:
        database.drop()


def test_a_ledger_imported_before_the_migration_is_not_counted_twice(tmp_path):
    """The old importer took a voucher number as the invoice id; the same file imported again
    after migration 0013 (now read as a ledger) adopts those lines instead of adding them."""
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    ledger, total = _ledger(2025, vouchers=4)
    rows = [line.split(";") for line in ledger.splitlines()[1:]]
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0010")
            for voucher, line, day, org, amount, department, account in rows:
                connection.execute(text(
                    "INSERT INTO spend_line (invoice_id, line_no, invoice_date, supplier_orgnr, "
                    "orgnr_valid, amount_ore, account, category, cpv_code, department) VALUES "
                    "(:voucher, :line, :day, :org, true, :amount, :account, '', '', "
                    ":department)"),
                    {"voucher": voucher, "line": int(line), "org": org, "account": account,
                     "day": date(*reversed(list(map(int, day.split("."))))),
                     "amount": int(amount.replace(",", "")), "department": department})
            # Migration 0018 gives the lines to the organisation there is.
            connection.execute(text("INSERT INTO organisation (name, orgnr, kommunenummer) "
                                    "VALUES ('Testkommune', '964338531', '3205')"))
            command.upgrade(config, "head")
            db = Session(bind=connection)
            spend_summary.rebuild(db)
            changed = ledger.splitlines(keepends=True)
            before = changed[6]
            assert before.startswith("2;3;")
            changed[6] = before.rsplit(";", 3)[0] + ";1,00;Ansvar 9;673\n"  # voucher 2, line 3
            savepoint = connection.begin_nested()  # what the caller rolls back
            with pytest.raises(ChangesNeedConfirmation) as caught:
                _import(db, "".join(changed))
            savepoint.rollback()
            db.expire_all()
            assert [(c["key_scope"], c["invoice_id"], c["line_no"], c["amount_ore"])
                    for c in caught.value.changes] == [("year:2025", "2", 3, 100)]
            assert [c["old_amount_ore"] for c in old_values(db, caught.value.changes)] == [
                int(before.split(";")[4].replace(",", ""))]
            run = _import(db, ledger)
            assert (run.inserted, run.updated, run.unchanged) == (0, 0, 12)
            assert db.scalar(select(func.count()).select_from(SpendLine)) == 12
            assert db.scalar(select(func.sum(SpendLine.amount_ore))) == total
            assert db.scalar(select(func.sum(SpendMonth.amount_ore))) == total
            assert set(db.scalars(select(SpendLine.key_scope))) == {"year:2025"}
            _kept_equal_to_a_rebuild(db)
            db.close()
    finally:
        database.drop()
