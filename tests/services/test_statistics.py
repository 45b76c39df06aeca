"""Every indicator against hand-computed values on a small fixture (SQLite and PostgreSQL).

The fixture, in NOK (period 2025):

| line | supplier | size | kommune | founded | amount | department | category | CPV |
|---|---|---|---|---|---|---|---|---|
| L1 | S1 | small | 3205 | 2023 | 1000 | A | X | 90911200-8 |
| L2 | S2 | large | 0301 | 1990 | 3000 | B | Y | 45000000-7 |
| L3 | S3 | micro | 3222 | – | 500 | A | X | |
| L4 | S4 | unknown | 3205 | 2010 | 400 | A | | |
| L5 | invalid orgnr | | | | 100 | B | | |
| L6 | valid, not in register | | | | 200 (31 Dec) | B | | |
| L7 | S1 | | | | 999 (31 Dec 2024: outside) | A | | |
| L8 | S2 | | | | -500 (credit note) | B | Y | |

L8 is S2's only line in June 2025: its net that month is negative, so the shares count it 0
(the credit-note rule); the breakdowns of amounts keep it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from procure.domain import statistics as rules
from procure.domain.statistics import Filters
from procure.models import (
    Award,
    AwardSupplier,
    Organisation,
    SpendLine,
    Supplier,
    Tender,
    stored_id,
)
from procure.services import statistics

# The fixture's organisation: the first in a fresh database (build_statistics_fixture checks).
ORGANISATION_ID = 1
YEAR = Filters(date(2025, 1, 1), date(2025, 12, 31), organisation_id=ORGANISATION_ID)
ORGNR = {"S1": "934567897", "S2": "975312461", "S3": "987654325", "S4": "928374653"}
UNMATCHED = "998877660"


def build_statistics_fixture(db) -> dict[str, Supplier]:
    organisation = Organisation(name="Testkommune", orgnr="923456783", kommunenummer="3205")
    db.add(organisation)
    db.flush()
    assert organisation.id == ORGANISATION_ID, "the fixture needs a fresh database"
    suppliers = {
        "S1": Supplier(orgnr=ORGNR["S1"], name="Strømmen Renhold AS", size_class="small",
                       kommunenummer="3205", founded=date(2023, 1, 1)),
        "S2": Supplier(orgnr=ORGNR["S2"], name="=HYPERLINK(\"http://evil\",\"Bygg\")",
                       size_class="large", kommunenummer="0301", founded=date(1990, 1, 1)),
        "S3": Supplier(orgnr=ORGNR["S3"], name="Lørenskog Elektro AS", size_class="micro",
                       kommunenummer="3222"),
        "S4": Supplier(orgnr=ORGNR["S4"], name="Holding AS", size_class="unknown",
                       kommunenummer="3205", founded=date(2010, 1, 1),
                       size_basis="no-headcount"),
    }
    db.add_all(suppliers.values())
    db.flush()

    def line(key, supplier, amount, day, department, category="", cpv="", orgnr=None,
             valid=True):
        db.add(SpendLine(organisation_id=ORGANISATION_ID, invoice_id=key, invoice_date=day,
                         supplier_orgnr=orgnr if orgnr is not None else supplier.orgnr,
                         orgnr_valid=valid, supplier_id=supplier.id if supplier else None,
                         amount_ore=amount * 100, department=department, category=category,
                         cpv_code=cpv))

    s = suppliers
    line("L1", s["S1"], 1000, date(2025, 1, 10), "A", "X", "90911200-8")
    line("L2", s["S2"], 3000, date(2025, 2, 10), "B", "Y", "45000000-7")
    line("L3", s["S3"], 500, date(2025, 3, 15), "A", "X")
    line("L4", s["S4"], 400, date(2025, 3, 20), "A")
    line("L5", None, 100, date(2025, 4, 1), "B", orgnr="123", valid=False)
    line("L6", None, 200, date(2025, 12, 31), "B", orgnr=UNMATCHED)
    line("L7", s["S1"], 999, date(2024, 12, 31), "A")
    line("L8", s["S2"], -500, date(2025, 6, 1), "B", "Y")

    def award(key, day, procedure, criteria=None, tenderers=None, days=None, bids=None,
              sme_bids=None, winners=(), cpv=""):
        row = Award(organisation_id=ORGANISATION_ID, source="ocds", ocid=f"ocds-test-{key}",
                    award_key="1", title=key,
                    award_date=day, procedure=procedure, award_criteria=criteria,
                    number_of_tenderers=tenderers, decision_days=days,
                    bids_known_size=bids, sme_bids=sme_bids, cpv_code=cpv, value_ore=100_00)
        db.add(row)
        db.flush()
        for party, supplier, size in winners:
            db.add(AwardSupplier(award_id=row.id, party_key=party, name=party,
                                 supplier_orgnr=supplier.orgnr if supplier else "",
                                 supplier_id=supplier.id if supplier else None,
                                 size_class=size))

    award("A1", date(2025, 3, 1), "open", "priceOnly", 1, 45, 1, 1,
          [("p1", s["S1"], "unknown")], "90911200-8")
    award("A2", date(2025, 5, 1), "selective", "ratedCriteria", 4, 30, 2, 1,
          [("p2", s["S2"], "unknown")], "45000000-7")
    award("A3", date(2025, 7, 1), "direct", winners=[("p3", None, "sme")])
    award("A4", date(2024, 7, 1), "open", "priceOnly", 1, 10, 1, 0,
          [("p4", s["S2"], "unknown")])
    award("A5", date(2025, 12, 31), "open", "ratedCriteria", 2, winners=[("p5", None, "unknown")])

    opened = datetime(2025, 5, 1, 10, tzinfo=UTC)

    def tender(ref, status=None, basis=None, track=None, innovation=None, value=None,
               when=opened, cancelled=False, regime=None):
        db.add(Tender(organisation_id=organisation.id, reference=ref, title=ref,
                      recommendation={"regime": regime} if regime else {},
                      climate_status=status, climate_basis=basis, track=track,
                      procedure=track if track != "market-dialogue" else None,
                      innovation=innovation,
                      estimated_value=Decimal(value) if value is not None else None,
                      opened_at=when, cancelled_at=when if cancelled else None))

    tender("T1", "met", "criteria", "open-tender-competition", "none", 1_000_000,
           regime="part-2")
    tender("T2", "met", "spec", "market-dialogue", "new", 2_000_000, regime="part-3")
    tender("T3", "met", "exemption-insignificant", None, "adapt", regime="part-1")
    tender("T4", "not-met", None, None, "none", regime="part-2")
    tender("T5", regime="part-2")  # § 7-9 applies, not checked yet: not green
    tender("T6", "met", "criteria", cancelled=True)
    tender("T7", "met", "criteria", when=datetime(2024, 12, 31, 22, 59, tzinfo=UTC))
    # 31 Dec 2025 23:30 in Oslo is inside the period, though 2025-12-31 22:30 UTC.
    tender("T8", when=datetime(2025, 12, 31, 22, 30, tzinfo=UTC))
    db.commit()
    return suppliers


@pytest.fixture
def fixture(db):
    return build_statistics_fixture(db)


def test_spend_indicators_match_hand_computed_values(db, fixture):
    f = statistics.indicator_figures(db, YEAR)
    assert f["sme_share_value"].value == pytest.approx(1500 / 4500)
    assert f["sme_share_value"].coverage == pytest.approx(4500 / 5200)
    assert (f["sme_share_value"].numerator, f["sme_share_value"].denominator) == (1500, 4500)
    assert f["unknown_size_share_value"].value == pytest.approx(700 / 5200)
    assert f["local_share_value"].value == pytest.approx(1400 / 4900)
    assert f["local_share_value"].coverage == pytest.approx(4900 / 5200)
    assert f["regional_share_value"].value == pytest.approx(1900 / 4900)
    assert f["startup_share_value"].value == pytest.approx(1000 / 4400)
    assert f["startup_share_value"].coverage == pytest.approx(4400 / 5200)


def test_unknown_size_is_never_counted_as_sme(db, fixture):
    totals = statistics.spend_totals(db, YEAR)
    assert totals.sme == 150_000  # S1 and S3 only
    assert totals.unknown_size == 70_000  # S4 (in the register), L5 invalid, L6 unmatched
    assert totals.known_size + totals.unknown_size == totals.total


def test_a_credit_note_nets_against_its_supplier_in_the_month_and_never_below_zero(db, fixture):
    """Old code divided net sums: an SME credit note larger than the SME invoices in a month
    gave a negative share (-49 %), and one day could give 1000 %."""
    s = fixture
    db.add(SpendLine(organisation_id=ORGANISATION_ID, invoice_id="C1",
                     invoice_date=date(2025, 6, 3), supplier_orgnr=ORGNR["S1"],
                     orgnr_valid=True, supplier_id=s["S1"].id, amount_ore=-3000_00,
                     department="A"))
    db.add(SpendLine(organisation_id=ORGANISATION_ID, invoice_id="C2",
                     invoice_date=date(2025, 6, 4), supplier_orgnr=ORGNR["S3"],
                     orgnr_valid=True, supplier_id=s["S3"].id, amount_ore=200_00,
                     department="A"))
    db.commit()
    june = replace(YEAR, date_from=date(2025, 6, 1), date_to=date(2025, 6, 30))
    for filters in (june, replace(june, date_to=date(2025, 6, 15)),
                    replace(june, department="A")):
        figure = statistics.indicator_figures(db, filters)["sme_share_value"]
        # S1 -3000 counts 0; S2 -500 counts 0; S3 +200: SME 200 of 200 known.
        assert figure.value == pytest.approx(1.0), filters
        assert (figure.numerator, figure.denominator) == (200, 200)
    year = statistics.indicator_figures(db, YEAR)["sme_share_value"]
    # The year: S1 nets -3000 in June only (counts 0 there), its January 1000 stays.
    assert year.numerator == 1000 + 500 + 200 and 0 <= year.value <= 1
    # The breakdown of amounts keeps the net: June's SME share would be below 0, so none.
    months = {row["key"]: row for row in statistics.report(db, YEAR).breakdowns["month"].rows}
    assert months["2025-06"]["amount"] == -3300
    assert months["2025-06"]["sme_share"] is None
    assert months["2025-06"]["sme_share_reason"] == rules.OUT_OF_RANGE


def test_award_indicators_match_hand_computed_values(db, fixture):
    f = statistics.indicator_figures(db, YEAR)
    assert f["sme_share_winners"].value == pytest.approx(2 / 3)  # A1 small, A3 sme; A2 large
    assert f["sme_share_winners"].coverage == pytest.approx(3 / 4)  # A5's winner unknown
    assert f["sme_share_contracts"].value == pytest.approx(2 / 3)
    assert f["sme_share_contracts"].coverage == pytest.approx(3 / 4)
    assert f["single_bidder_share"].value == pytest.approx(1 / 3)
    assert f["single_bidder_share"].coverage == pytest.approx(3 / 4)
    assert f["price_only_share"].value == pytest.approx(1 / 3)
    assert f["decision_days_avg"].value == pytest.approx(37.5)
    assert f["decision_days_avg"].coverage == pytest.approx(2 / 4)
    assert f["sme_bids_share"].value == pytest.approx(2 / 3)
    assert f["sme_bids_share"].coverage == pytest.approx(2 / 4)


def test_tender_indicators_match_hand_computed_values(db, fixture):
    f = statistics.indicator_figures(db, YEAR)
    # In scope: T1-T5 and T8 (T6 cancelled, T7 opened in 2024 Oslo time). § 7-9 applies to
    # T1-T5; T8 has no recommendation yet. Old code: met of checked, 3 / 4.
    assert f["green_share_count"].value == pytest.approx(3 / 5)
    assert f["green_share_count"].coverage == pytest.approx(5 / 6)
    assert (f["green_share_count"].numerator, f["green_share_count"].denominator) == (3, 5)
    assert f["green_by_basis"].value == pytest.approx(
        {"criteria": 1 / 3, "spec": 1 / 3, "combination": 0, "exemption": 1 / 3})
    assert f["innovation_count"].value == 2  # T2 (new, market dialogue), T3 (adapt)
    assert f["innovation_count"].coverage == pytest.approx(4 / 6)
    assert f["innovation_value"].value == pytest.approx(2_000_000)
    assert f["innovation_value"].coverage == pytest.approx(1 / 2)


def test_filters_narrow_each_population(db, fixture):
    department = statistics.spend_totals(db, replace(YEAR, department="A"))
    assert (department.total, department.known_size, department.sme) == (
        190_000, 150_000, 150_000)
    department_b = statistics.spend_totals(db, replace(YEAR, department="B"))
    assert (department_b.total, department_b.known_size) == (330_000, 300_000)
    cpv = statistics.indicator_figures(db, replace(YEAR, cpv_division="45"))
    assert cpv["sme_share_value"].value == 0
    assert cpv["single_bidder_share"].coverage == 1  # A2 only
    procedure = statistics.award_totals(db, replace(YEAR, procedure="open"))
    assert procedure.awards == 2  # A1 and A5
    category = statistics.spend_totals(db, replace(YEAR, category="X"))
    assert category.total == 150_000
    quarter = statistics.spend_totals(db, replace(YEAR, date_to=date(2025, 3, 31)))
    assert quarter.lines == 4 and quarter.total == 490_000


def test_configurable_region_home_and_startup_age(db, fixture):
    filters = replace(YEAR, home_kommune="0301",
                      region=("0301", "3222"), startup_years=20)
    f = statistics.indicator_figures(db, filters)
    assert f["local_share_value"].value == pytest.approx(3000 / 4900)
    assert f["regional_share_value"].value == pytest.approx(3500 / 4900)
    assert f["startup_share_value"].value == pytest.approx(1400 / 4400)  # S1 and S4


def test_breakdowns_add_up_to_the_total(db, fixture):
    report = statistics.report(db, YEAR)
    size = {row["key"]: row["amount"] for row in report.breakdowns["size"].rows}
    assert size == {"micro": 500, "small": 1000, "large": 2500, "unknown": 700}
    assert [row["key"] for row in report.breakdowns["size"].rows] == [
        "micro", "small", "large", "unknown"]
    for name in ("size", "kommune", "category", "department", "cpv", "month"):
        assert sum(r["amount"] for r in report.breakdowns[name].rows) == pytest.approx(4700)
    months = {row["key"]: row["amount"] for row in report.breakdowns["month"].rows}
    assert months["2025-06"] == -500 and months["2025-12"] == 200
    kommune = {row["key"]: row["suppliers"] for row in report.breakdowns["kommune"].rows}
    assert kommune["3205"] == 2 and kommune[""] == 2
    procedure = {row["key"]: row for row in report.breakdowns["procedure"].rows}
    assert procedure["open"]["awards"] == 2
    assert procedure["open"]["single_bidder_share"] == pytest.approx(0.5)
    assert procedure["open"]["sme_awards"] == 1
    basis = {row["key"]: row["tenders"] for row in report.breakdowns["green_basis"].rows}
    assert basis == {"criteria": 1, "spec": 1, "combination": 0, "exemption": 1}
    tracks = {row["key"]: row["amount"] for row in report.breakdowns["innovation_track"].rows}
    assert tracks == {"market-dialogue": 2_000_000, "": 0}
    assert report.previous["sme_share_value"].value == 1.0  # 2024: only L7 (S1, small)


def test_data_quality_lists_invalid_unmatched_and_unknown(db, fixture):
    quality = statistics.data_quality(db, YEAR)
    assert quality.totals["invalid"] == {"lines": 1, "amount": 100, "suppliers": 1}
    assert quality.totals["unmatched"] == {"lines": 1, "amount": 200, "suppliers": 1}
    assert quality.totals["unknown"] == {"lines": 1, "amount": 400, "suppliers": 1}
    issues = {(row["issue"], row["orgnr"]) for row in quality.rows}
    assert issues == {("invalid", "123"), ("unmatched", UNMATCHED),
                      ("unknown", ORGNR["S4"])}


def test_drill_down_to_suppliers_and_lines(db, fixture):
    sme = statistics.drill_suppliers(db, YEAR, "flag", "sme")
    assert [row["orgnr"] for row in sme.rows] == [ORGNR["S1"], ORGNR["S3"]]
    assert sme.amount == 1500 and sme.total == 2
    local = statistics.drill_suppliers(db, YEAR, "kommune", "3205")
    assert {row["orgnr"] for row in local.rows} == {ORGNR["S1"], ORGNR["S4"]}
    unknown = statistics.drill_suppliers(db, YEAR, "size", "unknown")
    assert unknown.amount == 700 and unknown.total == 3
    paged = statistics.drill_suppliers(db, YEAR, None, None, page=2, per_page=2)
    assert paged.total == 6 and len(paged.rows) == 2 and paged.pages == 3
    past = statistics.drill_suppliers(db, YEAR, None, None, page=9, per_page=2)
    assert (past.rows, past.total, past.amount) == ([], 6, paged.amount)
    department = statistics.drill_suppliers(db, YEAR, "department", "B")
    assert department.amount == 2800 and department.total == 3
    lines = statistics.drill_lines(db, YEAR, ORGNR["S2"])
    assert [row["invoice_id"] for row in lines.rows] == ["L8", "L2"]
    assert lines.amount == 2500
    month = statistics.drill_suppliers(db, YEAR, "month", "2025-03")
    assert month.amount == 900
    with pytest.raises(ValueError):
        statistics.drill_suppliers(db, YEAR, "nonsense", "x")


def test_drill_down_awards_and_tenders(db, fixture):
    single = statistics.drill_awards(db, YEAR, flag="single")
    assert [row["award"].title for row in single.rows] == ["A1"]
    assert single.rows[0]["winners"] == [("p1", "small")]
    assert statistics.drill_awards(db, YEAR).total == 4
    green = statistics.drill_tenders(db, YEAR, flag="green")
    assert {row["tender"].reference for row in green.rows} == {"T1", "T2", "T3"}
    assert statistics.drill_tenders(db, YEAR, flag="exemption").total == 1
    assert statistics.drill_tenders(db, YEAR, flag="innovative").total == 2


def test_streamed_lines_for_the_export(db, fixture):
    lines = list(statistics.iter_lines(db, YEAR, chunk=2))
    assert [line["invoice_id"] for line in lines] == ["L1", "L2", "L3", "L4", "L5", "L8",
                                                      "L6"]
    assert lines[0]["invoice_date"] == date(2025, 1, 10)
    assert lines[0]["amount"] == 1000 and lines[0]["size_class"] == "small"


def test_filter_choices_come_from_the_data(db, fixture):
    choices = statistics.filter_choices(db, ORGANISATION_ID)
    assert choices["departments"] == ["A", "B"]
    assert choices["categories"] == ["X", "Y"]
    assert choices["divisions"] == ["45", "90"]
    assert {"open", "selective", "direct", "open-tender-competition",
            "market-dialogue"} <= set(choices["procedures"])
    assert choices["years"] == [2025, 2024]


def test_another_organisations_spend_awards_and_tenders_stay_out(db, fixture):
    """Issue 19: statistics are one organisation's. A second organisation with a line under
    the same invoice number, the same OCDS award and a tender changes none of the first's
    figures, breakdowns, drill-downs or filter choices, and sees only its own."""
    before = statistics.report(db, YEAR)
    choices = statistics.filter_choices(db, ORGANISATION_ID)
    suppliers = statistics.drill_suppliers(db, YEAR, None, None)
    other = Organisation(name="Nabokommune", orgnr="974760673", kommunenummer="0301")
    db.add(other)
    db.flush()
    s = fixture
    db.add(SpendLine(organisation_id=other.id, invoice_id="L1", invoice_date=date(2025, 1, 10),
                     supplier_orgnr=ORGNR["S2"], orgnr_valid=True, supplier_id=s["S2"].id,
                     amount_ore=50_000_00, department="Nabo", category="Nabokategori"))
    db.add(Award(organisation_id=other.id, source="ocds", ocid="ocds-test-A1", award_key="1",
                 title="Nabo A1", award_date=date(2025, 3, 1), procedure="negotiated",
                 number_of_tenderers=1))
    db.add(Tender(organisation_id=other.id, reference="T1", title="Nabo T1",
                  climate_status="met", climate_basis="criteria",
                  opened_at=datetime(2025, 5, 1, 10, tzinfo=UTC)))
    db.commit()
    after = statistics.report(db, YEAR)
    assert after.figures == before.figures and after.previous == before.previous
    assert after.breakdowns == before.breakdowns
    assert after.quality == before.quality
    assert statistics.filter_choices(db, ORGANISATION_ID) == choices
    assert statistics.drill_suppliers(db, YEAR, None, None) == suppliers
    assert "Nabo" not in {row["department"] for row in statistics.iter_lines(db, YEAR)}
    assert statistics.drill_awards(db, YEAR).total == 4
    assert "Nabo T1" not in {row["tender"].title for row in statistics.drill_tenders(
        db, YEAR).rows}

    theirs = replace(YEAR, organisation_id=other.id)
    totals = statistics.spend_totals(db, theirs)
    assert (totals.lines, totals.total) == (1, 50_000_00)
    assert statistics.award_totals(db, theirs).awards == 1
    assert [row["tender"].title for row in statistics.drill_tenders(db, theirs).rows] == [
        "Nabo T1"]
    assert statistics.drill_lines(db, theirs, ORGNR["S2"]).total == 1
    assert statistics.filter_choices(db, stored_id(other))["departments"] == ["Nabo"]
    with pytest.raises(ValueError, match="one organisation"):
        statistics.spend_totals(db, replace(YEAR, organisation_id=None))
