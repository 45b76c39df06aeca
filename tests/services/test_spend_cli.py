"""`procure import spend`: --map for unclear columns, --replace for changed lines."""

from __future__ import annotations

from sqlalchemy import func, select

from procure.models import ImportRun, SpendLine

HEADER = "Fakturanr;Dato;Fakturadato;Org.nr.;Beløp;Beløp eks. mva\n"


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
                      "2;1;11.03.2025;934567897;200,00\n", encoding="utf-8")
    runs = db.scalar(select(func.count()).select_from(ImportRun))
    refused = runner.invoke(args=["import", "spend", str(ledger)])
    assert refused.exit_code == 1
    assert "it would change 1 line(s) already imported" in refused.output
    assert "1 line 1 (year 2025): 2025-03-10, 100.00 -> 2025-03-10, 150.00" in refused.output
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 30000  # nothing written
    assert db.scalar(select(func.count()).select_from(ImportRun)) == runs
    replaced = runner.invoke(args=["import", "spend", str(ledger), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "0 new, 1 changed, 1 unchanged" in replaced.output
    assert db.scalar(select(func.sum(SpendLine.amount_ore))) == 35000
