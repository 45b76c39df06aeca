"""Breakdowns added up from one grouped pass (data quality per issue; size and kommune with their
supplier counts) give what one query per breakdown gave, from the summaries or from the lines."""

from __future__ import annotations

import io
from datetime import date

import pytest

from procure.domain.statistics import Filters
from procure.models import Supplier
from procure.services import statistics
from tests.services.test_imports import HEADER
from tests.services.test_statistics import ORGANISATION_ID
from tests.support.owned import import_spend

# The organisation the imports make in a fresh database.
YEAR = Filters(date(2025, 1, 1), date(2025, 12, 31), organisation_id=ORGANISATION_ID)
KULTUR = Filters(date(2025, 1, 1), date(2025, 12, 31), department="Kultur",
                 organisation_id=ORGANISATION_ID)
# Invalid numbers (mod 11 fails), with two amounts tied: the tie is ordered by number.
LINES = [("X1", "123456789", "300,00", "Kultur"), ("X2", "223456789", "500,00", "Kultur"),
         ("X3", "023456789", "500,00", "Kultur"), ("X4", "123456789", "250,00", "Oppvekst"),
         ("X5", "923456789", "100,00", "Kultur"), ("X6", "998877660", "70,00", "Kultur"),
         ("X7", "", "40,00", "Oppvekst")]


@pytest.fixture
def imported(db):
    rows = "".join(f"{invoice};1;2025-03-01;{orgnr};{amount};6700;;;{department}\n"
                   for invoice, orgnr, amount, department in LINES)
    import_spend(db, io.BytesIO((HEADER + rows).encode()), "quality.csv")
    return db


@pytest.mark.parametrize("filters", [YEAR, KULTUR])
def test_largest_numbers_first_and_totals_past_the_limit(imported, filters):
    quality = statistics.data_quality(imported, filters, limit=3)
    invalid = [(row["orgnr"], row["lines"], row["amount"]) for row in quality.rows
               if row["issue"] == "invalid"]
    if filters is YEAR:
        assert invalid == [("123456789", 2, 550.0), ("023456789", 1, 500.0),
                           ("223456789", 1, 500.0)]
        assert quality.totals["invalid"] == {"lines": 6, "amount": 1690.0, "suppliers": 5}
    else:
        assert invalid == [("023456789", 1, 500.0), ("223456789", 1, 500.0),
                           ("123456789", 1, 300.0)]
        assert quality.totals["invalid"] == {"lines": 4, "amount": 1400.0, "suppliers": 4}
    assert quality.totals["unmatched"] == {"lines": 1, "amount": 70.0, "suppliers": 1}
    assert [row["orgnr"] for row in quality.rows if row["issue"] == "unmatched"] == [
        "998877660"]


def test_a_number_with_lines_before_and_after_its_supplier_counts_once_per_size(db):
    def spend(invoice: str, amount: str) -> None:
        import_spend(db, io.BytesIO(
            f"{HEADER}{invoice};1;2025-03-01;998877660;{amount};6700;;;Kultur\n".encode()),
            f"{invoice}.csv")

    spend("Y1", "100,00")  # not in the register yet: unknown size, no kommune
    db.add(Supplier(orgnr="998877660", name="Late AS", size_class="small",
                    kommunenummer="3205"))
    db.flush()
    spend("Y2", "50,00")  # linked when imported; Y1 stays as it was (no relink)
    for filters in (YEAR, KULTUR):  # the summaries, and the lines
        breakdowns = statistics.spend_breakdowns(db, filters)
        size = {row["key"]: (row["amount"], row["suppliers"], row["sme_amount"])
                for row in breakdowns["size"].rows}
        assert size == {"small": (50.0, 1, 50.0), "unknown": (100.0, 1, 0.0)}
        kommune = {row["key"]: (row["amount"], row["suppliers"])
                   for row in breakdowns["kommune"].rows}
        assert kommune == {"3205": (50.0, 1), "": (100.0, 1)}
