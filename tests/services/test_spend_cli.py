"""`procure import spend`: --map for unclear columns, --replace for changed lines."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from procure.models import ImportRun, SpendLine
from tests.support.owned import owner

HEADER = "Fakturanr;Dato;Fakturadato;Org.nr.;Beløp;Beløp eks. mva\n"


@pytest.fixture(autouse=True)
def organisation(db):
    """The one organisation: `procure import` works for it without --org."""
    owner(db)
    db.commit()


def test_unclear_columns_exit_1_naming_them_until_mapped(runner, db, tmp_path):
    spend = tmp_path / "visma.csv"
    spend.write_bytes((HEADER + "F1;05.01.2026;20.12.2025;934567897;1250,00;1000,00\n")
                      .encode("cp1252"))
    refused = runner.invoke(args=["import", "spend", str(spend)])
    assert refused.exit_code == 1
    assert "date: «Dato» | «Fakturadato»" in refused.output
    assert "amount: «Beløp» | «Beløp eks. mva»" in refused.output
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 0
    result = runner.invoke(args=["import", "spend", str(spend), "--map", "date=Fakturadato",
                                 "--map", 'amount="Beløp eks. mva"'])
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed" in result.output
    assert "read as Windows-1252" in result.output
    assert "an invoice file: lines are identified by supplier, invoice and line" in result.output
    assert "amount = «Beløp eks. mva»" in result.output
    line = db.scalars(select(SpendLine)).one()
    assert (line.invoice_date.isoformat(), line.amount_ore) == ("2025-12-20", 100000)
    wrong = runner.invoke(args=["import", "spend", str(spend), "--map", "sum=Beløp"])
    assert wrong.exit_code != 0 and "--map" in wrong.output


def test_changed_lines_need_replace_and_are_listed(runner, db, tmp_path):
    ledger = tmp_path / "hovedbok.csv"
    header = "Bilagsnr;Linje;Bilagsdato;Org.nr.;Nettobeløp\n"
    ledger.write_text(header + "1;1;10.03.2025;934567897;100,00\n"
                      "2;1;11.03.2025;934567897;200,00\n", encoding="utf-8")
    assert runner.invoke(args=["import", "spend", str(ledger)]).exit_code == 0
    ledger.write_text(header + "1;1;10.03.2025;934567897;150,00\n"
                      "2;1;11.03.2025;975312461;200,00\n", encoding="utf-8")
    runs = db.scalar(select(func.count()).select_from(ImportRun))
    refused = runner.invoke(args=["import", "spend", str(ledger)])
    assert refused.exit_code == 1
    assert "it would change 2 line(s) already imported" in refused.output
    assert "1 line 1 (year 2025): 2025-03-10, 100.00 -> 2025-03-10, 150.00\n" in refused.output
    assert ("2 line 1 (year 2025): 2025-03-11, 200.00 -> 2025-03-11, 200.00; "
            "supplier_orgnr 934567897 -> 975312461") in refused.output
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 30000  # nothing written
    assert db.scalar(select(func.count()).select_from(ImportRun)) == runs
    replaced = runner.invoke(args=["import", "spend", str(ledger), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "0 new, 2 changed, 0 unchanged" in replaced.output
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 35000


def test_a_corrected_organisation_number_is_a_possible_duplicate_not_a_new_line(runner, db,
                                                                                tmp_path):
    spend = tmp_path / "faktura.csv"
    header = "Fakturanr;Linje;Fakturadato;Org.nr.;Nettobeløp\n"
    spend.write_text(header + "A-2;1;20.02.2025;97152496;2500,00\n", encoding="utf-8")
    assert runner.invoke(args=["import", "spend", str(spend)]).exit_code == 0
    spend.write_text(header + "A-2;1;20.02.2025;971524960;2500,00\n", encoding="utf-8")
    refused = runner.invoke(args=["import", "spend", str(spend)])
    assert refused.exit_code == 1
    assert "1 line(s) have the invoice or voucher, line, date and amount" in refused.output
    assert ("A-2 line 1 2025-02-20, 2500.00: supplier 97152496 -> supplier 971524960; "
            "supplier_orgnr 97152496 -> 971524960") in refused.output
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 250000  # nothing written
    replaced = runner.invoke(args=["import", "spend", str(spend), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert db.execute(select(SpendLine.supplier_orgnr, SpendLine.amount_ore)).all() == [
        ("971524960", 250000)]


def test_a_file_that_became_a_ledger_asks_and_can_keep_both(runner, db, tmp_path):
    spend = tmp_path / "faktura.csv"
    spend.write_text("Fakturanr;Dato;Org.nr.;Nettobeløp\n7;10.03.2025;934567897;100,00\n",
                     encoding="utf-8")
    assert runner.invoke(args=["import", "spend", str(spend)]).exit_code == 0
    spend.write_text("Bilagsnr;Dato;Org.nr.;Nettobeløp\n7;10.03.2025;934567897;100,00\n",
                     encoding="utf-8")
    refused = runner.invoke(args=["import", "spend", str(spend)])
    assert refused.exit_code == 1
    assert "7 line 1 2025-03-10, 100.00: supplier 934567897 -> year 2025" in refused.output
    kept = runner.invoke(args=["import", "spend", str(spend), "--keep-both"])
    assert kept.exit_code == 0, kept.output
    assert "1 new, 0 changed" in kept.output
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 20000
