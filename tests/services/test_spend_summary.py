"""The monthly spend summaries give exactly what the lines give, whoever wrote the lines.

Each check compares the report read from spend_month / spend_month_dims with the same report
read from the spend lines alone (the summaries switched off), and the summaries kept by the
writers with the summaries summed again from scratch.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, update

from procure.domain.statistics import Filters
from procure.ingest import ImportRejected
from procure.models import SpendLine, SpendMonth, SpendMonthDepartment, SpendMonthDims, Supplier
from procure.services import spend_summary, statistics
from tests.services.test_imports import FIXTURES, GOOD, HEADER
from tests.services.test_statistics import ORGANISATION_ID, build_statistics_fixture
from tests.support.owned import import_spend, import_suppliers

# For the first organisation of a fresh database: the statistics fixture's, or the one the
# imports make (tests.support.owned).
FILTERS = [replace(filters, organisation_id=ORGANISATION_ID) for filters in (
    Filters(date(2025, 1, 1), date(2025, 12, 31)),
    Filters(date(2025, 1, 1), date(2025, 3, 31)),
    Filters(date(2024, 12, 1), date(2025, 2, 28)),
    Filters(date(2025, 1, 1), date(2025, 12, 31), department="A"),
    Filters(date(2025, 1, 1), date(2025, 12, 31), category="Y"),
    Filters(date(2025, 1, 1), date(2025, 12, 31), cpv_division="90"),
    Filters(date(2025, 1, 1), date(2025, 12, 31), cpv_division="9"),
    Filters(date(2025, 1, 1), date(2025, 12, 31), region=("3222",), startup_years=10),
    Filters(date(2025, 1, 5), date(2025, 12, 31)),  # not whole months: the lines
)]
DRILLS = [(None, None), ("size", "small"), ("kommune", "3205"), ("month", "2025-03"),
          ("flag", "unmatched"), ("flag", "invalid"), ("flag", "unknown"), ("flag", "startup"),
          ("category", "X"), ("department", "B"), ("cpv", "45")]


def _lines_only(monkeypatch) -> None:
    monkeypatch.setattr(statistics, "_whole_months", lambda filters: False)


def _everything(db, filters: Filters) -> tuple:
    report = statistics.report(db, filters)
    drills = [statistics.drill_suppliers(db, filters, dimension, value)
              for dimension, value in DRILLS]
    return (report.figures, report.previous, report.breakdowns, report.quality, drills,
            statistics.filter_choices(db, filters.organisation_id))


def _same_as_lines(db, monkeypatch) -> None:
    summed = [_everything(db, filters) for filters in FILTERS]
    with monkeypatch.context() as patch:
        _lines_only(patch)
        from_lines = [_everything(db, filters) for filters in FILTERS]
    for filters, mine, theirs in zip(FILTERS, summed, from_lines, strict=True):
        assert mine == theirs, filters


def _summaries(db) -> tuple[list, list, list]:
    months = sorted((r.organisation_id, str(r.month), r.supplier_orgnr, bool(r.orgnr_valid),
                     r.supplier_id, r.size_class, r.lines, r.amount_ore)
                    for r in db.scalars(select(SpendMonth)))
    dims = sorted((r.organisation_id, str(r.month), r.department, r.category, r.cpv_division,
                   r.size_class, r.lines, r.amount_ore)
                  for r in db.scalars(select(SpendMonthDims)))
    departments = sorted((r.organisation_id, r.department, str(r.month), r.supplier_orgnr,
                          bool(r.orgnr_valid), r.supplier_id, r.lines, r.amount_ore)
                         for r in db.scalars(select(SpendMonthDepartment)))
    return months, dims, departments


def _kept_equal_to_a_rebuild(db) -> None:
    kept = _summaries(db)
    spend_summary.rebuild(db)
    assert _summaries(db) == kept


def test_orm_written_lines_are_summed_and_read_the_same(db, monkeypatch):
    build_statistics_fixture(db)
    db.flush()
    months, dims, departments = _summaries(db)
    assert sum(row[6] for row in months) == sum(row[6] for row in dims) == sum(
        row[6] for row in departments) == 8
    _kept_equal_to_a_rebuild(db)
    assert spend_summary.dims_current(db, ORGANISATION_ID, date(2025, 1, 1), date(2025, 12, 31))
    _same_as_lines(db, monkeypatch)


def test_a_changed_supplier_size_makes_the_breakdowns_read_the_lines(db, monkeypatch):
    suppliers = build_statistics_fixture(db)
    db.flush()
    suppliers["S3"].size_class = "large"
    db.flush()
    assert not spend_summary.dims_current(db, ORGANISATION_ID, date(2025, 1, 1),
                                          date(2025, 12, 31))
    assert spend_summary.dims_current(db, ORGANISATION_ID, date(2024, 12, 1),
                                      date(2024, 12, 31))
    _same_as_lines(db, monkeypatch)
    category = statistics.spend_breakdowns(db, FILTERS[0])["category"].rows
    assert {row["key"]: row["sme_amount"] for row in category}["X"] == 1000.0


def test_orm_updates_and_deletes_of_lines_are_summed_again(db, monkeypatch):
    build_statistics_fixture(db)
    db.flush()
    db.execute(update(SpendLine).where(SpendLine.invoice_id == "L2")
               .values(amount_ore=123_400, department="A"))
    line = db.scalars(select(SpendLine).where(SpendLine.invoice_id == "L3")).one()
    db.delete(line)
    db.flush()
    _kept_equal_to_a_rebuild(db)
    _same_as_lines(db, monkeypatch)
    # The shares count S2's June credit note (its only line that month) as 0; the month
    # breakdown keeps every net amount.
    assert statistics.spend_totals(db, FILTERS[0]).total == (1000 + 1234 + 400 + 100
                                                            + 200) * 100
    months = statistics.report(db, FILTERS[0]).breakdowns["month"].rows
    assert sum(row["amount"] for row in months) == 1000 + 1234 + 400 + 100 + 200 - 500


def test_imports_keep_the_summaries(db, monkeypatch):
    with (FIXTURES / "enheter_page.json").open("rb") as handle:
        import_suppliers(db, handle, "enheter_page.json")
    import_spend(db, io.BytesIO(GOOD.encode()), "spend.csv")  # new lines: added
    _kept_equal_to_a_rebuild(db)
    changed = GOOD.replace("3000.00", "3100.00") + "F9;1;2025-05-01;934567897;5;1;Annet;;Kultur\n"
    import_spend(db, io.BytesIO(changed.encode()), "spend.csv",
                 replace=True)  # a changed line: summed again
    _kept_equal_to_a_rebuild(db)
    db.commit()
    before = _summaries(db)
    with pytest.raises(ImportRejected):
        import_spend(db, io.BytesIO((HEADER + "F10;1;2025-13-01;1;1;;;;\n").encode()), "bad.csv")
    db.rollback()
    assert _summaries(db) == before
    # The register changes a size and links the unmatched number: the relink sums again.
    db.execute(update(Supplier).values(size_class="medium"))
    db.add(Supplier(orgnr="998877660", name="Late AS", size_class="micro"))
    db.flush()
    from procure.ingest import relink_suppliers
    assert relink_suppliers(db) == 1
    _kept_equal_to_a_rebuild(db)
    _same_as_lines(db, monkeypatch)


def test_a_large_import_sums_batch_by_batch_like_a_rebuild(db):
    rows = [f"G{n};{1 + n % 3};2025-{1 + n % 12:02d}-{1 + n % 28:02d};"
            f"{('934567897', '975312461', '123456789', '', '998877660')[n % 5]};"
            f"{n % 997},{n % 100:02d};6700;{('Renhold', 'Bygg', '')[n % 3]};"
            f"{('90911200', '', '45000000-7')[n % 3]};{('Oppvekst', 'Kultur')[n % 2]}\n"
            for n in range(2_500)]
    with (FIXTURES / "enheter_page.json").open("rb") as handle:
        import_suppliers(db, handle, "enheter_page.json")
    run = import_spend(db, io.BytesIO((HEADER + "".join(rows)).encode()), "many.csv",
                       batch_size=300)
    assert run.inserted == 2_500
    _kept_equal_to_a_rebuild(db)


def test_two_organisations_import_the_same_file_and_keep_their_own_sums(db, monkeypatch):
    """Issue 19: the same invoice numbers in two organisations' files are two sets of lines,
    summed apart; changing one organisation's lines (a replace, a rebuild of its sums) leaves
    the other's lines and sums as they were."""
    from procure.ingest.spend import import_spend as import_for
    from procure.models import Organisation

    with (FIXTURES / "enheter_page.json").open("rb") as handle:
        import_suppliers(db, handle, "enheter_page.json")
    first = import_spend(db, io.BytesIO(GOOD.encode()), "spend.csv")
    other = Organisation(name="Nabokommune", orgnr="974760673", kommunenummer="0301")
    db.add(other)
    db.flush()
    assert other.id is not None and other.id != first.organisation_id
    run = import_for(db, io.BytesIO(GOOD.encode()), "spend.csv", organisation_id=other.id)
    assert (run.inserted, run.updated) == (6, 0)  # not the first's lines again
    _kept_equal_to_a_rebuild(db)
    mine = [_everything(db, filters) for filters in FILTERS]
    theirs = [_everything(db, replace(filters, organisation_id=other.id))
              for filters in FILTERS]
    assert mine == theirs
    before = _summaries(db)
    changed = GOOD.replace("3000.00", "3100.00")
    import_for(db, io.BytesIO(changed.encode()), "spend.csv", organisation_id=other.id,
               replace=True)
    _kept_equal_to_a_rebuild(db)
    after = _summaries(db)
    for kept, now in zip(before, after, strict=True):
        assert [row for row in kept if row[0] == ORGANISATION_ID] == [
            row for row in now if row[0] == ORGANISATION_ID]
        assert [row for row in kept if row[0] == other.id] != [
            row for row in now if row[0] == other.id]
    assert [_everything(db, filters) for filters in FILTERS] == mine
    assert statistics.spend_totals(db, replace(FILTERS[0], organisation_id=other.id)).total \
        == statistics.spend_totals(db, FILTERS[0]).total + 100_00
    _same_as_lines(db, monkeypatch)
