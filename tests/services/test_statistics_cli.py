"""`procure import …` and `procure stats show|export`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from procure.domain.statistics import INDICATOR_IDS
from procure.models import ImportRun, SpendLine
from tests.services.test_statistics import build_statistics_fixture
from tests.support.owned import owner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "statistics"


def test_import_commands(runner, db, tmp_path):
    owner(db)  # the one organisation: the commands work for it
    db.commit()
    result = runner.invoke(args=["import", "suppliers", str(FIXTURES / "enheter.csv")])
    assert result.exit_code == 0, result.output
    assert "3 new, 0 changed, 0 unchanged" in result.output
    spend = tmp_path / "spend.csv"
    spend.write_text("invoice_id;date;supplier_orgnr;amount_nok\n"
                     "C1;2025-01-01;934567897;10\nC2;2025-01-02;;20\n", encoding="utf-8")
    result = runner.invoke(args=["import", "spend", str(spend)])
    assert result.exit_code == 0, result.output
    assert "invalid orgnr: 1" in result.output
    result = runner.invoke(args=["import", "ocds", str(FIXTURES / "ocds_release_package.json")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import", "tenders"])
    assert result.exit_code == 0 and "0 new" in result.output


def test_rejected_import_exits_1_with_the_report(runner, db, tmp_path):
    owner(db)
    db.commit()
    spend = tmp_path / "spend.csv"
    spend.write_text("invoice_id;date;supplier_orgnr;amount_nok\n"
                     "C1;2025-02-30;934567897;10\nC2;2025-01-02;;x\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    result = runner.invoke(args=["import", "spend", str(spend), "--report", str(report)])
    assert result.exit_code == 1
    assert "Rejected spend.csv: 2 problem(s)" in result.output
    assert "row 2 date: Not a date" in result.output
    assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith('"2";"date";')
    assert db.scalar(select(func.count()).select_from(SpendLine)) == 0
    assert db.scalar(select(ImportRun.status)) == "rejected"
    wrong = runner.invoke(args=["import", "spend", str(FIXTURES / "enheter_page.json")])
    assert wrong.exit_code == 1 and "Upload a file of type .csv, .xlsx." in wrong.output


def test_stats_show_json_and_text(runner, db):
    build_statistics_fixture(db)
    result = runner.invoke(args=["stats", "show", "--from", "2025-01-01", "--to", "2025-12-31",
                                 "--json"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    assert tuple(values) == INDICATOR_IDS
    # Old code gave a flat id -> value map, without coverage.
    assert values["sme_share_value"] == {"value": pytest.approx(1 / 3), "coverage":
                                         pytest.approx(4500 / 5200), "numerator": 1500,
                                         "denominator": 4500, "reason": None}
    assert values["decision_days_avg"]["value"] == pytest.approx(37.5)
    assert values["decision_days_avg"]["coverage"] == pytest.approx(0.5)
    assert values["innovation_count"]["value"] == 2
    assert values["green_by_basis"]["value"]["spec"] == pytest.approx(1 / 3, abs=1e-6)
    assert all(set(entry) == {"value", "coverage", "numerator", "denominator", "reason"}
               for entry in values.values())
    empty = json.loads(runner.invoke(args=["stats", "show", "--year", "2020", "--json"]).output)
    assert empty["sme_share_value"]["value"] is None
    assert empty["sme_share_value"]["reason"] == "Nothing in the period to measure."
    text = runner.invoke(args=["stats", "show", "--year", "2025", "--department", "A"])
    assert text.exit_code == 0
    assert "sme_share_value" in text.output and "100.0%" in text.output
    none = runner.invoke(args=["stats", "show", "--year", "2020"])
    assert "coverage -  (Nothing in the period to measure.)" in none.output
    bad = runner.invoke(args=["stats", "show", "--from", "2025-13-01"])
    assert bad.exit_code == 2


def test_stats_export_writes_the_workbook(runner, db, tmp_path):
    build_statistics_fixture(db)
    target = tmp_path / "stats.xlsx"
    result = runner.invoke(args=["stats", "export", "--from", "2025-01-01", "--to",
                                 "2025-12-31", "-o", str(target), "--lines"])
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames[0] == "Sammendrag" and "Linjer 1" in book.sheetnames
    english = runner.invoke(args=["stats", "export", "--year", "2025", "-o", str(target),
                                  "--lang", "en"])
    assert english.exit_code == 0
    assert load_workbook(target).sheetnames[0] == "Summary"
